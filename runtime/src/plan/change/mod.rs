//! The report's differences turned into steps. Differences about one object (a column's type,
//! default and nullability; an enum's labels) are planned together; an object that changed in
//! a way PostgreSQL cannot alter is dropped and created again.
//!
//! `types` (enums, domains, composites), `convert` (type changes), `columns` (the rest of a
//! column), `parts` (keys, constraints, indexes, partitions); drops and views here.

mod columns;
mod convert;
mod parts;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use crate::diff::{Change, Difference, ObjectKind, SchemaDiff};
use crate::ident::{quote_ident, quote_literal};
use crate::snapshot::{Column, EnumType, Partition, RelationKind, Schema, Snapshot, Table};

use super::create::{self, KeyKind, Parts, object};
use super::hazard::HazardKind;
use super::order::Phase;
use super::preflight::{Condition, Effect, When};
use super::render::{self, qualified};
use super::step::{Lock, LockLevel, Object, Step, Transaction};
use super::{Error, NoteKind, Planner, deps};

use self::columns::*;
use self::convert::*;
use self::parts::*;
use self::types::*;

pub(crate) use self::parts::rename_constraint;
pub(crate) use self::types::truncate_name;

/// The identity of an object in the report, for planning it once.
type Key = (ObjectKind, Option<String>, Option<String>, String);

fn key(d: &Difference) -> Key {
    (d.object, d.schema.clone(), d.table.clone(), d.name.clone())
}

/// Plans every difference of `report` (`diff(target, source)`).
pub(crate) fn plan_report(p: &mut Planner<'_>, report: &SchemaDiff) -> Result<(), Error> {
    // Every change of one object, together.
    let mut grouped: BTreeMap<Key, Vec<&Difference>> = BTreeMap::new();
    let mut order: Vec<Key> = Vec::new();
    for d in &report.differences {
        let k = key(d);
        if !grouped.contains_key(&k) {
            order.push(k.clone());
        }
        grouped.entry(k).or_default().push(d);
    }
    let source = p.source().clone();
    for k in order {
        let ds = &grouped[&k];
        let (object, schema, table, name) = &k;
        let schema = schema.as_deref().unwrap_or("");
        match object {
            ObjectKind::MigrationHead => {}
            ObjectKind::Extension => extension(p, &source, name, ds),
            ObjectKind::Schema => match ds[0].change {
                Change::Missing => create::schema(p, name, &p.target.schemas[name]),
                _ => drop_schema(p, name, &source.schemas[name]),
            },
            ObjectKind::Enum => enum_type(p, &source, schema, name, ds),
            ObjectKind::Domain => domain(p, &source, schema, name, ds),
            ObjectKind::Composite => composite(p, &source, schema, name, ds),
            ObjectKind::Table => relation(p, &source, schema, name, ds),
            ObjectKind::Column => {
                let table = table.as_deref().unwrap_or("");
                column(p, &source, schema, table, name, ds);
            }
            ObjectKind::PrimaryKey
            | ObjectKind::UniqueConstraint
            | ObjectKind::ForeignKey
            | ObjectKind::Check
            | ObjectKind::Index => {
                let table = table.as_deref().unwrap_or("");
                table_part(p, &source, *object, schema, table, name, ds);
            }
            ObjectKind::Partition => {
                let table = table.as_deref().unwrap_or("");
                partition(p, &source, schema, table, name, ds);
            }
            // Planned from the two snapshots by `members`, below.
            ObjectKind::Function
            | ObjectKind::Sequence
            | ObjectKind::Trigger
            | ObjectKind::Policy => {}
        }
    }
    let conversions = std::mem::take(&mut p.conversions);
    let mut not_nulls = std::mem::take(&mut p.not_nulls);
    for ((schema, table), columns) in &conversions {
        let also = not_nulls
            .remove(&(schema.clone(), table.clone()))
            .unwrap_or_default();
        convert(p, &source, schema, table, columns, &also);
    }
    for ((schema, table), columns) in not_nulls {
        for c in columns {
            set_not_null(p, &schema, &table, &c);
        }
    }
    super::members::plan(p, &source);
    recreate_dropped_views(p);
    Ok(())
}

