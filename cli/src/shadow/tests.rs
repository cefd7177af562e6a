//! Shadow databases on real PostgreSQL: each migration layout, statements that refuse a
//! transaction, enum values added and used in one file, failures, both modes (a server given by
//! URL, a throwaway local cluster), the writeros example and the crates.io schema. What the
//! command line makes of them is in `cli/tests/migrations.rs`, `shadow_safety.rs` and
//! `timeouts.rs`.
//!
//! Run `eval "$(bash .ci/setup-postgres.sh)"` first; servers that are not installed are skipped
//! (under `CI=true` they fail instead).

use std::path::{Path, PathBuf};

use schemalock_runtime::Snapshot;
use schemalock_runtime::introspect;
use schemalock_tests::pg::{Cluster, find_bin_dir, workspace_root};
use schemalock_tests::shared;

use super::{ErrorKind, Layout, Options, Progress, cluster, layout, snapshot_from_migrations_with};
use crate::testing::{dir_with, server};

/// Why [`snapshot_from_migrations`] on the server of `url` failed (it must, with `kind`).
fn failure_of_kind(dir: &Path, url: &str, kind: ErrorKind) -> String {
    let err = snapshot_from_migrations(dir, Some(url), None).unwrap_err();
    let text = err.to_string();
    assert_eq!(err.kind(), kind, "{text}");
    text
}

/// Why [`snapshot_from_migrations`] on the server of `url` failed (it must).
fn failure(dir: &Path, url: &str) -> String {
    snapshot_from_migrations(dir, Some(url), None)
        .unwrap_err()
        .to_string()
}

/// [`snapshot_from_migrations_with`] with a server (or none) and schemas.
fn snapshot_from_migrations(
    dir: &Path,
    database_url: Option<&str>,
    schemas: Option<&[String]>,
) -> Result<Snapshot, super::Error> {
    snapshot_from_migrations_with(
        dir,
        &Options {
            database_url,
            schemas,
            ..Options::default()
        },
    )
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/migrations")
        .join(name)
}

fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The PostgreSQL the CLI would pick with no URL, or `None` (skipped) when there is none.
fn default_local_postgres() -> Option<PathBuf> {
    match cluster::find_bin_dir() {
        Ok(bin) => Some(bin),
        Err(e) if is_ci() => panic!("{e}"),
        Err(e) => {
            eprintln!("skipping: {e}");
            None
        }
    }
}

/// The shadow databases left on a server.
fn shadow_databases(pg: &Cluster) -> Vec<String> {
    pg.psql(
        "postgres",
        "SELECT datname FROM pg_database WHERE datname LIKE 'schemalock\\_shadow\\_%'",
    )
    .lines()
    .map(str::to_owned)
    .collect()
}

fn labels(s: &Snapshot, schema: &str, name: &str) -> Vec<String> {
    s.schemas[schema].enums[name].labels.clone()
}

fn index_names(s: &Snapshot, schema: &str, table: &str) -> Vec<String> {
    s.table(schema, table)
        .unwrap_or_else(|| panic!("no table {schema}.{table}"))
        .indexes
        .iter()
        .map(|i| i.name.clone())
        .collect()
}

fn head(s: &Snapshot) -> Option<(String, String)> {
    s.migration_head
        .as_ref()
        .map(|h| (h.table.clone(), h.version.clone()))
}

