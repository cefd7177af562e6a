//! The models exactly as the service had them before the April migration, when `entities` still
//! had `type varchar(20)`, free-text classification columns and nullable counters (see
//! `drifted/drifted.sql`).
//!
//! Compiled only with `--features stale-models`, and then it must NOT compile: checked against
//! the committed snapshot of the migrated schema, every field the migration changed is an error.
//! Without schemalock these models compiled fine and failed query by query at run time.
//!
//! ```text
//! cargo build -p writeros --features stale-models
//! ```

use chrono::{DateTime, Utc};
use pgvector::Vector;
use uuid::Uuid;

/// `entities` as the service read it before the migration.
#[derive(Debug, schemalock::Table, sqlx::FromRow)]
#[schemalock(table = "entities")]
pub struct Entity {
    pub id: Uuid,
    pub vault_id: Uuid,
    pub source_chunk_id: Option<Uuid>,
    pub name: String,
    /// The column is `entity_type` now.
    pub r#type: String,
    /// `canonlayer`, `canonstatus` and `nodesignificance` enums now; `String` cannot decode them.
    pub canon_layer: String,
    pub canon_status: String,
    pub significance: Option<String>,
    pub mention_count: i32,
    pub extraction_confidence: Option<f64>,
    pub importance_score: f32,
    pub aliases: Vec<String>,
    pub attributes: serde_json::Value,
    pub embedding: Option<Vector>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the extractor inserted.
#[derive(Debug, Clone, schemalock::Table)]
#[schemalock(table = "entities", insertable)]
pub struct NewEntity {
    pub vault_id: Uuid,
    pub name: String,
    pub r#type: String,
    pub source_chunk_id: Option<Uuid>,
    pub significance: Option<String>,
    pub extraction_confidence: Option<f64>,
    pub aliases: Vec<String>,
}

/// `facts` as the service read it: `canon_layer` was free text there too.
#[derive(Debug, schemalock::Table, sqlx::FromRow)]
#[schemalock(table = "facts")]
pub struct Fact {
    pub id: Uuid,
    pub vault_id: Uuid,
    pub subject_id: Uuid,
    pub predicate: String,
    pub object_entity_id: Option<Uuid>,
    pub object_text: Option<String>,
    pub confidence: f32,
    pub canon_layer: String,
    pub source_chunk_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// The incident's query, as the service wrote it before the migration. Through `sql!` it no
/// longer builds: `column `type` does not exist; did you mean `entity_type`?`, and the enum
/// labels it compares with are checked too.
pub const ENTITIES_BY_TYPE: &str = schemalock::sql!(
    "SELECT id, name, type, canon_layer FROM entities
      WHERE vault_id = $1 AND type = $2 AND canon_layer = 'RETCONED'
      ORDER BY importance_score DESC"
);