fn extension(p: &mut Planner<'_>, source: &Snapshot, name: &str, ds: &[&Difference]) {
    let obj = Object {
        kind: "extension",
        schema: None,
        table: None,
        name: name.to_owned(),
    };
    for d in ds {
        match d.change {
            Change::Missing => create::extension(p, name, &p.target.extensions[name]),
            Change::Extra => {
                let e = &source.extensions[name];
                p.push(
                    Step::new(
                        Phase::DropExtensions,
                        obj.clone(),
                        format!("drop extension `{name}`"),
                        format!("DROP EXTENSION {}", quote_ident(name)),
                    )
                    .hazard(
                        HazardKind::DeletesData,
                        format!(
                            "drops extension `{name}` {} and its objects (fails while a column \
                             or index still uses them)",
                            e.version
                        ),
                    ),
                );
            }
            Change::Version => {
                let v = &p.target.extensions[name].version;
                p.push(
                    Step::new(
                        Phase::Extensions,
                        obj.clone(),
                        format!("update extension `{name}` to {v}"),
                        format!(
                            "ALTER EXTENSION {} UPDATE TO {}",
                            quote_ident(name),
                            quote_literal(v)
                        ),
                    )
                    .hazard(
                        HazardKind::ExtensionUpgrade,
                        format!(
                            "updates `{name}` from {} to {v}",
                            source.extensions[name].version
                        ),
                    ),
                );
            }
            Change::Schema => {
                let s = &p.target.extensions[name].schema;
                p.push(Step::new(
                    Phase::Extensions,
                    obj.clone(),
                    format!("move extension `{name}` to schema `{s}`"),
                    format!(
                        "ALTER EXTENSION {} SET SCHEMA {}",
                        quote_ident(name),
                        quote_ident(s)
                    ),
                ));
            }
            _ => {}
        }
    }
}

/// Drops everything in a schema, then the schema.
fn drop_schema(p: &mut Planner<'_>, name: &str, s: &Schema) {
    for (t, table) in &s.tables {
        drop_relation(p, name, t, table, Phase::DropTables);
    }
    for (key, f) in &s.functions {
        drop_function(p, name, key, f);
    }
    for (n, seq) in &s.sequences {
        // `DROP TABLE` drops the sequences its columns own.
        if seq
            .owned_by
            .as_ref()
            .is_some_and(|o| s.tables.contains_key(&o.table) && o.schema == name)
        {
            continue;
        }
        drop_sequence(p, name, n);
    }
    for (kind, names) in [
        ("TYPE", s.enums.keys().collect::<Vec<_>>()),
        ("TYPE", s.composites.keys().collect()),
        ("DOMAIN", s.domains.keys().collect()),
    ] {
        for n in names {
            drop_type(p, kind, name, n);
        }
    }
    p.push(Step::new(
        Phase::DropSchemas,
        Object {
            kind: "schema",
            schema: None,
            table: None,
            name: name.to_owned(),
        },
        format!("drop schema `{name}`"),
        format!("DROP SCHEMA {}", quote_ident(name)),
    ));
}

pub(crate) fn drop_function(
    p: &mut Planner<'_>,
    schema: &str,
    key: &str,
    f: &crate::snapshot::Function,
) {
    p.push(Step::new(
        Phase::DropFunctions,
        object(create::kind_name(f), schema, None, key),
        format!("drop {} `{}`", create::kind_name(f), qualified(schema, key)),
        render::drop_function(schema, key, f),
    ));
}

pub(crate) fn drop_sequence(p: &mut Planner<'_>, schema: &str, name: &str) {
    p.push(
        Step::new(
            Phase::DropSequences,
            object("sequence", schema, None, name),
            format!("drop sequence `{}`", qualified(schema, name)),
            // A sequence owned by a dropped column or table is already gone.
            format!("DROP SEQUENCE IF EXISTS {}", qualified(schema, name)),
        )
        .hazard(
            HazardKind::DeletesData,
            format!(
                "drops sequence `{}` and its current value",
                qualified(schema, name)
            ),
        ),
    );
}

fn drop_type(p: &mut Planner<'_>, keyword: &str, schema: &str, name: &str) {
    let kind = if keyword == "DOMAIN" {
        "domain"
    } else {
        "type"
    };
    p.push(Step::new(
        Phase::DropTypes,
        object(kind, schema, None, name),
        format!("drop {kind} `{}`", qualified(schema, name)),
        format!("DROP {keyword} {}", qualified(schema, name)),
    ));
}

/// Drops a relation in `phase` (`DropTables`, or `DropEarly` when it is made again under the
/// same name).
fn drop_relation(p: &mut Planner<'_>, schema: &str, name: &str, t: &Table, phase: Phase) {
    let rel = qualified(schema, name);
    match t.kind {
        RelationKind::View | RelationKind::MaterializedView => {
            drop_view(p, schema, name, t);
        }
        RelationKind::Table | RelationKind::PartitionedTable => {
            let partitions = if t.partitions.is_empty() {
                String::new()
            } else {
                format!(" and its {} partitions", t.partitions.len())
            };
            p.push(
                Step::new(
                    phase,
                    object("table", schema, None, name),
                    format!("drop table `{rel}`"),
                    format!("DROP TABLE {rel}"),
                )
                .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()))
                .hazard(
                    HazardKind::DeletesData,
                    format!("drops table `{rel}`{partitions} with every row"),
                ),
            );
        }
    }
}

