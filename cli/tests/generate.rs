//! `cargo schemalock generate` on real schemas: the models it writes compile, untouched, against
//! the snapshot they came from, for every schema in `../shared/schemas` (pagila, crates.io,
//! synapse, loaded into PostgreSQL 15, which has their extensions), the writeros example and a
//! schema of every type it maps (`fixtures/generate_types.sql`), with each `--derive`. A scratch
//! workspace of one crate per schema depends on this workspace's `schemalock` by path and is
//! checked with `cargo check` (offline, with this workspace's lock file, in a target directory
//! under this workspace's, so that it is built once). The output is what rustfmt makes of it,
//! and the same bytes on every run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{cli, expect, fixture, introspect};
use schemalock_tests::pg::{Cluster, workspace_root};
use schemalock_tests::shared;

const SQLX_FEATURES: &str = "chrono,uuid,serde_json,rust_decimal,pgvector,ipnetwork,bit-vec";

/// One scratch crate: its name, its snapshot, and the `generate` flags.
struct Case {
    name: String,
    snapshot: PathBuf,
    flags: Vec<&'static str>,
}

fn sqlx_case(name: &str, snapshot: PathBuf) -> Case {
    Case {
        name: name.to_owned(),
        snapshot,
        flags: vec!["--features", SQLX_FEATURES, "--insertable"],
    }
}

const CRATE_DEPS: &str = r#"
sqlx = { version = "0.9", default-features = false, features = ["postgres", "derive", "chrono", "uuid", "json", "rust_decimal", "ipnetwork", "bit-vec", "runtime-tokio"] }
postgres-types = { version = "0.2", features = ["derive"] }
chrono = { version = "0.4", default-features = false }
time = { version = "0.3", default-features = false }
uuid = "1"
serde_json = "1"
rust_decimal = { version = "1", default-features = false }
bigdecimal = { version = "0.4", default-features = false }
pgvector = { version = "0.4", features = ["sqlx"] }
ipnetwork = "0.21"
bit-vec = "0.8"
"#;

fn write_crate(root: &Path, case: &Case, code: &str) {
    let dir = root.join(&case.name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let schemalock = workspace_root().display().to_string();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"gen_{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nschemalock = {{ path = {schemalock:?}, features = [\"chrono\", \"time\", \
             \"uuid\", \"serde_json\", \"rust_decimal\", \"bigdecimal\", \"pgvector\", \"ipnetwork\", \
             \"bit-vec\", \"sqlx\", \"postgres-types\"] }}\n{CRATE_DEPS}",
            case.name
        ),
    )
    .unwrap();
    std::fs::copy(&case.snapshot, dir.join("schemalock.json")).unwrap();
    // The models are the crate, exactly as generated.
    std::fs::write(dir.join("src/lib.rs"), "pub mod models;\n").unwrap();
    std::fs::write(dir.join("src/models.rs"), code).unwrap();
}

/// Runs `generate` on `case` from `cwd`: the code, checked to be the same with and without
/// rustfmt, and on a second run.
fn generate(cwd: &Path, case: &Case) -> String {
    let snapshot = case.snapshot.display().to_string();
    let mut args = vec!["generate", "--snapshot", &snapshot];
    args.extend(case.flags.iter().copied());
    let formatted = expect(0, cli(cwd, &args)).stdout;
    let again = expect(0, cli(cwd, &args)).stdout;
    assert_eq!(formatted, again, "{}: not the same twice", case.name);
    let unformatted = expect(0, cli(cwd, &args).env("RUSTFMT", "/nonexistent/rustfmt")).stdout;
    if formatted != unformatted {
        let line = formatted
            .lines()
            .zip(unformatted.lines())
            .find(|(a, b)| a != b);
        panic!(
            "{}: rustfmt changed the generated text; first difference: {line:?}",
            case.name
        );
    }
    formatted
}

#[test]
fn generated_models_compile_against_their_snapshots() {
    let Some(shared_dir) = shared::dir() else {
        return;
    };
    let Some(pg) = Cluster::start(15) else { return };
    let work = tempfile::tempdir().unwrap();
    let snapshots = work.path().join("snapshots");
    std::fs::create_dir_all(&snapshots).unwrap();
    let save = |name: &str, db: &str| {
        let path = snapshots.join(format!("{name}.json"));
        introspect(&pg, db, None).save(&path).unwrap();
        path
    };
    let mut cases = Vec::new();
    for schema in shared::ALL {
        let db = schema
            .load(&pg, &shared_dir)
            .unwrap_or_else(|| panic!("PostgreSQL 15 has every extension {} needs", schema.name));
        cases.push(sqlx_case(
            &schema.name.replace('-', "_"),
            save(schema.name, &db),
        ));
    }
    pg.create_database("types");
    pg.psql_file("types", &fixture("generate_types.sql"));
    let types = save("types", "types");
    cases.push(sqlx_case("types", types.clone()));
    cases.push(Case {
        name: "types_postgres".into(),
        snapshot: types.clone(),
        flags: vec![
            "--derive",
            "postgres",
            "--features",
            "time,uuid,serde_json,bigdecimal,bit-vec",
            "--insertable",
        ],
    });
    cases.push(Case {
        name: "types_none".into(),
        snapshot: types,
        flags: vec!["--derive", "none", "--insertable"],
    });
    let writeros = workspace_root().join("examples/writeros/schemalock.json");
    cases.push(sqlx_case("writeros", writeros.clone()));
    // The README's example, which must be what the command prints, and compile.
    cases.push(Case {
        name: "readme".into(),
        snapshot: writeros,
        flags: vec![
            "--features",
            "chrono,uuid,serde_json",
            "--table",
            "entities",
        ],
    });

    let scratch = work.path().join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    let mut members = Vec::new();
    for case in &cases {
        let code = generate(work.path(), case);
        write_crate(&scratch, case, &code);
        members.push(format!("{:?}", case.name));
    }
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(
        workspace_root().join("Cargo.lock"),
        scratch.join("Cargo.lock"),
    )
    .unwrap();
    let target = workspace_root().join("target/generate-check");
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "check",
            "--workspace",
            "--quiet",
            "--message-format",
            "short",
        ])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("SCHEMALOCK_SNAPSHOT")
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the generated models do not compile:\n{stderr}"
    );
    let ours: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("/models.rs") || l.contains("/lib.rs"))
        .collect();
    assert!(
        ours.is_empty(),
        "warnings in the generated models:\n{stderr}"
    );

    // What the models hold, for the record: every case generated structs and enums.
    for case in &cases {
        let code = std::fs::read_to_string(scratch.join(&case.name).join("src/models.rs")).unwrap();
        assert!(
            code.contains("#[derive(Debug, Clone, schemalock::Table"),
            "{}",
            case.name
        );
    }
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let shown = std::fs::read_to_string(scratch.join("readme/src/models.rs")).unwrap();
    assert!(
        readme.contains(&format!("```rust\n{shown}```\n")),
        "the README's `generate` example is not what the command prints now:\n{shown}"
    );
    let types = std::fs::read_to_string(scratch.join("types/src/models.rs")).unwrap();
    for expected in [
        "pub r#type: String,",
        "#[sqlx(rename = \"firstName\")]",
        "pub moods: Option<Vec<Mood>>,",
        "pub md: Option<Mood>,",
        "pub ci: Option<String>,",
        "pub cidr_col: Option<ipnetwork::IpNetwork>,",
        "// Left out: `iv` (interval)",
        "#[schemalock(schema = \"audit\", table = \"every_type\")]",
    ] {
        assert!(types.contains(expected), "{expected}\n{types}");
    }
}
