-- Characters, places, organisations, ... extracted from chunks.
--
-- The classification columns are free text for now: the extractor's vocabulary is still moving.
-- (They became PostgreSQL enums in 20240412090000_entity_enums.sql.)
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
