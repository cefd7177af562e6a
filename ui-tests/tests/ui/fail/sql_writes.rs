//! Point 4: INSERT and UPDATE write columns that exist and can be written, with a value for
//! every column a row needs.

use schemalock::sql;

fn main() {
    let _ = sql!(snapshot = "writeros.json",
        "INSERT INTO entities (vault_id, name, type) VALUES ($1, $2, $3)");
    let _ = sql!(snapshot = "writeros.json",
        "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2)");
    // `entity_type` is NOT NULL without a default: no row can be inserted.
    let _ = sql!(snapshot = "writeros.json",
        "INSERT INTO entities (vault_id, name) VALUES ($1, $2)");
    // A generated column, and a `GENERATED ALWAYS` identity.
    let _ = sql!(snapshot = "writeros.json",
        "INSERT INTO documents (vault_id, title, search) VALUES ($1, $2, NULL)");
    let _ = sql!(snapshot = "writeros.json",
        "INSERT INTO events (seq, vault_id, event_kind, description) VALUES (1, $1, 'x', 'y')");
    let _ = sql!(snapshot = "writeros.json", "UPDATE entities SET typ = 'ITEM' WHERE id = $1");
    let _ = sql!(snapshot = "writeros.json", "UPDATE documents SET search = NULL");
    let _ = sql!(snapshot = "writeros.json",
        "UPDATE entities e SET name = c.content FROM chunk c WHERE c.id = e.source_chunk_id");
    let _ = sql!(snapshot = "writeros.json",
        "DELETE FROM facts f USING entities e WHERE f.subject_id = e.uid");
}
