-- The DRIFTED database: what the stale production database of the incident looked like.
--
-- It has every table of the current schema, but `entities` (and `facts.canon_layer`) are still in
-- their pre-April shape: the change in ../migrations/20240412090000_entity_enums.sql and
-- ../migrations/20240412093000_entity_counters_not_null.sql had been made by hand on another
-- database and never reached this one. Concretely, compared with the migrations:
--
--   entities.type                   varchar(20) NOT NULL  (now entity_type entitytype NOT NULL)
--   entities.canon_layer            varchar(20)           (now canonlayer)
--   entities.canon_status           varchar(20)           (now canonstatus)
--   entities.significance           varchar(20), nullable (now nodesignificance NOT NULL)
--   entities.mention_count          integer, nullable     (now NOT NULL)
--   entities.extraction_confidence  double precision, nullable, no default (now NOT NULL DEFAULT 0)
--   entities.importance_score       real, nullable        (now NOT NULL)
--   facts.canon_layer               varchar(20)           (now canonlayer)
--
-- The enum types (entitytype, canonlayer, canonstatus, nodesignificance) are ABSENT here, not
-- present-but-unused: this database never ran the enum migration at all, so nothing ever created
-- them. That is also the state that hurts most: a service that binds a `canonlayer` parameter
-- fails on the type itself, not only on the column.
--
-- Apply it to an empty database; it creates the vector extension itself when missing:
--
--   createdb writeros_drifted
--   psql -v ON_ERROR_STOP=1 -d writeros_drifted -f drifted.sql
--
-- Applying ../migrations/20240105093000_extensions.sql .. 20240318160000_documents_word_count.sql
-- yields the same schema (checked with `pg_dump --schema-only`, see the README).

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE vaults (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL,
    description text,
    owner_id    uuid NOT NULL,
    settings    jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    CONSTRAINT vaults_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$')
);
CREATE INDEX vaults_owner_id_idx ON vaults (owner_id);

CREATE TABLE documents (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    vault_id     uuid NOT NULL REFERENCES vaults ON DELETE CASCADE,
    title        text NOT NULL,
    body         text NOT NULL DEFAULT '',
    source_path  text,
    content_hash text,
    search       tsvector GENERATED ALWAYS AS (
                     to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, ''))
                 ) STORED,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    word_count   integer NOT NULL DEFAULT 0,
    CONSTRAINT documents_vault_id_source_path_key UNIQUE (vault_id, source_path)
);
CREATE INDEX documents_vault_id_idx ON documents (vault_id);
CREATE INDEX documents_search_gin ON documents USING gin (search);

CREATE TABLE chunks (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    document_id uuid NOT NULL REFERENCES documents ON DELETE CASCADE,
    vault_id    uuid NOT NULL REFERENCES vaults ON DELETE CASCADE,
    chunk_index integer NOT NULL,
    content     text NOT NULL,
    token_count integer NOT NULL DEFAULT 0,
    embedding   vector(1536),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chunks_document_id_chunk_index_key UNIQUE (document_id, chunk_index),
    CONSTRAINT chunks_chunk_index_check CHECK (chunk_index >= 0)
);
CREATE INDEX chunks_vault_id_idx ON chunks (vault_id);
CREATE INDEX chunks_embedding_hnsw ON chunks
    USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

-- The drifted table.
CREATE TABLE entities (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    vault_id              uuid NOT NULL REFERENCES vaults ON DELETE CASCADE,
    source_chunk_id       uuid REFERENCES chunks ON DELETE SET NULL,
    name                  text NOT NULL,
    type                  varchar(20) NOT NULL,
    canon_layer           varchar(20) NOT NULL DEFAULT 'PRIMARY',
    canon_status          varchar(20) NOT NULL DEFAULT 'ACTIVE',
    significance          varchar(20) DEFAULT 'MENTIONED',
    mention_count         integer DEFAULT 0,
    extraction_confidence double precision,
    importance_score      real DEFAULT 0,
    aliases               text[] NOT NULL DEFAULT '{}',
    attributes            jsonb NOT NULL DEFAULT '{}',
    embedding             vector(1536),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT entities_vault_id_name_type_key UNIQUE (vault_id, name, type)
);
CREATE INDEX entities_vault_id_type_idx ON entities (vault_id, type);
CREATE INDEX entities_vault_id_canon_idx ON entities (vault_id, canon_layer, canon_status);
CREATE INDEX entities_source_chunk_id_idx ON entities (source_chunk_id);
CREATE INDEX entities_embedding_hnsw ON entities
    USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

CREATE TABLE scenes (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    vault_id      uuid NOT NULL REFERENCES vaults ON DELETE CASCADE,
    document_id   uuid REFERENCES documents ON DELETE SET NULL,
    sequence      integer NOT NULL,
    title         text,
    summary       text,
    location_id   uuid REFERENCES entities ON DELETE SET NULL,
    pov_entity_id uuid REFERENCES entities ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT scenes_vault_id_sequence_key UNIQUE (vault_id, sequence)
);
CREATE INDEX scenes_document_id_idx ON scenes (document_id);

CREATE TABLE events (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq             bigint GENERATED ALWAYS AS IDENTITY,
    vault_id        uuid NOT NULL REFERENCES vaults ON DELETE CASCADE,
    scene_id        uuid REFERENCES scenes ON DELETE SET NULL,
    event_kind      text NOT NULL,
    description     text NOT NULL,
    occurred_at     timestamptz,
    participant_ids uuid[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_seq_key UNIQUE (seq)
);
CREATE INDEX events_vault_id_seq_idx ON events (vault_id, seq);
CREATE INDEX events_scene_id_idx ON events (scene_id);
CREATE INDEX events_participant_ids_gin ON events USING gin (participant_ids);

CREATE TABLE facts (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    vault_id         uuid NOT NULL REFERENCES vaults ON DELETE CASCADE,
    subject_id       uuid NOT NULL REFERENCES entities ON DELETE CASCADE,
    predicate        text NOT NULL,
    object_entity_id uuid REFERENCES entities ON DELETE CASCADE,
    object_text      text,
    confidence       real NOT NULL DEFAULT 1,
    canon_layer      varchar(20) NOT NULL DEFAULT 'PRIMARY',
    source_chunk_id  uuid REFERENCES chunks ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT facts_object_present CHECK (object_entity_id IS NOT NULL OR object_text IS NOT NULL),
    CONSTRAINT facts_confidence_range CHECK (confidence >= 0 AND confidence <= 1)
);
CREATE INDEX facts_subject_id_predicate_idx ON facts (subject_id, predicate);
CREATE INDEX facts_object_entity_id_idx ON facts (object_entity_id);
CREATE INDEX facts_vault_id_canon_layer_idx ON facts (vault_id, canon_layer);
