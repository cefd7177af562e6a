//! Snapshot files that are not what they should be, and output that must not break a terminal
//! or a pipe: a FIFO given as the snapshot (refused at once, never waited on), a byte order mark,
//! a reader that stops reading, colour only on a terminal, control characters in names, an
//! unknown `--schema`, and `refresh` writing through a symbolic link.

mod common;

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Run, any_cluster, cli, expect, fixture, introspect, workdir};
use schemalock_runtime::Snapshot;
use schemalock_runtime::snapshot::{Column, RelationKind, Schema, Table};

/// How long a command may take before the test calls it blocked: far above what any of these
/// commands needs, so a slow machine does not fail it, and finite, so a hang fails the test
/// instead of the whole run.
const BLOCKED_AFTER: Duration = Duration::from_secs(120);

/// Runs `cmd`, and if it has not finished within [`BLOCKED_AFTER`], opens and closes a writer on
/// `fifo` (so a reader blocked on it returns), kills it, and fails.
fn run_unblocked(mut cmd: Command, fifo: &Path) -> Run {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cargo-schemalock");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > BLOCKED_AFTER {
            let _ = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(fifo);
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {BLOCKED_AFTER:?}: blocked on the FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn column(name: &str) -> Column {
    Column {
        name: name.into(),
        nullable: false,
        type_display: "text".into(),
        type_name: "text".into(),
        type_schema: "pg_catalog".into(),
        ..Column::default()
    }
}

/// A snapshot with `tables` tables of one column `name` each, in `public` and `audit`.
fn snapshot(tables: &[&str], name: &str) -> Snapshot {
    let mut s = Snapshot::new();
    for schema in ["public", "audit"] {
        let mut sch = Schema::default();
        for t in tables {
            sch.tables.insert(
                (*t).into(),
                Table {
                    columns: vec![column(name)],
                    kind: RelationKind::Table,
                    ..Table::default()
                },
            );
        }
        s.schemas.insert(schema.into(), sch);
    }
    s
}

#[test]
fn a_fifo_as_the_snapshot_is_refused_at_once() {
    let dir = workdir();
    let cwd = dir.path();
    let fifo = cwd.join("schemalock.json");
    mkfifo(&fifo);
    snapshot(&["t"], "id")
        .save(&cwd.join("other.json"))
        .unwrap();
    let message = "error: snapshot `schemalock.json` is a FIFO (named pipe), not a regular file; point the \
         snapshot path at the file `cargo schemalock refresh` writes (a symbolic link to it is fine)\n";
    for args in [
        &["check", "--snapshot", "schemalock.json"][..],
        // Found by walking up from the current directory.
        &["check", "--database-url", "postgres://localhost/x"][..],
        &["refresh", "--check", "--snapshot", "schemalock.json"][..],
        &["diff", "schemalock.json", "other.json"][..],
        &["diff", "other.json", "schemalock.json"][..],
    ] {
        let run = run_unblocked(cli(cwd, args).into_command(), &fifo);
        assert_eq!(run.code, 2, "{args:?}: {}", run.all());
        assert_eq!(run.stderr, message, "{args:?}: {}", run.all());
    }
    // Through a symbolic link, and named by `SCHEMALOCK_SNAPSHOT`.
    std::os::unix::fs::symlink("schemalock.json", cwd.join("link.json")).unwrap();
    let run = run_unblocked(
        cli(cwd, &["refresh", "--check"])
            .env("SCHEMALOCK_SNAPSHOT", "link.json")
            .into_command(),
        &fifo,
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains("snapshot `link.json` is a FIFO (named pipe), not a regular file"),
        "{}",
        run.all()
    );
}

#[test]
fn a_byte_order_mark_is_named() {
    let dir = workdir();
    let cwd = dir.path();
    let text = snapshot(&["t"], "id").to_json();
    std::fs::write(cwd.join("bom.json"), format!("\u{feff}{text}")).unwrap();
    std::fs::write(cwd.join("ok.json"), &text).unwrap();
    for args in [
        &["diff", "bom.json", "ok.json"][..],
        &["check", "--snapshot", "bom.json"][..],
        &["refresh", "--check", "--snapshot", "bom.json"][..],
    ] {
        let run = expect(2, cli(cwd, args));
        assert_eq!(
            run.stderr,
            "error: snapshot `bom.json` starts with a UTF-8 byte order mark, which JSON does not \
             allow; remove it (the first 3 bytes: save as \"UTF-8\", not \"UTF-8 with BOM\") or \
             regenerate it with `cargo schemalock refresh`\n",
            "{args:?}"
        );
    }
}

/// Two files whose report is far larger than a pipe's buffer (64 KiB on Linux), so the command
/// is still writing when the reader has gone, whichever happens first.
fn big_drift(cwd: &Path) {
    let names: Vec<String> = (0..3000).map(|i| format!("table_{i:05}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    snapshot(&names, "id").save(&cwd.join("a.json")).unwrap();
    snapshot(&names, "renamed_id")
        .save(&cwd.join("b.json"))
        .unwrap();
}

#[test]
fn a_reader_that_stops_reading_ends_the_command_quietly() {
    let dir = workdir();
    let cwd = dir.path();
    big_drift(cwd);
    for format in ["text", "json"] {
        // `| head -2`: two lines read, then the pipe closed.
        let mut child = cli(cwd, &["diff", "a.json", "b.json", "--format", format])
            .into_command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 64];
        let n = stdout.read(&mut first).unwrap();
        assert!(n > 0);
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The comparison's answer stands: drift.
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}");
    }
    // No reader at all: closed before the command starts writing.
    let mut child = cli(cwd, &["diff", "a.json", "b.json"])
        .into_command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// Runs `cmd` with its stdout on a new pseudo-terminal (stderr piped), within [`BLOCKED_AFTER`];
/// returns the exit code and what the terminal received.
fn run_on_terminal(mut cmd: Command) -> (i32, String) {
    let (mut master, mut slave) = (-1, -1);
    // SAFETY: two valid out-pointers; no name, terminal settings or window size asked for.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: openpty returned two open descriptors that nothing else owns.
    let (master, slave) = unsafe {
        use std::os::fd::FromRawFd as _;
        (
            std::fs::File::from_raw_fd(master),
            std::os::fd::OwnedFd::from_raw_fd(slave),
        )
    };
    let mut child = cmd
        .stdout(Stdio::from(slave))
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cargo-schemalock");
    // The only other copy of the terminal's end is the child's; once it exits, reading the
    // master ends (EIO on Linux) instead of waiting.
    drop(cmd);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut master = master;
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        let _ = tx.send(out);
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BLOCKED_AFTER {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {BLOCKED_AFTER:?} with its output on a terminal");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = rx
        .recv_timeout(BLOCKED_AFTER)
        .expect("the terminal's output ends when the command exits");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out).into_owned(),
    )
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let dir = workdir();
    let cwd = dir.path();
    snapshot(&["t"], "id").save(&cwd.join("a.json")).unwrap();
    snapshot(&["t"], "renamed_id")
        .save(&cwd.join("b.json"))
        .unwrap();
    let diff = || cli(cwd, &["diff", "a.json", "b.json"]);
    let escape = "\x1b[";

    let (code, terminal) = run_on_terminal(diff().into_command());
    assert_eq!(code, 1, "{terminal}");
    assert!(terminal.contains("renamed_id"), "{terminal}");
    assert!(
        terminal.contains(escape),
        "no colour on a terminal:\n{terminal}"
    );

    for no_color in ["1", "0"] {
        let (code, terminal) = run_on_terminal(diff().env("NO_COLOR", no_color).into_command());
        assert_eq!(code, 1, "{terminal}");
        assert!(terminal.contains("renamed_id"), "{terminal}");
        assert!(
            !terminal.contains(escape),
            "NO_COLOR={no_color}:\n{terminal}"
        );
    }
    // Set but empty asks for nothing (no-color.org).
    let (_, terminal) = run_on_terminal(diff().env("NO_COLOR", "").into_command());
    assert!(terminal.contains(escape), "NO_COLOR='':\n{terminal}");

    let run = expect(1, diff());
    assert!(run.stdout.contains("renamed_id"), "{}", run.all());
    assert!(
        !run.stdout.contains(escape),
        "colour into a pipe:\n{}",
        run.all()
    );
}

#[test]
fn control_characters_in_names_are_escaped() {
    let dir = workdir();
    let cwd = dir.path();
    let evil = "evil\x1b[2J\x1b]0;title\x07\r\u{202e}";
    snapshot(&["plain"], "id")
        .save(&cwd.join("a.json"))
        .unwrap();
    let mut b = snapshot(&["plain"], "id");
    let t = b
        .schemas
        .get_mut("public")
        .unwrap()
        .tables
        .get_mut("plain")
        .unwrap();
    t.columns.push(column(evil));
    b.save(&cwd.join("b.json")).unwrap();
    let run = expect(1, cli(cwd, &["diff", "a.json", "b.json"]));
    assert!(
        run.stdout.contains(
            "  + column `evil\\u001b[2J\\u001b]0;title\\u0007\\r\\u202e`: not in A (B: text NOT NULL)\n"
        ),
        "{}",
        run.all()
    );
    assert!(
        !run.stdout.contains(['\x1b', '\x07', '\r', '\u{202e}']),
        "{:?}",
        run.stdout
    );
    // As the JSON output writes the same name.
    let run = expect(
        1,
        cli(cwd, &["diff", "a.json", "b.json", "--format", "json"]),
    );
    assert!(
        run.stdout
            .contains(r#""name": "evil\u001b[2J\u001b]0;title\u0007\r"#),
        "{}",
        run.all()
    );
}

#[test]
fn an_unknown_schema_lists_the_snapshots_schemas() {
    let dir = workdir();
    let cwd = dir.path();
    snapshot(&["t"], "id").save(&cwd.join("a.json")).unwrap();
    let run = expect(
        2,
        cli(cwd, &["diff", "a.json", "a.json", "--schema", "nosuch"]),
    );
    assert_eq!(
        run.stderr,
        "error: schema `nosuch` not found on either side; check `--schema` (known: `audit`, `public`)\n"
    );

    let Some(pg) = any_cluster() else {
        return;
    };
    let url = pg.create_database("app");
    pg.psql_file("app", &fixture("app.sql"));
    let run = expect(
        2,
        cli(
            cwd,
            &[
                "check",
                "--snapshot",
                "a.json",
                "--database-url",
                &url,
                "--schema",
                "nosuch",
            ],
        ),
    );
    assert!(
        run.stderr.ends_with(
            "schema `nosuch` not found on either side; check `--schema` (known: `audit`, `public`)\n"
        ),
        "{}",
        run.all()
    );
}

#[test]
fn refresh_writes_through_a_link_and_keeps_the_mode() {
    use std::os::unix::fs::PermissionsExt as _;
    let Some(pg) = any_cluster() else {
        return;
    };
    let url = pg.create_database("app");
    pg.psql_file("app", &fixture("app.sql"));
    let dir = workdir();
    let cwd = dir.path();
    std::fs::create_dir(cwd.join("db")).unwrap();
    let real = cwd.join("db/schema.json");
    std::fs::write(&real, "{}").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink("db/schema.json", cwd.join("schemalock.json")).unwrap();
    // A run killed long ago left its temporary file.
    let stale = cwd.join("db/.schema.json.4194303.tmp");
    let plant_stale = || {
        std::fs::write(&stale, "partial").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - Duration::from_secs(2 * 3600))
            .unwrap();
    };
    plant_stale();

    expect(0, cli(cwd, &["refresh", "--database-url", &url]));
    let link = std::fs::symlink_metadata(cwd.join("schemalock.json")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        Snapshot::load(&real).unwrap().schemas,
        introspect(&pg, "app", None).schemas
    );
    assert!(!stale.exists(), "the stale temporary file is removed");
    let names: Vec<_> = std::fs::read_dir(cwd.join("db"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["schema.json"]);
    // Also when the file is up to date and nothing is written.
    plant_stale();
    let run = expect(0, cli(cwd, &["refresh", "--database-url", &url]));
    assert!(run.stderr.contains("is up to date"), "{}", run.all());
    assert!(!stale.exists(), "the stale temporary file is removed");

    // A FIFO where the snapshot should be written is refused, not read or replaced.
    let fifo = cwd.join("fifo.json");
    mkfifo(&fifo);
    let run = run_unblocked(
        cli(
            cwd,
            &["refresh", "--database-url", &url, "--snapshot", "fifo.json"],
        )
        .into_command(),
        &fifo,
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains("snapshot `fifo.json` is a FIFO (named pipe), not a regular file"),
        "{}",
        run.all()
    );
}
