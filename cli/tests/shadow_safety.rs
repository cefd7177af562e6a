//! `refresh --migrations` leaves nothing behind and lets nobody in: the throwaway local cluster
//! is reachable by no other OS user and by no TCP client, and dies with the tool even on
//! `kill -9`; SIGINT and SIGTERM remove the cluster and drop the shadow database; a shadow
//! database or cluster directory left by a killed run is removed by the next run, and one in use
//! by a live run is not.
//!
//! These run the real binary against real PostgreSQL 15 and look at the result from the outside
//! (`/proc`, `pg_database`, `pg_stat_activity`), so they are Linux-only. The other-OS-user checks
//! need root (CI runs as root) and are skipped otherwise.
#![cfg(target_os = "linux")]

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

mod common;

use common::shadow_databases;
use schemalock_tests::os::{OUTSIDER, Outsider, Process, Stopped, wait_for};
use schemalock_tests::pg::{Cluster, connect, find_bin_dir};

/// Bounds on waits; generous, for a loaded 2-core machine.
const START: Duration = Duration::from_secs(180);
const STOP: Duration = Duration::from_secs(60);

/// A migrations directory whose only migration sleeps for ten minutes after creating a table.
fn sleeping_migrations(root: &Path) -> PathBuf {
    let dir = root.join("sleeping");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("1_slow.sql"),
        "CREATE TABLE slow (a int);\nSELECT pg_sleep(600);\n",
    )
    .unwrap();
    dir
}

/// A migrations directory that applies at once.
fn quick_migrations(root: &Path) -> PathBuf {
    let dir = root.join("quick");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("1_quick.sql"), "CREATE TABLE quick (a int);\n").unwrap();
    dir
}

/// A directory for the tool's TMPDIR: the server's user (`postgres` when we are root) must be
/// able to reach the cluster directory the tool makes inside.
fn tool_tmpdir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("schemalock-tmp")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    dir
}

/// `cargo schemalock refresh --migrations DIR` in the background, its stderr in a file. With a
/// URL the shadow database goes to that server; without, to a local cluster from PostgreSQL 15,
/// made in `tmpdir`.
struct Run {
    child: Child,
    stderr: PathBuf,
    _work: tempfile::TempDir,
}

fn spawn(migrations: &Path, url: Option<&str>, tmpdir: &Path) -> Run {
    spawn_with(migrations, url, tmpdir, &[])
}

/// [`spawn`] with more arguments.
fn spawn_with(migrations: &Path, url: Option<&str>, tmpdir: &Path, args: &[&str]) -> Run {
    let work = tempfile::tempdir().unwrap();
    let stderr = work.path().join("stderr");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-schemalock"));
    cmd.args(["schemalock", "refresh", "--migrations"])
        .arg(migrations)
        .args(args)
        .arg("--snapshot")
        .arg(work.path().join("s.json"))
        .current_dir(work.path())
        .env("TMPDIR", tmpdir)
        .env_remove("DATABASE_URL")
        .env_remove("PGPASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap());
    match url {
        Some(url) => {
            cmd.env("DATABASE_URL", url);
        }
        None => {
            let bin = find_bin_dir(15).expect("PostgreSQL 15");
            cmd.env("PG_BIN", bin);
        }
    }
    Run {
        child: cmd.spawn().unwrap(),
        stderr,
        _work: work,
    }
}

impl Run {
    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    fn signal(&self, signal: i32) {
        // SAFETY: signalling our own child.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
        assert_eq!(rc, 0, "kill: {}", std::io::Error::last_os_error());
    }

    /// Waits (bounded) for the tool to exit.
    fn wait(&mut self) -> ExitStatus {
        let mut status = None;
        wait_for("cargo-schemalock to exit", STOP, || {
            status = self.child.try_wait().unwrap();
            status.is_some()
        });
        status.unwrap()
    }

    /// Fails the test, with the tool's stderr, if it exited already.
    fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("cargo-schemalock exited ({status}):\n{}", self.stderr());
        }
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What `postmaster.pid` of a local cluster says.
#[derive(Debug)]
struct Postmaster {
    process: Process,
    dir: PathBuf,
    port: u16,
    socket_dir: PathBuf,
}

impl Postmaster {
    /// The postmaster and its children (the backends and auxiliary processes).
    fn processes(&self) -> Vec<Process> {
        let mut all = self.process.children();
        all.push(self.process);
        all
    }
}

/// The clusters' directories in `tmpdir`.
fn cluster_dirs(tmpdir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(tmpdir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("schemalock-pg"))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

/// Waits until the run's local cluster is ready and its migration is sleeping.
fn wait_for_local_migration(run: &mut Run, tmpdir: &Path) -> Postmaster {
    let mut found = None;
    wait_for("the local cluster to be ready", START, || {
        run.assert_running();
        found = cluster_dirs(tmpdir).into_iter().find_map(|dir| {
            let text = std::fs::read_to_string(dir.join("data/postmaster.pid")).ok()?;
            let lines: Vec<&str> = text.lines().collect();
            if lines.get(7).map(|s| s.trim()) != Some("ready") {
                return None;
            }
            Some(Postmaster {
                process: Process::get(lines[0].trim().parse().ok()?)?,
                dir,
                port: lines[3].trim().parse().ok()?,
                socket_dir: PathBuf::from(lines[4].trim()),
            })
        });
        found.is_some()
    });
    let pm = found.unwrap();
    // This process may connect: it is root, or the server's user.
    let mut config = postgres::Config::new();
    config
        .host_path(&pm.socket_dir)
        .port(pm.port)
        .user("postgres")
        .dbname("postgres")
        .connect_timeout(Duration::from_secs(10));
    let mut client = connect(&config);
    wait_for("the migration to sleep", START, || {
        run.assert_running();
        sleeping_count(&mut client) > 0
    });
    pm
}

/// How many migrations sleep in `pg_sleep` in shadow databases.
fn sleeping_count(client: &mut postgres::Client) -> i64 {
    client
        .query_one(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname LIKE 'schemalock\\_shadow\\_%' AND query LIKE '%pg_sleep%'",
            &[],
        )
        .unwrap()
        .get(0)
}

/// Waits until a run's migration sleeps in a shadow database on `pg`.
fn wait_for_remote_migration(run: &mut Run, pg: &Cluster, count: i64) {
    let mut client = pg.connect("postgres");
    wait_for("the migration to sleep", START, || {
        run.assert_running();
        sleeping_count(&mut client) >= count
    });
}

/// Waits until none of `processes` is alive and nothing accepts TCP connections on `port`.
fn assert_all_gone(processes: &[Process], port: u16) {
    wait_for(
        &format!("the server's processes {processes:?} to exit"),
        STOP,
        || processes.iter().all(|p| !p.is_alive()),
    );
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    assert!(
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5)).is_err(),
        "something still listens on {addr}"
    );
}

