//! The hand-written SQL the writeros service runs, each statement checked by schemalock against
//! the committed snapshot at compile time: `sql!` checks the statement, `sql_as!(T, ...)` also
//! checks that every field of `T` reads a result column of a type it decodes. Both expand to the
//! same `&'static str`, which goes to sqlx unchanged.
//!
//! A renamed or dropped column, a retyped one, a misspelt enum label: the build fails at the
//! statement, with did-you-mean. Each statement is also registered, so the startup verification
//! (`schemalock::verify::sqlx`) prepares it against the live database, with its file and line.

use schemalock::{sql, sql_as};

use crate::models::{Chunk, DocumentSearchHit, Entity, EntitySummary, Event, Fact, SimilarEntity};

/// The entities of one type in a vault, most important first: the query of the incident.
pub const ENTITIES_BY_TYPE: &str = sql_as!(
    Entity,
    "SELECT id, vault_id, source_chunk_id, name, entity_type, canon_layer, canon_status,
            significance, mention_count, extraction_confidence, importance_score, aliases,
            attributes, embedding, created_at, updated_at
       FROM entities
      WHERE vault_id = $1 AND entity_type = $2
      ORDER BY importance_score DESC
      LIMIT $3"
);

/// The entity browser: a summary row per entity, with the flattened canon pair.
pub const ENTITY_BROWSER: &str = sql_as!(
    EntitySummary,
    "SELECT id, name, entity_type, significance, mention_count, canon_layer, canon_status
       FROM entities
      WHERE vault_id = $1 AND canon_status = 'ACTIVE'
      ORDER BY mention_count DESC, name"
);

/// Entities nearest to a query embedding (pgvector cosine distance, served by the HNSW index).
pub const SIMILAR_ENTITIES: &str = sql_as!(
    SimilarEntity,
    "SELECT id, name, entity_type, embedding <=> $2 AS distance
       FROM entities
      WHERE vault_id = $1 AND embedding IS NOT NULL
      ORDER BY embedding <=> $2
      LIMIT $3"
);

/// The extractor's upsert: a second sighting of the same entity bumps its mention count.
pub const UPSERT_ENTITY: &str = sql!(
    "INSERT INTO entities (vault_id, name, entity_type, source_chunk_id, significance,
                           extraction_confidence, aliases)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (vault_id, name, entity_type)
     DO UPDATE SET mention_count = entities.mention_count + 1, updated_at = now()
     RETURNING id"
);

/// Retrieval: the chunks of a vault nearest to a query embedding.
pub const SIMILAR_CHUNKS: &str = sql_as!(
    Chunk,
    "SELECT id, document_id, vault_id, chunk_index, content, token_count, embedding, created_at
       FROM chunks
      WHERE vault_id = $1 AND embedding IS NOT NULL
      ORDER BY embedding <=> $2
      LIMIT $3"
);

/// Full-text search. `search` is a generated `tsvector` column, named here directly; `rank` is
/// computed, and `DocumentSearchHit` is a `Row`, not a table's model.
pub const SEARCH_DOCUMENTS: &str = sql_as!(
    DocumentSearchHit,
    "SELECT id, title, word_count, ts_rank(search, websearch_to_tsquery('english', $2)) AS rank
       FROM documents
      WHERE vault_id = $1 AND search @@ websearch_to_tsquery('english', $2)
      ORDER BY rank DESC
      LIMIT 20"
);

/// The change feed: events after a cursor, in `seq` order.
pub const EVENTS_AFTER: &str = sql_as!(
    Event,
    "SELECT id, seq, vault_id, scene_id, event_kind, description, occurred_at, participant_ids,
            created_at
       FROM events
      WHERE vault_id = $1 AND seq > $2
      ORDER BY seq
      LIMIT $3"
);

/// Recording an event; PostgreSQL assigns `seq`.
pub const INSERT_EVENT: &str = sql!(
    "INSERT INTO events (vault_id, scene_id, event_kind, description, occurred_at,
                         participant_ids)
     VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, seq"
);

/// What the story says about one entity, canon only.
pub const FACTS_ABOUT: &str = sql_as!(
    Fact,
    "SELECT f.id, f.vault_id, f.subject_id, f.predicate, f.object_entity_id, f.object_text,
            f.confidence, f.canon_layer, f.source_chunk_id, f.created_at
       FROM facts f
      WHERE f.subject_id = $1 AND f.canon_layer = 'PRIMARY'
      ORDER BY f.confidence DESC"
);

/// A mention: the counter goes up, the entity is touched.
pub const COUNT_MENTION: &str =
    sql!("UPDATE entities SET mention_count = mention_count + 1, updated_at = now() WHERE id = $1");

/// Every statement, named, in the order the service documents them.
pub const ALL: &[(&str, &str)] = &[
    ("entities of one type in a vault", ENTITIES_BY_TYPE),
    ("entity browser", ENTITY_BROWSER),
    ("entities similar to an embedding", SIMILAR_ENTITIES),
    ("extractor upsert", UPSERT_ENTITY),
    ("chunks similar to an embedding", SIMILAR_CHUNKS),
    ("document search", SEARCH_DOCUMENTS),
    ("event feed", EVENTS_AFTER),
    ("record an event", INSERT_EVENT),
    ("facts about an entity", FACTS_ABOUT),
    ("count a mention", COUNT_MENTION),
];
