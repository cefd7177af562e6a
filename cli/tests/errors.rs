//! Failures exit 2, say what failed and what to try, and never print the password.

mod common;

use common::{Run, any_cluster, cli, expect, fixture, workdir};

const PASSWORD: &str = "Sup3r-s3cret_pw";
const WRONG: &str = "Wr0ng-guess_pw";

fn assert_no_secret(run: &Run) {
    for secret in [PASSWORD, WRONG] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "password printed:\n{}",
            run.all()
        );
    }
}

fn assert_error(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.starts_with("error: "), "{}", run.all());
    for n in needles {
        assert!(run.stderr.contains(n), "{n:?} not in\n{}", run.all());
    }
    assert_no_secret(run);
}

#[test]
fn failures_exit_2_and_never_show_the_password() {
    let Some(pg) = any_cluster() else {
        return;
    };
    pg.create_database("app");
    pg.psql_file("app", &fixture("app.sql"));
    pg.add_password_role("app_user", PASSWORD);
    let port = pg.port();
    let good = format!("postgres://app_user:{PASSWORD}@127.0.0.1:{port}/app");
    let shown = format!("postgres://app_user:***@127.0.0.1:{port}/app");
    let dir = workdir();
    let cwd = dir.path();

    // The happy path with a password: nothing prints it, and the file does not hold it.
    let run = expect(
        0,
        cli(cwd, &["-v", "refresh", "--snapshot", "s.json"]).env("DATABASE_URL", &good),
    );
    assert_no_secret(&run);
    assert!(run.stderr.contains(&shown), "{}", run.all());
    let text = std::fs::read_to_string(cwd.join("s.json")).unwrap();
    assert!(!text.contains(PASSWORD) && !text.contains("app_user"));
    let run = expect(
        0,
        cli(
            cwd,
            &[
                "check",
                "-v",
                "--snapshot",
                "s.json",
                "--format",
                "json",
                "--database-url",
                &good,
            ],
        ),
    );
    assert_no_secret(&run);
    assert_eq!(run.json()["found"], shown.as_str());
    let run = expect(0, cli(cwd, &["diff", "s.json", &good, "--format", "json"]));
    assert_no_secret(&run);

    // Wrong password.
    let wrong = format!("postgres://app_user:{WRONG}@127.0.0.1:{port}/app");
    let run = cli(
        cwd,
        &["check", "--snapshot", "s.json", "--database-url", &wrong],
    )
    .run();
    assert_error(
        &run,
        &[
            "password authentication failed for user `app_user`",
            "check the user and password",
            &format!("postgres://app_user:***@127.0.0.1:{port}/app"),
        ],
    );
    let run = cli(cwd, &["refresh", "--snapshot", "s.json"])
        .env("DATABASE_URL", &wrong)
        .run();
    assert_error(&run, &["password authentication failed"]);
    let run = cli(cwd, &["diff", "s.json", &wrong]).run();
    assert_error(&run, &["password authentication failed"]);
    // The refused refresh left the file alone.
    assert_eq!(std::fs::read_to_string(cwd.join("s.json")).unwrap(), text);

    // No password where one is required.
    let bare = format!("postgres://app_user@127.0.0.1:{port}/app");
    let run = cli(
        cwd,
        &["check", "--snapshot", "s.json", "--database-url", &bare],
    )
    .run();
    assert_error(
        &run,
        &["the server asks for a password and the URL has none"],
    );

    // Missing database.
    let missing = format!("postgres://app_user:{PASSWORD}@127.0.0.1:{port}/nope");
    let run = cli(
        cwd,
        &["check", "--snapshot", "s.json", "--database-url", &missing],
    )
    .run();
    assert_error(&run, &["database `nope` does not exist", "createdb nope"]);

    // Unreachable server: a port nothing listens on.
    let free = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = format!("postgres://app_user:{PASSWORD}@127.0.0.1:{free}/app");
    let run = cli(cwd, &["check", "--snapshot", "s.json"])
        .env("DATABASE_URL", &unreachable)
        .run();
    assert_error(
        &run,
        &[
            &format!("cannot connect to `postgres://app_user:***@127.0.0.1:{free}/app`"),
            "is PostgreSQL running there",
        ],
    );

    // TLS asked for: refused, not downgraded.
    let tls = format!("{good}?sslmode=require");
    let run = cli(
        cwd,
        &["check", "--snapshot", "s.json", "--database-url", &tls],
    )
    .run();
    assert_error(&run, &["does not support TLS"]);
    let run = cli(
        cwd,
        &["diff", "s.json", &format!("{good}?sslmode=verify-full")],
    )
    .run();
    assert_error(&run, &["sslmode=verify-full"]);

    // A URL that does not parse.
    let run = cli(
        cwd,
        &[
            "check",
            "--snapshot",
            "s.json",
            "--database-url",
            &format!("postgres://app_user:{PASSWORD}@127.0.0.1:notaport/app"),
        ],
    )
    .run();
    assert_error(&run, &["invalid database URL"]);

    // Invalid, missing and future snapshot files, with a password in the environment.
    std::fs::write(
        cwd.join("bad.json"),
        "{ \"format_version\": 2, \"schemas\": ",
    )
    .unwrap();
    let run = cli(cwd, &["check", "--snapshot", "bad.json"])
        .env("DATABASE_URL", &good)
        .run();
    assert_error(
        &run,
        &[
            "snapshot `bad.json` is not a valid schemalock snapshot",
            "cargo schemalock refresh",
        ],
    );
    let run = cli(cwd, &["refresh", "--check", "--snapshot", "bad.json"])
        .env("DATABASE_URL", &good)
        .run();
    assert_error(&run, &["is not a valid schemalock snapshot"]);
    let run = cli(cwd, &["diff", "bad.json", "s.json"]).run();
    assert_error(&run, &["is not a valid schemalock snapshot"]);
    let run = cli(cwd, &["check", "--snapshot", "absent.json"])
        .env("DATABASE_URL", &good)
        .run();
    assert_error(&run, &["snapshot `absent.json` does not exist"]);
    let run = cli(cwd, &["refresh", "--check", "--snapshot", "absent.json"])
        .env("DATABASE_URL", &good)
        .run();
    assert_error(&run, &["snapshot `absent.json` does not exist"]);
    std::fs::write(cwd.join("future.json"), "{ \"format_version\": 7 }").unwrap();
    let run = cli(cwd, &["check", "--snapshot", "future.json"])
        .env("DATABASE_URL", &good)
        .run();
    assert_error(&run, &["format version 7"]);

    // No snapshot anywhere above, and none given.
    let run = cli(cwd, &["check"]).env("DATABASE_URL", &good).run();
    assert_error(&run, &["no `schemalock.json` found"]);

    // No URL anywhere.
    let run = cli(cwd, &["check", "--snapshot", "s.json"]).run();
    assert_error(&run, &["no database URL", "--database-url", ".env"]);
    let run = cli(cwd, &["refresh", "--snapshot", "t.json"]).run();
    assert_error(&run, &["no database URL"]);

    // A snapshot path in a directory that does not exist.
    let run = cli(cwd, &["refresh", "--snapshot", "no/such/dir/s.json"])
        .env("DATABASE_URL", &good)
        .run();
    assert_error(&run, &["cannot write `no/such/dir/s.json`"]);

    // A schema that does not exist, for refresh.
    let run = cli(
        cwd,
        &["refresh", "--snapshot", "t.json", "--schema", "nope"],
    )
    .env("DATABASE_URL", &good)
    .run();
    assert_error(&run, &["schema `nope` not found in the database"]);

    // A .env that does not parse is named, and its line is not echoed.
    let nested = cwd.join("nested");
    std::fs::create_dir(&nested).unwrap();
    std::fs::write(nested.join(".env"), format!("DATABASE_URL='{good}\n")).unwrap();
    let run = cli(&nested, &["check", "--snapshot", "../s.json"]).run();
    assert_error(&run, &[".env`"]);

    // Bad arguments are errors too.
    let run = cli(cwd, &["check", "--format", "yaml"]).run();
    assert_eq!(run.code, 2, "{}", run.all());
}

