//! `cargo schemalock diff A B` between files and databases.

mod common;

use common::{any_cluster, cli, expect, fixture, introspect, workdir};

#[test]
fn diff_files_and_databases() {
    let Some(pg) = any_cluster() else {
        return;
    };
    let url = pg.create_database("app");
    // The harness's URLs carry a password, which the output shows as `***`.
    let shown = url.replace(pg.password(), "***");
    pg.psql_file("app", &fixture("app.sql"));
    let dir = workdir();
    let cwd = dir.path();
    std::fs::write(cwd.join("a.json"), introspect(&pg, "app", None).to_json()).unwrap();

    // A file and the database it came from.
    let run = expect(0, cli(cwd, &["diff", "a.json", &url]));
    assert_eq!(
        run.stdout,
        format!(
            "A: a.json\nB: {shown}\n\nno differences (3 tables, 1 enum, 1 domain in 2 schemas)\n"
        ),
        "{}",
        run.all()
    );
    expect(0, cli(cwd, &["diff", &url, "a.json"]));

    pg.psql(
        "app",
        "ALTER TABLE users ALTER COLUMN email TYPE character varying(120)",
    );
    pg.psql(
        "app",
        "CREATE INDEX users_mood_idx ON users (mood) WHERE visits > 10",
    );
    let run = expect(1, cli(cwd, &["diff", "a.json", &url]));
    for line in [
        "public.users\n  ~ column `email` type: A `text`, B `character varying(120)`\n",
        "  + index `users_mood_idx`: not in A (B: btree (mood) WHERE visits > 10)\n",
        "\n2 differences in 1 table\n",
    ] {
        assert!(run.stdout.contains(line), "{line:?} not in\n{}", run.all());
    }
    let run = expect(1, cli(cwd, &["diff", "a.json", &url, "--format", "json"]));
    let json = run.json();
    assert_eq!(json["expected"], "a.json");
    assert_eq!(json["found"], shown.as_str());
    assert_eq!(json["differences"][0]["change"], "type");
    assert_eq!(json["differences"][1]["object"], "index");

    // Two files.
    std::fs::write(cwd.join("b.json"), introspect(&pg, "app", None).to_json()).unwrap();
    expect(0, cli(cwd, &["diff", "b.json", "b.json"]));
    let run = expect(1, cli(cwd, &["diff", "b.json", "a.json"]));
    assert!(
        run.stdout.contains(
            "  - index `users_mood_idx`: missing from B (A: btree (mood) WHERE visits > 10)"
        ),
        "{}",
        run.all()
    );
    // Only one schema: the difference is in `public`.
    expect(
        0,
        cli(cwd, &["diff", "b.json", "a.json", "--schema", "audit"]),
    );
    expect(
        1,
        cli(cwd, &["diff", "b.json", "a.json", "--schema", "public"]),
    );
    let run = expect(
        2,
        cli(cwd, &["diff", "b.json", "a.json", "--schema", "pubic"]),
    );
    assert!(
        run.stderr.contains("`pubic` not found on either side"),
        "{}",
        run.all()
    );

    // Two databases.
    let other = pg.create_database("other");
    pg.psql_file("other", &fixture("app.sql"));
    let run = expect(1, cli(cwd, &["diff", &other, &url, "--quiet"]));
    assert!(run.stdout.starts_with("public.users\n"), "{}", run.all());
    expect(0, cli(cwd, &["diff", &other, &url, "--schema", "audit"]));
    pg.psql("other", "CREATE SCHEMA extra");
    let run = expect(
        1,
        cli(
            cwd,
            &[
                "diff", &url, &other, "--schema", "audit", "--schema", "extra",
            ],
        ),
    );
    assert!(
        run.stdout
            .contains("schema extra\n  + schema `extra`: not in A (B: empty schema)"),
        "{}",
        run.all()
    );
}
