//! The snapshots of the writeros example, made from its SQL on PostgreSQL 16 with pgvector:
//!
//! - `examples/writeros/schemalock.json`: every migration of `examples/writeros/migrations`,
//!   applied the way sqlx applies them (each in a transaction, recorded in `_sqlx_migrations`);
//! - `examples/writeros/drifted.schemalock.json`: `examples/writeros/drifted/drifted.sql`, the
//!   drifted database of the example.
//!
//! Regenerate both after changing that SQL:
//!
//! ```text
//! cargo test -p schemalock-tests --test writeros -- --ignored
//! ```
//!
//! The test that is not ignored checks the committed files are current.

use std::path::{Path, PathBuf};
use std::time::Instant;

use schemalock_runtime::introspect;
use schemalock_runtime::snapshot::Snapshot;
use schemalock_tests::pg::{Cluster, workspace_root};

const VERSION: u32 = 16;
const REGENERATE: &str = "cargo test -p schemalock-tests --test writeros -- --ignored";

fn example_dir() -> PathBuf {
    workspace_root().join("examples/writeros")
}

/// `(version, description, path)` of each migration, in version order, as sqlx reads them.
fn migrations(dir: &Path) -> Vec<(i64, String, PathBuf)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".sql") else {
            continue;
        };
        assert!(
            !stem.ends_with(".down") && !stem.ends_with(".up"),
            "reversible migrations are not expected here: {name}"
        );
        let (version, description) = stem
            .split_once('_')
            .unwrap_or_else(|| panic!("not a sqlx migration name: {name}"));
        let version: i64 = version
            .parse()
            .unwrap_or_else(|_| panic!("not a sqlx migration version: {name}"));
        out.push((version, description.replace('_', " "), path));
    }
    out.sort_by_key(|m| m.0);
    out
}

/// Applies the migrations as sqlx's migrator does: `_sqlx_migrations` first, then each file as
/// one multi-statement query inside its own transaction, recorded with its SHA-384 checksum.
fn apply_like_sqlx(pg: &Cluster, db: &str, dir: &Path) -> i64 {
    let mut client = pg.connect(db);
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
                version BIGINT PRIMARY KEY,
                description TEXT NOT NULL,
                installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
                success BOOLEAN NOT NULL,
                checksum BYTEA NOT NULL,
                execution_time BIGINT NOT NULL
            );",
        )
        .unwrap();
    let list = migrations(dir);
    assert!(!list.is_empty(), "no migrations in {}", dir.display());
    for (version, description, path) in &list {
        let sql = std::fs::read_to_string(path).unwrap();
        let started = Instant::now();
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(&sql)
            .unwrap_or_else(|e| panic!("migration {} failed: {e:?}", path.display()));
        let elapsed = i64::try_from(started.elapsed().as_nanos()).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES ($1, $2, TRUE, sha384(convert_to($3, 'UTF8')), $4)",
            &[version, description, &sql, &elapsed],
        )
        .unwrap();
        tx.commit().unwrap();
    }
    list.last().unwrap().0
}

/// Both snapshots, or `None` when the example or the server is missing (skipped).
fn make_snapshots() -> Option<(Snapshot, Snapshot)> {
    let dir = example_dir();
    if !dir.join("migrations").is_dir() || !dir.join("drifted/drifted.sql").is_file() {
        schemalock_tests::skip(&format!(
            "{} has no migrations/ or drifted/drifted.sql",
            dir.display()
        ));
        return None;
    }
    let pg = Cluster::start(VERSION)?;
    assert!(
        pg.has_extension("vector"),
        "PostgreSQL {VERSION} at {} has no pgvector",
        pg.bin_dir().display()
    );

    pg.create_database("writeros");
    let head = apply_like_sqlx(&pg, "writeros", &dir.join("migrations"));
    let mut client = pg.connect("writeros");
    let current = introspect::postgres::snapshot(&mut client, None).unwrap();
    assert_eq!(
        current.migration_head.as_ref().map(|h| h.version.as_str()),
        Some(head.to_string().as_str())
    );

    pg.create_database("writeros_drifted");
    pg.psql_file("writeros_drifted", &dir.join("drifted/drifted.sql"));
    let mut client = pg.connect("writeros_drifted");
    let drifted = introspect::postgres::snapshot(&mut client, None).unwrap();
    Some((current, drifted))
}

/// Writes `examples/writeros/schemalock.json` and `drifted.schemalock.json`.
#[test]
#[ignore = "writes the example's snapshot files; run to regenerate them"]
fn regenerate_writeros_snapshots() {
    let Some((current, drifted)) = make_snapshots() else {
        return;
    };
    let dir = example_dir();
    current.save(&dir.join("schemalock.json")).unwrap();
    drifted.save(&dir.join("drifted.schemalock.json")).unwrap();
    eprintln!(
        "wrote {}/{{schemalock,drifted.schemalock}}.json",
        dir.display()
    );
}

/// The committed snapshot files match the example's SQL (apart from the server's minor version).
#[test]
fn writeros_snapshots_are_current() {
    let dir = example_dir();
    let files = [
        dir.join("schemalock.json"),
        dir.join("drifted.schemalock.json"),
    ];
    if files.iter().any(|f| !f.is_file()) {
        schemalock_tests::skip(&format!(
            "the writeros snapshot files do not exist yet; run `{REGENERATE}`"
        ));
        return;
    }
    let Some((current, drifted)) = make_snapshots() else {
        return;
    };
    for (path, mut fresh) in files.iter().zip([current, drifted]) {
        let committed = Snapshot::load(path).unwrap();
        fresh.server_version.clone_from(&committed.server_version);
        assert!(
            fresh.to_json() == committed.to_json(),
            "{} is stale: the example's SQL gives a different snapshot; run `{REGENERATE}`",
            path.display()
        );
    }
    assert_ne!(
        Snapshot::load(&files[0]).unwrap().schemas,
        Snapshot::load(&files[1]).unwrap().schemas,
        "the drifted database should differ from the migrated one"
    );
}
