//! Point 1: the statement parses as one PostgreSQL statement; the arguments have the macro's
//! shape.

use schemalock::sql;

fn main() {
    // Not SQL.
    let _ = sql!(snapshot = "writeros.json", "SELEC id FROM entities");
    // Two statements.
    let _ = sql!(snapshot = "writeros.json", "SELECT 1; SELECT 2");
    // Syntax the checker cannot read, though PostgreSQL can: ours to fix; skippable.
    let _ = sql!(snapshot = "writeros.json",
        "SELECT t.a FROM ROWS FROM (unnest($1::int[]), unnest($2::text[])) AS t(a, b)");
    // The macro's own arguments.
    let _ = sql!(schema = "app", "SELECT 1");
    let _ = sql!(snapshot = "a.json", snapshot = "b.json", "SELECT 1");
    let _ = sql!("SELECT 1", 42);
    let _ = sql!(format!("SELECT {}", 1));
    let _ = schemalock::sql_as!("SELECT 1");
    // The snapshot is located as the derives locate it.
    let _ = sql!(snapshot = "missing.json", "SELECT 1");
}
