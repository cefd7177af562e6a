-- The SQL the writeros example builds with format! from its models' column constants
-- (`examples/writeros/src/main.rs`, printed by `cargo run -p writeros`), written out literally, against
-- `examples/writeros/schemalock.json` (PostgreSQL 16 with pgvector).

-- @ entities of one type in a vault
SELECT id, name, entity_type, canon_layer, extraction_confidence, importance_score FROM entities WHERE vault_id = $1 AND entity_type = $2 ORDER BY importance_score DESC LIMIT $3
-- @ entity browser
SELECT id, name, entity_type, significance, mention_count, canon_layer, canon_status FROM entities WHERE vault_id = $1 AND canon_status = 'ACTIVE' ORDER BY mention_count DESC, name
-- @ entities similar to an embedding
SELECT id, name, entity_type, embedding <=> $2 AS distance FROM entities WHERE vault_id = $1 AND embedding IS NOT NULL ORDER BY embedding <=> $2 LIMIT $3
-- @ extractor upsert
INSERT INTO entities (vault_id, name, entity_type, source_chunk_id, significance, extraction_confidence, aliases) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (vault_id, name, entity_type) DO UPDATE SET mention_count = entities.mention_count + 1, updated_at = now() RETURNING id
-- @ chunks similar to an embedding
SELECT id, document_id, chunk_index, content FROM chunks WHERE vault_id = $1 AND embedding IS NOT NULL ORDER BY embedding <=> $2 LIMIT $3
-- @ document search
SELECT id, title, word_count, ts_rank(search, websearch_to_tsquery('english', $2)) AS rank FROM documents WHERE vault_id = $1 AND search @@ websearch_to_tsquery('english', $2) ORDER BY rank DESC LIMIT 20
-- @ event feed
SELECT seq, id, scene_id, event_kind, description, occurred_at, participant_ids FROM events WHERE vault_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
-- @ record an event
INSERT INTO events (vault_id, scene_id, event_kind, description, occurred_at, participant_ids) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, seq
-- @ facts about an entity
SELECT id, predicate, object_entity_id, object_text, confidence FROM facts WHERE subject_id = $1 AND canon_layer = 'PRIMARY' ORDER BY confidence DESC
-- @ reject the incident's query, with the column name `20240412090000_entity_enums.sql` renamed
SELECT id, name, type FROM entities WHERE vault_id = $1
