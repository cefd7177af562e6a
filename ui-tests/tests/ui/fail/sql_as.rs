//! Point 8: `sql_as!(T, ...)` checks T's fields against the result columns.

use schemalock::{Row, sql_as};

#[derive(Row)]
#[allow(dead_code)]
struct Named {
    id: uuid::Uuid,
    name: String,
    #[sqlx(rename = "kind")]
    entity_type: String,
    mention_count: i64,
}

#[derive(Row)]
#[allow(dead_code)]
struct WithVault {
    name: String,
    slug: String,
    facts: i64,
    best: f32,
}

/// A row reads a statement's result: it has no table.
#[derive(Row)]
#[schemalock(table = "entities")]
#[allow(dead_code)]
struct WithTable {
    id: uuid::Uuid,
}

#[allow(dead_code)]
struct Plain {
    id: uuid::Uuid,
}

fn main() {
    // A missing column, an enum read as `String`, `integer` read as `i64`: one error, every field.
    let _ = sql_as!(snapshot = "writeros.json", Named,
        "SELECT id, name, entity_type, mention_count FROM entities");
    // The nullable side of an outer join, a scalar subquery, an aggregate: each needs `Option`.
    let _ = sql_as!(snapshot = "writeros.json", WithVault,
        "SELECT e.name, v.slug, (SELECT count(*) FROM facts) AS facts, \
                max(e.importance_score) OVER () AS best \
         FROM entities e LEFT JOIN vaults v ON v.id = e.vault_id");
    // A statement without result columns.
    let _ = sql_as!(snapshot = "writeros.json", WithVault, "DELETE FROM facts");
    // Not a row type.
    let _ = sql_as!(snapshot = "writeros.json", Plain, "SELECT id FROM entities");
}
