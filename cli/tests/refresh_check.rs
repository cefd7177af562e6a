//! The everyday cycle on every installed server: refresh a snapshot from a database, check it,
//! change the database by hand, see `check` fail naming each change, refresh, see it pass.

mod common;

use std::path::Path;

use common::{cli, expect, fixture, introspect, workdir};
use schemalock_tests::pg::Cluster;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(table, object, name, member, change)` of each difference in a JSON report.
fn differences(v: &serde_json::Value) -> Vec<(String, String, String, String, String)> {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
    v["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                s(&d["table"]),
                s(&d["object"]),
                s(&d["name"]),
                s(&d["member"]),
                s(&d["change"]),
            )
        })
        .collect()
}

fn cycle(version: u32) {
    let Some(pg) = Cluster::start(version) else {
        return;
    };
    let url = pg.create_database("app");
    pg.psql_file("app", &fixture("app.sql"));

    // A workspace with a member crate; the URL in the workspace's `.env`; no snapshot yet.
    let dir = workdir();
    let root = dir.path();
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"app\"]\n",
    )
    .unwrap();
    let member = root.join("app");
    std::fs::create_dir_all(member.join("src")).unwrap();
    std::fs::write(member.join("Cargo.toml"), "[package]\nname = \"app\"\n").unwrap();
    std::fs::write(root.join(".env"), format!("OTHER=1\nDATABASE_URL={url}\n")).unwrap();
    let snapshot = root.join("schemalock.json");

    // refresh: from the member directory, the file goes to the workspace root.
    let run = expect(0, cli(&member, &["refresh"]));
    assert!(
        run.stderr.contains("wrote `")
            && run
                .stderr
                .contains("3 tables, 1 enum, 1 domain in 2 schemas"),
        "{}",
        run.all()
    );
    let written = read(&snapshot);
    assert_eq!(written, introspect(&pg, "app", None).to_json());
    assert!(written.contains("\"display_name\""));

    // A second refresh gives the same bytes, and says so.
    let run = expect(0, cli(&member, &["refresh"]));
    assert!(run.stderr.contains("is up to date"), "{}", run.all());
    assert_eq!(read(&snapshot), written);

    // check: now found by walking up, like the derives do.
    let run = expect(0, cli(&member, &["check"]));
    assert_eq!(
        run.stdout,
        "no differences (3 tables, 1 enum, 1 domain in 2 schemas)\n",
        "{}",
        run.all()
    );
    assert_eq!(run.stderr, "");
    let run = expect(0, cli(&member, &["check", "--format", "json"]));
    assert_eq!(run.json()["summary"]["differences"], 0);
    let run = expect(0, cli(&member, &["refresh", "--check"]));
    assert!(run.stdout.contains("no differences"), "{}", run.all());
    // Quiet: nothing at all when there is nothing to say.
    let run = expect(0, cli(&member, &["check", "--quiet"]));
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));

    // Change the database by hand.
    pg.psql(
        "app",
        "ALTER TABLE users RENAME COLUMN display_name TO name",
    );
    pg.psql("app", "ALTER TYPE mood ADD VALUE 'meh'");
    pg.psql("app", "ALTER TABLE users ALTER COLUMN visits DROP NOT NULL");
    pg.psql("app", "DROP INDEX posts_user_id_idx");

    let run = expect(1, cli(&member, &["check"]));
    for line in [
        "enum public.mood\n  + label `meh`: not in the snapshot\n",
        "public.posts\n  - index `posts_user_id_idx`: missing from the database (snapshot: btree (user_id))\n",
        // A column gone and one come, of one type: a rename, most likely.
        "public.users\n  ~ column `display_name` renamed to `name`?: snapshot `text NOT NULL`, \
         database `text NOT NULL`\n",
        "  ~ column `visits` nullability: snapshot `NOT NULL`, database `NULL`\n",
        "\n5 differences in 2 tables and 1 other object\n",
    ] {
        assert!(run.stdout.contains(line), "{line:?} not in\n{}", run.all());
    }
    // Not a terminal: no colour, no spinner.
    assert!(
        !run.stdout.contains('\x1b') && !run.stderr.contains('\x1b'),
        "{}",
        run.all()
    );
    assert!(
        run.stderr.contains("cargo schemalock refresh"),
        "{}",
        run.all()
    );

    let run = expect(1, cli(&member, &["check", "--format", "json"]));
    let json = run.json();
    let s = |a: &str, b: &str, c: &str, d: &str, e: &str| {
        (
            a.to_owned(),
            b.to_owned(),
            c.to_owned(),
            d.to_owned(),
            e.to_owned(),
        )
    };
    assert_eq!(
        differences(&json),
        [
            s("", "enum", "mood", "meh", "extra"),
            s("posts", "index", "posts_user_id_idx", "", "missing"),
            s("users", "column", "display_name", "", "missing"),
            s("users", "column", "visits", "", "nullable"),
            s("users", "column", "name", "", "extra"),
        ],
        "{}",
        run.all()
    );
    assert_eq!(json["summary"]["differences"], 5);
    assert_eq!(json["summary"]["tables"], 2);
    assert_eq!(json["expected"], snapshot.display().to_string().as_str());
    // The harness's URLs carry a password, which the report shows as `***`.
    assert_eq!(json["found"], url.replace(pg.password(), "***").as_str());
    assert_eq!(json["differences"][3]["expected"], "NOT NULL");
    assert_eq!(json["differences"][3]["found"], "NULL");
    assert_eq!(json["differences"][4]["expected"], serde_json::Value::Null);

    // The committed file no longer matches the database either.
    expect(1, cli(&member, &["refresh", "--check"]));

    // Refresh, and everything passes again.
    let run = expect(0, cli(&member, &["refresh"]));
    assert!(run.stderr.contains("wrote `"), "{}", run.all());
    assert_eq!(read(&snapshot), introspect(&pg, "app", None).to_json());
    assert_ne!(read(&snapshot), written);
    expect(0, cli(&member, &["check"]));
    expect(0, cli(&member, &["refresh", "--check"]));

    // --schema: a snapshot of one schema checks only that schema.
    let run = expect(
        0,
        cli(
            &member,
            &["refresh", "--schema", "audit", "--snapshot", "audit.json"],
        ),
    );
    assert!(run.stderr.contains("1 table in 1 schema"), "{}", run.all());
    let audit = read(&member.join("audit.json"));
    assert_eq!(
        audit,
        introspect(&pg, "app", Some(&["audit".to_owned()])).to_json()
    );
    expect(0, cli(&member, &["check", "--snapshot", "audit.json"]));

    // A schema dropped from the database is drift, not an error.
    pg.psql("app", "DROP SCHEMA audit CASCADE");
    let run = expect(1, cli(&member, &["check", "--snapshot", "audit.json"]));
    assert!(
        run.stdout
            .contains("schema audit\n  - schema `audit`: missing from the database"),
        "{}",
        run.all()
    );
    // ... but a schema asked for that neither side has is a mistake.
    let run = expect(2, cli(&member, &["check", "--schema", "audti"]));
    assert!(
        run.stderr
            .contains("schema `audti` not found on either side"),
        "{}",
        run.all()
    );
}

