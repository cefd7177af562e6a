//! Tests of the snapshot model, its canonical text, and the files it is read from and written to.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::file::{
    ABANDONED_AFTER, STALE_AFTER, is_stale, process_exists, remove_stale_in, temp_file_pid,
    temp_prefix,
};
use super::fixtures::{column, table};
use super::*;

fn sample() -> Snapshot {
    let mut s = Snapshot::new();
    s.server_version = Some("15.18".into());
    let mut schema = Schema::default();
    schema.enums.insert(
        "canonlayer".into(),
        EnumType {
            labels: vec!["PRIMARY".into(), "ALTERNATE".into()],
        },
    );
    schema
        .tables
        .insert("entities".into(), table(vec![column("id", "uuid")]));
    s.schemas.insert("public".into(), schema);
    s
}

#[test]
fn to_json_is_serde_json_pretty_printing() {
    let mut s = sample();
    // Empty maps and lists print as `{}` and `[]`; the public schema has an empty list too.
    s.schemas.insert("empty".into(), Schema::default());
    s.schemas
        .get_mut("public")
        .unwrap()
        .tables
        .get_mut("entities")
        .unwrap()
        .indexes
        .push(Index {
            include: vec![],
            keys: vec![IndexKey {
                column: None,
                descending: true,
                expression: Some("lower(\"name\")\n\t".into()),
                nulls_first: Some(false),
                opclass: None,
            }],
            method: "btree".into(),
            name: "deep".into(),
            options: BTreeMap::from([("fillfactor".into(), "70".into())]),
            predicate: None,
            primary: false,
            unique: true,
        });
    for s in [Snapshot::new(), sample(), s] {
        let mut expected = serde_json::to_string_pretty(&s).unwrap();
        expected.push('\n');
        assert_eq!(s.to_json(), expected);
    }
}

fn assert_sorted(v: &serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            let keys: Vec<_> = m.keys().collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted);
            m.values().for_each(assert_sorted);
        }
        serde_json::Value::Array(a) => a.iter().for_each(assert_sorted),
        _ => {}
    }
}

#[test]
fn canonical_text_is_sorted_pretty_and_stable() {
    let s = sample();
    let text = s.to_json();
    assert!(text.ends_with("}\n"));
    assert!(text.contains("\n  \"format_version\": 1,"));
    // Key order as written, read back through a parser that keeps insertion order.
    let order: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  \""))
        .map(|l| l.trim().split('"').nth(1).unwrap())
        .collect();
    assert_eq!(
        order,
        ["extensions", "format_version", "schemas", "server_version"]
    );
    assert_sorted(&serde_json::from_str(&text).unwrap());
    let back = Snapshot::from_json(&text, Path::new("x")).unwrap();
    assert_eq!(back, s);
    assert_eq!(back.to_json(), text);
}

#[test]
fn truncated_file_reports_line_and_column() {
    let text = sample().to_json();
    let cut = &text[..text.len() / 2];
    let err = Snapshot::from_json(cut, Path::new("db/schemalock.json")).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, SnapshotError::Parse { line, .. } if line > 1),
        "{msg}"
    );
    assert!(
        msg.starts_with("snapshot `db/schemalock.json` is not a valid"),
        "{msg}"
    );
    assert!(msg.contains(", column "), "{msg}");
}

#[test]
fn merge_conflict_markers_are_named() {
    let text = sample().to_json();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(3, "<<<<<<< HEAD");
    lines.insert(5, "=======");
    lines.insert(7, ">>>>>>> feature");
    let err = Snapshot::from_json(&lines.join("\n"), Path::new("schemalock.json")).unwrap_err();
    assert!(
        matches!(err, SnapshotError::MergeConflict { line: 4, .. }),
        "{err}"
    );
    assert!(
        err.to_string().starts_with(
            "merge conflict in the snapshot `schemalock.json` (a `<<<<<<<` marker at line 4); re-run `cargo schemalock refresh`"
        ),
        "{err}"
    );
}

#[test]
fn other_format_version_is_named_even_if_the_shape_differs() {
    let err = Snapshot::from_json(
        r#"{"format_version": 9, "tables_v9": []}"#,
        Path::new("s.json"),
    )
    .unwrap_err();
    assert!(matches!(err, SnapshotError::Version { found: 9, .. }));
    assert!(err.to_string().contains("format version 9"));
}

