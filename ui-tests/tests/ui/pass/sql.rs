//! `sql!` and `sql_as!` accept every construct of the list, checked against the writeros
//! example's snapshot (`writeros.json`, linked by `tests/ui.rs`); each expands to the same
//! `&'static str`, usable in a `const`.

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

/// A table's model is a row type too.
#[derive(schemalock::Table)]
#[schemalock(table = "vaults", snapshot = "writeros.json")]
#[allow(dead_code)]
struct Vault {
    id: uuid::Uuid,
    slug: String,
    name: String,
    description: Option<String>,
}

#[derive(Row)]
#[allow(dead_code)]
struct Named {
    id: uuid::Uuid,
    name: String,
    entity_type: EntityType,
}

/// Renames, skips, defaults, JSON, `try_from` and flattening, as sqlx reads them.
#[derive(Row)]
#[sqlx(rename_all = "snake_case")]
#[allow(dead_code)]
struct Hit {
    #[sqlx(flatten)]
    named: Named,
    #[sqlx(rename = "score")]
    rank: Option<f32>,
    #[sqlx(skip)]
    cached: Vec<u8>,
    #[sqlx(default)]
    highlighted: Option<String>,
    #[sqlx(json)]
    attributes: std::collections::BTreeMap<String, String>,
    #[sqlx(try_from = "i32")]
    mentions: u64,
    #[postgres(name = "vault_slug")]
    slug: Option<String>,
}

/// One result column per inferred expression kind.
#[derive(Row)]
#[allow(dead_code)]
struct Stats {
    n: i64,
    total: Option<i64>,
    mean: Option<f64>,
    low: Option<f32>,
    high: Option<String>,
    layer: String,
    bucket: String,
    big: bool,
    either: bool,
    doubled: i32,
    // A parameter can be NULL, and so can what it is concatenated into.
    label: Option<String>,
    at: chrono::DateTime<chrono::Utc>,
    names: Option<Vec<String>>,
    attr: Option<serde_json::Value>,
    attr_text: Option<String>,
    has_facts: bool,
    pos: i64,
}

const BY_TYPE: &str = sql!(snapshot = "writeros.json",
    "SELECT id, name FROM entities WHERE entity_type = 'CHARACTER'");

fn relations() -> Vec<&'static str> {
    vec![
        // Tables, schema-qualified or through the search path.
        sql!(snapshot = "writeros.json", "SELECT v.slug FROM public.vaults AS v"),
        sql!(snapshot = "writeros.json", search_path = "public",
            "SELECT slug FROM vaults WHERE archived_at IS NULL"),
        // CTEs, recursive too.
        sql!(snapshot = "writeros.json",
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n"),
        sql!(snapshot = "writeros.json",
            "WITH top AS (SELECT id, name FROM entities ORDER BY importance_score DESC LIMIT 10) \
             SELECT t.name FROM top AS t"),
        // Subquery and VALUES aliases, set-returning functions in FROM.
        sql!(snapshot = "writeros.json",
            "SELECT s.n FROM (SELECT count(*) AS n FROM facts) AS s"),
        sql!(snapshot = "writeros.json",
            "SELECT v.k, v.label FROM (VALUES (1, 'one'), (2, 'two')) AS v(k, label)"),
        sql!(snapshot = "writeros.json",
            "SELECT t.x FROM unnest($1::int[]) AS t(x)"),
        sql!(snapshot = "writeros.json",
            "SELECT e.name FROM entities e JOIN unnest($1::uuid[]) AS ids(id) ON ids.id = e.id"),
    ]
}

fn columns() -> Vec<&'static str> {
    vec![
        // `*`, `t.*`, qualified and unqualified.
        sql!(snapshot = "writeros.json", "SELECT * FROM vaults"),
        sql!(snapshot = "writeros.json",
            "SELECT d.*, c.chunk_index FROM documents d JOIN chunks c ON c.document_id = d.id"),
        // USING and NATURAL joins.
        sql!(snapshot = "writeros.json",
            "SELECT vault_id, e.name, d.title FROM entities e JOIN documents d USING (vault_id)"),
        sql!(snapshot = "writeros.json",
            "SELECT id FROM (SELECT id, name FROM entities) a NATURAL JOIN (SELECT id FROM facts) b"),
        // Correlated subqueries.
        sql!(snapshot = "writeros.json",
            "SELECT e.name, (SELECT count(*) FROM facts f WHERE f.subject_id = e.id) AS facts \
             FROM entities e WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.id = e.source_chunk_id)"),
        // Output aliases in ORDER BY and GROUP BY.
        sql!(snapshot = "writeros.json",
            "SELECT entity_type AS kind, count(*) AS n FROM entities GROUP BY kind ORDER BY n DESC"),
    ]
}

