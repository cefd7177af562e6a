//! Unit tests of the planner on small snapshots; plans applied to real servers are in
//! `tests/tests/plan_*.rs`.

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
