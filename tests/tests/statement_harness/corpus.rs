//! The corpora: where their statements and schemas come from, and how each database is built.

use std::path::{Path, PathBuf};

use schemalock_tests::pg::{Cluster, workspace_root};

/// One statement of a corpus.
#[derive(Debug, Clone)]
pub struct Stmt {
    pub label: String,
    pub sql: String,
    /// Marked `-- @ reject`: the server must reject it.
    pub expect_reject: bool,
    /// What sqlx recorded for it (the docs.rs corpus only).
    pub sqlx: Option<SqlxFacts>,
}

/// sqlx's offline data for one query: the server's column names and types, sqlx's nullability.
#[derive(Debug, Clone)]
pub struct SqlxFacts {
    pub nullable: Vec<Option<bool>>,
}

/// A corpus: its statements and the database they run against.
#[derive(Debug)]
pub struct Corpus {
    pub name: &'static str,
    pub version: u32,
    pub statements: Vec<Stmt>,
    /// The database, migrated (and empty).
    pub db: String,
}

/// The `-- @ label` blocks of a corpus file.
pub fn blocks(text: &str) -> Vec<Stmt> {
    let mut out: Vec<Stmt> = Vec::new();
    for line in text.lines() {
        if let Some(label) = line.strip_prefix("-- @ ") {
            out.push(Stmt {
                label: label.trim().to_owned(),
                sql: String::new(),
                expect_reject: label.starts_with("reject"),
                sqlx: None,
            });
        } else if line.starts_with("--") {
            continue;
        } else if let Some(last) = out.last_mut() {
            if !line.trim().is_empty() {
                if !last.sql.is_empty() {
                    last.sql.push('\n');
                }
                last.sql.push_str(line);
            }
        }
    }
    for s in &mut out {
        s.sql = s.sql.trim().trim_end_matches(';').to_owned();
    }
    out
}

/// `../shared/corpora`, or `None` (after printing why) when absent; under `CI=true` a missing
/// directory fails instead, so CI cannot pass by skipping.
pub fn shared_corpora() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/corpora");
    if dir.join("docs.rs/queries.jsonl").is_file() {
        return Some(dir);
    }
    let msg = format!(
        "{} is absent (the real-world corpora live next to the workspace)",
        dir.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{msg}");
    }
    eprintln!("skipping: {msg}");
    None
}

/// docs.rs: 158 queries with sqlx's facts; its migrations need `fuzzystrmatch` (PostgreSQL 15).
pub fn docs_rs(pg: &Cluster, corpora: &Path) -> Corpus {
    let dir = corpora.join("docs.rs");
    let text = std::fs::read_to_string(dir.join("queries.jsonl")).expect("read queries.jsonl");
    let statements = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("queries.jsonl line");
            let hash = v["hash"].as_str().unwrap_or("?");
            Stmt {
                label: format!("docs.rs {}", &hash[..hash.len().min(12)]),
                sql: v["query"].as_str().expect("query").to_owned(),
                expect_reject: false,
                sqlx: Some(SqlxFacts {
                    nullable: v["nullable"]
                        .as_array()
                        .map(|a| a.iter().map(serde_json::Value::as_bool).collect())
                        .unwrap_or_default(),
                }),
            }
        })
        .collect();
    let files = sql_files(&dir.join("migrations"), ".up.sql");
    migrated(pg, "docs.rs", "docsrs", statements, &files)
}

/// The writeros example's statements against its migrations (PostgreSQL 16 with pgvector), read
/// from the sources the compiler checks: the example's `sql!`/`sql_as!` calls, its stale SQL
/// (which must be rejected), and the ui-tests' pass cases, written against the same snapshot.
pub fn writeros(pg: &Cluster) -> Corpus {
    let root = workspace_root();
    let mut statements = super::rust::statements(&root, "examples/writeros/src/queries.rs", false);
    statements.extend(super::rust::statements(
        &root,
        "examples/writeros/src/stale.rs",
        true,
    ));
    statements.extend(super::rust::statements(
        &root,
        "ui-tests/tests/ui/pass/sql.rs",
        false,
    ));
    let files = sql_files(&root.join("examples/writeros/migrations"), ".sql");
    migrated(pg, "writeros", "writeros", statements, &files)
}

/// The constructs corpus (`statements/corpus.sql` against `statements/schema.sql`).
pub fn constructs(pg: &Cluster) -> Corpus {
    let dir = workspace_root().join("tests/tests/statements");
    let text = std::fs::read_to_string(dir.join("corpus.sql")).expect("read corpus.sql");
    migrated(
        pg,
        "constructs",
        "constructs",
        blocks(&text),
        &[dir.join("schema.sql")],
    )
}

/// The files of `dir` ending in `suffix`, in name (version) order.
fn sql_files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files
}

/// Creates database `db` migrated by `files`, for `statements`.
fn migrated(
    pg: &Cluster,
    name: &'static str,
    db: &str,
    statements: Vec<Stmt>,
    files: &[PathBuf],
) -> Corpus {
    pg.create_database(db);
    apply_each_in_transaction(pg, db, files);
    Corpus {
        name,
        version: pg.version(),
        statements,
        db: db.to_owned(),
    }
}

/// Applies each file in its own transaction, as sqlx's migrator does.
fn apply_each_in_transaction(pg: &Cluster, db: &str, files: &[PathBuf]) {
    let mut client = pg.connect(db);
    for f in files {
        let sql = std::fs::read_to_string(f).expect("read migration");
        let mut tx = client.transaction().expect("begin");
        tx.batch_execute(&sql)
            .unwrap_or_else(|e| panic!("{} failed: {e:?}", f.display()));
        tx.commit().expect("commit");
    }
}