#[test]
fn refresh_check_cycle_pg15() {
    cycle(15);
}

#[test]
fn refresh_check_cycle_pg16() {
    cycle(16);
}

#[test]
fn refresh_check_cycle_pg18() {
    cycle(18);
}

/// A renamed column reads as `renamed?`, and a view's differences are counted as a view's.
#[test]
fn renames_and_views_in_the_report() {
    let Some(pg) = common::any_cluster() else {
        return;
    };
    let url = pg.create_database("app");
    pg.psql(
        "app",
        "CREATE TABLE authors (id int PRIMARY KEY, bio text NOT NULL);\n\
         CREATE VIEW author_bios AS SELECT id, bio FROM authors;",
    );
    let work = workdir();
    let snapshot = work.path().join("schemalock.json");
    let snapshot_arg = snapshot.display().to_string();
    let run = expect(
        0,
        cli(work.path(), &["refresh", "--snapshot", &snapshot_arg]).env("DATABASE_URL", &url),
    );
    assert!(
        run.stderr.contains("(1 table, 1 view in 1 schema)"),
        "{}",
        run.all()
    );
    pg.psql(
        "app",
        "DROP VIEW author_bios;\n\
         ALTER TABLE authors RENAME COLUMN bio TO biography;\n\
         CREATE VIEW author_bios AS SELECT id, biography FROM authors;",
    );
    let run = expect(
        1,
        cli(work.path(), &["check", "--snapshot", &snapshot_arg]).env("DATABASE_URL", &url),
    );
    assert!(
        run.stdout.contains(
            "public.authors\n  ~ column `bio` renamed to `biography`?: snapshot `text NOT NULL`, \
             database `text NOT NULL`\n"
        ),
        "{}",
        run.all()
    );
    assert!(
        // The view's query changed too (format 2 records view queries): the fifth difference.
        run.stdout
            .contains("public.author_bios\n  ~ body: snapshot ` SELECT id,\\n    bio\\n")
            && run.stdout.contains("5 differences in 1 table and 1 view\n"),
        "{}",
        run.all()
    );
    let json = expect(
        1,
        cli(
            work.path(),
            &["check", "--snapshot", &snapshot_arg, "--format", "json"],
        )
        .env("DATABASE_URL", &url),
    )
    .json();
    assert_eq!(json["summary"]["tables"], 1);
    assert_eq!(json["summary"]["views"], 1);
}

