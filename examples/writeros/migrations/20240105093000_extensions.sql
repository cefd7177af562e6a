-- pgvector, for chunk and entity embeddings (1536 dimensions: the embedding model's output).
-- gen_random_uuid() is built into PostgreSQL 13 and later, so pgcrypto is not needed.
CREATE EXTENSION IF NOT EXISTS vector;
