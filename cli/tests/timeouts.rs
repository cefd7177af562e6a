//! Every wait on a server is bounded: a server that accepts TCP and never answers, a stopped
//! (SIGSTOP) server, a read that never finishes. Each ends in exit 2 with a message naming what
//! was waited for, instead of hanging.

mod common;

use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

use common::{Run, any_cluster, cli, fixture, workdir};

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

/// Sends `signal` to `pid` (the server runs as another user; the tests as root or as it).
fn signal(signal: &str, pid: u32) {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {signal} {pid}");
}

/// Resumes stopped processes when dropped, also when an assertion failed: the cluster cannot
/// shut down while stopped.
struct Stopped(Vec<u32>);

impl Stopped {
    fn stop(&mut self, pid: u32) {
        signal("-STOP", pid);
        self.0.push(pid);
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        for pid in self.0.drain(..) {
            signal("-CONT", pid);
        }
    }
}

/// The parent of a process, from `/proc`.
fn parent_of(pid: u32) -> u32 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // `pid (comm) state ppid ...`; comm may hold spaces, so split after the last `)`.
    let after = &stat[stat.rfind(')').unwrap() + 1..];
    after.split_whitespace().nth(1).unwrap().parse().unwrap()
}

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
    let postmaster = parent_of(backend as u32);

    // The whole server stopped: TCP connects (the kernel's backlog), nothing answers.
    {
        let mut stopped = Stopped(Vec::new());
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
    let mut stopped = Stopped(Vec::new());
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
