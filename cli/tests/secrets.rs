//! No password reaches stdout or stderr, whatever form it came in, and the passwords libpq would
//! find (`PGPASSWORD`, `PGPASSFILE`, `~/.pgpass`) log in without being printed. Against a real
//! PostgreSQL with password roles.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::{Cli, Run, any_cluster, cli, fixture, workdir};
use schemalock_tests::pg::Cluster;

/// The role `app_user` logs in with this over TCP.
const PASSWORD: &str = "Sup3r-s3cret_pw";
/// The role `spaced` logs in with this: a space, a quote, a backslash and a colon, so quoting and
/// escaping are exercised in every form. Its parts are checked one by one: a redaction that stops
/// at the space or the quote must still fail the test.
const SPACED: &str = "Sp4ced s3cr'et\\x:y";
const SPACED_PARTS: [&str; 3] = ["Sp4ced", "s3cr'et", "et\\x:y"];

/// Fails when any part of any secret shows in either stream.
fn assert_hidden(run: &Run, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{secret:?} printed:\n{}",
            run.all()
        );
    }
}

/// `cargo schemalock ARGS --database-url URL`.
fn with_url(cwd: &Path, args: &[&str], url: &str) -> Cli {
    let mut all = args.to_vec();
    all.extend(["--database-url", url]);
    cli(cwd, &all)
}

/// Exit code `code`, and each of `needles` on stderr.
fn assert_run(run: &Run, code: i32, needles: &[&str]) {
    assert_eq!(run.code, code, "{}", run.all());
    for n in needles {
        assert!(run.stderr.contains(n), "{n:?} not in\n{}", run.all());
    }
}

fn all_secrets() -> Vec<&'static str> {
    let mut v = vec![PASSWORD, "PanicPw"];
    v.extend(SPACED_PARTS);
    v
}

/// `'...'` with libpq's escapes.
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn percent_encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A server with the fixture database `app` and the password roles `app_user` and `spaced`.
fn server() -> Option<Cluster> {
    let pg = any_cluster()?;
    pg.create_database("app");
    pg.psql_file("app", &fixture("app.sql"));
    pg.add_password_role("app_user", PASSWORD);
    pg.add_password_role("spaced", SPACED);
    Some(pg)
}

/// Runs and fails when any secret shows.
fn run(c: Cli) -> Run {
    let run = c.run();
    assert_hidden(&run, &all_secrets());
    run
}

