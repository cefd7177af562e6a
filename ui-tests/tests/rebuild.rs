//! What cargo does around the snapshot: a changed snapshot file or `SCHEMALOCK_SNAPSHOT` re-runs
//! the checks without `cargo clean`, and a missing snapshot says where it was looked for.
//!
//! Each case builds a real crate in a temporary directory with the cargo that runs this test.
//! The crate's target directory is kept under this workspace's target so dependencies build once.
//! Each case's crate has a package name of its own: cargo names a root package's fingerprint and
//! outputs after its name and version, not its directory, so cases sharing a name (and running in
//! parallel) would share one fingerprint, and one case's build could make another's edited
//! snapshot look already checked.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MODEL: &str = r#"
#[derive(schemalock::Table)]
#[schemalock(table = "entities")]
pub struct Entity {
    pub id: i64,
    pub entity_type: String,
}
"#;

fn snapshot(column: &str) -> String {
    format!(
        r#"{{
  "format_version": 2,
  "schemas": {{
    "public": {{
      "tables": {{
        "entities": {{ "kind": "table", "columns": [
          {{ "name": "id", "nullable": false, "type": "bigint", "type_name": "int8", "type_schema": "pg_catalog" }},
          {{ "name": "{column}", "nullable": false, "type": "text", "type_name": "text", "type_schema": "pg_catalog" }}
        ]}}
      }}
    }}
  }}
}}
"#
    )
}

