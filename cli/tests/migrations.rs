//! `refresh --migrations` and `refresh --check --migrations`, the CI guard that the committed
//! snapshot matches the migrations, with the shadow database on a given server.

mod common;

use std::path::Path;

use common::{any_cluster, cli, expect, workdir};
use schemalock_tests::pg::Cluster;

fn databases(pg: &Cluster) -> Vec<String> {
    pg.psql(
        "postgres",
        "SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1",
    )
    .lines()
    .map(str::to_owned)
    .collect()
}

fn migration(dir: &Path, name: &str, sql: &str) {
    std::fs::write(dir.join(name), sql).unwrap();
}

#[test]
fn refresh_and_check_from_migrations() {
    let Some(pg) = any_cluster() else {
        return;
    };
    pg.add_password_role("migrator", "m1gr4t0r-Secret");
    pg.psql("postgres", "ALTER ROLE migrator CREATEDB");
    let port = pg.port();
    let url = format!("postgres://migrator:m1gr4t0r-Secret@127.0.0.1:{port}/postgres");
    let before = databases(&pg);

    let dir = workdir();
    let cwd = dir.path();
    let migrations = cwd.join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    migration(
        &migrations,
        "20240101000000_users.sql",
        "CREATE TYPE mood AS ENUM ('sad', 'ok');\n\
         CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, mood mood NOT NULL);\n",
    );
    migration(
        &migrations,
        "20240102000000_more_moods.sql",
        "ALTER TYPE mood ADD VALUE 'happy';\n\
         ALTER TABLE users ALTER COLUMN mood SET DEFAULT 'happy';\n",
    );
    let with_url = |args: &[&str]| cli(cwd, args).env("DATABASE_URL", &url);

    let run = expect(
        0,
        with_url(&[
            "refresh",
            "--migrations",
            "migrations",
            "--snapshot",
            "s.json",
        ]),
    );
    assert!(
        run.stderr
            .contains("wrote `s.json` (2 tables, 1 enum in 1 schema)"),
        "{}",
        run.all()
    );
    assert!(!run.stderr.contains("m1gr4t0r-Secret"), "{}", run.all());
    let text = std::fs::read_to_string(cwd.join("s.json")).unwrap();
    assert!(text.contains("\"happy\""), "{text}");
    assert!(text.contains("\"20240102000000\""), "{text}");
    assert!(!text.contains("m1gr4t0r-Secret"));
    // The shadow database is gone.
    assert_eq!(databases(&pg), before);

    let run = expect(
        0,
        with_url(&[
            "refresh",
            "--check",
            "--migrations",
            "migrations",
            "--snapshot",
            "s.json",
        ]),
    );
    assert!(run.stdout.contains("no differences"), "{}", run.all());

    // A new migration that nobody refreshed the snapshot for.
    migration(
        &migrations,
        "20240103000000_visits.sql",
        "ALTER TABLE users ADD COLUMN visits integer NOT NULL DEFAULT 0;\n",
    );
    let run = expect(
        1,
        with_url(&[
            "refresh",
            "--check",
            "--migrations",
            "migrations",
            "--snapshot",
            "s.json",
        ]),
    );
    for needle in [
        "public.users\n  + column `visits`: not in the snapshot (migrations: integer NOT NULL DEFAULT 0)",
        "~ migration head `_sqlx_migrations` version: snapshot `20240102000000 in _sqlx_migrations`, migrations `20240103000000 in _sqlx_migrations`",
    ] {
        assert!(
            run.stdout.contains(needle),
            "{needle:?} not in\n{}",
            run.all()
        );
    }
    assert!(
        run.stderr.contains(
            "`s.json` is stale; run `cargo schemalock refresh --migrations migrations --snapshot s.json`"
        ),
        "{}",
        run.all()
    );
    let run = expect(
        1,
        with_url(&[
            "refresh",
            "--check",
            "--migrations",
            "migrations",
            "--snapshot",
            "s.json",
            "--format",
            "json",
        ]),
    );
    let json = run.json();
    assert_eq!(json["found"], "migrations `migrations`");
    assert_eq!(json["summary"]["differences"], 2);
    assert_eq!(std::fs::read_to_string(cwd.join("s.json")).unwrap(), text);

    expect(
        0,
        with_url(&[
            "refresh",
            "--migrations",
            "migrations",
            "--snapshot",
            "s.json",
        ]),
    );
    expect(
        0,
        with_url(&[
            "refresh",
            "--check",
            "--migrations",
            "migrations",
            "--snapshot",
            "s.json",
        ]),
    );
    assert_eq!(databases(&pg), before);

    // A migration that fails is an error, and the shadow database is still dropped.
    migration(
        &migrations,
        "20240104000000_broken.sql",
        "ALTER TABLE nope ADD COLUMN x int;\n",
    );
    let run = with_url(&[
        "refresh",
        "--migrations",
        "migrations",
        "--snapshot",
        "s.json",
    ])
    .run();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("20240104000000_broken.sql"),
        "{}",
        run.all()
    );
    assert!(!run.stderr.contains("m1gr4t0r-Secret"), "{}", run.all());
    assert_eq!(databases(&pg), before);

    // A wrong password for the shadow server is not printed either.
    let wrong = format!("postgres://migrator:Wr0ng-pass-X@127.0.0.1:{port}/postgres");
    let run = cli(
        cwd,
        &[
            "refresh",
            "--migrations",
            "migrations",
            "--database-url",
            &wrong,
        ],
    )
    .run();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        !run.stdout.contains("Wr0ng-pass-X") && !run.stderr.contains("Wr0ng-pass-X"),
        "{}",
        run.all()
    );
    // TLS is refused before anything is created.
    let run = with_url(&["refresh", "--migrations", "migrations"])
        .env("DATABASE_URL", &format!("{url}?sslmode=require"))
        .run();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("does not support TLS"), "{}", run.all());
    // No such directory.
    let run = with_url(&["refresh", "--migrations", "nowhere"]).run();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("`nowhere` does not exist"),
        "{}",
        run.all()
    );
}

