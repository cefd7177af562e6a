//! Running the real `cargo-schemalock` binary the way cargo does, in a clean environment.

#![allow(dead_code)] // each test file uses a different part

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use schemalock_runtime::Snapshot;
use schemalock_tests::pg::Cluster;

/// What a run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Both streams, for assertions and failure messages.
    pub fn all(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", self.all()))
    }
}

/// A command line for the binary, run as `cargo schemalock ...` runs it: `schemalock` first.
pub struct Cli {
    cmd: Command,
}

pub fn cli(cwd: &Path, args: &[&str]) -> Cli {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-schemalock"));
    cmd.arg("schemalock").args(args).current_dir(cwd);
    // Nothing from the developer's or CI's environment leaks in.
    for var in [
        "DATABASE_URL",
        "SCHEMALOCK_SNAPSHOT",
        "NO_COLOR",
        "PGPASSWORD",
        "RUST_BACKTRACE",
    ] {
        cmd.env_remove(var);
    }
    // Nor does a password file of the developer's: tests that want one say which.
    cmd.env("PGPASSFILE", "/nonexistent/schemalock-tests/pgpass");
    Cli { cmd }
}

impl Cli {
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// The command itself, for a test that runs it its own way (a timeout, a closed pipe).
    pub fn into_command(self) -> Command {
        self.cmd
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.cmd.env_remove(key);
        self
    }

    /// Runs, but kills the process if it has not ended after `limit`: `Err` with what it had
    /// printed then. For tests of things that used to hang.
    pub fn run_within(mut self, limit: Duration) -> Result<Run, Run> {
        let mut child = self
            .cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run cargo-schemalock");
        let drain = |mut r: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = r.read_to_end(&mut buf);
                String::from_utf8_lossy(&buf).into_owned()
            })
        };
        let out = drain(Box::new(child.stdout.take().unwrap()));
        let err = drain(Box::new(child.stderr.take().unwrap()));
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let run = Run {
            code: status.and_then(|s| s.code()).unwrap_or(-1),
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
        };
        if status.is_some() { Ok(run) } else { Err(run) }
    }

    pub fn run(mut self) -> Run {
        let out = self.cmd.output().expect("run cargo-schemalock");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Runs and asserts the exit code.
pub fn expect(code: i32, c: Cli) -> Run {
    let run = c.run();
    assert_eq!(run.code, code, "{}", run.all());
    run
}

/// Where the SQL fixtures are.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// What the library reads from the database, for comparing with what the binary wrote.
pub fn introspect(pg: &Cluster, db: &str, schemas: Option<&[String]>) -> Snapshot {
    let mut client = pg.connect(db);
    schemalock_runtime::introspect::postgres::snapshot(&mut client, schemas).unwrap()
}

/// The first installed server among `versions`, for tests that need one of any version.
pub fn any_cluster() -> Option<Cluster> {
    for v in [16, 15, 18] {
        if schemalock_tests::pg::find_bin_dir(v).is_some() {
            return Cluster::start(v);
        }
    }
    Cluster::start(16)
}

/// A directory that is not inside any workspace and has no `.env` or snapshot above it that
/// matters: the tests always say which snapshot they mean.
pub fn workdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("schemalock-cli")
        .tempdir()
        .unwrap()
}

/// The shadow databases of `refresh --migrations` on a server, by name.
pub fn shadow_databases(pg: &Cluster) -> Vec<String> {
    pg.psql(
        "postgres",
        "SELECT datname FROM pg_database WHERE datname LIKE 'schemalock\\_shadow\\_%' ORDER BY 1",
    )
    .lines()
    .map(str::to_owned)
    .collect()
}