#[test]
fn locate_prefers_attribute_then_env_then_walk() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(dir.path().join("a/schemalock.json"), "{}").unwrap();
    assert_eq!(
        locate(&nested, None, None).unwrap(),
        SnapshotLocation::Found(dir.path().join("a/schemalock.json"))
    );
    assert_eq!(
        locate(&nested, None, Some("x.json")).unwrap(),
        SnapshotLocation::Explicit(nested.join("x.json"))
    );
    assert_eq!(
        locate(&nested, Some("/abs/y.json"), Some("x.json")).unwrap(),
        SnapshotLocation::Explicit("/abs/y.json".into())
    );
    let lonely = tempfile::tempdir().unwrap();
    let err = locate(lonely.path(), None, Some("")).unwrap_err();
    assert!(matches!(&err, SnapshotError::NotFound { looked_in } if looked_in[0] == lonely.path()));
    assert!(err.to_string().contains("cargo schemalock refresh"));
}

#[test]
fn a_byte_order_mark_is_named() {
    let text = format!("\u{feff}{}", sample().to_json());
    let err = Snapshot::from_json(&text, Path::new("s.json")).unwrap_err();
    assert!(
        matches!(
            err,
            SnapshotError::ByteOrderMark {
                encoding: Encoding::Utf8,
                ..
            }
        ),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.starts_with("snapshot `s.json` starts with a UTF-8 byte order mark"),
        "{msg}"
    );
    assert!(msg.contains("remove it"), "{msg}");
    assert!(!msg.contains("expected value"), "{msg}");
}

#[test]
fn other_encodings_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("{}".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(&path, utf16).unwrap();
    let err = Snapshot::load(&path).unwrap_err();
    assert!(
        matches!(
            err,
            SnapshotError::ByteOrderMark {
                encoding: Encoding::Utf16,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("UTF-16 byte order mark"), "{err}");

    std::fs::write(
        &path,
        b"{\n  \"format_version\": 1,\n  \"x\": \"caf\xe9\"\n}\n",
    )
    .unwrap();
    let err = Snapshot::load(&path).unwrap_err();
    assert!(
        matches!(
            err,
            SnapshotError::NotUtf8 {
                line: 3,
                column: 12,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("is not UTF-8 text: invalid byte at line 3, column 12"),
        "{err}"
    );
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt as _;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

/// Runs `f` on a thread and waits a bounded time; if it blocked on the FIFO at `fifo`, a writer
/// is opened and closed so that it returns, and the test fails.
#[cfg(unix)]
fn without_blocking<T: Send + 'static>(fifo: &Path, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(f()).unwrap());
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(v) => v,
        Err(_) => {
            let _ = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(fifo);
            panic!("blocked on the FIFO `{}`", fifo.display());
        }
    }
}

#[cfg(unix)]
#[test]
fn non_regular_files_are_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("schemalock.json");
    mkfifo(&fifo);
    let path = fifo.clone();
    let err = without_blocking(&fifo, move || Snapshot::load(&path).unwrap_err());
    assert!(matches!(err, SnapshotError::NotRegular { .. }), "{err:?}");
    assert_eq!(
        err.with_path(Path::new("schemalock.json")).to_string(),
        "snapshot `schemalock.json` is a FIFO (named pipe), not a regular file; point the snapshot \
         path at the file `cargo schemalock refresh` writes (a symbolic link to it is fine)"
    );

    // Found by the walk up rather than skipped for a file further up, then refused.
    let nested = dir.path().join("crate");
    std::fs::create_dir(&nested).unwrap();
    assert_eq!(
        locate(&nested, None, None).unwrap(),
        SnapshotLocation::Found(fifo.clone())
    );

    // Through a symbolic link too.
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let err = without_blocking(&fifo, move || read_text(&link).unwrap_err());
    assert!(matches!(err, SnapshotError::NotRegular { .. }), "{err:?}");

    let err = read_text(dir.path()).unwrap_err();
    assert!(
        err.to_string()
            .contains("is a directory, not a regular file"),
        "{err}"
    );

    // A write refuses to replace it.
    let err = sample().save(&fifo).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(
        err.to_string()
            .contains("is a FIFO (named pipe), not a regular file"),
        "{err}"
    );
}

fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `text` written to a new file `name` in `dir`.
fn written(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
#[test]
fn save_keeps_the_mode_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = written(dir.path(), "schemalock.json", "old");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    sample().save(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
    sample().save(&path).unwrap();
    assert_eq!(mode(&path), 0o664);

    // A new file gets what any new file gets under this process's umask.
    let plain = dir.path().join("plain");
    std::fs::write(&plain, "").unwrap();
    let new = dir.path().join("new.json");
    sample().save(&new).unwrap();
    assert_eq!(mode(&new), mode(&plain));
}

#[cfg(unix)]
fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_symlink()
}

#[cfg(unix)]
#[test]
fn save_through_a_symbolic_link_replaces_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("schema.json");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("schemalock.json");
    std::os::unix::fs::symlink("real/schema.json", &link).unwrap();

    sample().save(&link).unwrap();
    assert!(is_link(&link));
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("real/schema.json")
    );
    assert_eq!(Snapshot::load(&real).unwrap(), sample());
    // The temporary file lived beside the target, and is gone.
    assert_eq!(leftovers(&real_dir), ["schema.json"]);
    assert_eq!(leftovers(dir.path()), ["real", "schemalock.json"]);

    // A dangling link: the file it names is created, the link stays.
    let dangling = dir.path().join("dangling.json");
    std::os::unix::fs::symlink("real/new.json", &dangling).unwrap();
    sample().save(&dangling).unwrap();
    assert!(is_link(&dangling));
    assert_eq!(
        Snapshot::load(&real_dir.join("new.json")).unwrap(),
        sample()
    );
}