#[test]
fn refresh_check_exit_codes() {
    let Some(pg) = any_cluster() else {
        return;
    };
    let url = pg.create_database("app");
    pg.psql_file("app", &fixture("app.sql"));
    let dir = workdir();
    let cwd = dir.path();
    let with_url = |args: &[&str]| cli(cwd, args).env("DATABASE_URL", &url);

    expect(0, with_url(&["refresh", "--snapshot", "s.json"]));
    let run = expect(0, with_url(&["refresh", "--check", "--snapshot", "s.json"]));
    assert!(run.stdout.contains("no differences"), "{}", run.all());
    let before = std::fs::read_to_string(cwd.join("s.json")).unwrap();

    pg.psql(
        "app",
        "ALTER TABLE posts ADD COLUMN draft boolean NOT NULL DEFAULT false",
    );
    let run = expect(1, with_url(&["refresh", "--check", "--snapshot", "s.json"]));
    assert!(
        run.stdout.contains(
            "public.posts\n  + column `draft`: not in the snapshot (database: boolean NOT NULL DEFAULT false)"
        ),
        "{}",
        run.all()
    );
    assert!(
        run.stderr
            .contains("`s.json` is stale; run `cargo schemalock refresh --snapshot s.json`"),
        "{}",
        run.all()
    );
    let run = expect(
        1,
        with_url(&[
            "refresh",
            "--check",
            "--snapshot",
            "s.json",
            "--format",
            "json",
        ]),
    );
    assert_eq!(run.json()["differences"][0]["name"], "draft");
    // --check never writes.
    assert_eq!(std::fs::read_to_string(cwd.join("s.json")).unwrap(), before);

    // --check compares only the schemas asked for.
    expect(
        1,
        with_url(&[
            "refresh",
            "--check",
            "--snapshot",
            "s.json",
            "--schema",
            "public",
        ]),
    );
    expect(
        0,
        with_url(&[
            "refresh",
            "--check",
            "--snapshot",
            "s.json",
            "--schema",
            "audit",
        ]),
    );
    expect(0, with_url(&["refresh", "--snapshot", "s.json"]));
    expect(0, with_url(&["refresh", "--check", "--snapshot", "s.json"]));
}