struct Project {
    dir: tempfile::TempDir,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl Project {
    /// A crate named `rebuild-probe-{case}`; `case` must differ between the tests.
    fn new(case: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let root = workspace().canonicalize().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            format!(
                "[package]\nname = \"rebuild-probe-{case}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
                 [dependencies]\nschemalock = {{ path = {root:?} }}\n\n[workspace]\n",
                root = root.display().to_string()
            ),
        )
        .unwrap();
        std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), MODEL).unwrap();
        Project { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `cargo check`; returns success and stderr.
    fn check(&self, env: Option<&str>) -> (bool, String) {
        let out = self.command(env).output().expect("cargo runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn target(&self) -> PathBuf {
        match std::env::var_os("CARGO_TARGET_DIR") {
            Some(t) => PathBuf::from(t).join("rebuild-probe"),
            None => workspace().join("target/rebuild-probe"),
        }
    }

    fn command(&self, env: Option<&str>) -> Command {
        let target = self.target();
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.arg("check")
            .arg("--quiet")
            .current_dir(self.path())
            .env("CARGO_TARGET_DIR", target)
            .env_remove("SCHEMALOCK_SNAPSHOT");
        if let Some(value) = env {
            cmd.env("SCHEMALOCK_SNAPSHOT", value);
        }
        cmd
    }

    /// Writes a file, making sure its modification time moves past the last build's even on
    /// file systems with coarse timestamps.
    fn write(&self, name: &str, text: &str) {
        std::thread::sleep(std::time::Duration::from_millis(1100));
        std::fs::write(self.path().join(name), text).unwrap();
    }
}

/// Renames the model's column in the snapshot; the next `cargo check` must see it.
fn rename_fails_the_build(p: &Project) {
    p.write("schemalock.json", &snapshot("kind"));
    let (ok, err) = p.check(None);
    assert!(!ok, "the edited snapshot must be re-read");
    assert!(
        err.contains(
            "no column `entity_type` in table `entities`; the columns no other field reads: `kind`"
        ),
        "{err}"
    );
}

#[test]
fn editing_the_snapshot_reruns_the_checks() {
    let p = Project::new("editing");
    p.write("schemalock.json", &snapshot("entity_type"));
    let (ok, err) = p.check(None);
    assert!(ok, "first build should pass:\n{err}");

    // The column is renamed in the database; the snapshot is refreshed; no `cargo clean`.
    rename_fails_the_build(&p);

    p.write("schemalock.json", &snapshot("entity_type"));
    let (ok, err) = p.check(None);
    assert!(ok, "restoring the snapshot should pass again:\n{err}");
}

/// Whether the crate's dep-info lists the snapshot as a file the compiler read (a `path:` line;
/// the `# env-dep:` lines name it too, as a variable's value).
fn read_by_compiler(p: &Project, case: &str) -> bool {
    dep_info(p, case)
        .lines()
        .any(|l| !l.starts_with('#') && l.ends_with("schemalock.json:"))
}

/// The crate's dep-info files (`.d`) as one text.
fn dep_info(p: &Project, case: &str) -> String {
    let deps = p.target().join("debug/deps");
    let prefix = format!("rebuild_probe_{case}-");
    let mut text = String::new();
    for entry in std::fs::read_dir(&deps).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with(".d") {
            text.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    text
}

/// A build script that tracks the snapshot (`rerun-if-changed`) and says so through
/// `SCHEMALOCK_SNAPSHOT_TRACKED`: the compiler no longer reads the file (it is not in the
/// crate's dep-info), and an edit still re-runs the checks, since cargo re-runs the script.
#[test]
fn a_build_script_can_track_the_snapshot_instead_of_the_compiler() {
    let p = Project::new("buildscript");
    p.write(
        "build.rs",
        "fn main() {\n    println!(\"cargo::rerun-if-changed=schemalock.json\");\n    \
         println!(\"cargo::rustc-env=SCHEMALOCK_SNAPSHOT_TRACKED=schemalock.json\");\n}\n",
    );
    p.write("schemalock.json", &snapshot("entity_type"));
    let (ok, err) = p.check(None);
    assert!(ok, "first build should pass:\n{err}");
    let deps = dep_info(&p, "buildscript");
    assert!(deps.contains("src/lib.rs"), "no dep-info found:\n{deps}");
    assert!(
        !read_by_compiler(&p, "buildscript"),
        "the compiler still read the snapshot:\n{deps}"
    );

    rename_fails_the_build(&p);

    // A variable naming another file than the one read leaves the tracking to the compiler.
    p.write(
        "build.rs",
        "fn main() {\n    println!(\"cargo::rustc-env=SCHEMALOCK_SNAPSHOT_TRACKED=other.json\");\n}\n",
    );
    p.write("schemalock.json", &snapshot("entity_type"));
    let (ok, err) = p.check(None);
    assert!(ok, "{err}");
    assert!(read_by_compiler(&p, "buildscript"));
}

#[test]
fn changing_schemalock_snapshot_reruns_the_checks() {
    let p = Project::new("variable");
    p.write("schemalock.json", &snapshot("entity_type"));
    p.write("other.json", &snapshot("type"));
    let (ok, err) = p.check(None);
    assert!(ok, "{err}");
    // Relative to the crate's manifest directory.
    let (ok, err) = p.check(Some("other.json"));
    assert!(!ok);
    assert!(
        err.contains("no column `entity_type` in table `entities`; did you mean `type`?"),
        "{err}"
    );
    let (ok, err) = p.check(None);
    assert!(
        ok,
        "unsetting the variable goes back to schemalock.json:\n{err}"
    );
}

#[test]
fn a_missing_snapshot_says_where_it_looked() {
    let p = Project::new("missing");
    let (ok, err) = p.check(None);
    assert!(!ok);
    let dir = p.path().display().to_string();
    assert!(
        err.contains(&format!(
            "no `schemalock.json` found; looked in `{dir}` and its parents up to `/`; run `cargo schemalock refresh` to create one, or point `SCHEMALOCK_SNAPSHOT` at it"
        )),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// A FIFO as the snapshot must fail the build, not block the compiler until something writes to
/// it. The wait is bounded here, not by the derive: after ten minutes (far more than a build of
/// this crate takes on a busy machine) the test opens a writer on the FIFO, which releases a
/// blocked reader, and fails.
#[test]
fn a_fifo_as_the_snapshot_is_a_compile_error() {
    const BLOCKED_AFTER: Duration = Duration::from_secs(600);
    let p = Project::new("fifo");
    let fifo = p.path().join("pipe.json");
    let status = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    for env in [Some("pipe.json"), None] {
        if env.is_none() {
            // Found by walking up, as `schemalock.json`.
            std::fs::rename(&fifo, p.path().join("schemalock.json")).unwrap();
        }
        let fifo = p.path().join(env.unwrap_or("schemalock.json"));
        let mut child = p
            .command(env)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cargo runs");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > BLOCKED_AFTER {
                let _ = std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(&fifo);
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`cargo check` still running after {BLOCKED_AFTER:?}: the derive blocked on the FIFO"
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(!status.success(), "{err}");
        assert!(
            err.contains(&format!(
                "snapshot `{}` is a FIFO (named pipe), not a regular file",
                fifo.display()
            )),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}
