//! `cargo schemalock plan`: its flags, outputs and exit codes, on a real server; the plan
//! applied with psql and, as migration files, in each layout (applied as the layout's tool
//! applies them, through the shadow database), then planned again: nothing left to do.

mod common;

use std::path::Path;

use common::{any_cluster, cli, expect, workdir};
use schemalock_tests::pg::Cluster;

const BEFORE: &str = "
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE users (
    id bigint PRIMARY KEY,
    name varchar(20),
    mood varchar(10) DEFAULT 'ok',
    visits integer
);";

const AFTER: &str = "
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE users (
    id bigint PRIMARY KEY,
    full_name varchar(20),
    mood mood NOT NULL DEFAULT 'ok',
    visits integer NOT NULL
);
CREATE INDEX users_mood_idx ON users (mood);";

const ROWS: &str =
    "INSERT INTO users VALUES (1, 'Ann', 'ok', 3), (2, 'Bo', 'sad', NULL), (3, 'Cy', 'OK', 1);";

/// The server, a database `live` at BEFORE with rows, and `after.json` (AFTER) and
/// `before.json` (BEFORE) in the work directory.
fn setup(pg: &Cluster, cwd: &Path) {
    for (db, sql) in [("live", BEFORE), ("before", BEFORE), ("after", AFTER)] {
        pg.create_database(db);
        pg.psql(db, sql);
    }
    pg.psql("live", ROWS);
    for db in ["before", "after"] {
        expect(
            0,
            cli(
                cwd,
                &[
                    "refresh",
                    "--database-url",
                    &pg.url(db),
                    "--snapshot",
                    &format!("{db}.json"),
                ],
            ),
        );
    }
}

#[test]
fn plan_flags_outputs_and_exit_codes() {
    let Some(pg) = any_cluster() else { return };
    let dir = workdir();
    let cwd = dir.path();
    setup(&pg, cwd);
    let live = pg.url("live");
    let bin = pg.bin_dir().to_string_lossy().into_owned();
    let plan = |args: &[&str]| {
        let mut all = vec![
            "plan",
            "--database-url",
            live.as_str(),
            "--snapshot",
            "after.json",
        ];
        all.extend_from_slice(args);
        cli(cwd, &all).env("PG_BIN", &bin)
    };

    // Hazards not allowed: the script is still printed, with why; exit 1.
    let run = expect(1, plan(&["--no-verify"]));
    assert!(
        run.stdout
            .contains("CREATE INDEX CONCURRENTLY users_mood_idx"),
        "{}",
        run.all()
    );
    assert!(run.stdout.contains("-- Step 1 of "), "{}", run.all());
    assert!(run.stdout.contains("lock: "), "{}", run.all());
    assert!(
        run.stderr.contains("pass `--rename users.name=full_name`"),
        "{}",
        run.all()
    );
    assert!(
        run.stderr
            .contains("warning: hazard `deletes-data` not allowed"),
        "{}",
        run.all()
    );
    assert!(
        run.stderr.contains("then pass `--allow-hazards "),
        "{}",
        run.all()
    );

    // The rename followed, the hazards allowed by name: exit 0, verified on a local cluster.
    let named = "rewrites-table,access-exclusive-lock,validates-data,cast-may-fail,builds-index,not-transactional,breaks-clients";
    let run = expect(
        0,
        plan(&[
            "--rename",
            "users.name=full_name",
            "--using",
            "users.mood=lower(mood)::mood",
            "--allow-hazards",
            named,
            "--output",
            "fix.sql",
        ]),
    );
    assert_eq!(run.stdout, "", "{}", run.all());
    assert!(
        run.stderr
            .contains("plan verified on a throwaway local cluster: no differences"),
        "{}",
        run.all()
    );
    let script = std::fs::read_to_string(cwd.join("fix.sql")).unwrap();
    assert!(
        script.contains("ALTER TABLE users RENAME COLUMN name TO full_name"),
        "{script}"
    );
    assert!(script.contains("USING lower(mood)::mood"), "{script}");
    assert!(script.contains("SET lock_timeout = '5s'"), "{script}");
    assert!(!script.contains("DROP COLUMN"), "{script}");

    // The pre-flight check stops the script on the NULL visits, naming them; nothing changed.
    let err = pg.try_psql_file("live", &cwd.join("fix.sql")).unwrap_err();
    assert!(err.contains("visits"), "{err}");
    assert!(err.contains("NULL"), "{err}");
    assert_eq!(
        pg.psql("live", "SELECT count(*) FROM users WHERE name IS NOT NULL")
            .trim(),
        "3"
    );
    pg.psql("live", "UPDATE users SET visits = 0 WHERE visits IS NULL");
    pg.psql_file("live", &cwd.join("fix.sql"));
    expect(
        0,
        cli(
            cwd,
            &["check", "--database-url", &live, "--snapshot", "after.json"],
        ),
    );
    assert_eq!(
        pg.psql(
            "live",
            "SELECT string_agg(full_name || ':' || mood, ',' ORDER BY id) FROM users"
        )
        .trim(),
        "Ann:ok,Bo:sad,Cy:ok"
    );
    // Nothing left to do: exit 0.
    let run = expect(0, plan(&["--no-verify"]));
    assert!(run.stdout.contains("Nothing to do"), "{}", run.all());
    assert!(run.stderr.contains("nothing to do"), "{}", run.all());

    // Between two files, as JSON: steps with statements, object, lock and hazards; the refused
    // hazards; the pre-flight queries.
    let run = expect(1, between(cwd, &["--format", "json", "--no-verify"]));
    let json = run.json();
    let steps = json["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    for s in steps {
        assert!(
            s["statements"].as_array().is_some_and(|a| !a.is_empty()),
            "{s}"
        );
        assert!(s["object"]["name"].is_string(), "{s}");
        assert!(s["lock"]["level"].is_string(), "{s}");
    }
    assert!(
        json["refused"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h == "deletes-data"),
        "{json}"
    );
    assert!(
        json["preflight"].as_array().is_some_and(|p| !p.is_empty()),
        "{json}"
    );
    assert!(
        json["script"]
            .as_str()
            .unwrap()
            .contains("CREATE INDEX CONCURRENTLY")
    );

    // From nothing.
    let run = expect(
        0,
        cli(
            cwd,
            &[
                "plan",
                "--from",
                "empty",
                "--to",
                "after.json",
                "--no-verify",
            ],
        ),
    );
    assert!(run.stdout.contains("CREATE TABLE users"), "{}", run.all());

    // Errors: exit 2, saying what to write.
    let run = expect(2, plan(&["--allow-hazards", "rewrite-table"]));
    assert!(
        run.stderr.contains("did you mean `rewrites-table`?"),
        "{}",
        run.all()
    );
    let run = expect(2, plan(&["--rename", "users.name"]));
    assert!(
        run.stderr.contains("--rename `users.name`"),
        "{}",
        run.all()
    );
    let run = expect(2, plan(&["--rename", "users.nope=x"]));
    assert!(run.stderr.contains("nope"), "{}", run.all());
}

