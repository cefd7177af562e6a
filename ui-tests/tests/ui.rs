//! Compile-time behaviour of the derives, through trybuild.
//!
//! trybuild builds the cases in `<target>/tests/trybuild/schemalock-ui-tests`; the derives find
//! snapshots relative to that crate's manifest directory. So we link `schemalock.json` (found by
//! walking up, as in a real project) and the `snapshots/` folder (named by `snapshot = "..."`
//! in the bad-input cases) into it before the build.

use std::path::{Path, PathBuf};

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
    }
}

fn link(from: &Path, to: &Path) {
    let _ = std::fs::remove_file(to);
    std::os::unix::fs::symlink(from, to)
        .unwrap_or_else(|e| panic!("linking {} to {}: {e}", to.display(), from.display()));
}

#[test]
fn ui() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = target_dir().join("tests/trybuild/schemalock-ui-tests");
    std::fs::create_dir_all(&project).unwrap();
    link(
        &here.join("snapshots/ui.json"),
        &project.join("schemalock.json"),
    );
    link(&here.join("snapshots"), &project.join("snapshots"));
    // The checked-SQL cases name the writeros example's snapshot: a real migrated schema, with
    // keys, unique indexes, defaults, identity and generated columns.
    link(
        &here.join("../examples/writeros/schemalock.json"),
        &project.join("writeros.json"),
    );
    assert!(
        std::env::var_os("SCHEMALOCK_SNAPSHOT").is_none(),
        "unset SCHEMALOCK_SNAPSHOT: the ui cases rely on the snapshot found by walking up"
    );

    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
