-- Documents split into passages for embedding and retrieval.
CREATE TABLE chunks (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    document_id uuid NOT NULL REFERENCES documents ON DELETE CASCADE,
    -- Denormalised from documents so retrieval can filter by vault without a join.
    vault_id    uuid NOT NULL REFERENCES vaults ON DELETE CASCADE,
    chunk_index integer NOT NULL,
    content     text NOT NULL,
    token_count integer NOT NULL DEFAULT 0,
    -- NULL until the embedding worker has processed the chunk.
    embedding   vector(1536),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chunks_document_id_chunk_index_key UNIQUE (document_id, chunk_index),
    CONSTRAINT chunks_chunk_index_check CHECK (chunk_index >= 0)
);

CREATE INDEX chunks_vault_id_idx ON chunks (vault_id);
CREATE INDEX chunks_embedding_hnsw ON chunks
    USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
