//! The commands against databases others are using: a migration holding a lock, tables created
//! and dropped while the schema is read, a role that may not read the migration table.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{Cli, Run, any_cluster, cli, expect, fixture, workdir};
use schemalock_tests::pg::Cluster;
use tempfile::TempDir;

/// Far beyond any wait here (and beyond the 60 s `--read-timeout`, so that without the lock
/// timeout a locked read fails unnamed rather than killed); a command still running then hangs.
const LIMIT: Duration = Duration::from_secs(90);

/// `command` against the snapshot `s.json` in `cwd` and the database `url`, then `extra`.
fn against(cwd: &Path, command: &[&str], url: &str, extra: &[&str]) -> Cli {
    let mut args = command.to_vec();
    args.extend(["--database-url", url, "--snapshot", "s.json"]);
    args.extend(extra);
    cli(cwd, &args)
}

/// A server with the app fixture in database `app` (and `sql` run after it), a work directory, and
/// `s.json` refreshed from the database by its owner.
struct App {
    pg: Cluster,
    url: String,
    dir: TempDir,
}

fn app(sql: &str) -> Option<App> {
    let pg = any_cluster()?;
    let url = pg.create_database("app");
    pg.psql_file("app", &fixture("app.sql"));
    if !sql.is_empty() {
        pg.psql("app", sql);
    }
    let dir = workdir();
    expect(0, against(dir.path(), &["refresh"], &url, &[]));
    Some(App { pg, url, dir })
}

fn bounded(command: Cli) -> Run {
    match command.run_within(LIMIT) {
        Ok(run) => run,
        Err(run) => panic!("still running after {LIMIT:?}: a hang\n{}", run.all()),
    }
}

fn assert_locked(run: &Run, pid: i32, timeout: &str) {
    assert_eq!(run.code, 2, "{}", run.all());
    for needle in [
        format!("table `public.posts` is locked (`AccessExclusiveLock` by pid {pid} for "),
        format!("the read gave up after the lock timeout ({timeout})"),
        "retry when the migration is done, or raise `--lock-timeout`".to_owned(),
    ] {
        assert!(
            run.stderr.contains(&needle),
            "{needle:?} not in\n{}",
            run.all()
        );
    }
}

#[test]
fn a_locked_table_is_named_and_the_wait_is_bounded() {
    let Some(App { pg, url, dir }) = app("") else {
        return;
    };
    let cwd = dir.path();

    // A migration holds `posts` (a partial expression index and a check: both are printed
    // against the table, which takes a share lock).
    let mut migration = pg.connect("app");
    let pid: i32 = migration
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    migration
        .batch_execute("BEGIN; LOCK TABLE posts IN ACCESS EXCLUSIVE MODE")
        .unwrap();

    // The default wait is 5 s.
    let run = bounded(cli(
        cwd,
        &["refresh", "--database-url", &url, "--snapshot", "new.json"],
    ));
    assert_locked(&run, pid, "5 s");
    assert!(!cwd.join("new.json").exists());

    let run = bounded(against(cwd, &["check"], &url, &["--lock-timeout", "1s"]));
    assert_locked(&run, pid, "1 s");
    let run = bounded(cli(
        cwd,
        &["diff", "s.json", &url, "--lock-timeout", "500ms"],
    ));
    assert_locked(&run, pid, "500 ms");
    let run = bounded(against(
        cwd,
        &["refresh", "--check"],
        &url,
        &["--lock-timeout", "1s"],
    ));
    assert_locked(&run, pid, "1 s");

    // A statement timeout below the lock timeout ends the wait too, and says which to raise.
    let run = bounded(against(
        cwd,
        &["check"],
        &url,
        &["--lock-timeout", "1m", "--statement-timeout", "300ms"],
    ));
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains("canceling statement due to statement timeout")
            && run.stderr.contains("raise `--statement-timeout`"),
        "{}",
        run.all()
    );

    // Once the migration is done, the same command passes.
    migration.batch_execute("ROLLBACK").unwrap();
    expect(0, against(cwd, &["check"], &url, &["--lock-timeout", "1s"]));

    // Every wait is bounded: no zero, no unknown unit.
    for bad in ["0", "5 weeks"] {
        let run = expect(2, cli(cwd, &["check", "--lock-timeout", bad]));
        assert!(run.stderr.contains("--lock-timeout"), "{}", run.all());
    }
}