fn writes() -> Vec<&'static str> {
    vec![
        sql!(snapshot = "writeros.json",
            "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, $3) RETURNING id"),
        sql!(snapshot = "writeros.json",
            "INSERT INTO events (vault_id, event_kind, description) \
             SELECT vault_id, 'merge', name FROM entities WHERE id = $1 RETURNING seq"),
        sql!(snapshot = "writeros.json",
            "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') \
             ON CONFLICT (vault_id, name, entity_type) \
             DO UPDATE SET mention_count = entities.mention_count + EXCLUDED.mention_count"),
        sql!(snapshot = "writeros.json",
            "INSERT INTO vaults (slug, name, owner_id) VALUES ($1, $2, $3) \
             ON CONFLICT ON CONSTRAINT vaults_slug_key DO NOTHING"),
        sql!(snapshot = "writeros.json",
            "UPDATE entities SET mention_count = mention_count + 1, canon_layer = 'RETCONNED' \
             WHERE id = $1"),
        sql!(snapshot = "writeros.json",
            "UPDATE entities e SET source_chunk_id = c.id FROM chunks c \
             WHERE c.document_id = $1 AND e.vault_id = c.vault_id RETURNING e.id"),
        sql!(snapshot = "writeros.json",
            "DELETE FROM facts f USING entities e WHERE f.subject_id = e.id AND e.vault_id = $1"),
    ]
}

fn enums_and_params() -> Vec<&'static str> {
    vec![
        sql!(snapshot = "writeros.json",
            "SELECT id FROM entities WHERE canon_layer IN ('PRIMARY', 'ALTERNATE') \
             AND significance <> 'MENTIONED'::nodesignificance"),
        sql!(snapshot = "writeros.json",
            "SELECT id FROM entities WHERE id = ANY($1) AND vault_id = $2 LIMIT $3"),
        sql!(snapshot = "writeros.json",
            "SELECT name FROM entities WHERE importance_score > $1::real OFFSET $2"),
    ]
}

fn utility() -> Vec<&'static str> {
    vec![
        sql!(snapshot = "writeros.json", "LOCK TABLE entities IN SHARE MODE"),
        sql!(snapshot = "writeros.json", "TRUNCATE facts"),
        sql!(snapshot = "writeros.json", "ALTER SEQUENCE events_seq_seq RESTART"),
    ]
}

fn rows() -> Vec<&'static str> {
    vec![
        sql_as!(snapshot = "writeros.json", Vault, "SELECT * FROM vaults WHERE slug = $1"),
        sql_as!(snapshot = "writeros.json", Named,
            "SELECT id, name, entity_type FROM entities WHERE vault_id = $1"),
        // Extra result columns are fine; a defaulted field may be missing.
        sql_as!(snapshot = "writeros.json", Hit,
            "SELECT e.id, e.name, e.entity_type, e.importance_score AS score, e.attributes, \
                    e.mention_count AS mentions, v.slug AS vault_slug, e.created_at \
             FROM entities e LEFT JOIN vaults v ON v.id = e.vault_id"),
        sql_as!(snapshot = "writeros.json", Stats,
            "SELECT count(*) AS n, sum(mention_count) AS total, avg(extraction_confidence) AS mean, \
                    min(importance_score) AS low, max(name) AS high, \
                    coalesce(max(canon_layer::text), 'none') AS layer, \
                    CASE WHEN count(*) > 10 THEN 'many' ELSE 'few' END AS bucket, \
                    count(*) > 10 AS big, (count(*) > 10 OR true) AND NOT false AS either, \
                    2 * 21 AS doubled, 'vault ' || $1::text AS label, now() AS at, \
                    array_agg(name) AS names, max(attributes::text)::jsonb -> 'k' AS attr, \
                    max(attributes::text)::jsonb ->> 'k' AS attr_text, \
                    EXISTS (SELECT 1 FROM facts) AS has_facts, \
                    row_number() OVER () AS pos \
             FROM entities WHERE vault_id = $2"),
        sql_as!(snapshot = "writeros.json", Named,
            "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, $3) \
             RETURNING id, name, entity_type"),
    ]
}

fn main() {
    assert_eq!(BY_TYPE, "SELECT id, name FROM entities WHERE entity_type = 'CHARACTER'");
    let all = [relations(), columns(), writes(), enums_and_params(), utility(), rows()];
    assert!(all.iter().flatten().all(|s| !s.is_empty()));
}
