//! The writeros models, as they are after the April migration
//! (`migrations/20240412090000_entity_enums.sql`, `migrations/20240412093000_entity_counters_not_null.sql`).
//!
//! Every `#[derive(schemalock::Table)]` below is checked at compile time against the committed
//! snapshot `schemalock.json`: a column that does not exist, a Rust type that cannot decode the
//! column's type, or a non-`Option` field on a nullable column is a compile error on the field.
//! Every `#[derive(schemalock::PgEnum)]` is checked label by label against its PostgreSQL enum.
//!
//! schemalock reads the `#[sqlx(...)]` attributes sqlx already needs (`type_name`, `rename_all`,
//! `rename`, `skip`, `flatten`, `json`), so nothing is written twice.

use chrono::{DateTime, Utc};
use pgvector::Vector;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Enums (created in 20240412090000_entity_enums.sql)
// ---------------------------------------------------------------------------------------------

/// `entitytype`: what kind of thing an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, schemalock::PgEnum, sqlx::Type)]
#[sqlx(type_name = "entitytype", rename_all = "UPPERCASE")]
pub enum EntityType {
    Character,
    Location,
    Organization,
    Item,
    Concept,
    Event,
}

/// `canonlayer`: which version of the story a piece of knowledge belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, schemalock::PgEnum, sqlx::Type)]
#[sqlx(type_name = "canonlayer", rename_all = "UPPERCASE")]
pub enum CanonLayer {
    Primary,
    Alternate,
    Draft,
    Retconned,
}

/// `canonstatus`: whether the author has accepted an extracted entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, schemalock::PgEnum, sqlx::Type)]
#[sqlx(type_name = "canonstatus", rename_all = "UPPERCASE")]
pub enum CanonStatus {
    Active,
    Deprecated,
    Pending,
}

/// `nodesignificance`: how central an entity is to the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, schemalock::PgEnum, sqlx::Type)]
#[sqlx(type_name = "nodesignificance", rename_all = "UPPERCASE")]
pub enum NodeSignificance {
    Protagonist,
    Major,
    Supporting,
    Minor,
    Mentioned,
}

// ---------------------------------------------------------------------------------------------
// vaults
// ---------------------------------------------------------------------------------------------

