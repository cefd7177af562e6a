//! The online-safe forms, on a server with rows: each in the script with its lock level, the
//! script applied with psql, the result the target; and the pre-flight check for orphans before
//! a foreign key is validated.

mod plan_support;

use plan_support::{differences, introspect, psql_script};
use schemalock_runtime::plan::{self, LockLevel, Options, ScriptOptions};
use schemalock_tests::pg::Cluster;

const BEFORE: &str = "
CREATE TYPE level AS ENUM ('low', 'high');
CREATE TABLE teams (id integer PRIMARY KEY, name text);
CREATE TABLE people (
    id integer PRIMARY KEY,
    team_id integer,
    age integer,
    nick text,
    lvl level
);
CREATE INDEX people_nick_index ON people (nick);
CREATE TYPE gone AS ENUM ('a', 'b', 'c');
CREATE TABLE marks (id integer, g gone);
INSERT INTO teams VALUES (1, 'red'), (2, 'blue');
INSERT INTO people VALUES (1, 1, 30, 'x', 'low'), (2, 2, 40, 'y', 'high'), (3, NULL, 50, 'z', NULL);
INSERT INTO marks VALUES (1, 'a'), (2, 'c');";

const AFTER: &str = "
CREATE TYPE level AS ENUM ('low', 'mid', 'high', 'top');
CREATE TABLE teams (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE people (
    id integer PRIMARY KEY,
    team_id integer REFERENCES teams,
    age integer CHECK (age > 0),
    nick text,
    lvl level
);
CREATE INDEX people_nick_idx ON people (nick);
CREATE INDEX people_age_idx ON people (age);
CREATE TYPE gone AS ENUM ('a', 'c');
CREATE TABLE marks (id integer, g gone);";

/// The index of the first statement of the step holding `needle`, and the step.
fn step_of<'p>(plan: &'p plan::Plan, needle: &str) -> (usize, &'p plan::Step) {
    plan.steps
        .iter()
        .enumerate()
        .find(|(_, s)| s.statements.iter().any(|st| st.contains(needle)))
        .unwrap_or_else(|| {
            panic!(
                "no step has `{needle}`:\n{}",
                plan.script(&ScriptOptions::default())
            )
        })
}

#[test]
fn online_safe_forms_with_their_locks() {
    let Some(pg) = Cluster::start(15) else { return };
    pg.create_database("live");
    pg.psql("live", BEFORE);
    pg.create_database("target");
    pg.psql("target", AFTER);
    let (source, target) = (introspect(&pg, "live"), introspect(&pg, "target"));
    let plan = plan::plan(&source, &target, &Options::default()).unwrap();
    let script = plan.script(&ScriptOptions::default());

    let (_, s) = step_of(&plan, "CREATE INDEX CONCURRENTLY people_age_idx");
    assert_eq!(s.lock.level, LockLevel::ShareUpdateExclusive);
    // Only its name changed: renamed, not built again.
    let (_, s) = step_of(
        &plan,
        "ALTER INDEX people_nick_index RENAME TO people_nick_idx",
    );
    assert!(s.hazards.is_empty(), "{s:?}");
    let (add_fk, s) = step_of(
        &plan,
        "FOREIGN KEY (team_id) REFERENCES teams (id) NOT VALID",
    );
    assert_eq!(s.lock.level, LockLevel::ShareRowExclusive);
    let (validate_fk, s) = step_of(&plan, "VALIDATE CONSTRAINT people_team_id_fkey");
    assert_eq!(s.lock.level, LockLevel::ShareUpdateExclusive);
    assert!(add_fk < validate_fk);
    let (add_check, _) = step_of(&plan, "CHECK (age > 0) NOT VALID");
    let (validate_check, _) = step_of(&plan, "VALIDATE CONSTRAINT people_age_check");
    assert!(add_check < validate_check);
    // NOT NULL through a validated CHECK, so SET NOT NULL does not scan under ACCESS EXCLUSIVE.
    let (not_null_check, _) = step_of(&plan, "CHECK (name IS NOT NULL) NOT VALID");
    let (set_not_null, _) = step_of(&plan, "ALTER COLUMN name SET NOT NULL");
    assert!(not_null_check < set_not_null, "{script}");
    assert!(
        script.contains("ALTER TYPE level ADD VALUE IF NOT EXISTS 'mid' AFTER 'low'"),
        "{script}"
    );
    assert!(
        script.contains("ALTER TYPE level ADD VALUE IF NOT EXISTS 'top' AFTER 'high'"),
        "{script}"
    );
    // A removed label: the type made again, its column converted through text.
    assert!(script.contains("USING g::text::gone"), "{script}");
    for s in &plan.steps {
        assert!(!s.lock.level.sql_name().is_empty());
    }
    assert!(script.contains("SET lock_timeout = '5s';"), "{script}");
    assert!(script.contains("SET statement_timeout = '1h';"), "{script}");

    // An orphan stops the script before anything changes, named.
    pg.psql("live", "INSERT INTO people VALUES (4, 9, 20, 'w', 'low')");
    let err = psql_script(&pg, "live", &script).unwrap_err();
    assert!(err.contains("people"), "{err}");
    assert!(err.contains("9"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(introspect(&pg, "live"), source);
    pg.psql("live", "DELETE FROM people WHERE id = 4");
    psql_script(&pg, "live", &script).unwrap();
    let d = differences(&target, &introspect(&pg, "live"));
    assert!(d.is_empty(), "{d:#?}");
    assert_eq!(
        pg.psql(
            "live",
            "SELECT string_agg(g::text, ',' ORDER BY id) FROM marks"
        )
        .trim(),
        "a,c"
    );
}