/// A run on a local cluster from PostgreSQL 15, caught sleeping in its migration.
struct LocalRun {
    root: tempfile::TempDir,
    tmpdir: tempfile::TempDir,
    run: Run,
    pm: Postmaster,
}

/// Starts a run whose migration sleeps on a local cluster, and waits for the sleep; `None`
/// (skipped) without PostgreSQL 15, outside CI.
fn sleeping_local_run() -> Option<LocalRun> {
    sleeping_local_run_with(&[])
}

/// [`sleeping_local_run`] with more arguments.
fn sleeping_local_run_with(args: &[&str]) -> Option<LocalRun> {
    if find_bin_dir(15).is_none() {
        assert!(!is_ci(), "PostgreSQL 15 is not installed");
        eprintln!("skipping: PostgreSQL 15 is not installed");
        return None;
    }
    let root = tempfile::tempdir().unwrap();
    let tmpdir = tool_tmpdir();
    let mut run = spawn_with(&sleeping_migrations(root.path()), None, tmpdir.path(), args);
    let pm = wait_for_local_migration(&mut run, tmpdir.path());
    Some(LocalRun {
        root,
        tmpdir,
        run,
        pm,
    })
}

/// No other OS user reaches the tool's local cluster (it has no TCP listener, and its socket is
/// in a private directory); after `kill -9` of the tool no server process is left, and the next
/// run removes the directory the killed one left.
#[test]
fn local_cluster_is_private_and_dies_with_a_killed_tool() {
    let Some(LocalRun {
        root,
        tmpdir,
        mut run,
        pm,
    }) = sleeping_local_run()
    else {
        return;
    };

    let listeners = pm.process.tcp_listeners();
    if let Some(outsider) = Outsider::get() {
        let bin = find_bin_dir(15).unwrap();
        let socket = outsider.psql(&bin, &pm.socket_dir.to_string_lossy(), pm.port);
        assert!(
            socket.is_err(),
            "{OUTSIDER} got in over the socket: {socket:?}"
        );
        for addr in &listeners {
            let tcp = outsider.psql(&bin, &addr.ip().to_string(), addr.port());
            assert!(tcp.is_err(), "{OUTSIDER} got in over {addr}: {tcp:?}");
        }
    }
    assert!(
        listeners.is_empty(),
        "the local cluster listens on {listeners:?}"
    );

    let processes = pm.processes();
    run.child.kill().unwrap();
    let status = run.wait();
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    assert_all_gone(&processes, pm.port);
    assert_eq!(
        cluster_dirs(tmpdir.path()),
        std::slice::from_ref(&pm.dir),
        "left by kill -9"
    );

    // The next run removes it, and its own.
    let mut next = spawn(&quick_migrations(root.path()), None, tmpdir.path());
    let status = next.wait();
    let stderr = next.stderr();
    assert!(status.success(), "{status}:\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "removed `{}`, a local cluster left by an earlier run that was killed",
            pm.dir.display()
        )),
        "{stderr}"
    );
    assert_eq!(cluster_dirs(tmpdir.path()), Vec::<PathBuf>::new());
}

