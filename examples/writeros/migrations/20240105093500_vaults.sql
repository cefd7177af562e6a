-- A vault is one author's story world: every document, entity and fact belongs to exactly one.
CREATE TABLE vaults (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL,
    description text,
    -- Users live in the auth service; no foreign key across services.
    owner_id    uuid NOT NULL,
    -- Per-vault knobs (embedding model, extraction prompts, ...), read by the service as JSON.
    settings    jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    CONSTRAINT vaults_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$')
);

CREATE INDEX vaults_owner_id_idx ON vaults (owner_id);
