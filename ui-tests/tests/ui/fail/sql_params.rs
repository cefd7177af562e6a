//! Point 7: parameters are numbered without gaps and used as one type.

use schemalock::sql;

fn main() {
    let _ = sql!(snapshot = "writeros.json",
        "SELECT id FROM entities WHERE vault_id = $1 AND name = $3");
    let _ = sql!(snapshot = "writeros.json",
        "SELECT id FROM entities WHERE vault_id = $1 OR mention_count = $1");
}
