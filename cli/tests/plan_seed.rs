//! The project's origin, through the command: the drifted writeros database (PostgreSQL 16 with
//! pgvector) with legacy rows, planned to the committed snapshot with `--rename` and `--using`;
//! the pre-flight checks stop the script on the unmapped values, naming them; once they are
//! fixed the script applies with psql, `check` finds no differences, and every row is kept with
//! its mapped value. (`tests/tests/plan_writeros.rs` also applies the plan as sqlx migration files
//! with sqlx's own migrator.)

mod common;

use common::{cli, expect, workdir};
use schemalock_tests::pg::{Cluster, workspace_root};

const USING: [&str; 5] = [
    "entities.entity_type=UPPER(entity_type)::entitytype",
    "entities.canon_layer=UPPER(canon_layer)::canonlayer",
    "entities.canon_status=UPPER(canon_status)::canonstatus",
    "entities.significance=UPPER(significance)::nodesignificance",
    "facts.canon_layer=UPPER(canon_layer)::canonlayer",
];

#[test]
fn the_seed_incident_through_the_command() {
    let Some(pg) = Cluster::start(16) else { return };
    let root = workspace_root();
    pg.create_database("writeros");
    pg.psql_file(
        "writeros",
        &root.join("examples/writeros/drifted/drifted.sql"),
    );
    pg.psql_file(
        "writeros",
        &root.join("tests/tests/fixtures/writeros_rows.sql"),
    );
    let dir = workdir();
    let cwd = dir.path();
    let snapshot = root.join("examples/writeros/schemalock.json");
    let url = pg.url("writeros");
    let bin = pg.bin_dir().to_string_lossy().into_owned();
    let plan = |extra: &[&str]| {
        let mut args = vec!["plan", "--snapshot", snapshot.to_str().unwrap()];
        args.extend_from_slice(extra);
        cli(cwd, &args)
            .env("DATABASE_URL", &url)
            .env("PG_BIN", &bin)
    };

    // Without the rename: the column would be dropped and added; the plan says what to pass.
    let run = expect(1, plan(&["--no-verify"]));
    eprintln!("{}", run.stderr);
    assert!(
        run.stderr.contains(
            "if `type` was renamed `entity_type`, pass `--rename entities.type=entity_type`"
        ),
        "{}",
        run.all()
    );
    assert!(
        run.stderr.contains("hazard `deletes-data` not allowed"),
        "{}",
        run.all()
    );

    let mut args = vec!["--rename", "entities.type=entity_type"];
    for u in &USING {
        args.extend(["--using", u]);
    }
    args.extend(["--allow-hazards", "all", "--output", "fix.sql"]);
    let run = expect(0, plan(&args));
    eprintln!("{}", run.stderr);
    assert!(
        run.stderr
            .contains("plan verified on a throwaway local cluster: no differences"),
        "{}",
        run.all()
    );
    let fix = cwd.join("fix.sql");
    let err = pg.try_psql_file("writeros", &fix).unwrap_err();
    eprintln!("{err}");
    for e in [
        "will not convert to entitytype with UPPER(entity_type)::entitytype: 'ORG', 'Place'",
        "the data is not ready for this plan; nothing was changed",
    ] {
        assert!(err.contains(e), "`{e}` not in:\n{err}");
    }
    // The legacy spellings mapped and the NULLs filled, the checks find the character held
    // twice in two spellings ('Mara' and 'mara' are one key once the types convert).
    pg.psql(
        "writeros",
        "UPDATE entities SET type = 'LOCATION' WHERE upper(type) = 'PLACE';
         UPDATE entities SET type = 'ORGANIZATION' WHERE upper(type) = 'ORG';
         UPDATE entities SET significance = 'MENTIONED' WHERE significance IS NULL;
         UPDATE entities SET mention_count = 0 WHERE mention_count IS NULL;
         UPDATE entities SET extraction_confidence = 0 WHERE extraction_confidence IS NULL;
         UPDATE entities SET importance_score = 0 WHERE importance_score IS NULL;",
    );
    let err = pg.try_psql_file("writeros", &fix).unwrap_err();
    eprintln!("{err}");
    assert!(err.contains("'Mara', 'CHARACTER') 2 times"), "{err}");
    pg.psql(
        "writeros",
        "UPDATE facts SET subject_id = '00000000-0000-0000-0000-000000000e01'
             WHERE subject_id = '00000000-0000-0000-0000-000000000e06';
         DELETE FROM entities WHERE id = '00000000-0000-0000-0000-000000000e06';",
    );
    let count = pg.psql("writeros", "SELECT count(*) FROM entities");
    pg.psql_file("writeros", &fix);
    // The database now matches the snapshot, except for what only the migration tool writes:
    // this database was drifted by hand, so it has no `_sqlx_migrations` (the plan leaves the
    // tools' tables to them; plan_writeros.rs applies it with sqlx's migrator, which records it).
    let run = expect(
        1,
        cli(cwd, &["check", "--snapshot", snapshot.to_str().unwrap()]).env("DATABASE_URL", &url),
    );
    let lines: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(lines.len(), 2, "{}", run.all());
    assert!(
        lines.iter().all(|l| l.contains("_sqlx_migrations")),
        "{}",
        run.all()
    );
    assert_eq!(pg.psql("writeros", "SELECT count(*) FROM entities"), count);
    let mapped = pg.psql(
        "writeros",
        "SELECT count(*) FROM entities WHERE entity_type IN ('LOCATION', 'ORGANIZATION')",
    );
    assert_ne!(mapped.trim(), "0");
    // And nothing is left to plan.
    let run = expect(0, plan(&["--no-verify"]));
    assert!(run.stdout.contains("Nothing to do"), "{}", run.all());
}