/// A story world. `exhaustive`: a column added to `vaults` without a field here fails the build,
/// so the admin export (which serialises whole vaults) can never silently drop data.
#[derive(Debug, schemalock::Table, sqlx::FromRow)]
#[schemalock(table = "vaults", exhaustive)]
pub struct Vault {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub owner_id: Uuid,
    /// `jsonb`, decoded straight into a typed struct.
    #[sqlx(json)]
    pub settings: VaultSettings,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

/// The contents of `vaults.settings`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VaultSettings {
    /// The embedding model of every vector in the vault; `None` means the service default.
    pub embedding_model: Option<String>,
    /// Whether new documents are run through entity extraction.
    pub auto_extract: bool,
    /// Extra instructions appended to the extraction prompt.
    pub extraction_hints: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// documents and chunks
// ---------------------------------------------------------------------------------------------

/// An uploaded manuscript or note. The generated `search` column (`tsvector`) is used in SQL only
/// and has no field: a model does not have to read every column unless it says `exhaustive`.
#[derive(Debug, schemalock::Table, sqlx::FromRow)]
#[schemalock(table = "documents")]
pub struct Document {
    pub id: Uuid,
    pub vault_id: Uuid,
    pub title: String,
    pub body: String,
    pub source_path: Option<String>,
    pub content_hash: Option<String>,
    pub word_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A full-text search hit: no table's row, since `rank` is computed by the query
/// (`ts_rank(...) AS rank`). `sql_as!(DocumentSearchHit, ...)` checks each field against the
/// statement's result columns; `rank` is an `Option` because `ts_rank` of a nullable column can be
/// NULL, as far as the types say.
#[derive(Debug, schemalock::Row, sqlx::FromRow)]
pub struct DocumentSearchHit {
    pub id: Uuid,
    pub title: String,
    pub word_count: i32,
    pub rank: Option<f32>,
}

/// An entity near a query embedding, with its cosine distance.
#[derive(Debug, schemalock::Row, sqlx::FromRow)]
pub struct SimilarEntity {
    pub id: Uuid,
    pub name: String,
    pub entity_type: EntityType,
    pub distance: Option<f64>,
}

/// A passage of a document, with its embedding once the embedding worker has seen it.
#[derive(Debug, schemalock::Table, sqlx::FromRow)]
#[schemalock(table = "chunks")]
pub struct Chunk {
    pub id: Uuid,
    pub document_id: Uuid,
    pub vault_id: Uuid,
    pub chunk_index: i32,
    pub content: String,
    pub token_count: i32,
    pub embedding: Option<Vector>,
    pub created_at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------------
// entities
// ---------------------------------------------------------------------------------------------

/// A character, place, organisation, ... of the story: the table the incident was about.
#[derive(Debug, schemalock::Table, sqlx::FromRow)]
#[schemalock(table = "entities")]
pub struct Entity {
    pub id: Uuid,
    pub vault_id: Uuid,
    pub source_chunk_id: Option<Uuid>,
    pub name: String,
    /// Was `type varchar(20)` before the April migration.
    pub entity_type: EntityType,
    pub canon_layer: CanonLayer,
    pub canon_status: CanonStatus,
    pub significance: NodeSignificance,
    pub mention_count: i32,
    /// The field has a shorter name than its column; schemalock checks the column sqlx reads.
    #[sqlx(rename = "extraction_confidence")]
    pub confidence: f64,
    pub importance_score: f32,
    pub aliases: Vec<String>,
    pub attributes: serde_json::Value,
    pub embedding: Option<Vector>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Filled in by graph expansion after loading, never read from the row.
    #[sqlx(skip)]
    pub related: Vec<Uuid>,
}

/// The columns every entity listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, schemalock::Table, sqlx::FromRow)]
#[schemalock(table = "entities")]
pub struct Canon {
    pub canon_layer: CanonLayer,
    pub canon_status: CanonStatus,
}

/// A row of the entity browser: a few columns plus the canon pair, flattened from [`Canon`].
/// schemalock checks `Canon` against the same table.
#[derive(Debug, schemalock::Table, sqlx::FromRow)]
#[schemalock(table = "entities")]
pub struct EntitySummary {
    pub id: Uuid,
    pub name: String,
    pub entity_type: EntityType,
    pub significance: NodeSignificance,
    pub mention_count: i32,
    #[sqlx(flatten)]
    pub canon: Canon,
}

/// What the extractor inserts. `insertable`: it must set every NOT NULL column that has no
/// default (`vault_id`, `name`, `entity_type`), and may not set generated or identity columns.
/// The other fields are nullable or have defaults; the extractor knows them, so it sets them.
/// Columns left out (`canon_layer`, `mention_count`, ...) take their defaults. It is never read
/// from a row, so it derives no `FromRow`, and names its column with schemalock's own `rename`.
#[derive(Debug, Clone, schemalock::Table)]
#[schemalock(table = "entities", insertable)]
pub struct NewEntity {
    pub vault_id: Uuid,
    pub name: String,
    pub entity_type: EntityType,
    pub source_chunk_id: Option<Uuid>,
    pub significance: NodeSignificance,
    #[schemalock(rename = "extraction_confidence")]
    pub confidence: f64,
    pub aliases: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// the timeline: scenes and events
// ---------------------------------------------------------------------------------------------

/// A scene, in reading order within its vault.
#[derive(Debug, schemalock::Table, sqlx::FromRow)]
#[schemalock(table = "scenes")]
pub struct Scene {
    pub id: Uuid,
    pub vault_id: Uuid,
    pub document_id: Option<Uuid>,
    pub sequence: i32,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub location_id: Option<Uuid>,
    pub pov_entity_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Something that happens in the story. `seq` is `GENERATED ALWAYS AS IDENTITY`.
#[derive(Debug, schemalock::Table, sqlx::FromRow)]
#[schemalock(table = "events")]
pub struct Event {
    pub id: Uuid,
    pub seq: i64,
    pub vault_id: Uuid,
    pub scene_id: Option<Uuid>,
    pub event_kind: String,
    pub description: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub participant_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// An event to insert: no `seq` (PostgreSQL assigns it; an insertable model that had the field
/// would fail to compile), no `id` or `created_at` (defaults).
#[derive(Debug, Clone, schemalock::Table)]
#[schemalock(table = "events", insertable)]
pub struct NewEvent {
    pub vault_id: Uuid,
    pub scene_id: Option<Uuid>,
    pub event_kind: String,
    pub description: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub participant_ids: Vec<Uuid>,
}

// ---------------------------------------------------------------------------------------------
// facts
// ---------------------------------------------------------------------------------------------

/// A subject-predicate-object statement: "Mara / sister_of / Ilan".
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
    pub canon_layer: CanonLayer,
    pub source_chunk_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}
