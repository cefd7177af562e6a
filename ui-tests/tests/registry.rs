//! The registry survives linking: a model and a `sql!` statement defined in a library crate, which
//! the binary names only with `use models as _;`, are listed by the binary
//! (`schemalock_runtime::registry`) with the default link and with fat LTO in one codegen unit,
//! with the toolchain's default linker and with the system's `cc` (GNU ld) where that is not it.
//! Startup verification reads this registry; a registration the linker dropped would make it
//! silently check nothing.
//!
//! Each case builds a real two-crate workspace in a temporary directory with the cargo that runs
//! this test, its target directory under this workspace's target so dependencies build once.

use std::path::{Path, PathBuf};
use std::process::Command;

const SNAPSHOT: &str = r#"{
  "format_version": 2,
  "schemas": {
    "public": {
      "enums": { "mood": { "labels": ["calm"] } },
      "tables": {
        "entities": { "kind": "table", "columns": [
          { "name": "id", "nullable": false, "type": "bigint", "type_name": "int8", "type_schema": "pg_catalog" },
          { "name": "entity_type", "nullable": false, "type": "text", "type_name": "text", "type_schema": "pg_catalog" }
        ]}
      }
    }
  }
}
"#;

const MODELS: &str = r#"
#[derive(schemalock::Table)]
#[schemalock(table = "entities")]
pub struct Entity {
    pub id: i64,
    pub entity_type: String,
}

#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "mood", rename_all = "lowercase")]
pub enum Mood {
    Calm,
}

pub fn statement() -> &'static str {
    schemalock::sql!("SELECT id, entity_type FROM entities WHERE id = $1")
}
"#;

const MAIN: &str = r#"
use models as _;

fn main() {
    let mut seen: Vec<String> = schemalock_runtime::registry::all()
        .map(|r| match r {
            schemalock_runtime::registry::Registration::Table(t) => format!("table {}", t.table),
            schemalock_runtime::registry::Registration::Enum(e) => format!("enum {}", e.rust_name),
            schemalock_runtime::registry::Registration::Statement(s) => format!("statement {}", s.sql),
        })
        .collect();
    seen.sort();
    println!("{}", seen.join("\n"));
}
"#;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Builds and runs the probe with `profile` settings and extra `RUSTFLAGS`; returns its stdout.
fn run(case: &str, profile: &str, rustflags: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let root = workspace().canonicalize().unwrap();
    let root_str = root.display().to_string();
    write(
        &dir.path().join("Cargo.toml"),
        &format!(
            "[workspace]\nmembers = [\"models\", \"app\"]\nresolver = \"2\"\n\n[profile.dev]\n{profile}\n"
        ),
    );
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    write(
        &dir.path().join("models/Cargo.toml"),
        &format!(
            "[package]\nname = \"registry-models-{case}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [lib]\nname = \"models\"\n\n[dependencies]\nschemalock = {{ path = {root_str:?} }}\n"
        ),
    );
    write(&dir.path().join("models/src/lib.rs"), MODELS);
    write(&dir.path().join("models/schemalock.json"), SNAPSHOT);
    write(
        &dir.path().join("app/Cargo.toml"),
        &format!(
            "[package]\nname = \"registry-app-{case}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nmodels = {{ path = \"../models\", package = \"registry-models-{case}\" }}\n\
             schemalock-runtime = {{ path = {:?} }}\n",
            root.join("runtime").display().to_string()
        ),
    );
    write(&dir.path().join("app/src/main.rs"), MAIN);
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) => PathBuf::from(t).join("registry-probe"),
        None => workspace().join("target/registry-probe"),
    };
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--quiet", "-p", &format!("registry-app-{case}")])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", target.join(case))
        .env("RUSTFLAGS", rustflags)
        .env_remove("SCHEMALOCK_SNAPSHOT")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the probe failed to build or run:\n{stderr}"
    );
    String::from_utf8(out.stdout).unwrap()
}

const EXPECTED: &str = "enum Mood\n\
                        statement SELECT id, entity_type FROM entities WHERE id = $1\n\
                        table entities\n";

#[test]
fn every_registration_is_listed_by_the_binary() {
    assert_eq!(run("plain", "", ""), EXPECTED);
}

#[test]
fn fat_lto_in_one_codegen_unit_keeps_every_registration() {
    assert_eq!(run("lto", "lto = \"fat\"\ncodegen-units = 1", ""), EXPECTED);
}

/// Rust 1.90 and later link with rust-lld on x86_64 Linux; many toolchains and other targets
/// link with `cc` and GNU ld, whose handling of `__start_`/`__stop_` sections differs.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[test]
fn the_system_linker_keeps_every_registration() {
    assert_eq!(
        run("gnu-ld", "lto = \"fat\"", "-C linker-features=-lld"),
        EXPECTED
    );
}
