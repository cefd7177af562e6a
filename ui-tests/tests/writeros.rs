//! The example's promise: the writeros models build against the migrated schema, and the same
//! models against a snapshot of the drifted production database fail with every difference
//! reported in one build. Also: the stale models, as the service had them before the migration,
//! fail against the current snapshot.
//!
//! Each case runs `cargo check -p writeros` with the cargo that runs this test, in a target
//! directory of its own under this workspace's target (so it never waits on the outer build).

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn check(snapshot: Option<&str>, features: &[&str]) -> (bool, String) {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) => PathBuf::from(t).join("writeros-probe"),
        None => workspace().join("target/writeros-probe"),
    };
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(["check", "--quiet", "-p", "writeros", "--lib"])
        .current_dir(workspace())
        .env("CARGO_TARGET_DIR", target)
        .env_remove("SCHEMALOCK_SNAPSHOT");
    for f in features {
        cmd.args(["--features", f]);
    }
    if let Some(s) = snapshot {
        cmd.env("SCHEMALOCK_SNAPSHOT", s);
    }
    let out = cmd.output().expect("cargo runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The `error...` lines of rustc's output, without the source excerpts.
fn errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error") && !l.starts_with("error: could not compile"))
        .collect()
}

#[test]
fn models_build_against_the_migrated_schema() {
    let (ok, err) = check(None, &[]);
    assert!(ok, "{err}");
}

#[test]
fn drifted_database_reports_every_difference_in_one_build() {
    let (ok, err) = check(Some("drifted.schemalock.json"), &[]);
    assert!(!ok);
    let errors = errors(&err);
    let count = |needle: &str| errors.iter().filter(|e| e.contains(needle)).count();

    // The enums do not exist in the drifted database.
    for e in [
        "entitytype",
        "canonlayer",
        "canonstatus",
        "nodesignificance",
    ] {
        assert_eq!(
            count(&format!("enum type `{e}` not found in schema `public`")),
            1,
            "{e}:\n{err}"
        );
    }
    // The column is still `type`: once per model that reads it.
    assert_eq!(
        count("no column `entity_type` in table `entities`; did you mean `type`?"),
        3,
        "{err}"
    );
    // VARCHAR(20) where the enums are.
    assert!(
        count(
            "column `entities.canon_layer` is `character varying(20)`; `CanonLayer` cannot hold it"
        ) >= 1,
        "{err}"
    );
    assert!(
        count(
            "column `entities.canon_status` is `character varying(20)`; `CanonStatus` cannot hold it"
        ) >= 1,
        "{err}"
    );
    assert!(
        count(
            "column `entities.significance` is `character varying(20)`; `NodeSignificance` cannot hold it"
        ) >= 1,
        "{err}"
    );
    assert!(
        count("column `facts.canon_layer` is `character varying(20)`") == 1,
        "{err}"
    );
    // Nullable counters and scores.
    for (column, rust) in [
        ("mention_count", "i32"),
        ("extraction_confidence", "f64"),
        ("importance_score", "f32"),
    ] {
        assert!(
            count(&format!(
                "column `entities.{column}` is nullable, but `{rust}` cannot hold NULL"
            )) >= 1,
            "{column}:\n{err}"
        );
    }
    // The insertable model misses the drifted NOT NULL `type` column.
    assert_eq!(
        count("insertable model `NewEntity` has no field for column `type`"),
        1,
        "{err}"
    );
    // The hand-written SQL (`queries.rs`, through `sql!`/`sql_as!`) names `entity_type` too.
    assert!(
        count("column `entity_type` does not exist; did you mean `type`?") >= 3,
        "{err}"
    );
    // `sql_as!` rows: the drifted columns' types, read through the statements.
    assert!(
        count("`Entity::canon_layer`: column `entities.canon_layer` is `character varying`") >= 1,
        "{err}"
    );
    assert!(!err.contains("panicked at"), "a derive panicked:\n{err}");
    // The derives decide in the macro or through a trait error, never through constant
    // evaluation. `sql_as!`'s row check is the exception: the macro cannot see the row type's
    // fields and a trait error cannot carry the computed message, so the compiler evaluates it,
    // and its errors point at the statements in `queries.rs`.
    for block in err
        .split("\nerror")
        .filter(|b| b.contains("E0080") || b.contains("evaluation panicked"))
    {
        assert!(
            block.contains("src/queries.rs"),
            "a derive's check failed as constant evaluation:\n{block}"
        );
    }
}

#[test]
fn stale_models_fail_against_the_migrated_schema() {
    let (ok, err) = check(None, &["stale-models"]);
    assert!(
        !ok,
        "the stale models must not build against the migrated schema"
    );
    assert!(
        err.contains("no column `type` in table `entities`; did you mean `entity_type`?"),
        "{err}"
    );
    assert!(
        err.contains("column `entities.canon_layer` is enum `canonlayer`; `String` cannot hold it; map it to a Rust enum"),
        "{err}"
    );
    // The stale hand-written SQL: the incident's column, and a misspelt label.
    assert!(
        err.contains("error: column `type` does not exist; did you mean `entity_type`?"),
        "{err}"
    );
    assert!(
        err.contains(
            "error: `RETCONED` is not a label of enum `canonlayer`; did you mean `RETCONNED`?"
        ),
        "{err}"
    );
}