/// A snapshot large enough that reading it costs every build more than half again what a small
/// one does gets a note with the way around (a build script); a small one does not.
#[test]
fn a_large_snapshot_is_noted_with_the_way_around() {
    let Some(pg) = common::any_cluster() else {
        return;
    };
    let small = pg.create_database("small");
    pg.psql_file("small", &fixture("app.sql"));
    // 300 tables of 160 columns: about 9 MB of snapshot.
    let large = pg.create_database("large");
    pg.psql(
        "large",
        "DO $$ BEGIN FOR t IN 1..300 LOOP EXECUTE format('CREATE TABLE wide_%s (%s)', t, \
         (SELECT string_agg(format('column_%s text', c), ', ') FROM generate_series(1, 160) c)); \
         END LOOP; END $$;",
    );
    let dir = workdir();
    let cwd = dir.path();
    let note = "every `cargo check` of a crate that derives from it makes the compiler read it \
                whole (about 5 ms per MB) unless a build script tracks it instead: see \"Where \
                the snapshot comes from\" in schemalock's README";

    let run = expect(
        0,
        cli(cwd, &["refresh", "--snapshot", "small.json"]).env("DATABASE_URL", &small),
    );
    assert!(!run.stderr.contains("note:"), "{}", run.all());

    let run = expect(
        0,
        cli(cwd, &["refresh", "--snapshot", "large.json"]).env("DATABASE_URL", &large),
    );
    let bytes = std::fs::metadata(cwd.join("large.json")).unwrap().len();
    assert!(
        bytes >= 8_000_000,
        "{bytes} bytes: the schema is too small for this test"
    );
    let mb = format!("note: `large.json` is {:.1} MB; ", bytes as f64 / 1e6);
    assert!(run.stderr.contains(&format!("{mb}{note}")), "{}", run.all());
    // Said when the file is written, not on every refresh that leaves it as it is.
    let run = expect(
        0,
        cli(cwd, &["refresh", "--snapshot", "large.json"]).env("DATABASE_URL", &large),
    );
    assert!(run.stderr.contains("is up to date"), "{}", run.all());
    assert!(!run.stderr.contains("note:"), "{}", run.all());
}