/// A valid snapshot with nothing in it, for commands that need one before they connect.
fn empty_snapshot(dir: &Path) {
    std::fs::write(dir.join("s.json"), r#"{"format_version":2,"schemas":{}}"#).unwrap();
}

#[test]
fn keyword_strings_log_in_and_never_show_their_password() {
    let Some(pg) = server() else { return };
    let port = pg.port();
    let dir = workdir();
    let cwd = dir.path();

    // Keyword/value strings that work: spaces around `=`, a quoted value with escapes.
    let spaced_eq =
        format!("host=127.0.0.1 port={port} user=app_user password = {PASSWORD} dbname=app");
    let quoted_kv = format!(
        "host=127.0.0.1 port={port} user=spaced password={} dbname=app",
        quoted(SPACED)
    );
    let spaced_url = format!(
        "postgres://spaced:{}@127.0.0.1:{port}/app",
        percent_encoded(SPACED)
    );
    for url in [&spaced_eq, &quoted_kv, &spaced_url] {
        let r = run(with_url(
            cwd,
            &["-v", "refresh", "--snapshot", "s.json"],
            url,
        ));
        assert_run(&r, 0, &["***"]);
        let r = run(cli(cwd, &["-v", "check", "--snapshot", "s.json"]).env("DATABASE_URL", url));
        assert_run(&r, 0, &[]);
        let r = run(with_url(
            cwd,
            &["-v", "check", "--snapshot", "s.json", "--format", "json"],
            url,
        ));
        assert_run(&r, 0, &[]);
    }
    let r = run(cli(cwd, &["-v", "diff", "s.json", &spaced_url]));
    assert_run(&r, 0, &[]);
    assert!(
        r.stdout
            .contains(&format!("B: postgres://spaced:***@127.0.0.1:{port}/app")),
        "{}",
        r.all()
    );

    // The same forms with a wrong password: rejected, and still not printed.
    let wrong_kv = format!(
        "host=127.0.0.1 port={port} user=app_user password = {} dbname=app",
        quoted(SPACED)
    );
    let r = run(with_url(
        cwd,
        &["-v", "check", "--snapshot", "s.json"],
        &wrong_kv,
    ));
    assert_run(&r, 2, &["password authentication failed"]);
}

#[test]
fn misspelt_urls_are_refused_without_showing_their_password() {
    let Some(pg) = server() else { return };
    let port = pg.port();
    let dir = workdir();
    let cwd = dir.path();
    empty_snapshot(cwd);

    // URLs that are slightly wrong, with both passwords: each refused with exit 2, naming the
    // problem, through `--database-url`, `DATABASE_URL`, a `.env` file, and as a `diff` side.
    let malformed = |pw: &str| {
        [
            format!("postgres:/app_user:{pw}@127.0.0.1:{port}/app"),
            format!("postgres//app_user:{pw}@127.0.0.1:{port}/app"),
            format!("postgress://app_user:{pw}@127.0.0.1:{port}/app"),
            format!("pgsql://app_user:{pw}@127.0.0.1:{port}/app"),
            format!("postgres:app_user:{pw}@127.0.0.1:{port}/app"),
        ]
    };
    let nested = cwd.join("nested");
    std::fs::create_dir(&nested).unwrap();
    for url in malformed(PASSWORD)
        .into_iter()
        .chain(malformed(&percent_encoded(SPACED)))
        .chain(malformed(SPACED))
    {
        for r in [
            run(with_url(
                cwd,
                &["-v", "check", "--snapshot", "s.json"],
                &url,
            )),
            run(cli(cwd, &["-v", "refresh", "--snapshot", "t.json"]).env("DATABASE_URL", &url)),
            run(cli(cwd, &["-v", "diff", "s.json", &url])),
            run(cli(
                cwd,
                &["-v", "diff", &url, "s.json", "--format", "json"],
            )),
        ] {
            assert_run(&r, 2, &["postgres://` or `postgresql://`"]);
        }
        // A `.env` value in single quotes is literal, so it cannot hold a quote.
        if !url.contains('\'') {
            std::fs::write(nested.join(".env"), format!("DATABASE_URL='{url}'\n")).unwrap();
            let r = run(cli(&nested, &["-v", "check", "--snapshot", "../s.json"]));
            assert_run(&r, 2, &["(from `DATABASE_URL` in `"]);
        }
    }
}

#[test]
fn clap_errors_never_show_a_password() {
    let dir = workdir();
    let cwd = dir.path();
    let port = 5432;
    let quoted_kv = format!(
        "host=127.0.0.1 port={port} user=spaced password={} dbname=app",
        quoted(SPACED)
    );
    // clap's own errors quote arguments.
    let good = format!("postgres://app_user:{PASSWORD}@127.0.0.1:{port}/app");
    for args in [
        vec!["diff", "s.json", "s.json", &good],
        vec!["check", "--format", &good],
        vec!["check", "--connect-timeout", &good],
        vec!["check", &good],
        vec![&quoted_kv],
    ] {
        let r = run(cli(cwd, &args));
        assert_eq!(r.code, 2, "{}", r.all());
        assert!(r.stderr.starts_with("error: "), "{}", r.all());
    }
}

#[test]
fn the_url_that_panicked_is_an_ordinary_error() {
    let dir = workdir();
    let cwd = dir.path();
    empty_snapshot(cwd);
    // It used to panic while percent-decoding (exit 101, the password in the panic
    // message): an ordinary connection error now.
    let r = run(with_url(
        cwd,
        &["check", "--snapshot", "s.json"],
        "postgres://u:PanicPw%aé@127.0.0.1:1/x",
    ));
    assert_run(
        &r,
        2,
        &["cannot connect to `postgres://u:***@127.0.0.1:1/x`"],
    );
    assert!(!r.stderr.contains("internal error"), "{}", r.all());
}

/// Writes a password file readable by its owner only.
fn pgpass(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// libpq's escaping of one password file field.
fn field(value: &str) -> String {
    value.replace('\\', "\\\\").replace(':', "\\:")
}

#[test]
fn pgpassword_and_password_files_log_in_unprinted() {
    let Some(pg) = server() else { return };
    let port = pg.port();
    let dir = workdir();
    let cwd = dir.path();
    let bare = format!("postgres://spaced@127.0.0.1:{port}/app");
    let check = || with_url(cwd, &["-v", "refresh", "--snapshot", "s.json"], &bare);

    // Without any: the server's demand is explained, with every place a password can go.
    let r = run(check());
    assert_run(&r, 2, &["PGPASSWORD"]);
    assert!(r.stderr.contains("~/.pgpass"), "{}", r.all());

    // PGPASSWORD.
    let r = run(check().env("PGPASSWORD", SPACED));
    assert_run(&r, 0, &[]);
    let r = run(check().env("PGPASSWORD", PASSWORD));
    assert_run(&r, 2, &["password authentication failed for user `spaced`"]);
    assert!(
        r.stderr.contains("the password in `PGPASSWORD`"),
        "{}",
        r.all()
    );
    // A password in the URL wins over PGPASSWORD, as in libpq.
    let with_pw = format!("postgres://app_user:{PASSWORD}@127.0.0.1:{port}/app");
    let r =
        run(with_url(cwd, &["check", "--snapshot", "s.json"], &with_pw).env("PGPASSWORD", SPACED));
    assert_run(&r, 0, &[]);

    // PGPASSFILE: comments and lines for other servers first, escapes, wildcards.
    let file = cwd.join("pgpass");
    pgpass(
        &file,
        &format!(
            "# hostname:port:database:username:password\n\
             127.0.0.1:{other}:app:spaced:wrong-port\n\
             127.0.0.1:{port}:other_db:spaced:wrong-db\n\
             *:{port}:app:{user}:{pw}\n\
             *:*:*:*:{wrong}\n",
            other = port.wrapping_add(1),
            user = field("spaced"),
            pw = field(SPACED),
            wrong = field(PASSWORD),
        ),
    );
    let file_str = file.to_str().unwrap();
    let r = run(check().env("PGPASSFILE", file_str));
    assert_run(&r, 0, &[]);
    // The wildcard line serves app_user, and a wrong one is blamed on its line.
    let r = run(with_url(
        cwd,
        &["check", "--snapshot", "s.json"],
        &format!("postgres://app_user@127.0.0.1:{port}/app"),
    )
    .env("PGPASSFILE", file_str));
    assert_run(&r, 0, &[]);
    pgpass(
        &file,
        &format!("127.0.0.1:{port}:app:spaced:{}\n", field(PASSWORD)),
    );
    let r = run(check().env("PGPASSFILE", file_str));
    assert_run(&r, 2, &[&format!("`{file_str}` line 1")]);

    // A file others may read is ignored with libpq's warning.
    pgpass(&file, &format!("*:*:*:spaced:{}\n", field(SPACED)));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = run(check().env("PGPASSFILE", file_str));
    assert_run(&r, 2, &["has group or world access"]);

    // ~/.pgpass when PGPASSFILE is not set.
    let home = cwd.join("home");
    std::fs::create_dir(&home).unwrap();
    pgpass(
        &home.join(".pgpass"),
        &format!("127.0.0.1:{port}:*:spaced:{}\n", field(SPACED)),
    );
    let r = run(check()
        .env_remove("PGPASSFILE")
        .env("HOME", home.to_str().unwrap()));
    assert_run(&r, 0, &[]);

    // The shadow database path connects the same way.
    let migrations = cwd.join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(migrations.join("1_init.sql"), "CREATE TABLE t (a int);").unwrap();
    pg.psql("postgres", "ALTER ROLE spaced CREATEDB");
    let shadow_url = format!("postgres://spaced@127.0.0.1:{port}/postgres");
    let r = run(with_url(
        cwd,
        &[
            "-v",
            "refresh",
            "--migrations",
            "migrations",
            "--snapshot",
            "m.json",
        ],
        &shadow_url,
    )
    .env("PGPASSWORD", SPACED));
    assert_run(&r, 0, &[]);
}