#[test]
fn refresh_during_concurrent_ddl_retries_and_never_fails_raw() {
    let Some(App { pg, url, dir }) = app("") else {
        return;
    };
    let cwd = dir.path();
    let committed = std::fs::read_to_string(cwd.join("s.json")).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let stop = Arc::clone(&stop);
        let mut client = pg.connect("app");
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                client
                    .batch_execute(
                        "CREATE TABLE churn (id int PRIMARY KEY, x int CHECK (x > 0));
                         CREATE INDEX churn_p ON churn (id) WHERE x > 5",
                    )
                    .unwrap();
                client.batch_execute("DROP TABLE churn").unwrap();
            }
        })
    };
    const RUNS: usize = 10;
    let mut passed = 0;
    for _ in 0..RUNS {
        let run = bounded(against(cwd, &["refresh", "--check"], &url, &[]));
        match run.code {
            // Drift only in the churn table, caught alive.
            0 | 1 => {
                if run.code == 1 {
                    assert!(run.stdout.starts_with("public.churn\n"), "{}", run.all());
                }
                passed += 1;
            }
            _ => assert!(
                run.stderr
                    .contains("the schema changed while it was being read (3 attempts")
                    && run.stderr.contains("retry when the migrations are done"),
                "{}",
                run.all()
            ),
        }
    }
    stop.store(true, Ordering::Relaxed);
    churn.join().unwrap();
    eprintln!("{passed}/{RUNS} refreshes read the schema during the churn");
    assert!(passed > 0, "no refresh got through the churn");
    // The file was only compared, never written.
    assert_eq!(
        std::fs::read_to_string(cwd.join("s.json")).unwrap(),
        committed
    );
}

#[test]
fn a_head_the_role_cannot_read_is_not_drift() {
    let Some(App { pg, url, dir }) = app(
        "CREATE TABLE _sqlx_migrations (version bigint PRIMARY KEY, description text NOT NULL,
           success boolean NOT NULL);
         INSERT INTO _sqlx_migrations VALUES (20240101000000, 'init', true);
         CREATE ROLE reader LOGIN;
         REVOKE ALL ON DATABASE app FROM PUBLIC;
         REVOKE ALL ON SCHEMA public FROM PUBLIC;
         GRANT CONNECT ON DATABASE app TO reader;
         GRANT USAGE ON SCHEMA public, audit TO reader;",
    ) else {
        return;
    };
    let reader = pg.url_as("reader", "app");
    let cwd = dir.path();
    // The owner's snapshot has the head.
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cwd.join("s.json")).unwrap()).unwrap();
    assert_eq!(
        committed["migration_head"],
        serde_json::json!({"table": "_sqlx_migrations", "version": "20240101000000"})
    );

    let notice = "notice: the migration head was not read: the role `reader` has no SELECT on \
                  `_sqlx_migrations` (`GRANT SELECT ON _sqlx_migrations TO reader` lets it); it \
                  is not compared\n";
    // A least-privilege role (CONNECT and USAGE only) checks without false drift, and is told.
    let run = expect(0, against(cwd, &["check"], &reader, &[]));
    assert!(run.stdout.starts_with("no differences"), "{}", run.all());
    assert_eq!(run.stderr, notice, "{}", run.all());
    let run = expect(0, against(cwd, &["check"], &reader, &["--format", "json"]));
    let json = run.json();
    assert_eq!(json["differences"], serde_json::json!([]));
    assert_eq!(
        json["notices"],
        serde_json::json!([notice.trim_start_matches("notice: ").trim_end()])
    );
    let run = expect(0, cli(cwd, &["diff", "s.json", &reader]));
    assert!(run.stderr.contains(notice), "{}", run.all());
    expect(0, cli(cwd, &["diff", &url, &reader]));
    expect(0, against(cwd, &["refresh", "--check"], &reader, &[]));
    // Quiet: nothing but results and errors.
    let run = expect(0, against(cwd, &["check", "-q"], &reader, &[]));
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));

    // Real drift is still drift, and the head is still not part of it.
    pg.psql("app", "ALTER TABLE users ADD COLUMN nickname text");
    let run = expect(1, against(cwd, &["check"], &reader, &["--format", "json"]));
    let json = run.json();
    let objects: Vec<&str> = json["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["object"].as_str().unwrap())
        .collect();
    assert_eq!(objects, ["column"], "{}", run.all());

    // A refresh by the role writes what it could read, and says what is missing.
    let run = expect(
        0,
        cli(
            cwd,
            &["refresh", "--database-url", &reader, "--snapshot", "r.json"],
        ),
    );
    assert!(
        run.stderr.contains(
            "notice: the migration head was not read: the role `reader` has no SELECT on \
             `_sqlx_migrations`"
        ) && run.stderr.contains("`r.json` is written without it"),
        "{}",
        run.all()
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cwd.join("r.json")).unwrap()).unwrap();
    assert_eq!(written["migration_head"], serde_json::Value::Null);
}
