//! What the plan tests share: applying a plan to a real database with psql, reading the
//! result back, comparing it with the schema the plan was for, and the real migration
//! histories (crates.io's, docs.rs's) the plans are tried on.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use schemalock_runtime::diff::diff;
use schemalock_runtime::introspect;
use schemalock_runtime::plan::{self, Allowed, Options, Plan, ScriptOptions};
use schemalock_runtime::snapshot::Snapshot;
use schemalock_tests::pg::{Cluster, workspace_root};

/// The schema of database `db`.
pub fn introspect(pg: &Cluster, db: &str) -> Snapshot {
    let mut client = pg.connect(db);
    introspect::postgres::snapshot(&mut client, None)
        .unwrap_or_else(|e| panic!("introspect {db}: {e}"))
}

/// Runs `sql` with `psql -v ON_ERROR_STOP=1 -f` on `db`.
pub fn psql_script(pg: &Cluster, db: &str, sql: &str) -> Result<String, String> {
    let file = tempfile::Builder::new()
        .suffix(".sql")
        .tempfile()
        .expect("temp file");
    std::fs::write(file.path(), sql).expect("write script");
    pg.try_psql_file(db, file.path())
}

/// `s` as a plan compares it: no migration head, no migration tool tables, no server version.
pub fn comparable(s: &Snapshot) -> Snapshot {
    let mut s = s.clone();
    s.migration_head = None;
    s.server_version = None;
    for schema in s.schemas.values_mut() {
        for t in introspect::MIGRATION_TABLES {
            schema.tables.remove(t);
        }
    }
    s
}

/// What differs between the schema a plan was for and the one it made: the comparison's
/// report, and every member of the snapshot's JSON that differs (which also covers what the
/// comparison does not compare yet). Empty when they are the same.
pub fn differences(expected: &Snapshot, found: &Snapshot) -> Vec<String> {
    let (e, f) = (comparable(expected), comparable(found));
    let sides = schemalock_runtime::diff::Sides {
        expected: "target".into(),
        found: "result".into(),
        article: schemalock_runtime::diff::Article::The,
        compared: String::new(),
        views: Default::default(),
    };
    let mut out: Vec<String> = diff(&e, &f)
        .differences
        .iter()
        .map(|d| {
            let group = schemalock_runtime::diff::render::group(d);
            format!(
                "{group}: {}",
                schemalock_runtime::diff::render::line(d, &sides)
            )
        })
        .collect();
    let ev: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
    let fv: serde_json::Value = serde_json::from_str(&f.to_json()).unwrap();
    json_differences(&ev, &fv, String::new(), &mut out);
    out
}

fn json_differences(
    e: &serde_json::Value,
    f: &serde_json::Value,
    at: String,
    out: &mut Vec<String>,
) {
    use serde_json::Value;
    match (e, f) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => json_differences(x, y, format!("{at}/{k}"), out),
                    (Some(x), None) => out.push(format!("{at}/{k}: expected {x}, missing")),
                    (None, Some(y)) => out.push(format!("{at}/{k}: not expected, found {y}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                json_differences(x, y, format!("{at}/{i}"), out);
            }
        }
        (x, y) if x != y => {
            let show = |v: &Value| {
                let s = v.to_string();
                if s.len() > 300 {
                    format!("{}...", &s[..300])
                } else {
                    s
                }
            };
            out.push(format!("{at}: expected {}, found {}", show(x), show(y)))
        }
        _ => {}
    }
}

/// Plans `from` → `to` with every hazard allowed, applies it to `db` with psql, and returns
/// what still differs from `to` (empty: the plan round-trips), or the error that stopped it.
pub fn apply_and_compare(
    pg: &Cluster,
    db: &str,
    from: &Snapshot,
    to: &Snapshot,
    options: &Options,
) -> Result<Vec<String>, String> {
    let plan = plan::plan(from, to, options).map_err(|e| format!("no plan: {e}"))?;
    let script = plan.script(&ScriptOptions::default());
    psql_script(pg, db, &script)
        .map_err(|e| format!("{e}\n--- script ---\n{}", excerpt(&script)))?;
    Ok(differences(to, &introspect(pg, db)))
}

