//! Running the real `cargo-schemalock` binary the way cargo does, in a clean environment.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};
use std::process::Command;

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
    ] {
        cmd.env_remove(var);
    }
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
