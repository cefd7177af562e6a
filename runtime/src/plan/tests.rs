//! Unit tests of the planner on small snapshots; plans applied to real servers are in
//! `tests/tests/plan_*.rs`.

use std::collections::BTreeSet;

use super::*;
use crate::snapshot::{
    Column, EnumType, Index, IndexKey, KeyConstraint, RelationKind, Schema, Table,
};

fn col(name: &str, ty: &str, nullable: bool) -> Column {
    Column {
        name: name.into(),
        nullable,
        type_display: ty.into(),
        type_name: ty.into(),
        type_schema: "pg_catalog".into(),
        ..Column::default()
    }
}

fn snapshot(tables: Vec<(&str, Table)>) -> Snapshot {
    let mut s = Snapshot::new();
    let mut public = Schema::default();
    for (n, t) in tables {
        public.tables.insert(n.into(), t);
    }
    s.schemas.insert("public".into(), public);
    s
}

fn table(columns: Vec<Column>) -> Table {
    Table {
        columns,
        kind: RelationKind::Table,
        ..Table::default()
    }
}

fn sql(plan: &Plan) -> Vec<String> {
    plan.steps
        .iter()
        .flat_map(|s| s.statements.clone())
        .collect()
}

#[test]
fn from_nothing_creates_in_dependency_order() {
    let mut users = table(vec![col("id", "bigint", false), col("mood", "mood", true)]);
    users.columns[1].type_schema = "public".into();
    users.primary_key = Some(KeyConstraint {
        columns: vec!["id".into()],
        name: "users_pkey".into(),
        ..Default::default()
    });
    users.indexes.push(Index {
        keys: vec![IndexKey {
            column: Some("id".into()),
            ..Default::default()
        }],
        method: "btree".into(),
        name: "users_pkey".into(),
        primary: true,
        unique: true,
        ..Default::default()
    });
    let mut target = snapshot(vec![("users", users)]);
    target.schemas.get_mut("public").unwrap().enums.insert(
        "mood".into(),
        EnumType {
            labels: vec!["ok".into()],
        },
    );
    let plan = plan(&Snapshot::new(), &target, &Options::default()).unwrap();
    assert_eq!(
        sql(&plan),
        [
            "CREATE SCHEMA IF NOT EXISTS public",
            "CREATE TYPE mood AS ENUM ('ok')",
            "CREATE TABLE users (\n    id bigint NOT NULL,\n    mood mood\n)",
            "ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id)",
        ]
    );
    assert!(plan.hazard_kinds().is_empty());
    let script = plan.script(&ScriptOptions::default());
    assert!(script.contains("-- 4 steps; no hazards."), "{script}");
}

#[test]
fn a_renamed_column_is_suggested_then_planned() {
    let from = snapshot(vec![(
        "entities",
        table(vec![col("id", "uuid", false), col("type", "text", false)]),
    )]);
    let to = snapshot(vec![(
        "entities",
        table(vec![
            col("id", "uuid", false),
            col("entity_type", "text", false),
        ]),
    )]);
    let p = plan(&from, &to, &Options::default()).unwrap();
    assert_eq!(p.notes.len(), 1);
    assert!(
        p.notes[0]
            .message
            .contains("pass `--rename entities.type=entity_type`"),
        "{}",
        p.notes[0].message
    );
    assert!(p.hazard_kinds().contains(&HazardKind::DeletesData));
    let options = Options {
        renames: vec![Rename::parse("entities.type=entity_type").unwrap()],
        ..Options::default()
    };
    let p = plan(&from, &to, &options).unwrap();
    assert_eq!(
        sql(&p),
        ["ALTER TABLE entities RENAME COLUMN type TO entity_type"]
    );
    assert_eq!(p.hazard_kinds(), [HazardKind::BreaksClients]);
    assert!(p.notes.is_empty());
    let bad = Options {
        renames: vec![Rename::parse("entities.kind=entity_type").unwrap()],
        ..Options::default()
    };
    let err = plan(&from, &to, &bad).unwrap_err();
    assert!(
        err.0
            .contains("no table, column, index or constraint `entities.kind`"),
        "{err}"
    );
}

#[test]
fn nothing_to_do_is_an_empty_plan() {
    let s = snapshot(vec![("t", table(vec![col("a", "integer", true)]))]);
    let p = plan(&s, &s, &Options::default()).unwrap();
    assert!(p.is_empty());
    assert!(
        p.script(&ScriptOptions::default())
            .contains("Nothing to do")
    );
}