/// sqlx on a server given by URL: only `up` of a reversible pair, an enum value added then used,
/// `CREATE INDEX CONCURRENTLY`, `-- no-transaction`, `BEGIN ATOMIC` and dollar-quoted bodies;
/// the shadow database is gone afterwards.
#[test]
fn sqlx_on_a_server_given_by_url() {
    let Some((pg, url)) = server() else { return };
    let events = std::cell::RefCell::new(Vec::new());
    let progress = |p: Progress| events.borrow_mut().push(format!("{p:?}"));
    let s = snapshot_from_migrations_with(
        &fixture("sqlx"),
        &Options {
            database_url: Some(&url),
            progress: Some(&progress),
            ..Options::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(labels(&s, "public", "mood"), ["sad", "ok", "happy"]);
    let users = s.table("public", "users").unwrap();
    assert_eq!(
        users.column("mood").unwrap().default.as_deref(),
        Some("'happy'::mood")
    );
    assert_eq!(
        users.column("note").unwrap().default.as_deref(),
        Some("'it''s; fine'::text")
    );
    assert_eq!(
        index_names(&s, "public", "users"),
        ["users_name_idx", "users_pkey"]
    );
    assert!(s.table("public", "posts").is_some(), "up.sql applied");
    assert!(s.table("public", "audit").is_some());
    assert!(s.table("public", "_sqlx_migrations").is_some());
    assert_eq!(
        head(&s),
        Some(("_sqlx_migrations".into(), "20240105000000".into()))
    );
    assert_eq!(shadow_databases(&pg), Vec::<String>::new());
    let mut client = pg.connect("postgres");
    let rows = client
        .query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'schemalock%'",
            &[],
        )
        .unwrap();
    assert!(rows.is_empty());
    let events = events.into_inner();
    assert!(
        events[0].starts_with("Loaded { layout: Sqlx, migrations: 5 }"),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e
                .contains("Applying { index: 5, total: 5, name: \"20240105000000_audit.sql\" }")),
        "{events:?}"
    );
    assert_eq!(events.last().map(String::as_str), Some("CleaningUp"));
}

/// diesel on a throwaway local cluster from the binaries found on this machine (no URL): the
/// order of versions with and without dashes, `run_in_transaction = false`.
#[test]
fn diesel_on_a_local_cluster() {
    if default_local_postgres().is_none() {
        return;
    }
    let s =
        snapshot_from_migrations(&fixture("diesel"), None, None).unwrap_or_else(|e| panic!("{e}"));
    let versions = s.table("public", "versions").unwrap();
    assert_eq!(versions.foreign_keys[0].references.table, "crates");
    assert_eq!(
        index_names(&s, "public", "versions"),
        ["versions_crate_id_idx", "versions_pkey"]
    );
    assert!(s.table("public", "__diesel_schema_migrations").is_some());
    // diesel compares versions as text; the newest is the dash-less 2018 one.
    assert_eq!(
        head(&s),
        Some(("__diesel_schema_migrations".into(), "20180101000000".into()))
    );
}

