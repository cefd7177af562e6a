//! Every wait on a server is bounded: a server that accepts TCP and never answers, a stopped
//! (SIGSTOP) server, a read that never finishes. Each ends in exit 2 with a message naming what
//! was waited for, instead of hanging.

mod common;

use std::net::TcpListener;
use std::time::Duration;

#[cfg(target_os = "linux")]
use common::shadow_databases;
use common::{Run, any_cluster, cli, fixture, workdir};
#[cfg(target_os = "linux")]
use schemalock_tests::os::{Stopped, parent_of};

const PASSWORD: &str = "Sup3r-s3cret_pw";

/// Far beyond any deadline used here: a run still going then is a hang.
const HANG: Duration = Duration::from_secs(90);

fn bounded(run: Result<Run, Run>) -> Run {
    match run {
        Ok(run) => run,
        Err(run) => panic!("still running after {HANG:?}: a hang\n{}", run.all()),
    }
}

fn assert_timed_out(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.starts_with("error: "), "{}", run.all());
    for n in needles {
        assert!(run.stderr.contains(n), "{n:?} not in\n{}", run.all());
    }
    assert!(!run.stderr.contains(PASSWORD) && !run.stdout.contains(PASSWORD));
}

#[test]
fn a_server_that_accepts_and_never_answers() {
    // Listening, never accepting: the kernel completes the TCP handshake and the startup
    // message waits in the backlog, unanswered.
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let url = format!("postgres://app:{PASSWORD}@127.0.0.1:{port}/app");
    // Quoted in backticks, or not by the shadow database's messages.
    let shown = format!("postgres://app:***@127.0.0.1:{port}/app");
    let dir = workdir();
    let cwd = dir.path();
    std::fs::write(cwd.join("s.json"), r#"{"format_version":2,"schemas":{}}"#).unwrap();
    let migrations = cwd.join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(migrations.join("1_init.sql"), "CREATE TABLE t (a int);").unwrap();

    // The URL's connect_timeout is the deadline when the flag is not given.
    let with_timeout = format!("{url}?connect_timeout=1");
    let run = bounded(
        cli(
            cwd,
            &[
                "check",
                "--snapshot",
                "s.json",
                "--database-url",
                &with_timeout,
            ],
        )
        .run_within(HANG),
    );
    assert_timed_out(&run, &["no answer within 1 s"]);
    for args in [
        vec!["check", "--snapshot", "s.json", "--connect-timeout", "1"],
        vec![
            "refresh",
            "--snapshot",
            "t.json",
            "--connect-timeout",
            "1.5",
        ],
        vec!["--connect-timeout", "1", "diff", "s.json", &url],
        vec![
            "refresh",
            "--migrations",
            "migrations",
            "--snapshot",
            "m.json",
            "--connect-timeout",
            "1",
        ],
    ] {
        let run = bounded(cli(cwd, &args).env("DATABASE_URL", &url).run_within(HANG));
        assert_timed_out(
            &run,
            &[
                "cannot connect to",
                &shown,
                "no answer within 1",
                "--connect-timeout",
            ],
        );
    }
    drop(listener);
}

#[cfg(target_os = "linux")]
#[test]
fn a_stopped_server_before_connecting_and_mid_read() {
    let Some(pg) = any_cluster() else {
        return;
    };
    pg.create_database("app");
    pg.psql_file("app", &fixture("app.sql"));
    // A migrations table makes the read take a lock that this test can hold.
    pg.psql(
        "app",
        "CREATE TABLE __diesel_schema_migrations (version text PRIMARY KEY)",
    );
    pg.add_password_role("app_user", PASSWORD);
    pg.psql(
        "app",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_user",
    );
    let port = pg.port();
    let url = format!("postgres://app_user:{PASSWORD}@127.0.0.1:{port}/app");
    let dir = workdir();
    let cwd = dir.path();
    let refresh = |timeouts: &[&str]| {
        let mut args = vec!["refresh", "--snapshot", "s.json"];
        args.extend(timeouts);
        cli(cwd, &args).env("DATABASE_URL", &url)
    };
    let run = bounded(refresh(&[]).run_within(HANG));
    assert_eq!(run.code, 0, "{}", run.all());

    let mut admin = pg.connect("app");
    let backend: i32 = admin
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let postmaster = parent_of(backend as u32).unwrap();

    // The whole server stopped: TCP connects (the kernel's backlog), nothing answers.
    {
        let mut stopped = Stopped::default();
        stopped.stop(postmaster);
        // The URL's connect_timeout, which alone never bounded the startup.
        let run = bounded(
            cli(cwd, &["refresh", "--snapshot", "s.json"])
                .env("DATABASE_URL", &format!("{url}?connect_timeout=1"))
                .run_within(HANG),
        );
        assert_timed_out(
            &run,
            &[
                &format!(
                    "cannot connect to `postgres://app_user:***@127.0.0.1:{port}/app?connect_timeout=1`"
                ),
                "no answer within 1 s",
            ],
        );
    }

    // Stopped mid-read: hold a lock the read needs, stop the reading backend once it waits
    // for it, then let the lock go. The backend never answers again.
    let mut stopped = Stopped::default();
    admin
        .batch_execute("BEGIN; LOCK TABLE __diesel_schema_migrations IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let child = std::thread::scope(|scope| {
        let child = scope.spawn(|| refresh(&["--read-timeout", "3"]).run_within(HANG));
        let mut watcher = pg.connect("postgres");
        let mut reader = None;
        for _ in 0..600 {
            let row = watcher
                .query_opt(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = 'cargo-schemalock' \
                     AND wait_event_type = 'Lock'",
                    &[],
                )
                .unwrap();
            if let Some(row) = row {
                reader = Some(row.get::<_, i32>(0) as u32);
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let reader = reader.expect("the read never waited for the lock");
        stopped.stop(reader);
        admin.batch_execute("ROLLBACK").unwrap();
        child.join().unwrap()
    });
    let run = bounded(child);
    assert_timed_out(
        &run,
        &[
            &format!(
                "reading the schema of `postgres://app_user:***@127.0.0.1:{port}/app` timed out"
            ),
            "no answer within 3 s",
            "--read-timeout",
        ],
    );
    drop(stopped);

    // A read blocked on a lock that is never released ends the same way.
    admin
        .batch_execute("BEGIN; LOCK TABLE __diesel_schema_migrations IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let run = bounded(refresh(&["--read-timeout", "1"]).run_within(HANG));
    assert_timed_out(&run, &["timed out: no answer within 1 s"]);
    admin.batch_execute("ROLLBACK").unwrap();
    let run = bounded(refresh(&[]).run_within(HANG));
    assert_eq!(run.code, 0, "{}", run.all());
}

/// Waits until a backend of the tool sleeps in `pg_sleep` in a shadow database; its pid and
/// database. `None` when the run ended first.
#[cfg(target_os = "linux")]
fn sleeping_migration(
    pg: &schemalock_tests::pg::Cluster,
    run: &std::thread::ScopedJoinHandle<'_, Result<Run, Run>>,
) -> Option<(u32, String)> {
    let mut watcher = pg.connect("postgres");
    while !run.is_finished() {
        let row = watcher
            .query_opt(
                "SELECT pid, datname::text FROM pg_stat_activity \
                 WHERE application_name = 'cargo-schemalock' AND wait_event = 'PgSleep' \
                 AND datname LIKE 'schemalock\\_shadow\\_%'",
                &[],
            )
            .unwrap();
        if let Some(row) = row {
            return Some((row.get::<_, i32>(0) as u32, row.get(1)));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// `refresh --migrations` on a server whose backend is stopped (SIGSTOP) in the middle of a
/// migration: the step runs out (exit 2, naming the step and the migration file) instead of
/// hanging, and the shadow database is dropped by the next run once the server answers again.
/// And a read of the shadow database held up by a lock names the query it waited on.
#[cfg(target_os = "linux")]
#[test]
fn a_stopped_server_mid_migration() {
    let Some(pg) = any_cluster() else {
        return;
    };
    let url = pg.url("postgres");
    let dir = workdir();
    let cwd = dir.path();
    let migrations = cwd.join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(
        migrations.join("1_init.sql"),
        "CREATE TABLE t (a int CHECK (a > 0));",
    )
    .unwrap();
    // Long enough to be caught, well within the deadline when nothing stops it.
    std::fs::write(migrations.join("2_pause.sql"), "SELECT pg_sleep(3);").unwrap();
    let refresh = |timeouts: &[&str]| {
        let mut args = vec![
            "refresh",
            "--migrations",
            "migrations",
            "--snapshot",
            "s.json",
        ];
        args.extend(timeouts);
        cli(cwd, &args).env("DATABASE_URL", &url)
    };

    let mut stopped = Stopped::default();
    let run = std::thread::scope(|scope| {
        let run = scope.spawn(|| refresh(&["--migration-timeout", "8"]).run_within(HANG));
        let (backend, _) = sleeping_migration(&pg, &run).expect("the migration never slept");
        stopped.stop(backend);
        run.join().unwrap()
    });
    let run = bounded(run);
    let file = migrations.join("2_pause.sql");
    assert_timed_out(
        &run,
        &[
            &format!("applying migration {} (2 of 2)", file.display()),
            "to the shadow database schemalock_shadow_",
            "timed out: no answer within 8 s",
            "`--migration-timeout SECONDS`",
        ],
    );
    // The stopped backend keeps the database in use: it cannot be dropped yet.
    drop(stopped);
    std::fs::write(migrations.join("2_pause.sql"), "SELECT 1;").unwrap();
    let run = bounded(refresh(&[]).run_within(HANG));
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(shadow_databases(&pg), Vec::<String>::new(), "{}", run.all());

    // Reading the migrated schema waits on a lock this test holds on `t` (printing its check
    // constraint needs one) for longer than the read may take.
    std::fs::write(migrations.join("2_pause.sql"), "SELECT pg_sleep(3);").unwrap();
    let run = std::thread::scope(|scope| {
        let run = scope
            .spawn(|| refresh(&["--read-timeout", "2", "--lock-timeout", "60"]).run_within(HANG));
        let (_, database) = sleeping_migration(&pg, &run).expect("the migration never slept");
        let mut holder = pg.connect(&database);
        holder
            .batch_execute("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
            .unwrap();
        let run = run.join().unwrap();
        // Dropping the shadow database ended this session.
        drop(holder);
        run
    });
    let run = bounded(run);
    assert_timed_out(
        &run,
        &[
            "reading the schema of the shadow database schemalock_shadow_",
            "timed out: no answer within 2 s to query `constraints`",
            "`--read-timeout SECONDS`",
        ],
    );
    assert_eq!(shadow_databases(&pg), Vec::<String>::new(), "{}", run.all());
}

/// A live read that runs out names the query it waited on.
#[test]
fn a_read_that_runs_out_names_its_query() {
    let Some(pg) = any_cluster() else {
        return;
    };
    pg.create_database("app");
    pg.psql(
        "app",
        "CREATE TABLE __diesel_schema_migrations (version text PRIMARY KEY)",
    );
    let url = pg.url("app");
    let dir = workdir();
    let cwd = dir.path();
    let mut admin = pg.connect("app");
    admin
        .batch_execute("BEGIN; LOCK TABLE __diesel_schema_migrations IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let run = bounded(
        cli(
            cwd,
            &["refresh", "--snapshot", "s.json", "--read-timeout", "1"],
        )
        .env("DATABASE_URL", &url)
        .run_within(HANG),
    );
    assert_timed_out(
        &run,
        &["timed out: no answer within 1 s to query `migration head`"],
    );
    admin.batch_execute("ROLLBACK").unwrap();
}
