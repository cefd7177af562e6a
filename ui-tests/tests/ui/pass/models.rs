use std::borrow::Cow;

use schemalock::{PgCompatible, Table};

#[derive(Debug, schemalock::PgEnum)]
#[schemalock(type_name = "entitytype", rename_all = "UPPERCASE")]
enum EntityType {
    Character,
    Location,
    Item,
}

/// A newtype maps like what it wraps.
struct Confidence(f64);
impl PgCompatible for Confidence {
    const ACCEPTS: schemalock::Accepts = <f64 as PgCompatible>::ACCEPTS;
}

type Aliases = Vec<String>;

struct Ltree(#[allow(dead_code)] String);

#[derive(schemalock::Table)]
#[schemalock(table = "entities")]
#[allow(dead_code)]
struct Entity<'a> {
    id: uuid::Uuid,
    vault_id: uuid::Uuid,
    name: Cow<'a, str>,
    entity_type: EntityType,
    // Option on a NOT NULL column is fine.
    canon_layer: Option<String>,
    mention_count: Option<i32>,
    // sqlx's rename is honoured.
    #[sqlx(rename = "extraction_confidence")]
    confidence: Confidence,
    aliases: Aliases,
    #[sqlx(json)]
    attributes: std::collections::BTreeMap<String, String>,
    // A NOT NULL domain over integer.
    first_seen: i32,
    created_at: chrono::DateTime<chrono::Utc>,
    #[schemalock(pg_type = "ltree")]
    path: Option<Ltree>,
    #[schemalock(skip)]
    cached: Vec<u8>,
    #[sqlx(skip)]
    also_cached: std::collections::HashMap<String, String>,
    // Not a column: sqlx reads `Default::default()` when the row lacks it.
    #[sqlx(default)]
    score: f32,
}

#[derive(schemalock::Table)]
#[schemalock(table = "documents", insertable)]
#[allow(dead_code)]
struct NewDocument {
    vault_id: uuid::Uuid,
    title: &'static str,
    body: Option<String>,
    raw: Option<Box<[u8]>>,
}

#[derive(schemalock::Table)]
#[schemalock(table = "vaults", exhaustive)]
#[sqlx(rename_all = "camelCase")]
#[allow(dead_code)]
struct Vault {
    id: uuid::Uuid,
    name: String,
    #[postgres(name = "Owner Email")]
    owner_email: Option<String>,
}

// A view's columns are nullable in the catalog; their nullability is not checked.
#[derive(schemalock::Table)]
#[schemalock(table = "entity_names")]
#[allow(dead_code)]
struct EntityName {
    id: uuid::Uuid,
    name: String,
}

#[derive(schemalock::Table)]
#[schemalock(table = "events", schema = "audit", insertable)]
#[allow(dead_code)]
struct NewAuditEvent {
    #[sqlx(try_from = "serde_json::Value")]
    payload: Payload,
}

struct Payload;
impl TryFrom<serde_json::Value> for Payload {
    type Error = ();
    fn try_from(_: serde_json::Value) -> Result<Self, ()> {
        Ok(Payload)
    }
}

fn main() {
    assert_eq!(Entity::COLUMNS.entity_type, "entity_type");
    assert_eq!(Entity::COLUMNS.confidence, "extraction_confidence");
    assert_eq!(Entity::TABLE, "entities");
    // Written as SQL needs it; the metadata keeps the catalog's name.
    assert_eq!(Vault::COLUMNS.owner_email, r#""Owner Email""#);
    assert_eq!(<Vault as Table>::META.columns[2].column, "Owner Email");
    assert_eq!(Vault::COLUMN_LIST, r#"id, name, "Owner Email""#);
    assert_eq!(NewAuditEvent::TABLE, "audit.events");
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = $1",
        Entity::COLUMN_LIST,
        Entity::TABLE,
        Entity::COLUMNS.vault_id
    );
    assert!(sql.starts_with("SELECT id, vault_id, name, entity_type, canon_layer"));

    // The same names through the trait, for generic helpers.
    fn select_all<T: Table>() -> String {
        format!("SELECT {} FROM {}", T::COLUMN_LIST, T::TABLE)
    }
    assert_eq!(
        select_all::<Vault>(),
        format!("SELECT {} FROM {}", Vault::COLUMN_LIST, Vault::TABLE)
    );
    assert_eq!(<Vault as Table>::COLUMNS.id, Vault::COLUMNS.id);

    let meta = <Entity<'static> as Table>::META;
    assert_eq!((meta.schema, meta.table), ("public", "entities"));
    let fields: Vec<&str> = meta.columns.iter().map(|c| c.field).collect();
    assert!(!fields.contains(&"cached") && !fields.contains(&"also_cached"));
    let confidence = meta.columns.iter().find(|c| c.field == "confidence").unwrap();
    assert_eq!(confidence.column, "extraction_confidence");
    assert_eq!(confidence.expected(), "`double precision`");
    assert!(!confidence.nullable);
    let layer = meta.columns.iter().find(|c| c.column == "canon_layer").unwrap();
    assert!(layer.nullable);
    let kind = meta.columns.iter().find(|c| c.column == "entity_type").unwrap();
    assert_eq!(kind.expected(), "enum `entitytype`");
    let path = meta.columns.iter().find(|c| c.column == "path").unwrap();
    assert_eq!(path.pg_type, Some("ltree"));

    // Every derived type is registered, with no list to keep.
    let all = schemalock::verify::Models::all();
    let mut tables: Vec<&str> = all.tables().iter().map(|t| t.rust_name).collect();
    tables.sort();
    assert_eq!(tables, ["Entity", "EntityName", "NewAuditEvent", "NewDocument", "Vault"]);
    let enums: Vec<&str> = all.enums().iter().map(|e| e.type_name).collect();
    assert_eq!(enums, ["entitytype"]);
}
