//! The seed's incident end to end, on PostgreSQL 16 with pgvector: the drifted writeros
//! database (`examples/writeros/drifted/drifted.sql`) with the rows its extractor left
//! (`fixtures/writeros_rows.sql`: legacy spellings such as `'Place'` and `'ORG'`, mixed case,
//! NULL counters, one character twice in two spellings), planned to the committed snapshot
//! (`examples/writeros/schemalock.json`) with `--rename entities.type=entity_type` and
//! `--using` conversions. The pre-flight checks stop the script before anything changes and
//! name the rows; once they are fixed the same script applies with psql, and the plan's
//! migration files apply with sqlx's own migrator; the database then matches the snapshot and
//! every row is there with its mapped value.

mod plan_support;

use std::path::{Path, PathBuf};

use plan_support::{differences, introspect, psql_script};
use schemalock_runtime::plan::{self, Allowed, HazardKind, Options, Rename, ScriptOptions, Using};
use schemalock_runtime::snapshot::Snapshot;
use schemalock_tests::pg::{Cluster, workspace_root};

fn example() -> PathBuf {
    workspace_root().join("examples/writeros")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The drifted database with its rows.
fn drifted(pg: &Cluster, db: &str) {
    pg.create_database(db);
    pg.psql_file(db, &example().join("drifted/drifted.sql"));
    pg.psql_file(db, &fixture("writeros_rows.sql"));
}

/// `--rename entities.type=entity_type` and an UPPER() conversion for each enum column.
fn options() -> Options {
    Options {
        renames: vec![Rename::parse("entities.type=entity_type").unwrap()],
        using: [
            "entities.entity_type=UPPER(entity_type)::entitytype",
            "entities.canon_layer=UPPER(canon_layer)::canonlayer",
            "entities.canon_status=UPPER(canon_status)::canonstatus",
            "entities.significance=UPPER(significance)::nodesignificance",
            "facts.canon_layer=UPPER(canon_layer)::canonlayer",
        ]
        .iter()
        .map(|u| Using::parse(u).unwrap())
        .collect(),
    }
}

/// The first fixes the pre-flight checks ask for: the legacy spellings mapped, the NULLs
/// filled.
const FIX_VALUES: &str = "
UPDATE entities SET type = 'LOCATION' WHERE upper(type) = 'PLACE';
UPDATE entities SET type = 'ORGANIZATION' WHERE upper(type) = 'ORG';
UPDATE entities SET significance = 'MENTIONED' WHERE significance IS NULL;
UPDATE entities SET mention_count = 0 WHERE mention_count IS NULL;
UPDATE entities SET extraction_confidence = 0 WHERE extraction_confidence IS NULL;
UPDATE entities SET importance_score = 0 WHERE importance_score IS NULL;
";

/// The fix the checks ask for once the values convert: the character held twice in two
/// spellings merged.
const FIX_DUPLICATE: &str = "
UPDATE facts SET subject_id = '00000000-0000-0000-0000-000000000e01'
    WHERE subject_id = '00000000-0000-0000-0000-000000000e06';
DELETE FROM entities WHERE id = '00000000-0000-0000-0000-000000000e06';
";

fn target() -> Snapshot {
    Snapshot::load(&example().join("schemalock.json")).unwrap()
}

/// The entities and facts as `(id, name, type, canon_layer, canon_status, significance,
/// mention_count)` text, for comparing rows before and after.
fn rows(pg: &Cluster, db: &str, type_column: &str) -> Vec<String> {
    pg.psql(
        db,
        &format!(
            "SELECT concat_ws('|', id, name, {type_column}, canon_layer, canon_status, significance, \
             mention_count, extraction_confidence, importance_score) FROM entities ORDER BY id"
        ),
    )
    .lines()
    .map(str::to_owned)
    .chain(
        pg.psql(db, "SELECT concat_ws('|', id, canon_layer) FROM facts ORDER BY id")
            .lines()
            .map(str::to_owned),
    )
    .collect()
}

#[test]
fn the_seed_incident_with_psql() {
    let Some(pg) = Cluster::start(16) else { return };
    drifted(&pg, "drifted");
    let source = introspect(&pg, "drifted");
    let target = target();
    let plan = plan::plan(&source, &target, &options()).unwrap();
    // Refused without the hazards allowed; each one named.
    let refused = plan.refused(&Allowed::Nothing);
    for kind in [
        HazardKind::RewritesTable,
        HazardKind::AccessExclusiveLock,
        HazardKind::CastMayFail,
        HazardKind::ValidatesData,
        HazardKind::BreaksClients,
    ] {
        assert!(refused.contains(&kind), "{kind} not in {refused:?}");
    }
    assert!(plan.refused(&Allowed::All).is_empty());
    let script = plan.script(&ScriptOptions::default());
    // One rewrite of `entities` for its four conversions and three NOT NULLs, in the order
    // PostgreSQL needs: the defaults dropped, the types changed, the new defaults set.
    assert!(
        script.contains(
            "ALTER TABLE entities ALTER COLUMN canon_layer DROP DEFAULT, ALTER COLUMN canon_status \
             DROP DEFAULT, ALTER COLUMN significance DROP DEFAULT;\nALTER TABLE entities ALTER \
             COLUMN entity_type TYPE entitytype USING UPPER(entity_type)::entitytype, ALTER COLUMN \
             canon_layer TYPE canonlayer USING UPPER(canon_layer)::canonlayer"
        ),
        "{script}"
    );
    assert!(script.contains("ALTER TABLE entities RENAME COLUMN type TO entity_type;"));

    // The pre-flight checks stop the script before anything changes, naming the rows.
    let before = rows(&pg, "drifted", "type");
    let fails = |expected: &[&str]| {
        let err = psql_script(&pg, "drifted", &script).unwrap_err();
        for e in expected
            .iter()
            .chain(["the data is not ready for this plan; nothing was changed"].iter())
        {
            assert!(err.contains(e), "`{e}` not in:\n{err}");
        }
        assert_eq!(
            introspect(&pg, "drifted"),
            source,
            "the failed script changed the schema"
        );
    };
    fails(&[
        "entities.entity_type holds 2 values that will not convert to entitytype with \
         UPPER(entity_type)::entitytype: 'ORG', 'Place'",
        "entities.significance holds 1 value that will not convert to a non-null \
         nodesignificance with UPPER(significance)::nodesignificance: NULL",
        "entities.mention_count becomes NOT NULL, but holds NULL in 2 rows",
        "entities.importance_score becomes NOT NULL, but holds NULL in 2 rows",
        // Read through the conversions, which fail first.
        "could not check that no duplicate keys of `entities_vault_id_name_entity_type_key` in \
         `entities`",
    ]);
    assert_eq!(rows(&pg, "drifted", "type"), before);
    pg.psql("drifted", FIX_VALUES);
    fails(&[
        "entities has 1 key that more than one row holds, for unique index \
         `entities_vault_id_name_entity_type_key` (vault_id, name, entity_type): \
         ('00000000-0000-0000-0000-00000000000a', 'Mara', 'CHARACTER') 2 times",
    ]);
    pg.psql("drifted", FIX_DUPLICATE);

    // Fixed, the same script applies, and the database is the snapshot.
    let fixed = rows(&pg, "drifted", "type");
    psql_script(&pg, "drifted", &script).unwrap_or_else(|e| panic!("{e}"));
    let found = introspect(&pg, "drifted");
    let left = differences(&target, &found);
    assert!(left.is_empty(), "{}", left.join("\n"));
    // Every row is still there, with its value mapped.
    let after = rows(&pg, "drifted", "entity_type");
    assert_eq!(after.len(), fixed.len());
    // The classification fields, upper-cased: fields 2 to 5 of an entity, 1 of a fact.
    let upper = |line: &String| {
        let fields: Vec<&str> = line.split('|').collect();
        let mapped = |i: usize| {
            if fields.len() == 2 {
                i == 1
            } else {
                (2..=5).contains(&i)
            }
        };
        fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if mapped(i) {
                    f.to_uppercase()
                } else {
                    (*f).to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("|")
    };
    assert_eq!(after, fixed.iter().map(upper).collect::<Vec<_>>());
    assert!(
        after
            .iter()
            .any(|r| r.contains("|The Harbour|LOCATION|PRIMARY|ACTIVE|MENTIONED|3|")),
        "{after:?}"
    );
}

/// The migrations of the example up to (and without) the April ones the drifted database never
/// ran, recorded in `_sqlx_migrations` as sqlx records them, with their checksums.
fn record_first_migrations(pg: &Cluster, db: &str, dir: &Path) -> i64 {
    let mut files: Vec<PathBuf> = std::fs::read_dir(example().join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut client = pg.connect(db);
    client
        .batch_execute(
            "CREATE TABLE _sqlx_migrations (
                version BIGINT PRIMARY KEY,
                description TEXT NOT NULL,
                installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
                success BOOLEAN NOT NULL,
                checksum BYTEA NOT NULL,
                execution_time BIGINT NOT NULL
            );",
        )
        .unwrap();
    let mut last = 0;
    for f in files
        .iter()
        .filter(|f| !f.to_string_lossy().contains("20240412"))
    {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let (version, rest) = name.split_once('_').unwrap();
        let version: i64 = version.parse().unwrap();
        let sql = std::fs::read_to_string(f).unwrap();
        std::fs::write(dir.join(&name), &sql).unwrap();
        client
            .execute(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES ($1, $2, TRUE, sha384(convert_to($3, 'UTF8')), 1)",
                &[&version, &rest.trim_end_matches(".sql").replace('_', " "), &sql],
            )
            .unwrap();
        last = version;
    }
    last
}

/// The plan written as sqlx migration files after `last`: a file per chunk, `-- no-transaction`
/// for the statements that cannot run in one.
fn write_sqlx_files(plan: &plan::Plan, dir: &Path, last: i64) -> usize {
    let chunks = plan.chunks(&ScriptOptions::default());
    for (i, c) in chunks.iter().enumerate() {
        let slug: String = c
            .name
            .chars()
            .map(|ch| {
                if ch.is_ascii_alphanumeric() {
                    ch.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        let name = format!(
            "{}_{}.sql",
            last + 1 + i as i64,
            &slug[..slug.len().min(40)]
        );
        let sql = if c.transactional {
            c.sql.clone()
        } else {
            format!("-- no-transaction\n{}", c.sql)
        };
        std::fs::write(dir.join(name), sql).unwrap();
    }
    chunks.len()
}

/// The same plan, as migration files sqlx's own migrator applies to a drifted database that
/// recorded the migrations it ran.
#[test]
fn the_seed_incident_with_sqlx() {
    let Some(pg) = Cluster::start(16) else { return };
    drifted(&pg, "drifted_sqlx");
    pg.psql("drifted_sqlx", FIX_VALUES);
    pg.psql("drifted_sqlx", FIX_DUPLICATE);
    let dir = tempfile::tempdir().unwrap();
    let last = record_first_migrations(&pg, "drifted_sqlx", dir.path());
    let source = introspect(&pg, "drifted_sqlx");
    let target = target();
    let plan = plan::plan(&source, &target, &options()).unwrap();
    let files = write_sqlx_files(&plan, dir.path(), last);
    assert!(files >= 2, "{files} files");
    let before = rows(&pg, "drifted_sqlx", "type");

    let url = pg.url("drifted_sqlx");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(&url)
                .await
                .unwrap();
            let migrator = sqlx::migrate::Migrator::new(dir.path()).await.unwrap();
            migrator
                .run(&pool)
                .await
                .unwrap_or_else(|e| panic!("sqlx's migrator: {e}"));
            pool.close().await;
        });
    let found = introspect(&pg, "drifted_sqlx");
    let left = differences(&target, &found);
    assert!(left.is_empty(), "{}", left.join("\n"));
    assert_eq!(rows(&pg, "drifted_sqlx", "entity_type").len(), before.len());
    // sqlx recorded every file.
    let recorded = pg.psql(
        "drifted_sqlx",
        "SELECT count(*) FROM _sqlx_migrations WHERE success",
    );
    assert_eq!(recorded.trim().parse::<usize>().unwrap(), 8 + files);
}
