-- Manuscripts, notes and wiki pages uploaded into a vault.
CREATE TABLE documents (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    vault_id     uuid NOT NULL REFERENCES vaults ON DELETE CASCADE,
    title        text NOT NULL,
    body         text NOT NULL DEFAULT '',
    -- Where the document came from, e.g. `drafts/book-2/ch07.md`; NULL for pasted text.
    source_path  text,
    content_hash text,
    -- Full-text search over title and body, kept up to date by PostgreSQL itself.
    search       tsvector GENERATED ALWAYS AS (
                     to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, ''))
                 ) STORED,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT documents_vault_id_source_path_key UNIQUE (vault_id, source_path)
);

CREATE INDEX documents_vault_id_idx ON documents (vault_id);
CREATE INDEX documents_search_gin ON documents USING gin (search);
