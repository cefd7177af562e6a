//! Point 5: `ON CONFLICT` matches a unique index or constraint of the table.

use schemalock::sql;

fn main() {
    // `name` alone is not unique: PostgreSQL fails when the statement first runs.
    let _ = sql!(snapshot = "writeros.json",
        "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING");
    let _ = sql!(snapshot = "writeros.json",
        "INSERT INTO vaults (slug, name, owner_id) VALUES ($1, $2, $3) \
         ON CONFLICT ON CONSTRAINT vaults_slug_unique DO NOTHING");
}
