//! Every ```` ```rust ```` block of the workspace README, verbatim, so that each one compiles
//! (`tests/readme.rs` fails when a block of the README is not here). Statements are wrapped in
//! functions; nothing here runs. Not formatted by rustfmt (`#[rustfmt::skip]` on the module), so
//! the blocks stay as the README shows them.
#![allow(dead_code, unused_variables, clippy::all)]

use crate::models::EntityType;

// README: "In your crate".
#[derive(schemalock::PgEnum, sqlx::Type)]
#[sqlx(type_name = "canonlayer", rename_all = "UPPERCASE")] // honoured: no need to repeat it
enum CanonLayer { Primary, Alternate, Draft, Retconned }

#[derive(schemalock::Table, sqlx::FromRow)]
#[schemalock(table = "entities")]            // schema = "public" by default
struct Entity {
    id: uuid::Uuid,
    entity_type: EntityType,                 // a #[derive(PgEnum)] enum
    canon_layer: CanonLayer,
    mention_count: i32,
    #[sqlx(rename = "extraction_confidence")] confidence: f64,   // honoured
    embedding: Option<pgvector::Vector>,
    #[sqlx(skip)] cached: Vec<u8>,               // honoured: sqlx and schemalock both skip it
}

async fn hand_written_sql(pool: sqlx::PgPool) -> Result<(), sqlx::Error> {
let sql = format!(
    "SELECT {} FROM {} WHERE {} = $1",
    Entity::COLUMN_LIST,          // "id, entity_type, canon_layer, ..."
    Entity::TABLE,                // "entities" ("audit.entities" outside public)
    Entity::COLUMNS.entity_type,  // "entity_type"
);
let characters: Vec<Entity> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
    .bind(EntityType::Character)
    .fetch_all(&pool)
    .await?;
    Ok(())
}

fn select_all<T: schemalock::Table>() -> String {
    format!("SELECT {} FROM {}", T::COLUMN_LIST, T::TABLE)
}

// README: "Type mappings".
struct UserId(i64);
impl schemalock::PgCompatible for UserId {
    const ACCEPTS: schemalock::Accepts = <i64 as schemalock::PgCompatible>::ACCEPTS;
}

struct Path(String);
impl schemalock::PgCompatible for Path {
    const ACCEPTS: schemalock::Accepts =
        schemalock::Accepts::Types(&[schemalock::PgTypeRef::extension("ltree")]);
}

// README: "At startup: verify the live database".
async fn startup(pool: sqlx::PgPool) -> Result<(), Box<dyn std::error::Error>> {
// features = ["sqlx"]; also `verify::postgres(&mut client)` (feature `postgres`) and
// `verify::tokio_postgres(&mut client).await` (feature `tokio-postgres`).
let report = schemalock::verify::sqlx(&pool).await?;   // Err only if it could not run
if !report.is_clean() {
    eprintln!("{report}");                             // model, field, column, expected, found
    std::process::exit(1);
}
    Ok(())
}

// README: "Where the snapshot comes from": a crate's build script, compiled here as a function.
mod build_script {
// build.rs
fn main() {
    println!("cargo::rerun-if-changed=schemalock.json");
    println!("cargo::rustc-env=SCHEMALOCK_SNAPSHOT_TRACKED=schemalock.json");
}
}