/// SIGINT in the middle of a migration on the local cluster: the server stops, its directory is
/// removed, and the tool dies of the signal.
#[test]
fn sigint_removes_the_local_cluster() {
    let Some(LocalRun {
        root: _root,
        tmpdir,
        mut run,
        pm,
    }) = sleeping_local_run()
    else {
        return;
    };
    let processes = pm.processes();
    run.signal(libc::SIGINT);
    let status = run.wait();
    let stderr = run.stderr();
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status}:\n{stderr}");
    assert_all_gone(&processes, pm.port);
    assert_eq!(
        cluster_dirs(tmpdir.path()),
        Vec::<PathBuf>::new(),
        "{stderr}"
    );
    assert!(
        stderr.contains("interrupted by SIGINT: removing"),
        "{stderr}"
    );
}

/// The local cluster stopped (SIGSTOP, every process of it) in the middle of a migration: the
/// step runs out, the tool exits 2 naming the migration, and the server (its stopped backends
/// included) and its directory are gone without anyone resuming them.
#[test]
fn a_stopped_local_cluster_is_removed_when_its_step_runs_out() {
    let Some(LocalRun {
        root,
        tmpdir,
        mut run,
        pm,
    }) = sleeping_local_run_with(&["--migration-timeout", "20"])
    else {
        return;
    };
    let processes = pm.processes();
    let mut stopped = Stopped::default();
    for p in &processes {
        stopped.stop(p.pid);
    }
    let status = run.wait();
    let stderr = run.stderr();
    assert_eq!(status.code(), Some(2), "{status}:\n{stderr}");
    let migration = root.path().join("sleeping/1_slow.sql");
    for needle in [
        &format!("error: applying migration {} (1 of 1)", migration.display()),
        "on a throwaway local cluster from ",
        "timed out: no answer within 20 s",
        "`--migration-timeout SECONDS`",
    ] {
        assert!(stderr.contains(needle), "{needle:?} not in\n{stderr}");
    }
    assert_all_gone(&processes, pm.port);
    assert_eq!(
        cluster_dirs(tmpdir.path()),
        Vec::<PathBuf>::new(),
        "{stderr}"
    );
    drop(stopped);
}

/// SIGTERM in the middle of a migration on a server given by URL drops the shadow database and
/// ends the migration's session.
#[test]
fn sigterm_drops_the_shadow_database() {
    let Some(pg) = Cluster::start(15) else { return };
    let root = tempfile::tempdir().unwrap();
    let tmpdir = tool_tmpdir();
    let mut run = spawn(
        &sleeping_migrations(root.path()),
        Some(&pg.url("postgres")),
        tmpdir.path(),
    );
    wait_for_remote_migration(&mut run, &pg, 1);
    assert_eq!(shadow_databases(&pg).len(), 1);
    run.signal(libc::SIGTERM);
    let status = run.wait();
    let stderr = run.stderr();
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status}:\n{stderr}");
    assert_eq!(shadow_databases(&pg), Vec::<String>::new(), "{stderr}");
    let mut client = pg.connect("postgres");
    assert_eq!(
        sleeping_count(&mut client),
        0,
        "the migration's session survived"
    );
    assert!(!stderr.contains(pg.password()), "{stderr}");
}

/// A shadow database left by a killed run is dropped by the next run, and one a live run is
/// using is not.
#[test]
fn the_next_run_drops_only_abandoned_shadow_databases() {
    let Some(pg) = Cluster::start(15) else { return };
    let url = pg.url("postgres");
    let root = tempfile::tempdir().unwrap();
    let tmpdir = tool_tmpdir();
    let slow = sleeping_migrations(root.path());

    // A live run first: the killed run's start must leave its database alone too.
    let mut live = spawn(&slow, Some(&url), tmpdir.path());
    wait_for_remote_migration(&mut live, &pg, 1);
    let in_use = shadow_databases(&pg);
    assert_eq!(in_use.len(), 1);

    let mut killed = spawn(&slow, Some(&url), tmpdir.path());
    wait_for_remote_migration(&mut killed, &pg, 2);
    let abandoned: Vec<String> = shadow_databases(&pg)
        .into_iter()
        .filter(|d| !in_use.contains(d))
        .collect();
    assert_eq!(abandoned.len(), 1);
    killed.child.kill().unwrap();
    killed.wait();
    let mut both = [in_use.clone(), abandoned.clone()].concat();
    both.sort();
    assert_eq!(shadow_databases(&pg), both, "kill -9 cannot clean up");

    let mut next = spawn(&quick_migrations(root.path()), Some(&url), tmpdir.path());
    let status = next.wait();
    let stderr = next.stderr();
    assert!(status.success(), "{status}:\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "dropped shadow database `{}`, left by an earlier run that was killed",
            abandoned[0]
        )),
        "{stderr}"
    );
    assert_eq!(
        shadow_databases(&pg),
        in_use,
        "the live run's database stays"
    );
    live.assert_running();

    live.signal(libc::SIGTERM);
    live.wait();
    assert_eq!(shadow_databases(&pg), Vec::<String>::new());
}

fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}
