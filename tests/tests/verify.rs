//! Startup verification against real PostgreSQL: the writeros models, compiled against the
//! migrated schema, checked against live databases through each driver.

use std::path::PathBuf;

use schemalock::verify::{self, Models, Report, Severity};
use schemalock_tests::pg::{Cluster, workspace_root};

/// pgvector is needed: the example's tables have `vector(1536)` columns.
const VERSION: u32 = 16;

fn example(path: &str) -> PathBuf {
    workspace_root().join("examples/writeros").join(path)
}

/// A database with the example's migrations applied, in order.
fn migrated(pg: &Cluster, name: &str) -> String {
    let url = pg.create_database(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(example("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    for f in files {
        pg.psql_file(name, &f);
    }
    url
}

/// A database in the drifted state production was in.
fn drifted(pg: &Cluster, name: &str) -> String {
    let url = pg.create_database(name);
    pg.psql_file(name, &example("drifted/drifted.sql"));
    url
}

/// The writeros models, found through the registry; referencing a model keeps the example's
/// code (and so its registrations) linked into this test binary.
fn writeros_models() -> Models {
    let _ = writeros::models::Entity::COLUMNS;
    let all = Models::all();
    let names: Vec<&str> = all.tables().iter().map(|t| t.rust_name).collect();
    for expected in ["Vault", "Document", "Chunk", "Entity", "NewEntity", "Fact"] {
        assert!(
            names.contains(&expected),
            "{expected} not registered: {names:?}"
        );
    }
    assert_eq!(all.enums().len(), 4, "the four writeros enums");
    // Every `sql!`/`sql_as!` statement of the example, registered with its file and line.
    let files: Vec<String> = all
        .statements()
        .iter()
        .map(|s| format!("{}:{}", s.file, s.line))
        .collect();
    assert_eq!(
        files.len(),
        writeros::queries::ALL.len(),
        "the example's statements: {files:?}"
    );
    assert!(
        files
            .iter()
            .all(|f| f.starts_with("examples/writeros/src/queries.rs:")),
        "{files:?}"
    );
    all
}

fn start() -> Option<Cluster> {
    let pg = Cluster::start(VERSION)?;
    if !pg.has_extension("vector") {
        assert!(
            std::env::var_os("CI").is_none(),
            "PostgreSQL {VERSION} has no pgvector under CI"
        );
        eprintln!("skipping: PostgreSQL {VERSION} has no pgvector");
        return None;
    }
    Some(pg)
}

fn messages(report: &Report) -> Vec<&str> {
    report.drift().map(|f| f.message.as_str()).collect()
}

#[test]
fn synced_database_is_clean() {
    let Some(pg) = start() else { return };
    let url = migrated(&pg, "synced");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let report = verify::postgres(&mut client).unwrap();
    assert!(report.is_clean(), "{report}");
    assert!(report.tables_checked >= 10, "{report}");
    assert_eq!(report.enums_checked, 4);
    assert!(
        report
            .to_string()
            .starts_with("schemalock: the database matches all"),
        "{report}"
    );
}

#[test]
fn drifted_database_names_every_difference() {
    let Some(pg) = start() else { return };
    let url = drifted(&pg, "drifted");
    let models = writeros_models();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let report = verify::postgres_only(&mut client, &models).unwrap();
    assert!(!report.is_clean());
    let msgs = messages(&report);
    let has = |needle: &str| msgs.iter().filter(|m| m.contains(needle)).count();

    for e in [
        "entitytype",
        "canonlayer",
        "canonstatus",
        "nodesignificance",
    ] {
        assert_eq!(has(&format!("enum type `{e}` not found")), 1, "{report}");
    }
    assert_eq!(
        has("no column `entity_type` in table `entities`; did you mean `type`?"),
        3,
        "{report}"
    );
    assert!(
        has(
            "column `entities.canon_layer` is `character varying(20)`; `CanonLayer` cannot hold it (it reads enum `canonlayer`); migrate the column to enum `canonlayer`, or use `String`"
        ) >= 1,
        "{report}"
    );
    assert_eq!(
        has("column `facts.canon_layer` is `character varying(20)`"),
        1,
        "{report}"
    );
    for (column, rust) in [
        ("mention_count", "i32"),
        ("extraction_confidence", "f64"),
        ("importance_score", "f32"),
    ] {
        assert!(
            has(&format!(
                "column `entities.{column}` is nullable, but `{rust}` cannot hold NULL"
            )) >= 1,
            "{report}"
        );
    }
    assert_eq!(
        has("insertable model `NewEntity` has no field for column `type`"),
        1,
        "{report}"
    );

    // Structured: model, field, column, expected, found.
    let layer = report
        .drift()
        .find(|f| f.model.ends_with("models::Entity") && f.column.as_deref() == Some("canon_layer"))
        .expect("a finding for Entity.canon_layer");
    assert_eq!(layer.field.as_deref(), Some("canon_layer"));
    assert_eq!(layer.object, "public.entities");
    assert_eq!(layer.expected.as_deref(), Some("enum `canonlayer`"));
    assert_eq!(layer.found.as_deref(), Some("`character varying(20)`"));
    let counter = report
        .drift()
        .find(|f| f.column.as_deref() == Some("mention_count"))
        .unwrap();
    assert_eq!(
        (counter.expected.as_deref(), counter.found.as_deref()),
        (Some("NOT NULL"), Some("nullable"))
    );

    // Display groups by model; JSON carries the same findings.
    let text = report.to_string();
    assert!(
        text.starts_with("schemalock: the database does not match the models: "),
        "{text}"
    );
    assert!(
        text.contains("\n  writeros::models::Entity (public.entities)\n    - "),
        "{text}"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["findings"].as_array().unwrap().len(),
        report.findings.len()
    );
    assert_eq!(json["findings"][0]["severity"], "drift");
}

#[test]
fn a_column_renamed_while_running_is_seen_on_the_next_call() {
    let Some(pg) = start() else { return };
    let url = migrated(&pg, "live");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    assert!(verify::postgres(&mut client).unwrap().is_clean());

    // Someone changes the database by hand; the service keeps running.
    let mut admin = pg.connect("live");
    admin
        .batch_execute("ALTER TABLE entities RENAME COLUMN entity_type TO type")
        .unwrap();
    let report = verify::postgres(&mut client).unwrap();
    assert!(!report.is_clean());
    assert!(
        messages(&report)
            .contains(&"no column `entity_type` in table `entities`; did you mean `type`?"),
        "{report}"
    );

    // A label added by hand is a notice, not drift: rows never hold it yet.
    admin
        .batch_execute("ALTER TABLE entities RENAME COLUMN type TO entity_type; ALTER TYPE canonstatus ADD VALUE 'ARCHIVED'")
        .unwrap();
    let report = verify::postgres(&mut client).unwrap();
    assert!(report.is_clean(), "{report}");
    let notice = report
        .findings()
        .iter()
        .find(|f| f.severity == Severity::Notice)
        .expect("a notice for the new label");
    assert!(notice.message.contains("`ARCHIVED`"), "{report}");
}

#[test]
fn a_role_without_select_can_verify() {
    let Some(pg) = start() else { return };
    migrated(&pg, "locked");
    pg.psql(
        "locked",
        "CREATE ROLE auditor LOGIN; REVOKE ALL ON ALL TABLES IN SCHEMA public FROM auditor; \
         GRANT CONNECT ON DATABASE locked TO auditor; GRANT USAGE ON SCHEMA public TO auditor;",
    );
    let mut client =
        postgres::Client::connect(&pg.url_as("auditor", "locked"), postgres::NoTls).unwrap();
    let denied = client.query("SELECT 1 FROM entities LIMIT 1", &[]);
    assert!(denied.is_err(), "the role must not read the table");
    let report = verify::postgres(&mut client).unwrap();
    assert!(report.is_clean(), "{report}");
}

#[test]
fn the_three_drivers_give_the_same_report() {
    let Some(pg) = start() else { return };
    let url = drifted(&pg, "drivers");
    let models = writeros_models();

    let mut sync = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let from_postgres = verify::postgres_only(&mut sync, &models).unwrap();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (from_tokio, from_sqlx) = runtime.block_on(async {
        let (mut client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        let from_tokio = verify::tokio_postgres_only(&mut client, &models)
            .await
            .unwrap();
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap();
        let from_sqlx = verify::sqlx_only(&pool, &models).await.unwrap();
        // The connection went back to the pool outside the repeatable-read transaction.
        let isolation: String =
            sqlx::query_scalar("SELECT current_setting('transaction_isolation')")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(isolation, "read committed");
        (from_tokio, from_sqlx)
    });
    assert!(!from_postgres.is_clean());
    // The checked statements were prepared, never run: those naming `entity_type` are refused.
    let refused: Vec<&str> = from_postgres
        .findings()
        .iter()
        .filter(|f| f.kind == verify::Kind::StatementFails)
        .map(|f| f.model.as_str())
        .collect();
    assert_eq!(refused.len(), 4, "{from_postgres}");
    assert_eq!(
        from_postgres.statements_checked,
        writeros::queries::ALL.len()
    );
    assert_eq!(from_postgres, from_tokio);
    assert_eq!(from_postgres, from_sqlx);
}

/// `verify::sqlx` takes a pool of sqlx 0.8 as well as 0.9 (feature `sqlx-0_8`), with the same
/// report.
#[test]
fn a_sqlx_0_8_pool_verifies_like_0_9() {
    let Some(pg) = start() else { return };
    let url = drifted(&pg, "sqlx08");
    let models = writeros_models();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (old, new) = runtime.block_on(async {
        let pool = sqlx_0_8::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap();
        let old = verify::sqlx_only(&pool, &models).await.unwrap();
        let isolation: String =
            sqlx_0_8::query_scalar("SELECT current_setting('transaction_isolation')")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(isolation, "read committed");
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap();
        (old, verify::sqlx_only(&pool, &models).await.unwrap())
    });
    assert!(!old.is_clean());
    assert_eq!(old, new);
}