/// The start of a long script, for messages.
pub fn excerpt(script: &str) -> String {
    if script.len() > 20_000 {
        format!("{}\n... ({} bytes)", &script[..20_000], script.len())
    } else {
        script.to_owned()
    }
}

/// Creates `db` and builds `to` in it from nothing; panics with the differences.
pub fn from_nothing(pg: &Cluster, db: &str, to: &Snapshot) -> Plan {
    pg.create_database(db);
    let plan = plan::plan(&Snapshot::new(), to, &Options::default()).expect("plan");
    assert_eq!(
        plan.refused(&Allowed::Nothing),
        [],
        "a plan from nothing runs no hazard"
    );
    match apply_and_compare(pg, db, &Snapshot::new(), to, &Options::default()) {
        Ok(d) if d.is_empty() => plan,
        Ok(d) => panic!(
            "{db}: the plan from nothing left {} differences:\n{}",
            d.len(),
            d.join("\n")
        ),
        Err(e) => panic!("{db}: the plan from nothing failed: {e}"),
    }
}

/// One migration of a history: a name and its SQL.
#[derive(Debug, Clone)]
pub struct Migration {
    pub name: String,
    pub sql: String,
    /// Runs statement by statement outside a transaction (`CREATE INDEX CONCURRENTLY`).
    pub autocommit: bool,
}

/// crates.io's 285 migrations: `../shared/schemas/crates-io.sql` split at its
/// `-- ==== migration: <folder> ====` headers (the prelude creating diesel's table first).
pub fn crates_io_history(shared_schemas: &Path) -> Vec<Migration> {
    let text =
        std::fs::read_to_string(shared_schemas.join("crates-io.sql")).expect("crates-io.sql");
    let mut out: Vec<Migration> = Vec::new();
    let mut current = Migration {
        name: "prelude".into(),
        sql: String::new(),
        autocommit: false,
    };
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.trim().strip_prefix("-- ==== migration: ") {
            out.push(current);
            current = Migration {
                name: rest.trim_end_matches('=').trim().to_owned(),
                sql: String::new(),
                autocommit: false,
            };
        }
        current.sql.push_str(line);
    }
    out.push(current);
    for m in &mut out {
        m.autocommit = m.sql.to_uppercase().contains("CONCURRENTLY");
    }
    out
}

/// docs.rs's 33 migrations (`.up.sql`, in version order).
pub fn docs_rs_history(corpora: &Path) -> Vec<Migration> {
    let dir = corpora.join("docs.rs/migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".up.sql"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| Migration {
            name: f.file_name().unwrap().to_string_lossy().into_owned(),
            sql: std::fs::read_to_string(&f).expect("read migration"),
            autocommit: false,
        })
        .collect()
}

/// Applies one migration of a history to `db`: in one transaction, or with psql statement by
/// statement when it cannot run in one.
pub fn apply_migration(pg: &Cluster, db: &str, m: &Migration) {
    if m.autocommit {
        psql_script(pg, db, &m.sql).unwrap_or_else(|e| panic!("migration {}: {e}", m.name));
        return;
    }
    let mut client = pg.connect(db);
    let mut tx = client.transaction().expect("begin");
    tx.batch_execute(&m.sql)
        .unwrap_or_else(|e| panic!("migration {}: {e:?}", m.name));
    tx.commit().expect("commit");
}

/// `../shared/corpora`, or `None` when absent (a panic under `CI=true`).
pub fn shared_corpora() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/corpora");
    if dir.join("docs.rs/migrations").is_dir() {
        return Some(dir);
    }
    let msg = format!("{} is absent", dir.display());
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{msg}");
    }
    eprintln!("skipping: {msg}");
    None
}
