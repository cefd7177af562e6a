//! Point 6: enum labels and cast types.

use schemalock::sql;

fn main() {
    let _ = sql!(snapshot = "writeros.json",
        "SELECT id FROM entities WHERE canon_layer = 'RETCONED'");
    let _ = sql!(snapshot = "writeros.json",
        "SELECT id FROM entities WHERE entity_type IN ('CHARACTER', 'PLACE')");
    let _ = sql!(snapshot = "writeros.json",
        "UPDATE entities SET significance = 'major' WHERE id = $1");
    let _ = sql!(snapshot = "writeros.json",
        "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, 'CHARACTERS')");
    let _ = sql!(snapshot = "writeros.json", "SELECT 'DRAFTED'::canonlayer");
    let _ = sql!(snapshot = "writeros.json", "SELECT $1::canon_layer");
}