/// refinery on a server given by URL, and a plain folder on a local cluster from the harness's
/// PostgreSQL 16 (another version than the machine's default).
#[test]
fn refinery_and_plain_layouts() {
    let Some((pg, url)) = server() else { return };
    let s = snapshot_from_migrations(&fixture("refinery"), Some(&url), None)
        .unwrap_or_else(|e| panic!("{e}"));
    let cars = s.table("public", "cars").unwrap();
    assert!(cars.column("brand").is_some(), "V10 ran after V2");
    assert!(
        s.table("public", "car_names").is_some(),
        "sub-folders are read"
    );
    assert_eq!(
        head(&s),
        Some(("refinery_schema_history".into(), "10".into()))
    );
    assert_eq!(shadow_databases(&pg), Vec::<String>::new());

    let Some(bin) = find_bin_dir(16).or_else(|| {
        eprintln!("PostgreSQL 16 is not installed: the plain folder runs on the default one");
        default_local_postgres()
    }) else {
        return;
    };
    let s = snapshot_from_migrations_with(
        &fixture("plain"),
        &Options {
            pg_bin: Some(&bin),
            schemas: Some(&["app".to_owned()]),
            ..Options::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.schemas.keys().collect::<Vec<_>>(), ["app"]);
    assert!(s.table("app", "accounts").is_some());
    assert!(s.table("app", "emails").is_some());
    assert_eq!(head(&s), None);
}

/// A failing migration names the file, the statement and its line, and the shadow database is
/// dropped; the same on a local cluster.
#[test]
fn failing_migration_names_file_and_statement_and_cleans_up() {
    let Some((pg, url)) = server() else { return };
    let text = failure_of_kind(&fixture("failing"), &url, ErrorKind::Migration);
    let file = fixture("failing").join("2_broken.sql");
    assert!(
        text.starts_with(&format!(
            "migration {} failed at statement 2 of 2 (line 3): relation \"missing\" does not exist (SQLSTATE 42P01)",
            file.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("statement: ALTER TABLE missing ..."),
        "{text}"
    );
    assert!(text.contains("fix this migration"), "{text}");
    assert_eq!(shadow_databases(&pg), Vec::<String>::new());

    // A syntax error carries its position in the file.
    let dir = dir_with(&[(
        "1_typo.sql",
        "CREATE TABLE ok (id int);\n\nCREATE TABLE t (\n    id int,\n    name txet\n);\n",
    )]);
    let text = failure(dir.path(), &url);
    assert!(text.contains("type \"txet\" does not exist"), "{text}");
    assert!(text.contains("error position: line 5, column 10"), "{text}");
    assert_eq!(shadow_databases(&pg), Vec::<String>::new());

    if default_local_postgres().is_none() {
        return;
    }
    let text = snapshot_from_migrations(&fixture("failing"), None, None)
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("failed at statement 2 of 2 (line 3)"),
        "{text}"
    );
    assert!(
        text.contains("on a throwaway local cluster from "),
        "{text}"
    );
}

/// A panic while the shadow database exists (here in a progress callback) still drops it.
#[test]
fn panic_still_drops_the_shadow_database() {
    let Some((pg, url)) = server() else { return };
    let progress = |p: Progress| {
        if let Progress::Applying { index: 2, .. } = p {
            panic!("boom");
        }
    };
    let result = std::panic::catch_unwind(|| {
        snapshot_from_migrations_with(
            &fixture("sqlx"),
            &Options {
                database_url: Some(&url),
                progress: Some(&progress),
                ..Options::default()
            },
        )
    });
    assert!(result.is_err(), "the callback panicked");
    assert_eq!(shadow_databases(&pg), Vec::<String>::new());
}

/// As root, binaries the server's user cannot reach are refused with a message saying why and
/// what to set.
#[cfg(unix)]
#[test]
fn binaries_the_server_user_cannot_run() {
    if !cluster::running_as_root() {
        eprintln!("skipping: only root runs the server as another user");
        return;
    }
    let Some(bin) = default_local_postgres() else {
        return;
    };
    // A directory only root can enter, with links to real binaries.
    let hidden = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        hidden.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let links = hidden.path().join("bin");
    std::fs::create_dir(&links).unwrap();
    for program in cluster::REQUIRED_BINARIES {
        std::os::unix::fs::symlink(bin.join(program), links.join(program)).unwrap();
    }
    let err = snapshot_from_migrations_with(
        &fixture("sqlx"),
        &Options {
            pg_bin: Some(&links),
            ..Options::default()
        },
    )
    .unwrap_err();
    let text = err.to_string();
    assert_eq!(err.kind(), ErrorKind::LocalCluster, "{text}");
    assert!(text.contains("PostgreSQL refuses to run as root"), "{text}");
    assert!(text.contains("who cannot run"), "{text}");
    assert!(text.contains("set PG_BIN"), "{text}");
    assert!(text.contains("--database-url"), "{text}");
}

/// A statement refused in a transaction that the statement check does not know still applies:
/// the file runs again outside a transaction. And a file that fails outside a transaction says
/// its earlier statements stay applied.
#[test]
fn files_that_cannot_run_in_one_transaction() {
    let Some((pg, url)) = server() else { return };
    // Two enum values added and used in one file, the use inside a function-free INSERT.
    let dir = dir_with(&[
        (
            "1_enum.sql",
            "CREATE TYPE state AS ENUM ('new');\nCREATE TABLE jobs (s state);",
        ),
        (
            "2_more_states.sql",
            "ALTER TYPE state ADD VALUE 'running';\nALTER TYPE state ADD VALUE 'done' AFTER \
             'running';\nINSERT INTO jobs VALUES ('done');\nALTER TABLE jobs ALTER COLUMN s SET \
             DEFAULT 'running';",
        ),
    ]);
    let s =
        snapshot_from_migrations(dir.path(), Some(&url), None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(labels(&s, "public", "state"), ["new", "running", "done"]);

    std::fs::write(
        dir.path().join("3_broken.sql"),
        "CREATE INDEX CONCURRENTLY jobs_s ON jobs (s);\nSELECT no_such_function();",
    )
    .unwrap();
    let text = failure(dir.path(), &url);
    assert!(
        text.contains("failed at statement 2 of 2 (line 2)"),
        "{text}"
    );
    assert!(
        text.contains("statement 1 (line 1) is CREATE INDEX CONCURRENTLY"),
        "{text}"
    );
    assert_eq!(shadow_databases(&pg), Vec::<String>::new());
}

/// The URL's password never shows in an error, even when the server rejects it.
#[test]
fn rejected_password_is_redacted() {
    let Some(pg) = Cluster::start(15) else { return };
    pg.add_password_role("app", "right-password");
    let url = format!(
        "postgres://app:wrong-s3cret@127.0.0.1:{}/postgres",
        pg.port()
    );
    let text = failure_of_kind(&fixture("sqlx"), &url, ErrorKind::Connect);
    assert!(!text.contains("wrong-s3cret"), "{text}");
    assert!(text.contains("postgres://app:***@127.0.0.1:"), "{text}");
    assert!(text.contains("password authentication failed"), "{text}");
}

/// A role without CREATEDB is told what to do.
#[test]
fn role_without_createdb_is_told_what_to_do() {
    let Some(pg) = Cluster::start(15) else { return };
    pg.psql("postgres", "CREATE ROLE plain LOGIN");
    let url = pg.url_as("plain", "postgres");
    let text = failure_of_kind(&fixture("sqlx"), &url, ErrorKind::Database);
    assert!(
        text.contains("permission denied to create database"),
        "{text}"
    );
    assert!(text.contains("CREATEDB"), "{text}");
}

/// The committed snapshot of the writeros example is what its migrations give on PostgreSQL 16
/// with pgvector (apart from the server's version).
#[test]
fn writeros_migrations_give_the_committed_snapshot() {
    let example = workspace_root().join("examples/writeros");
    let Some(bin) = find_bin_dir(16) else {
        assert!(!is_ci(), "PostgreSQL 16 with pgvector is not installed");
        eprintln!("skipping: PostgreSQL 16 with pgvector is not installed");
        return;
    };
    let mut fresh = snapshot_from_migrations_with(
        &example.join("migrations"),
        &Options {
            pg_bin: Some(&bin),
            ..Options::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut committed = Snapshot::load(&example.join("schemalock.json")).unwrap();
    assert!(fresh.server_version.as_deref().unwrap().starts_with("16."));
    fresh.server_version = None;
    committed.server_version = None;
    assert!(
        fresh.to_json() == committed.to_json(),
        "the shadow database of examples/writeros/migrations differs from schemalock.json:\n{}",
        first_difference(&committed.to_json(), &fresh.to_json())
    );
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}: committed `{x}`, fresh `{y}`", i + 1);
        }
    }
    format!("lengths {} and {}", a.lines().count(), b.lines().count())
}

/// The real-world schemas as a plain-folder migration give the same snapshot as loading the file
/// with psql: crates.io (285 migrations with `CREATE INDEX CONCURRENTLY`, run statement by
/// statement) on PostgreSQL 15 with contrib, and pagila and Synapse.
#[test]
fn shared_schemas_as_plain_folder_migrations() {
    let Some(dir) = shared::dir() else { return };
    let Some((pg, url)) = server() else { return };
    for schema in shared::ALL {
        let Some(db) = schema.load(&pg, &dir) else {
            continue;
        };
        let mut client = pg.connect(&db);
        let mut expected = introspect::postgres::snapshot(&mut client, None).unwrap();
        drop(client);

        let migrations = tempfile::tempdir().unwrap();
        std::fs::copy(dir.join(schema.file), migrations.path().join(schema.file)).unwrap();
        let mut got = snapshot_from_migrations_with(
            migrations.path(),
            &Options {
                database_url: Some(&url),
                layout: Some(Layout::Plain),
                ..Options::default()
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", schema.name));
        got.server_version = None;
        expected.server_version = None;
        assert!(
            got.to_json() == expected.to_json(),
            "{}: the shadow database differs from psql's load:\n{}",
            schema.name,
            first_difference(&expected.to_json(), &got.to_json())
        );
    }
    assert_eq!(shadow_databases(&pg), Vec::<String>::new());
}

/// The layout detection is reachable on its own, for the CLI's messages.
#[test]
fn layouts_of_the_fixtures() {
    for (name, layout) in [
        ("sqlx", Layout::Sqlx),
        ("diesel", Layout::Diesel),
        ("refinery", Layout::Refinery),
        ("plain", Layout::Plain),
    ] {
        assert_eq!(layout::detect(&fixture(name)).unwrap(), layout, "{name}");
    }
    let empty = tempfile::tempdir().unwrap();
    let err = snapshot_from_migrations(empty.path(), None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Layout);
    assert!(
        err.to_string()
            .contains("diesel (`<version>_<name>/up.sql`)"),
        "{err}"
    );
}

/// A migration that creates a role applies once on a shared server; the next run is told that
/// roles are cluster-wide and to use the throwaway local cluster, which has no such problem.
#[test]
fn roles_are_cluster_wide_on_a_shared_server() {
    let Some((pg, url)) = server() else { return };
    let dir = dir_with(&[(
        "1_roles.sql",
        "CREATE TABLE t (a int);\nCREATE ROLE app_reader NOLOGIN;\nGRANT SELECT ON t TO app_reader;\n",
    )]);
    snapshot_from_migrations(dir.path(), Some(&url), None).unwrap_or_else(|e| panic!("{e}"));
    let text = failure_of_kind(dir.path(), &url, ErrorKind::Migration);
    assert!(
        text.contains("role \"app_reader\" already exists (SQLSTATE 42710)"),
        "{text}"
    );
    assert!(text.contains("roles are cluster-wide"), "{text}");
    assert!(
        text.contains("an earlier run of these migrations"),
        "{text}"
    );
    assert!(text.contains("run without --database-url"), "{text}");
    assert!(!text.contains("fix this migration"), "{text}");
    assert_eq!(shadow_databases(&pg), Vec::<String>::new());

    // Inside a DO block the statement does not say CREATE ROLE; the server's error does.
    std::fs::write(
        dir.path().join("1_roles.sql"),
        "DO $$ BEGIN CREATE ROLE app_reader NOLOGIN; END $$;\n",
    )
    .unwrap();
    let text = failure(dir.path(), &url);
    assert!(text.contains("roles are cluster-wide"), "{text}");

    // A local cluster starts without the role, every time.
    if default_local_postgres().is_none() {
        return;
    }
    for _ in 0..2 {
        snapshot_from_migrations(dir.path(), None, None).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn connection_errors_never_show_the_password() {
    let dir = dir_with(&[("1_init.sql", "CREATE TABLE t (a int);")]);
    // Nothing listens on port 1.
    let url = "postgres://app:s3cr%40t@127.0.0.1:1/app?connect_timeout=5";
    let text = failure_of_kind(dir.path(), url, ErrorKind::Connect);
    assert!(
        text.starts_with("cannot connect to the server of postgres://app:***@127.0.0.1:1/app"),
        "{text}"
    );
    assert!(!text.contains("s3cr"), "{text}");
    assert!(text.contains("--database-url"), "{text}");
    let err = snapshot_from_migrations(
        dir.path(),
        Some("postgres://a:hunter2@/x?port=notanumber"),
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("invalid database URL"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    let options = Options {
        database_url: Some(url),
        ..Options::default()
    };
    assert!(!format!("{options:?}").contains("s3cr"));
}

#[test]
fn layout_errors_come_before_any_server_work() {
    let dir = tempfile::tempdir().unwrap();
    let err = snapshot_from_migrations(dir.path(), Some("postgres://a:b@127.0.0.1:1/x"), None)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Layout);
}
