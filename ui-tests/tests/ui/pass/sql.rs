//! `sql!` and `sql_as!` accept every construct the statement engine reads, against the writeros
//! snapshot; each expands to the same `&'static str`.

use schemalock::{Row, sql, sql_as};

#[derive(Debug, schemalock::PgEnum)]
#[schemalock(type_name = "entitytype", rename_all = "UPPERCASE", snapshot = "writeros.json")]
pub enum EntityType {
    Character,
    Location,
    Organization,
    Item,
    Concept,
    Event,
}

#[derive(Row)]
#[allow(dead_code)]
struct Named {
    id: uuid::Uuid,
    name: String,
    entity_type: EntityType,
}

#[derive(Row)]
#[allow(dead_code)]
struct Count {
    n: i64,
    #[sqlx(rename = "top")]
    best: Option<f32>,
}

const BY_TYPE: &str = sql!(snapshot = "writeros.json", "SELECT id, name FROM entities WHERE entity_type = 'CHARACTER'");

fn main() {
    let a: &'static str = sql_as!(snapshot = "writeros.json", Named,
        "SELECT id, name, entity_type FROM entities WHERE vault_id = $1");
    let b = sql_as!(snapshot = "writeros.json", Count,
        "SELECT count(*) AS n, max(importance_score) AS top FROM entities");
    assert_eq!(BY_TYPE, "SELECT id, name FROM entities WHERE entity_type = 'CHARACTER'");
    assert!(a.starts_with("SELECT id, name, entity_type"));
    assert!(b.contains("count(*)"));
}
