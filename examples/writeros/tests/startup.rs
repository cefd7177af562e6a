//! The service refuses to start on a drifted database and starts on a migrated one.

use std::path::PathBuf;
use std::process::Command;

use schemalock_tests::pg::{Cluster, workspace_root};

fn example(path: &str) -> PathBuf {
    workspace_root().join("examples/writeros").join(path)
}

fn run(url: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_writeros"))
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn startup_verifies_the_database() {
    let Some(pg) = Cluster::start(16) else { return };
    if !pg.has_extension("vector") {
        assert!(std::env::var_os("CI").is_none(), "no pgvector under CI");
        eprintln!("skipping: no pgvector");
        return;
    }

    let drifted = pg.create_database("drifted");
    pg.psql_file("drifted", &example("drifted/drifted.sql"));
    let (code, _, err) = run(&drifted);
    assert_eq!(code, 1, "{err}");
    // Every checked statement was prepared there: those naming the renamed column are reported
    // with their file and line.
    assert!(err.contains("statements checked)"), "{err}");
    assert!(
        err.contains("\n  examples/writeros/src/queries.rs:15:36 (SELECT id, vault_id, source_chunk_id, name, entity_type, can...)\n    - the database refuses this statement: column \"entity_type\" does not exist"),
        "{err}"
    );
    assert_eq!(
        err.matches("the database refuses this statement").count(),
        4,
        "{err}"
    );
    assert!(
        err.starts_with("schemalock: the database does not match the models: "),
        "{err}"
    );
    assert!(
        err.contains("no column `entity_type` in table `entities`; did you mean `type`?"),
        "{err}"
    );
    assert!(
        err.ends_with("writeros: refusing to start: the database does not match the models\n"),
        "{err}"
    );

    let synced = pg.create_database("synced");
    let mut files: Vec<PathBuf> = std::fs::read_dir(example("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        pg.psql_file("synced", f);
    }
    let (code, out, err) = run(&synced);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("schemalock: the database matches all "),
        "{out}"
    );
    let statements = writeros::queries::ALL.len();
    assert!(
        out.contains(&format!(" and {statements} statements\n")),
        "{out}"
    );
    assert!(out.ends_with("writeros: ready\n"), "{out}");

    // Unreachable: exit 2, not drift.
    let (code, _, err) = run("postgres://nobody@127.0.0.1:1/none");
    assert_eq!(code, 2, "{err}");
}
