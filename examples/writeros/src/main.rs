//! Prints the hand-written SQL the writeros service runs, built from the column names schemalock
//! generates for each model (`Model::COLUMNS`).
//!
//! A string literal like `"SELECT type FROM entities"` survives any migration and fails at run
//! time; `Entity::COLUMNS.entity_type` exists only while the model matches the snapshot, so a
//! renamed or dropped column breaks the build at every query that names it.
//!
//! With `DATABASE_URL` set, it starts the way the service does: it first verifies the live
//! database against the models it was compiled with (`schemalock::verify::sqlx`), prints the
//! report, and refuses to start (exit 1) when they do not match. That is the incident this
//! project comes from, caught before the first query instead of by the first failing one.

use std::process::ExitCode;
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use writeros::models::{
    Canon, Chunk, Document, DocumentSearchHit, Entity, EntitySummary, Event, Fact, NewEntity,
    NewEvent,
};

/// `a, b, c` for SELECT lists.
fn list(columns: &[&str]) -> String {
    columns.join(", ")
}

/// `$1, $2, ...` for `n` parameters.
fn params(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The entities of one type in a vault, most important first: the query of the incident.
fn entities_by_type() -> String {
    let c = Entity::COLUMNS;
    format!(
        "SELECT {} FROM entities WHERE {} = $1 AND {} = $2 ORDER BY {} DESC LIMIT $3",
        list(&[
            c.id,
            c.name,
            c.entity_type,
            c.canon_layer,
            c.confidence,
            c.importance_score
        ]),
        c.vault_id,
        c.entity_type,
        c.importance_score,
    )
}

/// The entity browser: a summary row per entity, with the flattened canon pair.
fn entity_browser() -> String {
    let (s, canon) = (EntitySummary::COLUMNS, Canon::COLUMNS);
    format!(
        "SELECT {} FROM entities WHERE {} = $1 AND {} = 'ACTIVE' ORDER BY {} DESC, {}",
        list(&[
            s.id,
            s.name,
            s.entity_type,
            s.significance,
            s.mention_count,
            canon.canon_layer,
            canon.canon_status,
        ]),
        Entity::COLUMNS.vault_id,
        canon.canon_status,
        s.mention_count,
        s.name,
    )
}

/// Entities nearest to a query embedding (pgvector cosine distance, served by the HNSW index).
fn similar_entities() -> String {
    let c = Entity::COLUMNS;
    format!(
        "SELECT {}, {} <=> $2 AS distance FROM entities WHERE {} = $1 AND {} IS NOT NULL ORDER BY {} <=> $2 LIMIT $3",
        list(&[c.id, c.name, c.entity_type]),
        c.embedding,
        c.vault_id,
        c.embedding,
        c.embedding,
    )
}

/// The extractor's upsert: a second sighting of the same entity bumps its mention count.
fn upsert_entity() -> String {
    let (n, e) = (NewEntity::COLUMNS, Entity::COLUMNS);
    let columns = [
        n.vault_id,
        n.name,
        n.entity_type,
        n.source_chunk_id,
        n.significance,
        n.confidence,
        n.aliases,
    ];
    format!(
        "INSERT INTO entities ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {} = entities.{} + 1, {} = now() RETURNING {}",
        list(&columns),
        params(columns.len()),
        list(&[e.vault_id, e.name, e.entity_type]),
        e.mention_count,
        e.mention_count,
        e.updated_at,
        e.id,
    )
}

/// Retrieval: the chunks of a vault nearest to a query embedding.
fn similar_chunks() -> String {
    let c = Chunk::COLUMNS;
    format!(
        "SELECT {} FROM chunks WHERE {} = $1 AND {} IS NOT NULL ORDER BY {} <=> $2 LIMIT $3",
        list(&[c.id, c.document_id, c.chunk_index, c.content]),
        c.vault_id,
        c.embedding,
        c.embedding,
    )
}

/// Full-text search. `search` is a generated `tsvector` column with no Rust type, so it has no
/// field and is named here directly; `rank` is computed, not a column.
fn search_documents() -> String {
    let c = DocumentSearchHit::COLUMNS;
    format!(
        "SELECT {}, ts_rank(search, websearch_to_tsquery('english', $2)) AS rank FROM documents \
         WHERE {} = $1 AND search @@ websearch_to_tsquery('english', $2) ORDER BY rank DESC LIMIT 20",
        list(&[c.id, c.title, c.word_count]),
        Document::COLUMNS.vault_id,
    )
}

/// The change feed: events after a cursor, in `seq` order.
fn events_after() -> String {
    let c = Event::COLUMNS;
    format!(
        "SELECT {} FROM events WHERE {} = $1 AND {} > $2 ORDER BY {} LIMIT $3",
        list(&[
            c.seq,
            c.id,
            c.scene_id,
            c.event_kind,
            c.description,
            c.occurred_at,
            c.participant_ids
        ]),
        c.vault_id,
        c.seq,
        c.seq,
    )
}

/// Recording an event; PostgreSQL assigns `seq`.
fn insert_event() -> String {
    let c = NewEvent::COLUMNS;
    let columns = [
        c.vault_id,
        c.scene_id,
        c.event_kind,
        c.description,
        c.occurred_at,
        c.participant_ids,
    ];
    format!(
        "INSERT INTO events ({}) VALUES ({}) RETURNING {}",
        list(&columns),
        params(columns.len()),
        list(&[Event::COLUMNS.id, Event::COLUMNS.seq]),
    )
}

/// What the story says about one entity, canon only.
fn facts_about() -> String {
    let c = Fact::COLUMNS;
    format!(
        "SELECT {} FROM facts WHERE {} = $1 AND {} = 'PRIMARY' ORDER BY {} DESC",
        list(&[
            c.id,
            c.predicate,
            c.object_entity_id,
            c.object_text,
            c.confidence
        ]),
        c.subject_id,
        c.canon_layer,
        c.confidence,
    )
}

/// Exit codes: 0 ready, 1 the database does not match the models, 2 could not verify.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Ok(url) = std::env::var("DATABASE_URL") else {
        print_queries();
        eprintln!(
            "writeros: set DATABASE_URL to start the service; it verifies the database first"
        );
        return ExitCode::SUCCESS;
    };
    let pool = match PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(5))
        .connect(&url)
        .await
    {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("writeros: cannot connect to the database: {e}");
            return ExitCode::from(2);
        }
    };
    match schemalock::verify::sqlx(&pool).await {
        Ok(report) if report.is_clean() => {
            println!("{report}");
            println!("writeros: ready");
            ExitCode::SUCCESS
        }
        Ok(report) => {
            eprintln!("{report}");
            eprintln!("writeros: refusing to start: the database does not match the models");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn print_queries() {
    let queries = [
        ("entities of one type in a vault", entities_by_type()),
        ("entity browser", entity_browser()),
        ("entities similar to an embedding", similar_entities()),
        ("extractor upsert", upsert_entity()),
        ("chunks similar to an embedding", similar_chunks()),
        ("document search", search_documents()),
        ("event feed", events_after()),
        ("record an event", insert_event()),
        ("facts about an entity", facts_about()),
    ];
    for (what, sql) in queries {
        println!("-- {what}\n{sql};\n");
    }
}