/// The example's committed snapshot is what its migrations produce on a pgvector server.
#[test]
fn writeros_snapshot_matches_its_migrations() {
    for version in [16, 18] {
        let Some(pg) = Cluster::start(version) else {
            continue;
        };
        if !pg.has_extension("vector") {
            schemalock_tests::skip(&format!("PostgreSQL {version} has no pgvector"));
            continue;
        }
        let example = schemalock_tests::pg::workspace_root().join("examples/writeros");
        let run = expect(
            0,
            cli(
                &example,
                &["refresh", "--check", "--migrations", "migrations"],
            )
            .env("DATABASE_URL", &pg.url("postgres")),
        );
        assert!(run.stdout.contains("no differences"), "{}", run.all());
        return;
    }
}

/// A folder of `0001_name.sql` files that are plain SQL: detected as sqlx's (and `--verbose` says
/// why, and how to choose), recorded nowhere with `--layout plain`.
#[test]
fn layout_is_said_and_can_be_chosen() {
    let Some(pg) = any_cluster() else {
        return;
    };
    let url = pg.url("postgres");
    let dir = workdir();
    let cwd = dir.path();
    let migrations = cwd.join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    migration(
        &migrations,
        "0001_users.sql",
        "CREATE TABLE users (id int);\n",
    );
    let refresh = |layout: Option<&str>| {
        let mut args = vec![
            "refresh",
            "--verbose",
            "--migrations",
            "migrations",
            "--snapshot",
            "s.json",
        ];
        args.extend(layout.map(|l| ["--layout", l]).into_iter().flatten());
        let run = expect(0, cli(cwd, &args).env("DATABASE_URL", &url));
        let snapshot = std::fs::read_to_string(cwd.join("s.json")).unwrap();
        (run.stderr, snapshot)
    };
    let (said, snapshot) = refresh(None);
    assert!(
        said.contains(
            "1 migration, sqlx layout: every `.sql` file is named `<version>_<name>.sql` as sqlx \
             names them (`0001_users.sql`), so they are recorded in `_sqlx_migrations`; pass \
             `--layout` to choose another"
        ),
        "{said}"
    );
    assert!(snapshot.contains("_sqlx_migrations"));
    assert!(
        said.contains("wrote `s.json` (2 tables in 1 schema)"),
        "{said}"
    );
    let (said, snapshot) = refresh(Some("plain"));
    assert!(
        said.contains("1 migration, plain layout: chosen with `--layout`"),
        "{said}"
    );
    assert!(!snapshot.contains("_sqlx_migrations"), "{snapshot}");
    assert!(
        said.contains("wrote `s.json` (1 table in 1 schema)"),
        "{said}"
    );
    // Without --migrations, --layout means nothing.
    let run = expect(2, cli(cwd, &["refresh", "--layout", "plain"]));
    assert!(run.stderr.contains("--migrations"), "{}", run.all());
}