/// `plan --from before.json --to after.json` and `extra`.
fn between(cwd: &Path, extra: &[&str]) -> common::Cli {
    let mut args = vec!["plan", "--from", "before.json", "--to", "after.json"];
    args.extend_from_slice(extra);
    cli(cwd, &args)
}

/// The first migration of a folder in `layout`, and the name of the plan's files it expects.
fn first_migration(dir: &Path, layout: &str) {
    let (path, extra): (&str, Option<(&str, &str)>) = match layout {
        "sqlx" => ("20240101000000_init.sql", None),
        "diesel" => (
            "2024-01-01-000000_init/up.sql",
            Some((
                "2024-01-01-000000_init/down.sql",
                "DROP TABLE users; DROP TYPE mood;",
            )),
        ),
        "refinery" => ("V1__init.sql", None),
        _ => ("001_init.sql", None),
    };
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, BEFORE).unwrap();
    if let Some((p, sql)) = extra {
        std::fs::write(dir.join(p), sql).unwrap();
    }
}

#[test]
fn plan_as_the_next_migration_in_each_layout() {
    let Some(pg) = any_cluster() else { return };
    let dir = workdir();
    let cwd = dir.path();
    setup(&pg, cwd);
    let bin = pg.bin_dir().to_string_lossy().into_owned();
    for layout in ["sqlx", "diesel", "refinery", "plain"] {
        let folder = cwd.join(layout);
        first_migration(&folder, layout);
        // `001_init.sql` reads as sqlx's too: a plain folder is said.
        let mut args = vec![
            "--migration",
            layout,
            "--allow-hazards",
            "all",
            "--no-verify",
        ];
        if layout == "plain" {
            args.extend(["--layout", "plain"]);
        }
        let run = expect(0, between(cwd, &args));
        let written: Vec<&str> = run.stdout.lines().collect();
        assert!(!written.is_empty(), "{}", run.all());
        let text = |name: &str| std::fs::read_to_string(cwd.join(name)).unwrap();
        match layout {
            // One file per transaction: the index build alone, marked as the tool wants.
            "sqlx" => {
                assert!(written.len() > 2, "{written:?}");
                assert!(
                    written
                        .iter()
                        .all(|w| w.starts_with("sqlx/") && w.ends_with(".sql"))
                );
                let concurrent: Vec<_> = written
                    .iter()
                    .filter(|w| text(w).contains("CONCURRENTLY"))
                    .collect();
                assert_eq!(concurrent.len(), 1, "{written:?}");
                assert!(text(concurrent[0]).starts_with("-- no-transaction\n"));
            }
            "diesel" => {
                assert!(written.iter().any(|w| w.ends_with("/up.sql")));
                assert!(written.iter().any(|w| w.ends_with("/down.sql")));
                let meta: Vec<_> = written
                    .iter()
                    .filter(|w| w.ends_with("metadata.toml"))
                    .collect();
                assert_eq!(meta.len(), 1, "{written:?}");
                assert_eq!(text(meta[0]), "run_in_transaction = false\n");
            }
            "refinery" => {
                assert!(written[0].starts_with("refinery/V2__"), "{written:?}");
                assert!(
                    written
                        .iter()
                        .any(|w| text(w).starts_with("-- refinery:noTransaction\n"))
                );
            }
            _ => assert_eq!(written, ["plain/002_schemalock_plan.sql"]),
        }
        // Applied as the tool applies them: the folder now gives the target.
        expect(
            0,
            cli(
                cwd,
                &[
                    "refresh",
                    "--migrations",
                    layout,
                    "--snapshot",
                    &format!("{layout}.json"),
                ],
            )
            .env("PG_BIN", &bin),
        );
        let run = expect(
            0,
            cli(
                cwd,
                &[
                    "plan",
                    "--from",
                    &format!("{layout}.json"),
                    "--to",
                    "after.json",
                    "--no-verify",
                ],
            ),
        );
        assert!(
            run.stdout.contains("Nothing to do"),
            "{layout}: {}",
            run.all()
        );
    }
    // An empty folder has no layout to detect: said, with what to pass.
    std::fs::create_dir(cwd.join("new")).unwrap();
    let run = expect(2, between(cwd, &["--migration", "new", "--no-verify"]));
    assert!(run.stderr.contains("pass `--layout sqlx`"), "{}", run.all());
}