#[cfg(unix)]
#[test]
fn save_never_follows_a_link_planted_in_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let victim = written(dir.path(), "victim", "precious");
    let path = dir.path().join("schemalock.json");
    // The name earlier versions used, and names in the new pattern, all pointing at the victim.
    let pid = std::process::id();
    let planted = [
        format!(".schemalock.json.{pid}.tmp"),
        format!("{}aaaaaa.tmp", temp_prefix("schemalock.json", pid)),
    ];
    for name in &planted {
        std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
    }
    sample().save(&path).unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(Snapshot::load(&path).unwrap(), sample());
    for name in &planted {
        assert!(
            std::fs::symlink_metadata(dir.path().join(name))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[test]
fn save_is_atomic_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schemalock.json");
    sample().save(&path).unwrap();
    assert_eq!(Snapshot::load(&path).unwrap(), sample());
    assert_eq!(leftovers(dir.path()), ["schemalock.json"]);
}

#[test]
fn temp_file_names_are_recognised_exactly() {
    let prefix = temp_prefix("schemalock.json", 42);
    assert_eq!(prefix, ".schemalock.json.42.");
    assert_eq!(
        temp_file_pid(".schemalock.json.42.Ab3xYz.tmp", "schemalock.json"),
        Some(42)
    );
    assert_eq!(
        temp_file_pid(".schemalock.json.42.tmp", "schemalock.json"),
        Some(42)
    );
    for other in [
        "schemalock.json.42.tmp",
        ".schemalock.json.tmp",
        ".schemalock.json.x42.tmp",
        ".schemalock.json.42.a.b.tmp",
        ".schemalock.json.42.Ab3xYz.tmp~",
        ".other.json.42.tmp",
        ".schemalock.json.99999999999.tmp",
    ] {
        assert_eq!(temp_file_pid(other, "schemalock.json"), None, "{other}");
    }
}

/// A process id that is not running: a child that has exited and been reaped.
#[cfg(unix)]
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    assert!(!process_exists(pid));
    pid
}

#[cfg(unix)]
#[test]
fn stale_temporary_files_are_removed_after_a_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schemalock.json");
    let (dead, alive) = (dead_pid(), std::process::id());
    assert!(process_exists(alive));
    let now = SystemTime::now();
    let file = |name: String, age: Duration| {
        let p = dir.path().join(&name);
        std::fs::write(&p, "partial").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(now - age)
            .unwrap();
        name
    };
    let minute = STALE_AFTER + Duration::from_secs(5);
    let killed_old_format = file(format!(".schemalock.json.{dead}.tmp"), minute);
    let killed = file(format!(".schemalock.json.{dead}.Qw3rty.tmp"), minute);
    let abandoned = file(
        format!(".schemalock.json.{alive}.Qw3rty.tmp"),
        ABANDONED_AFTER,
    );
    let just_started = file(
        format!(".schemalock.json.{dead}.Fr3sh1.tmp"),
        Duration::ZERO,
    );
    let running = file(format!(".schemalock.json.{alive}.Runnin.tmp"), minute);
    let other_file = file(format!(".other.json.{dead}.tmp"), ABANDONED_AFTER);
    let not_ours = file("notes.tmp".to_owned(), ABANDONED_AFTER);

    sample().save(&path).unwrap();
    let left = leftovers(dir.path());
    for gone in [&killed_old_format, &killed, &abandoned] {
        assert!(!left.contains(gone), "{gone} should be removed: {left:?}");
    }
    for kept in [&just_started, &running, &other_file, &not_ours] {
        assert!(left.contains(kept), "{kept} should stay: {left:?}");
    }

    assert!(is_stale(dead, STALE_AFTER));
    assert!(!is_stale(dead, STALE_AFTER - Duration::from_secs(1)));
    assert!(!is_stale(alive, ABANDONED_AFTER - Duration::from_secs(1)));
    assert!(is_stale(alive, ABANDONED_AFTER));
    // With a clock an hour ahead, everything of ours goes.
    remove_stale_in(dir.path(), "schemalock.json", now + ABANDONED_AFTER);
    assert_eq!(
        leftovers(dir.path()),
        [other_file.as_str(), "notes.tmp", "schemalock.json"]
    );
}
