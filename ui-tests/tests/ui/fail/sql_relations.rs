//! Point 2: every relation exists, qualified or through the search path.

use schemalock::sql;

fn main() {
    let _ = sql!(snapshot = "writeros.json", "SELECT id FROM entitys");
    let _ = sql!(snapshot = "writeros.json", "SELECT id FROM app.entities");
    let _ = sql!(snapshot = "writeros.json", search_path = "app", "SELECT id FROM entities");
    let _ = sql!(snapshot = "writeros.json",
        "WITH recent AS (SELECT id FROM facts) SELECT id FROM recnet");
    let _ = sql!(snapshot = "writeros.json", "SELECT s.id FROM scene s");
}