/// What no statement can make (PostgreSQL cannot move a column) is a note in the plan, and the
/// verification finds it: the differences are printed and the command exits 1.
#[test]
fn verification_reports_what_the_plan_cannot_make() {
    let Some(pg) = any_cluster() else { return };
    let dir = workdir();
    let cwd = dir.path();
    for (db, sql) in [
        ("ab", "CREATE TABLE t (a integer, b integer);"),
        ("ba", "CREATE TABLE t (b integer, a integer);"),
    ] {
        pg.create_database(db);
        pg.psql(db, sql);
        let snapshot = format!("{db}.json");
        expect(
            0,
            cli(
                cwd,
                &[
                    "refresh",
                    "--database-url",
                    &pg.url(db),
                    "--snapshot",
                    &snapshot,
                ],
            ),
        );
    }
    let bin = pg.bin_dir().to_string_lossy().into_owned();
    let run = expect(
        1,
        cli(cwd, &["plan", "--from", "ab.json", "--to", "ba.json"]).env("PG_BIN", &bin),
    );
    assert!(
        run.stderr.contains("PostgreSQL cannot move columns"),
        "{}",
        run.all()
    );
    assert!(
        run.stderr
            .contains("the plan, applied on a throwaway local cluster, does not give the target"),
        "{}",
        run.all()
    );
    assert!(run.stderr.contains("column order"), "{}", run.all());
    // JSON says the same.
    let run = expect(
        1,
        cli(
            cwd,
            &[
                "plan", "--from", "ab.json", "--to", "ba.json", "--format", "json",
            ],
        )
        .env("PG_BIN", &bin),
    );
    assert_eq!(
        run.json()["verified"]["differences"][0]["change"],
        "order",
        "{}",
        run.all()
    );
}
