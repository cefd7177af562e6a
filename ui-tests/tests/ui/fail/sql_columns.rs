//! Point 3: every column reference resolves, as PostgreSQL resolves it.

use schemalock::sql;

fn main() {
    // The incident: the column was renamed.
    let _ = sql!(snapshot = "writeros.json", "SELECT type FROM entities");
    let _ = sql!(snapshot = "writeros.json", "SELECT e.nmae FROM entities e");
    // Ambiguous, as PostgreSQL rejects it.
    let _ = sql!(snapshot = "writeros.json",
        "SELECT name FROM entities e JOIN vaults v ON v.id = e.vault_id");
    // An alias hides the table's name.
    let _ = sql!(snapshot = "writeros.json", "SELECT entities.id FROM entities e");
    // A correlated subquery sees the outer columns; the outer query does not see the inner ones.
    let _ = sql!(snapshot = "writeros.json",
        "SELECT predicate FROM entities e WHERE EXISTS (SELECT 1 FROM facts f WHERE f.subject_id = e.id)");
    // RETURNING and EXCLUDED.
    let _ = sql!(snapshot = "writeros.json",
        "UPDATE vaults SET name = $1 WHERE id = $2 RETURNING titel");
    let _ = sql!(snapshot = "writeros.json",
        "INSERT INTO vaults (slug, name, owner_id) VALUES ($1, $2, $3) \
         ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.nme");
    // Every finding of a statement at once.
    let _ = sql!(snapshot = "writeros.json",
        "SELECT type, canon, mention_cnt FROM entities WHERE vault = $1");
}