/// One plan that runs `kind`, for each kind: the hazard is reported with its detail, refused
/// by default, allowed by its name (and by `all`), and only that one is needed for it.
#[test]
fn every_hazard_kind_is_reported_refused_and_allowed_by_name() {
    use crate::snapshot::{Extension, Function, FunctionKind, Policy, Volatility};
    let base = || {
        let mut t = table(vec![col("id", "integer", false), col("note", "text", true)]);
        t.indexes.push(Index {
            keys: vec![IndexKey {
                column: Some("note".into()),
                ..Default::default()
            }],
            method: "btree".into(),
            name: "t_note_idx".into(),
            ..Default::default()
        });
        let mut s = snapshot(vec![("t", t)]);
        s.extensions.insert(
            "pg_trgm".into(),
            Extension {
                schema: "public".into(),
                version: "1.5".into(),
            },
        );
        s.schemas.get_mut("public").unwrap().functions.insert(
            "f()".into(),
            Function {
                aggregate: None,
                arguments: String::new(),
                body: Some("SELECT 1".into()),
                config: vec![],
                cost: None,
                kind: FunctionKind::Function,
                language: "sql".into(),
                leakproof: false,
                library: None,
                parallel: None,
                returns: Some("integer".into()),
                rows: None,
                security_definer: false,
                sql_body: None,
                strict: false,
                support: None,
                volatility: Volatility::Immutable,
            },
        );
        s
    };
    fn t(s: &mut Snapshot) -> &mut Table {
        s.schemas
            .get_mut("public")
            .unwrap()
            .tables
            .get_mut("t")
            .unwrap()
    }
    fn f(s: &mut Snapshot) -> &mut Function {
        s.schemas
            .get_mut("public")
            .unwrap()
            .functions
            .get_mut("f()")
            .unwrap()
    }
    fn add_index(s: &mut Snapshot) {
        let tb = t(s);
        let mut i = tb.indexes[0].clone();
        i.name = "t_id_idx".into();
        i.keys[0].column = Some("id".into());
        tb.indexes.push(i);
    }
    type Change = fn(&mut Snapshot);
    let cases: Vec<(HazardKind, Change, Vec<Rename>)> = vec![
        (
            HazardKind::DeletesData,
            |s| t(s).columns.truncate(1),
            vec![],
        ),
        (
            HazardKind::RewritesTable,
            |s| t(s).columns[0].type_display = "bigint".into(),
            vec![],
        ),
        (
            HazardKind::AccessExclusiveLock,
            |s| t(s).columns[0].type_display = "bigint".into(),
            vec![],
        ),
        // Partitioned on both sides (see below): a new index cannot be built concurrently.
        (HazardKind::BlocksWrites, add_index, vec![]),
        (HazardKind::BuildsIndex, add_index, vec![]),
        (HazardKind::DropsIndex, |s| t(s).indexes.clear(), vec![]),
        (
            HazardKind::ValidatesData,
            |s| t(s).columns[1].nullable = false,
            vec![],
        ),
        (
            HazardKind::CastMayFail,
            |s| {
                let c = &mut t(s).columns[1];
                c.type_display = "integer".into();
                c.type_name = "int4".into();
            },
            vec![],
        ),
        (HazardKind::NotTransactional, add_index, vec![]),
        (
            HazardKind::BreaksClients,
            |s| t(s).columns[1].name = "body".into(),
            vec![Rename::parse("t.note=body").unwrap()],
        ),
        (
            HazardKind::RecreatesObject,
            |s| f(s).returns = Some("bigint".into()),
            vec![],
        ),
        (
            HazardKind::ChangesBehavior,
            |s| f(s).body = Some("SELECT 2".into()),
            vec![],
        ),
        (
            HazardKind::UntrackedDependencies,
            |s| {
                t(s).policies.push(Policy {
                    command: "select".into(),
                    name: "mine".into(),
                    restrictive: false,
                    roles: vec!["app_reader".into()],
                    using: Some("true".into()),
                    with_check: None,
                })
            },
            vec![],
        ),
        (
            HazardKind::ExtensionUpgrade,
            |s| s.extensions.get_mut("pg_trgm").unwrap().version = "1.6".into(),
            vec![],
        ),
    ];
    let mut seen = BTreeSet::new();
    for (kind, change, renames) in cases {
        let mut from = base();
        if kind == HazardKind::BlocksWrites {
            t(&mut from).kind = RelationKind::PartitionedTable;
        }
        let mut to = from.clone();
        change(&mut to);
        let options = Options {
            renames,
            ..Options::default()
        };
        let p = plan(&from, &to, &options).unwrap();
        let step = p
            .steps
            .iter()
            .find(|s| s.hazards.iter().any(|h| h.kind == kind))
            .unwrap_or_else(|| panic!("{kind} not reported: {:?}", sql(&p)));
        let hazard = step.hazards.iter().find(|h| h.kind == kind).unwrap();
        assert!(!hazard.detail.is_empty());
        assert!(p.refused(&Allowed::Nothing).contains(&kind), "{kind}");
        assert!(
            !p.refused(&Allowed::Kinds(vec![kind])).contains(&kind),
            "{kind}"
        );
        assert!(p.refused(&Allowed::All).is_empty());
        let by_name = Allowed::parse(
            &p.hazard_kinds()
                .iter()
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(","),
        )
        .unwrap();
        assert!(p.refused(&by_name).is_empty(), "{kind}");
        // The script names it.
        let script = p.script(&ScriptOptions::default());
        assert!(script.contains(&format!("hazard {kind}: ")), "{script}");
        seen.insert(kind);
    }
    assert_eq!(seen.len(), HazardKind::ALL.len(), "a case for every kind");
    let err = Allowed::parse("deletes-data,rewrite-table").unwrap_err();
    assert!(
        err.contains("unknown hazard `rewrite-table`; did you mean `rewrites-table`?"),
        "{err}"
    );
    assert_eq!(Allowed::parse("all").unwrap(), Allowed::All);
}

/// docs/hazards.md lists every kind, with a section of its own, and nothing else.
#[test]
fn the_docs_list_every_hazard() {
    let docs = include_str!("../../../docs/hazards.md");
    for kind in HazardKind::ALL {
        assert!(
            docs.contains(&format!("\n## `{}`\n", kind.name())),
            "{kind}"
        );
        assert!(docs.contains(&format!("| `{}` |", kind.name())), "{kind}");
    }
    let sections = docs.matches("\n## `").count();
    assert_eq!(sections, HazardKind::ALL.len());
}