/// Drops a view (dependents first, by rank), once.
pub(crate) fn drop_view(p: &mut Planner<'_>, schema: &str, name: &str, t: &Table) {
    if !p.dropped_views.insert((schema.to_owned(), name.to_owned())) {
        return;
    }
    let rel = qualified(schema, name);
    let materialized = t.kind == RelationKind::MaterializedView;
    let kind = t.kind.describe();
    let mut step = Step::new(
        Phase::DropViews,
        object(kind, schema, None, name),
        format!("drop {kind} `{rel}`"),
        format!(
            "DROP {} {rel}",
            if materialized {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            }
        ),
    )
    .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()));
    if materialized {
        step = step.hazard(
            HazardKind::DeletesData,
            format!(
                "drops materialized view `{rel}` and its rows (recomputed if it is created again)"
            ),
        );
    }
    p.push_defining(step, schema, name, t.definition.clone().unwrap_or_default());
}

/// The views of the source that read `schema.table`, directly or through other views.
fn views_reading(source: &Snapshot, schema: &str, table: &str) -> Vec<(String, String)> {
    let views: Vec<(&str, &str, &Table)> = source
        .schemas
        .iter()
        .flat_map(|(s, sch)| {
            sch.tables
                .iter()
                .filter(|(_, t)| t.kind.is_view())
                .map(move |(n, t)| (s.as_str(), n.as_str(), t))
        })
        .collect();
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    let mut frontier = vec![(schema.to_owned(), table.to_owned())];
    while let Some((s, n)) = frontier.pop() {
        for (vs, vn, v) in &views {
            let text = v.definition.as_deref().unwrap_or("");
            if deps::mentions(text, &s, &n) && found.insert((vs.to_string(), vn.to_string())) {
                frontier.push((vs.to_string(), vn.to_string()));
            }
        }
    }
    found.into_iter().collect()
}

/// Drops the views that read `schema.table` (a column of it changes type or goes away); they
/// are created again from the target at the end.
pub(crate) fn drop_views_reading(
    p: &mut Planner<'_>,
    source: &Snapshot,
    schema: &str,
    table: &str,
) {
    for (s, n) in views_reading(source, schema, table) {
        if let Some(t) = source.table(&s, &n) {
            drop_view(p, &s, &n, t);
        }
    }
}

/// Views dropped because something they read changed, and that the target still has, are
/// created again (with the `recreates-object` hazard).
fn recreate_dropped_views(p: &mut Planner<'_>) {
    let dropped: Vec<(String, String)> = p.dropped_views.iter().cloned().collect();
    for (s, n) in dropped {
        if p.is_new(&s, &n) {
            continue;
        }
        let Some(t) = p.target.table(&s, &n).filter(|t| t.kind.is_view()) else {
            continue;
        };
        let t = t.clone();
        create::table(p, &s, &n, &t);
        // The drop step names the hazard once for the pair.
        let rel = qualified(&s, &n);
        if let Some(step) = p.steps.iter_mut().find(|st| {
            st.phase == Phase::DropViews
                && st.object.name == n
                && st.object.schema.as_deref() == Some(&s)
        }) {
            step.hazards.push(super::hazard::Hazard::new(
                HazardKind::RecreatesObject,
                format!("drops `{rel}` to create it again after what it reads has changed"),
            ));
        }
    }
}

fn relation(p: &mut Planner<'_>, source: &Snapshot, schema: &str, name: &str, ds: &[&Difference]) {
    let target = p.target.table(schema, name).cloned();
    let current = source.table(schema, name);
    for d in ds {
        match d.change {
            Change::Missing => {
                let t = target.clone().expect("in target");
                create::table(p, schema, name, &t);
            }
            Change::Extra => drop_relation(
                p,
                schema,
                name,
                current.expect("in source"),
                Phase::DropTables,
            ),
            Change::Kind => {
                drop_relation(
                    p,
                    schema,
                    name,
                    current.expect("in source"),
                    Phase::DropEarly,
                );
                let t = target.clone().expect("in target");
                create::table(p, schema, name, &t);
            }
            Change::Order => p.note(
                NoteKind::Unplanned,
                format!(
                    "the columns of `{}` are in another order ({} instead of {}); PostgreSQL \
                     cannot move columns, so the plan leaves them as they are",
                    qualified(schema, name),
                    d.found.clone().unwrap_or_default(),
                    d.expected.clone().unwrap_or_default()
                ),
            ),
            _ => {}
        }
    }
}

fn names<T>(a: &[T], b: &[T], name: impl Fn(&T) -> &String) -> BTreeSet<String> {
    a.iter().chain(b).map(|x| name(x).clone()).collect()
}

fn find<'a, T>(items: &'a [T], n: &str, name: impl Fn(&T) -> &String) -> Option<&'a T> {
    items.iter().find(|x| name(x) == n)
}
