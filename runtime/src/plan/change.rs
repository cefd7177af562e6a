//! The report's differences turned into steps. Differences about one object (a column's type,
//! default and nullability; an enum's labels) are planned together; an object that changed in
//! a way PostgreSQL cannot alter is dropped and created again.

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
    let kind = if materialized {
        "materialized view"
    } else {
        "view"
    };
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

fn enum_type(p: &mut Planner<'_>, source: &Snapshot, schema: &str, name: &str, ds: &[&Difference]) {
    let obj = object("enum", schema, None, name);
    match ds[0].change {
        Change::Missing if ds[0].member.is_none() => {
            p.push(Step::new(
                Phase::Enums,
                obj,
                format!("create enum `{}`", qualified(schema, name)),
                render::create_enum(schema, name, &p.target.schemas[schema].enums[name]),
            ));
            return;
        }
        Change::Extra if ds[0].member.is_none() => {
            drop_type(p, "TYPE", schema, name);
            return;
        }
        _ => {}
    }
    let target = &p.target.schemas[schema].enums[name];
    let current = &source.schemas[schema].enums[name];
    let removed_or_moved = ds
        .iter()
        .any(|d| d.change == Change::Order || d.change == Change::Extra);
    if removed_or_moved {
        recreate_enum(p, source, schema, name, current, &target.clone());
        return;
    }
    // Only added labels: `ADD VALUE ... BEFORE/AFTER` keeps the target's order.
    let mut present: Vec<&str> = current.labels.iter().map(String::as_str).collect();
    let rel = qualified(schema, name);
    let mut step: Option<Step> = None;
    for (i, label) in target.labels.iter().enumerate() {
        if present.contains(&label.as_str()) {
            continue;
        }
        let position = match target.labels[..i]
            .iter()
            .rev()
            .find(|l| present.contains(&l.as_str()))
        {
            Some(before) => format!(" AFTER {}", quote_literal(before)),
            None => match target.labels[i + 1..]
                .iter()
                .find(|l| present.contains(&l.as_str()))
            {
                Some(after) => format!(" BEFORE {}", quote_literal(after)),
                None => String::new(),
            },
        };
        let sql = format!(
            "ALTER TYPE {rel} ADD VALUE IF NOT EXISTS {}{position}",
            quote_literal(label)
        );
        step = Some(match step {
            None => Step::new(
                Phase::Enums,
                obj.clone(),
                format!("add labels to enum `{rel}`"),
                sql,
            )
            // A label can be used only once the transaction that added it has committed.
            .transaction(Transaction::Own),
            Some(s) => s.statement(sql),
        });
        present.push(label);
    }
    if let Some(s) = step {
        p.push(s);
    }
}

/// Every column of the source whose type is the enum `schema.name` (or an array of it).
fn columns_of_type<'s>(
    source: &'s Snapshot,
    schema: &str,
    name: &str,
) -> Vec<(String, String, &'s Column)> {
    let mut out = Vec::new();
    for (s, sch) in &source.schemas {
        for (t, table) in &sch.tables {
            if table.kind.is_view() {
                continue;
            }
            for c in &table.columns {
                if c.type_schema == schema && c.type_name == name {
                    out.push((s.clone(), t.clone(), c));
                }
            }
        }
    }
    out
}

/// A label removed or moved: the enum is made again and its columns converted to it through
/// text, after a check that no row holds a removed label.
fn recreate_enum(
    p: &mut Planner<'_>,
    source: &Snapshot,
    schema: &str,
    name: &str,
    current: &EnumType,
    target: &EnumType,
) {
    let rel = qualified(schema, name);
    let old_name = truncate_name(&format!("{name}__schemalock_old"));
    let old = qualified(schema, &old_name);
    let removed: Vec<&String> = current
        .labels
        .iter()
        .filter(|l| !target.labels.contains(l))
        .collect();
    let mut step = Step::new(
        Phase::ColumnTypes,
        object("enum", schema, None, name),
        format!(
            "recreate enum `{rel}` with labels {}",
            labels(&target.labels)
        ),
        format!("ALTER TYPE {rel} RENAME TO {}", quote_ident(&old_name)),
    )
    .statement(render::create_enum(schema, name, target))
    .hazard(
        HazardKind::RecreatesObject,
        format!(
            "PostgreSQL cannot remove or reorder enum labels: `{rel}` is made again{}",
            if removed.is_empty() {
                String::new()
            } else {
                format!(
                    " without {}",
                    labels(&removed.iter().map(|l| l.to_string()).collect::<Vec<_>>())
                )
            }
        ),
    )
    .data();
    let mut locked = Vec::new();
    for (s, t, c) in columns_of_type(source, schema, name) {
        let table_rel = qualified(&s, &t);
        drop_views_reading(p, source, &s, &t);
        let target_col = p.target.table(&s, &t).and_then(|tt| tt.column(&c.name));
        // A column that changes type on its own is planned with the other columns.
        if target_col.is_none_or(|tc| tc.type_name != name || tc.type_schema != schema) {
            continue;
        }
        let col = quote_ident(&c.name);
        let new_type = if c.array {
            format!("{rel}[]")
        } else {
            rel.clone()
        };
        let through = if c.array { "text[]" } else { "text" };
        if c.default.is_some() {
            step = step.statement(format!(
                "ALTER TABLE {table_rel} ALTER COLUMN {col} DROP DEFAULT"
            ));
        }
        step = step.statement(format!(
            "ALTER TABLE {table_rel} ALTER COLUMN {col} TYPE {new_type} USING {col}::{through}::{new_type}"
        ));
        if let Some(d) = target_col.and_then(|tc| tc.default.clone()) {
            step = step.statement(format!(
                "ALTER TABLE {table_rel} ALTER COLUMN {col} SET DEFAULT {d}"
            ));
        }
        step = step.hazard(
            HazardKind::RewritesTable,
            format!("rewrites `{table_rel}` to convert column `{}`", c.name),
        );
        if !removed.is_empty() {
            step = step.hazard(
                HazardKind::CastMayFail,
                format!(
                    "fails if a row of `{table_rel}` holds {} in `{}`",
                    labels(&removed.iter().map(|l| l.to_string()).collect::<Vec<_>>()),
                    c.name
                ),
            );
        }
        locked.push(table_rel);
    }
    step = step.statement(format!("DROP TYPE {old}"));
    if !locked.is_empty() {
        step = step.lock(Lock {
            level: LockLevel::AccessExclusive,
            on: locked,
        });
    }
    if !removed.is_empty() {
        step = step.condition(
            When::Before,
            enum_labels_check(source, schema, name, target),
        );
    }
    p.push(step);
}

/// No column of enum `schema.name` holds a label the target lacks.
fn enum_labels_check(source: &Snapshot, schema: &str, name: &str, target: &EnumType) -> Condition {
    Condition::KeepsLabels {
        name: qualified(schema, name),
        labels: target.labels.clone(),
        columns: columns_of_type(source, schema, name)
            .into_iter()
            .map(|(s, t, c)| (s, t, c.name.clone(), c.array))
            .collect(),
    }
}

fn labels(labels: &[String]) -> String {
    let q: Vec<String> = labels.iter().map(|l| quote_literal(l)).collect();
    q.join(", ")
}

/// A name PostgreSQL keeps whole: at most 63 bytes, cut at a character boundary.
pub(crate) fn truncate_name(name: &str) -> String {
    let mut end = name.len().min(63);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_owned()
}

fn domain(p: &mut Planner<'_>, source: &Snapshot, schema: &str, name: &str, ds: &[&Difference]) {
    let rel = qualified(schema, name);
    let obj = object("domain", schema, None, name);
    for d in ds {
        let target = p
            .target
            .schemas
            .get(schema)
            .and_then(|s| s.domains.get(name));
        let current = source.schemas.get(schema).and_then(|s| s.domains.get(name));
        match (d.change, &d.member) {
            (Change::Missing, None) => create::domain(p, schema, name, target.expect("in target")),
            (Change::Extra, None) => drop_type(p, "DOMAIN", schema, name),
            (Change::Type, None) => p.note(
                NoteKind::Unplanned,
                format!(
                    "domain `{rel}` changes its type ({} to {}): PostgreSQL cannot alter a \
                     domain's type; drop and create it, and the columns using it, by hand",
                    d.found.clone().unwrap_or_default(),
                    d.expected.clone().unwrap_or_default()
                ),
            ),
            (Change::Nullable, None) => {
                let not_null = target.is_some_and(|t| t.not_null);
                let mut step = Step::new(
                    Phase::NotNull,
                    obj.clone(),
                    format!(
                        "{} NOT NULL on domain `{rel}`",
                        if not_null { "set" } else { "drop" }
                    ),
                    format!(
                        "ALTER DOMAIN {rel} {} NOT NULL",
                        if not_null { "SET" } else { "DROP" }
                    ),
                );
                if not_null {
                    step = step.data().hazard(
                        HazardKind::ValidatesData,
                        format!("fails if a column of type `{rel}` holds NULL"),
                    );
                }
                p.push(step);
            }
            (Change::Default, None) => {
                let sql = match target.and_then(|t| t.default.as_ref()) {
                    Some(v) => format!("ALTER DOMAIN {rel} SET DEFAULT {v}"),
                    None => format!("ALTER DOMAIN {rel} DROP DEFAULT"),
                };
                p.push(Step::new(
                    Phase::ColumnChanges,
                    obj.clone(),
                    format!("change the default of domain `{rel}`"),
                    sql,
                ));
            }
            (change, Some(check)) => {
                let drop = matches!(change, Change::Extra | Change::Definition);
                let add = matches!(change, Change::Missing | Change::Definition);
                if drop {
                    p.push(Step::new(
                        Phase::DropChecks,
                        obj.clone(),
                        format!("drop check `{check}` of domain `{rel}`"),
                        format!("ALTER DOMAIN {rel} DROP CONSTRAINT {}", quote_ident(check)),
                    ));
                }
                if add {
                    let def = target
                        .and_then(|t| t.checks.iter().find(|c| &c.name == check))
                        .map(|c| c.definition.clone())
                        .unwrap_or_default();
                    let (core, not_valid) = render::check_definition(&def);
                    p.push(Step::new(
                        Phase::Checks,
                        obj.clone(),
                        format!("add check `{check}` to domain `{rel}`"),
                        format!(
                            "ALTER DOMAIN {rel} ADD CONSTRAINT {} {core} NOT VALID",
                            quote_ident(check)
                        ),
                    ));
                    if !not_valid {
                        p.push(
                            Step::new(
                                Phase::Checks,
                                obj.clone(),
                                format!("validate check `{check}` of domain `{rel}`"),
                                format!(
                                    "ALTER DOMAIN {rel} VALIDATE CONSTRAINT {}",
                                    quote_ident(check)
                                ),
                            )
                            .transaction(Transaction::Own)
                            .data()
                            .hazard(
                                HazardKind::ValidatesData,
                                format!("fails if a column of type `{rel}` violates {def}"),
                            ),
                        );
                    }
                }
                let _ = current;
            }
            _ => {}
        }
    }
}

fn composite(p: &mut Planner<'_>, source: &Snapshot, schema: &str, name: &str, ds: &[&Difference]) {
    let rel = qualified(schema, name);
    let obj = object("composite type", schema, None, name);
    let target = p
        .target
        .schemas
        .get(schema)
        .and_then(|s| s.composites.get(name));
    for d in ds {
        match (d.change, &d.member) {
            (Change::Missing, None) => {
                let c = target.expect("in target").clone();
                p.push(Step::new(
                    Phase::Types,
                    obj.clone(),
                    format!("create composite type `{rel}`"),
                    render::create_composite(schema, name, &c),
                ));
            }
            (Change::Extra, None) => drop_type(p, "TYPE", schema, name),
            (Change::Missing, Some(attr)) => {
                let a = target
                    .and_then(|c| c.attributes.iter().find(|a| &a.name == attr))
                    .expect("in target");
                p.push(Step::new(
                    Phase::Types,
                    obj.clone(),
                    format!("add attribute `{attr}` to `{rel}`"),
                    format!(
                        "ALTER TYPE {rel} ADD ATTRIBUTE {} {}",
                        quote_ident(attr),
                        a.type_display
                    ),
                ));
            }
            (Change::Extra, Some(attr)) => p.push(
                Step::new(
                    Phase::Types,
                    obj.clone(),
                    format!("drop attribute `{attr}` of `{rel}`"),
                    format!("ALTER TYPE {rel} DROP ATTRIBUTE {}", quote_ident(attr)),
                )
                .hazard(
                    HazardKind::DeletesData,
                    format!("drops attribute `{attr}` of `{rel}` from every value of the type"),
                ),
            ),
            (Change::Type, Some(attr)) => {
                let a = target
                    .and_then(|c| c.attributes.iter().find(|a| &a.name == attr))
                    .expect("in target");
                p.push(
                    Step::new(
                        Phase::Types,
                        obj.clone(),
                        format!("change the type of attribute `{attr}` of `{rel}`"),
                        format!(
                            "ALTER TYPE {rel} ALTER ATTRIBUTE {} TYPE {}",
                            quote_ident(attr),
                            a.type_display
                        ),
                    )
                    .hazard(
                        HazardKind::UntrackedDependencies,
                        format!("fails while a column stores `{rel}` values"),
                    ),
                );
            }
            (Change::Order, _) => p.note(
                NoteKind::Unplanned,
                format!(
                    "the attributes of `{rel}` are in another order ({} instead of {}); \
                     PostgreSQL cannot move attributes, so the plan leaves them as they are",
                    d.found.clone().unwrap_or_default(),
                    d.expected.clone().unwrap_or_default()
                ),
            ),
            _ => {}
        }
    }
    let _ = source;
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

/// How a type change treats the existing values.
struct TypeChange {
    /// PostgreSQL rewrites every row.
    rewrite: bool,
    /// A value may fail to convert.
    may_fail: bool,
}

/// `character varying(20)` → `("character varying", Some("20"))`.
fn split_typmod(display: &str) -> (&str, Option<&str>) {
    match display.strip_suffix(')').and_then(|d| d.split_once('(')) {
        Some((base, m)) => (base, Some(m)),
        None => (display, None),
    }
}

fn type_change(from: &Column, to: &Column) -> TypeChange {
    let lossless = TypeChange {
        rewrite: false,
        may_fail: false,
    };
    let (fb, fm) = split_typmod(&from.type_display);
    let (tb, tm) = split_typmod(&to.type_display);
    let number = |m: Option<&str>| m.and_then(|m| m.split(',').next()?.trim().parse::<u32>().ok());
    let scale = |m: Option<&str>| {
        m.and_then(|m| m.split(',').nth(1))
            .map(|s| s.trim().to_owned())
    };
    let text_like = |b: &str| matches!(b, "text" | "character varying");
    if from.array != to.array {
        return TypeChange {
            rewrite: true,
            may_fail: true,
        };
    }
    match (fb, tb) {
        // Widening a varchar, or dropping its limit: nothing to convert.
        (f, t) if text_like(f) && t == "text" => lossless,
        ("character varying", "character varying") if tm.is_none() => lossless,
        ("character varying", "character varying") if number(tm) >= number(fm) => lossless,
        ("text", "character varying") if tm.is_none() => lossless,
        ("numeric", "numeric") if tm.is_none() => lossless,
        ("numeric", "numeric")
            if scale(fm) == scale(tm) && number(tm) >= number(fm) && fm.is_some() =>
        {
            lossless
        }
        ("bit varying", "bit varying") if tm.is_none() || number(tm) >= number(fm) => lossless,
        ("smallint", "integer" | "bigint")
        | ("integer", "bigint")
        | ("real", "double precision") => TypeChange {
            rewrite: true,
            may_fail: false,
        },
        _ => TypeChange {
            rewrite: true,
            may_fail: true,
        },
    }
}

fn column(
    p: &mut Planner<'_>,
    source: &Snapshot,
    schema: &str,
    table: &str,
    name: &str,
    ds: &[&Difference],
) {
    let rel = qualified(schema, table);
    let col = quote_ident(name).into_owned();
    let obj = object("column", schema, Some(table), name);
    let target_table = p.target.table(schema, table);
    let target = target_table.and_then(|t| t.column(name)).cloned();
    let current = source
        .table(schema, table)
        .and_then(|t| t.column(name))
        .cloned();
    let changes: BTreeSet<Change> = ds.iter().map(|d| d.change).collect();
    if changes.contains(&Change::Missing) {
        add_column(p, schema, table, &target.expect("in target"));
        return;
    }
    if changes.contains(&Change::Extra) {
        let c = current.expect("in source");
        drop_views_reading(p, source, schema, table);
        p.push(
            Step::new(
                Phase::DropColumns,
                obj,
                format!("drop column `{rel}.{name}`"),
                format!("ALTER TABLE {rel} DROP COLUMN {col}"),
            )
            .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()))
            .hazard(
                HazardKind::DeletesData,
                format!(
                    "drops column `{rel}.{name}` ({}) and its values",
                    c.type_display
                ),
            )
            .effect(Effect::DropColumn {
                schema: schema.to_owned(),
                table: table.to_owned(),
                column: name.to_owned(),
            }),
        );
        return;
    }
    let (Some(from), Some(to)) = (current, target) else {
        return;
    };
    // Views report every column nullable and have no defaults of their own to alter.
    if target_table.is_some_and(|t| t.kind.is_view()) {
        return;
    }
    if changes.contains(&Change::Generated) {
        regenerate_column(p, source, schema, table, &from, &to);
        return;
    }
    if changes.contains(&Change::Type) {
        drop_views_reading(p, source, schema, table);
        p.conversions
            .entry((schema.to_owned(), table.to_owned()))
            .or_default()
            .push((from.clone(), to.clone()));
    } else {
        if changes.contains(&Change::Default) && from.identity.is_none() {
            default(p, schema, table, &to);
        }
        if changes.contains(&Change::Nullable) {
            if to.nullable {
                p.push(
                    Step::new(
                        Phase::ColumnChanges,
                        obj.clone(),
                        format!("drop NOT NULL on `{rel}.{name}`"),
                        format!("ALTER TABLE {rel} ALTER COLUMN {col} DROP NOT NULL"),
                    )
                    .lock(Lock::on(LockLevel::AccessExclusive, rel.clone())),
                );
            } else {
                p.not_nulls
                    .entry((schema.to_owned(), table.to_owned()))
                    .or_default()
                    .push(name.to_owned());
            }
        }
    }
    if changes.contains(&Change::Identity) {
        identity(p, schema, table, &from, &to);
    }
}

fn default(p: &mut Planner<'_>, schema: &str, table: &str, to: &Column) {
    let rel = qualified(schema, table);
    let col = quote_ident(&to.name);
    let sql = match &to.default {
        Some(d) => format!("ALTER TABLE {rel} ALTER COLUMN {col} SET DEFAULT {d}"),
        None => format!("ALTER TABLE {rel} ALTER COLUMN {col} DROP DEFAULT"),
    };
    p.push(
        Step::new(
            Phase::ColumnChanges,
            object("column", schema, Some(table), &to.name),
            format!(
                "{} the default of `{rel}.{}`",
                if to.default.is_some() { "set" } else { "drop" },
                to.name
            ),
            sql,
        )
        .lock(Lock::on(LockLevel::AccessExclusive, rel)),
    );
}

/// `SET NOT NULL` without a long ACCESS EXCLUSIVE lock: a `CHECK (col IS NOT NULL)` added
/// `NOT VALID` and validated under a weaker lock lets `SET NOT NULL` skip its scan (PostgreSQL
/// 12 and newer); the check is dropped after.
fn set_not_null(p: &mut Planner<'_>, schema: &str, table: &str, name: &str) {
    let rel = qualified(schema, table);
    let col = quote_ident(name);
    let obj = object("column", schema, Some(table), name);
    let check = truncate_name(&format!("{name}_not_null_schemalock"));
    let check_q = quote_ident(&check);
    p.push(
        Step::new(
            Phase::NotNull,
            obj.clone(),
            format!("add a NOT VALID check that `{rel}.{name}` is not null"),
            format!(
                "ALTER TABLE {rel} ADD CONSTRAINT {check_q} CHECK ({col} IS NOT NULL) NOT VALID"
            ),
        )
        .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()))
        .condition(
            When::Before,
            Condition::NoNulls {
                schema: schema.to_owned(),
                table: table.to_owned(),
                column: name.to_owned(),
            },
        ),
    );
    p.push(
        Step::new(
            Phase::NotNull,
            obj.clone(),
            format!("validate that `{rel}.{name}` holds no NULL"),
            format!("ALTER TABLE {rel} VALIDATE CONSTRAINT {check_q}"),
        )
        .lock(Lock::on(LockLevel::ShareUpdateExclusive, rel.clone()))
        .transaction(Transaction::Own)
        .data()
        .hazard(
            HazardKind::ValidatesData,
            format!("fails if a row of `{rel}` has NULL in `{name}`"),
        ),
    );
    p.push(
        Step::new(
            Phase::NotNull,
            obj,
            format!("set NOT NULL on `{rel}.{name}` (the validated check spares the scan)"),
            format!("ALTER TABLE {rel} ALTER COLUMN {col} SET NOT NULL"),
        )
        .statement(format!("ALTER TABLE {rel} DROP CONSTRAINT {check_q}"))
        .lock(Lock::on(LockLevel::AccessExclusive, rel)),
    );
}

/// The USING expression of a column's conversion: `--using`, or a plain cast.
fn using_for(
    p: &Planner<'_>,
    schema: &str,
    table: &str,
    from: &Column,
    to: &Column,
) -> (String, bool) {
    match p
        .options
        .using
        .iter()
        .find(|u| u.matches(schema, table, &from.name))
    {
        Some(u) => (u.expression.clone(), true),
        None => {
            // PostgreSQL casts between these only through text (an enum from a string, a
            // boolean to an enum): the values are then checked against the new type.
            let through_text = |c: &Column| {
                !c.array
                    && (c.type_name == "bool"
                        || matches!(
                            p.target.type_kind(&c.type_schema, &c.type_name),
                            crate::snapshot::TypeKind::Enum(_)
                        ))
            };
            let text = if (through_text(from) || through_text(to))
                && !matches!(from.type_name.as_str(), "text" | "varchar" | "bpchar")
            {
                "::text"
            } else {
                ""
            };
            (
                format!("{}{text}::{}", quote_ident(&from.name), to.type_display),
                false,
            )
        }
    }
}

/// The type changes of one table as PostgreSQL needs them, in one transaction and one
/// rewrite: the old defaults dropped (they may not cast), every column converted `USING` its
/// conversion in one `ALTER TABLE`, with the table's new NOT NULLs (checked during the
/// rewrite), then the new defaults. Checked first: every value converts, no converted value is
/// NULL where the column becomes NOT NULL, no unique index gets duplicate keys.
fn convert(
    p: &mut Planner<'_>,
    source: &Snapshot,
    schema: &str,
    table: &str,
    columns: &[(Column, Column)],
    not_nulls: &[String],
) {
    let rel = qualified(schema, table);
    // PostgreSQL refuses to change the type of a column a trigger names (`UPDATE OF`, `WHEN`).
    if let Some(t) = source.table(schema, table) {
        for tr in &t.triggers {
            if columns
                .iter()
                .any(|(f, _)| deps::names_column(&tr.definition, &f.name))
            {
                super::members::release_trigger(p, schema, table, &tr.name);
            }
        }
    }
    let names: Vec<String> = columns
        .iter()
        .map(|(f, t)| format!("`{}` to {}", f.name, t.type_display))
        .collect();
    let mut description = format!("convert `{rel}`: {}", names.join(", "));
    if !not_nulls.is_empty() {
        let nn: Vec<String> = not_nulls.iter().map(|c| format!("`{c}`")).collect();
        description.push_str(&format!("; NOT NULL on {}", nn.join(", ")));
    }
    let mut step = Step::new(
        Phase::ColumnTypes,
        object("table", schema, None, table),
        description,
        String::new(),
    )
    .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()));
    step.statements.clear();
    let drops: Vec<String> = columns
        .iter()
        .filter(|(f, _)| f.default.is_some())
        .map(|(f, _)| format!("ALTER COLUMN {} DROP DEFAULT", quote_ident(&f.name)))
        .collect();
    if !drops.is_empty() {
        step = step.statement(format!("ALTER TABLE {rel} {}", drops.join(", ")));
    }
    let table_columns: Vec<String> = source
        .table(schema, table)
        .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let mut alters = Vec::new();
    let mut rewrite = false;
    let mut converted: Vec<(String, String)> = Vec::new();
    for (from, to) in columns {
        let col = quote_ident(&from.name).into_owned();
        let (using, given) = using_for(p, schema, table, from, to);
        let mut how = type_change(from, to);
        if given {
            how.may_fail = true;
        }
        rewrite |= how.rewrite;
        let collate = to
            .collation
            .as_ref()
            .map(|c| format!(" COLLATE {c}"))
            .unwrap_or_default();
        alters.push(format!(
            "ALTER COLUMN {col} TYPE {}{collate} USING {using}",
            to.type_display
        ));
        let adds_not_null = from.nullable && !to.nullable;
        if adds_not_null {
            alters.push(format!("ALTER COLUMN {col} SET NOT NULL"));
            step = step.hazard(
                HazardKind::ValidatesData,
                format!(
                    "fails if a converted value of `{rel}.{}` is NULL",
                    from.name
                ),
            );
        } else if !from.nullable && to.nullable {
            alters.push(format!("ALTER COLUMN {col} DROP NOT NULL"));
        }
        if how.may_fail {
            step = step.hazard(
                HazardKind::CastMayFail,
                format!(
                    "fails if a value of `{rel}.{}` does not convert with {using}",
                    from.name
                ),
            );
        }
        if how.may_fail || adds_not_null {
            let names = deps::names(&using);
            let read = table_columns
                .iter()
                .filter(|c| {
                    names
                        .iter()
                        .any(|parts| parts.last().is_some_and(|n| n == *c))
                })
                .cloned()
                .collect();
            step = step.condition(
                When::Before,
                Condition::Converts {
                    schema: schema.to_owned(),
                    table: table.to_owned(),
                    column: from.name.clone(),
                    using: using.clone(),
                    target_type: to.type_display.clone(),
                    not_null: adds_not_null,
                    read,
                },
            );
            converted.push((from.name.clone(), using.clone()));
        }
        step = step.effect(Effect::Convert {
            schema: schema.to_owned(),
            table: table.to_owned(),
            column: from.name.clone(),
            using,
        });
    }
    for c in not_nulls {
        alters.push(format!("ALTER COLUMN {} SET NOT NULL", quote_ident(c)));
        step = step
            .hazard(
                HazardKind::ValidatesData,
                format!("fails if a row of `{rel}` has NULL in `{c}`"),
            )
            .condition(
                When::Before,
                Condition::NoNulls {
                    schema: schema.to_owned(),
                    table: table.to_owned(),
                    column: c.clone(),
                },
            );
    }
    step = step.statement(format!("ALTER TABLE {rel} {}", alters.join(", ")));
    let defaults: Vec<String> = columns
        .iter()
        .filter_map(|(_, t)| {
            t.default
                .as_ref()
                .map(|d| format!("ALTER COLUMN {} SET DEFAULT {d}", quote_ident(&t.name)))
        })
        .collect();
    if !defaults.is_empty() {
        step = step.statement(format!("ALTER TABLE {rel} {}", defaults.join(", ")));
    }
    if rewrite || !not_nulls.is_empty() {
        step = step.data().hazard(
            HazardKind::AccessExclusiveLock,
            format!("no read or write of `{rel}` runs while it is rewritten or checked"),
        );
    }
    if rewrite {
        step = step.hazard(
            HazardKind::RewritesTable,
            format!("rewrites `{rel}` once to convert {}", names.join(", ")),
        );
    }
    // The conversion rebuilds the unique indexes holding a converted column: values that
    // become equal (`'person'` and `'Person'` both `'CHARACTER'`) make it fail.
    if let Some(t) = source.table(schema, table) {
        for i in t.indexes.iter().filter(|i| i.unique) {
            let touched = i.keys.iter().any(|k| {
                k.column
                    .as_ref()
                    .is_some_and(|c| converted.iter().any(|(n, _)| n == c))
            });
            if touched {
                step = step.condition(
                    When::After,
                    Condition::NoDuplicates {
                        schema: schema.to_owned(),
                        table: table.to_owned(),
                        index: i.clone(),
                    },
                );
            }
        }
    }
    p.push(step);
}

/// A new column on an existing table.
fn add_column(p: &mut Planner<'_>, schema: &str, table: &str, c: &Column) {
    let rel = qualified(schema, table);
    if p.is_new(schema, table) {
        return;
    }
    let mut step = Step::new(
        Phase::Columns,
        object("column", schema, Some(table), &c.name),
        format!("add column `{rel}.{}` ({})", c.name, c.type_display),
        format!(
            "ALTER TABLE {rel} ADD COLUMN {}",
            render::column_definition(c, true)
        ),
    )
    .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()));
    let volatile = c.default.as_deref().is_some_and(volatile_default);
    if c.generated == Some(crate::snapshot::Generated::Stored) || c.identity.is_some() || volatile {
        step = step
            .data()
            .hazard(
                HazardKind::RewritesTable,
                format!(
                    "rewrites `{rel}` to fill `{}` for every row ({})",
                    c.name,
                    if volatile {
                        "its default is volatile"
                    } else if c.identity.is_some() {
                        "an identity"
                    } else {
                        "a stored generated column"
                    }
                ),
            )
            .hazard(
                HazardKind::AccessExclusiveLock,
                format!("no read or write of `{rel}` runs while it is rewritten"),
            );
    } else if !c.nullable && c.default.is_none() && c.generated.is_none() {
        step = step
            .hazard(
                HazardKind::ValidatesData,
                format!(
                    "fails unless `{rel}` is empty: `{}` is NOT NULL without a default",
                    c.name
                ),
            )
            .condition(
                When::Before,
                Condition::Empty {
                    schema: schema.to_owned(),
                    table: table.to_owned(),
                    why: format!(
                        "column {} is NOT NULL without a default",
                        quote_ident(&c.name)
                    ),
                },
            );
    }
    let value = match (&c.default, &c.generation_expression) {
        (Some(d), _) => d.clone(),
        (None, Some(g)) => g.clone(),
        (None, None) => format!("NULL::{}", c.type_display),
    };
    step = step.effect(Effect::AddColumn {
        schema: schema.to_owned(),
        table: table.to_owned(),
        column: c.name.clone(),
        value,
    });
    p.push(step);
}

/// Whether a default is computed anew for every row, which makes `ADD COLUMN` rewrite the
/// table (a constant or stable default is stored once).
fn volatile_default(default: &str) -> bool {
    const VOLATILE: [&str; 8] = [
        "nextval",
        "random",
        "gen_random_uuid",
        "uuid_generate_v4",
        "uuid_generate_v1",
        "clock_timestamp",
        "timeofday",
        "uuidv7",
    ];
    deps::names(default)
        .iter()
        .any(|parts| parts.last().is_some_and(|n| VOLATILE.contains(&n.as_str())))
}

fn identity(p: &mut Planner<'_>, schema: &str, table: &str, from: &Column, to: &Column) {
    use crate::snapshot::Identity;
    let rel = qualified(schema, table);
    let col = quote_ident(&to.name);
    let obj = object("column", schema, Some(table), &to.name);
    let how = |i: Identity| match i {
        Identity::Always => "ALWAYS",
        Identity::ByDefault => "BY DEFAULT",
    };
    let sql = match (from.identity, to.identity) {
        (None, Some(i)) => {
            let mut s = String::new();
            if from.default.is_some() {
                s.push_str(&format!(
                    "ALTER TABLE {rel} ALTER COLUMN {col} DROP DEFAULT;\n"
                ));
            }
            let def = render::column_definition(to, false);
            let clause = def
                .split_once(" GENERATED ")
                .map(|(_, rest)| format!("ADD GENERATED {rest}"))
                .unwrap_or_else(|| format!("ADD GENERATED {} AS IDENTITY", how(i)));
            let clause = clause
                .split(" DEFAULT ")
                .next()
                .unwrap_or(&clause)
                .to_owned();
            s.push_str(&format!("ALTER TABLE {rel} ALTER COLUMN {col} {clause}"));
            s
        }
        (Some(_), None) => format!("ALTER TABLE {rel} ALTER COLUMN {col} DROP IDENTITY"),
        (Some(_), Some(i)) => format!(
            "ALTER TABLE {rel} ALTER COLUMN {col} SET GENERATED {}",
            how(i)
        ),
        (None, None) => return,
    };
    let statements: Vec<String> = sql.split(";\n").map(str::to_owned).collect();
    let mut step = Step::new(
        Phase::ColumnChanges,
        obj,
        format!("change the identity of `{rel}.{}`", to.name),
        statements[0].clone(),
    )
    .lock(Lock::on(LockLevel::AccessExclusive, rel));
    for s in &statements[1..] {
        step = step.statement(s.clone());
    }
    p.push(step);
}

/// A column becoming generated, stopping being generated, or changing how: PostgreSQL drops
/// the expression in place (`DROP EXPRESSION`), anything else takes the column dropped and
/// added again.
fn regenerate_column(
    p: &mut Planner<'_>,
    source: &Snapshot,
    schema: &str,
    table: &str,
    from: &Column,
    to: &Column,
) {
    let rel = qualified(schema, table);
    let col = quote_ident(&to.name);
    if from.generated.is_some() && to.generated.is_none() && from.type_display == to.type_display {
        p.push(
            Step::new(
                Phase::ColumnChanges,
                object("column", schema, Some(table), &to.name),
                format!("stop generating `{rel}.{}`", to.name),
                format!("ALTER TABLE {rel} ALTER COLUMN {col} DROP EXPRESSION"),
            )
            .lock(Lock::on(LockLevel::AccessExclusive, rel)),
        );
        return;
    }
    drop_views_reading(p, source, schema, table);
    p.push(
        Step::new(
            Phase::ColumnTypes,
            object("column", schema, Some(table), &to.name),
            format!(
                "drop and add column `{rel}.{}` to change how it is generated",
                to.name
            ),
            format!("ALTER TABLE {rel} DROP COLUMN {col}"),
        )
        .statement(format!(
            "ALTER TABLE {rel} ADD COLUMN {}",
            render::column_definition(to, true)
        ))
        .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()))
        .data()
        .hazard(
            HazardKind::DeletesData,
            format!(
                "drops the values of `{rel}.{}` (the new ones are computed)",
                to.name
            ),
        )
        .hazard(
            HazardKind::RewritesTable,
            format!("rewrites `{rel}` to compute `{}`", to.name),
        ),
    );
}

/// Keys, constraints and indexes of a table in both schemas: added, dropped, or dropped and
/// added again when they changed.
fn table_part(
    p: &mut Planner<'_>,
    source: &Snapshot,
    kind: ObjectKind,
    schema: &str,
    table: &str,
    name: &str,
    ds: &[&Difference],
) {
    // A part of a table that is created or dropped whole comes with it.
    let Some(target_table) = p.target.table(schema, table).cloned() else {
        return;
    };
    let Some(source_table) = source.table(schema, table) else {
        return;
    };
    if p.is_new(schema, table) {
        return;
    }
    let change = ds[0].change;
    if kind == ObjectKind::PrimaryKey && change == Change::Name {
        let (Some(old), Some(new)) = (&source_table.primary_key, &target_table.primary_key) else {
            return;
        };
        rename_constraint(p, schema, table, &old.name, &new.name);
        if ds.len() == 1 {
            return;
        }
    }
    let target_parts = Parts::of_table(&target_table);
    let source_parts = Parts::of_table(source_table);
    // The index of a key is made and dropped with the key.
    if kind == ObjectKind::Index {
        let backs = |parts: &Parts<'_>| parts.backs_key(name);
        let in_target = target_parts.index(name).is_some();
        let in_source = source_parts.index(name).is_some();
        if (in_target && backs(&target_parts)) || (in_source && backs(&source_parts)) {
            // Unless only the index itself changed (its storage options, say).
            if !(in_target && in_source && backs(&target_parts) && backs(&source_parts)) {
                return;
            }
        }
    }
    let drop = matches!(change, Change::Extra) || !matches!(change, Change::Missing);
    let add = !matches!(change, Change::Extra);
    if drop {
        drop_part(p, kind, schema, table, name, &source_parts);
    }
    if add {
        add_part(p, kind, schema, table, name, &target_parts);
    }
}

pub(crate) fn rename_constraint(
    p: &mut Planner<'_>,
    schema: &str,
    table: &str,
    old: &str,
    new: &str,
) {
    let rel = qualified(schema, table);
    p.push(
        Step::new(
            Phase::Renames,
            object("constraint", schema, Some(table), new),
            format!("rename constraint `{old}` of `{rel}` to `{new}`"),
            format!(
                "ALTER TABLE {rel} RENAME CONSTRAINT {} TO {}",
                quote_ident(old),
                quote_ident(new)
            ),
        )
        .lock(Lock::on(LockLevel::AccessExclusive, rel)),
    );
}

fn drop_part(
    p: &mut Planner<'_>,
    kind: ObjectKind,
    schema: &str,
    table: &str,
    name: &str,
    parts: &Parts<'_>,
) {
    let rel = qualified(schema, table);
    let (phase, what) = match kind {
        ObjectKind::ForeignKey => (Phase::DropForeignKeys, "foreign key"),
        ObjectKind::Check => (Phase::DropChecks, "check constraint"),
        ObjectKind::PrimaryKey => (Phase::DropKeys, "primary key"),
        ObjectKind::UniqueConstraint => (Phase::DropKeys, "unique constraint"),
        _ => (Phase::DropIndexes, "index"),
    };
    if kind == ObjectKind::Index {
        let Some(i) = parts.index(name) else { return };
        if parts.backs_key(name) {
            return;
        }
        let partitioned = create::is_partitioned(p, schema, table);
        let mut step = Step::new(
            phase,
            object("index", schema, Some(table), name),
            format!("drop index `{name}` on `{rel}`"),
            format!(
                "DROP INDEX {}{}",
                if partitioned { "" } else { "CONCURRENTLY " },
                qualified(schema, name)
            ),
        )
        .hazard(
            HazardKind::DropsIndex,
            format!("queries using `{}` on `{rel}` lose it", i.name),
        );
        step = if partitioned {
            step.lock(Lock::on(LockLevel::AccessExclusive, rel))
        } else {
            step.lock(Lock::on(LockLevel::ShareUpdateExclusive, rel))
                .transaction(Transaction::None)
                .hazard(
                    HazardKind::NotTransactional,
                    "cannot run in a transaction; if it fails, run it again",
                )
        };
        p.push(step);
        return;
    }
    let mut step = Step::new(
        phase,
        object(what, schema, Some(table), name),
        format!("drop {what} `{name}` of `{rel}`"),
        format!("ALTER TABLE {rel} DROP CONSTRAINT {}", quote_ident(name)),
    )
    .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()));
    if matches!(kind, ObjectKind::PrimaryKey | ObjectKind::UniqueConstraint) {
        step = step.hazard(
            HazardKind::DropsIndex,
            format!("drops the index of `{name}` on `{rel}`"),
        );
    }
    p.push(step);
}

fn add_part(
    p: &mut Planner<'_>,
    kind: ObjectKind,
    schema: &str,
    table: &str,
    name: &str,
    parts: &Parts<'_>,
) {
    match kind {
        ObjectKind::PrimaryKey => {
            if let Some(k) = parts.primary_key {
                create::key(p, schema, table, KeyKind::Primary, k, parts.index(&k.name));
            }
        }
        ObjectKind::UniqueConstraint => {
            if let Some(k) = parts.unique_constraints.iter().find(|k| k.name == name) {
                create::key(p, schema, table, KeyKind::Unique, k, parts.index(&k.name));
            }
        }
        ObjectKind::ForeignKey => {
            if let Some(fk) = parts.foreign_keys.iter().find(|f| f.name == name) {
                create::foreign_key(p, schema, table, fk);
            }
        }
        ObjectKind::Check => {
            if let Some(c) = parts.checks.iter().find(|c| c.name == name) {
                create::check(p, schema, table, c);
            }
        }
        _ => {
            if let Some(i) = parts.index(name) {
                if !parts.backs_key(name) {
                    create::index(p, schema, table, i);
                }
            }
        }
    }
}

/// A partition added (created with what it declares), dropped (with its rows), or changed:
/// a new bound takes it dropped and created again; otherwise what it declares of its own is
/// dropped and added by name.
fn partition(
    p: &mut Planner<'_>,
    source: &Snapshot,
    schema: &str,
    table: &str,
    name: &str,
    ds: &[&Difference],
) {
    let find = |s: &Snapshot| -> Option<Partition> {
        s.table(schema, table)?
            .partitions
            .iter()
            .find(|p| p.name == name)
            .cloned()
    };
    let target = find(p.target);
    let current = find(source);
    if p.is_new(schema, table) {
        return;
    }
    let drop = |p: &mut Planner<'_>, part: &Partition| {
        let rel = qualified(part.schema_or(schema), &part.name);
        p.push(
            Step::new(
                Phase::DropTables,
                object("partition", part.schema_or(schema), Some(table), &part.name),
                format!("drop partition `{rel}`"),
                format!("DROP TABLE {rel}"),
            )
            .lock(Lock::on(
                LockLevel::AccessExclusive,
                qualified(schema, table),
            ))
            .hazard(
                HazardKind::DeletesData,
                format!("drops partition `{rel}` with its rows"),
            ),
        );
    };
    match (ds[0].change, current, target) {
        (Change::Missing, _, Some(t)) => create::partition(p, schema, table, &t),
        (Change::Extra, Some(c), _) => drop(p, &c),
        (_, Some(c), Some(t))
            if c.bound != t.bound || c.of != t.of || c.partition_key != t.partition_key =>
        {
            drop(p, &c);
            // Created under the same name after the drop.
            let mut step_target = t.clone();
            step_target.name = t.name.clone();
            create::partition(p, schema, table, &step_target);
            if let Some(last) = p
                .steps
                .iter_mut()
                .rev()
                .find(|s| s.phase == Phase::DropTables && s.object.name == name)
            {
                last.phase = Phase::DropEarly;
            }
        }
        (_, Some(c), Some(t)) => own_parts(p, schema, table, &c, &t),
        _ => {}
    }
}

/// What a partition declares of its own, by name: dropped when gone or changed, added when new
/// or changed.
fn own_parts(p: &mut Planner<'_>, schema: &str, table: &str, c: &Partition, t: &Partition) {
    let part_schema = t.schema_or(schema).to_owned();
    let (sp, tp) = (Parts::of_partition(c), Parts::of_partition(t));
    let pk = |parts: &Parts<'_>, n: &str| {
        parts
            .primary_key
            .filter(|k| k.name == n)
            .map(|k| (k.clone(), parts.index(&k.name).cloned()))
    };
    let mut changed: Vec<(ObjectKind, String, bool, bool)> = Vec::new();
    let mut consider = |kind: ObjectKind, n: String, a: bool, b: bool, same: bool| {
        if !same {
            changed.push((kind, n, a, b));
        }
    };
    for n in names(
        sp.primary_key.map(std::slice::from_ref).unwrap_or_default(),
        tp.primary_key.map(std::slice::from_ref).unwrap_or_default(),
        |k| &k.name,
    ) {
        let (a, b) = (pk(&sp, &n), pk(&tp, &n));
        consider(ObjectKind::PrimaryKey, n, a.is_some(), b.is_some(), a == b);
    }
    for n in names(sp.unique_constraints, tp.unique_constraints, |k| &k.name) {
        let a = find(sp.unique_constraints, &n, |k| &k.name).map(|k| (k, sp.index(&n)));
        let b = find(tp.unique_constraints, &n, |k| &k.name).map(|k| (k, tp.index(&n)));
        consider(
            ObjectKind::UniqueConstraint,
            n,
            a.is_some(),
            b.is_some(),
            a == b,
        );
    }
    for n in names(sp.foreign_keys, tp.foreign_keys, |k| &k.name) {
        let (a, b) = (
            find(sp.foreign_keys, &n, |k| &k.name),
            find(tp.foreign_keys, &n, |k| &k.name),
        );
        consider(ObjectKind::ForeignKey, n, a.is_some(), b.is_some(), a == b);
    }
    for n in names(sp.checks, tp.checks, |k| &k.name) {
        let (a, b) = (
            find(sp.checks, &n, |k| &k.name),
            find(tp.checks, &n, |k| &k.name),
        );
        consider(ObjectKind::Check, n, a.is_some(), b.is_some(), a == b);
    }
    for n in names(sp.indexes, tp.indexes, |k| &k.name) {
        let (a, b) = (
            find(sp.indexes, &n, |k| &k.name),
            find(tp.indexes, &n, |k| &k.name),
        );
        consider(ObjectKind::Index, n, a.is_some(), b.is_some(), a == b);
    }
    for (kind, n, in_source, in_target) in changed {
        if in_source {
            drop_part(p, kind, &part_schema, &c.name, &n, &sp);
        }
        if in_target {
            add_part(p, kind, &part_schema, &t.name, &n, &tp);
        }
    }
    for n in names(sp.triggers, tp.triggers, |t| &t.name) {
        let (a, b) = (
            find(sp.triggers, &n, |t| &t.name),
            find(tp.triggers, &n, |t| &t.name),
        );
        if a == b {
            continue;
        }
        let rel = qualified(&part_schema, &t.name);
        if a.is_some() {
            p.push(
                Step::new(
                    Phase::DropTriggers,
                    object("trigger", &part_schema, Some(&t.name), &n),
                    format!("drop trigger `{n}` on `{rel}`"),
                    format!("DROP TRIGGER {} ON {rel}", quote_ident(&n)),
                )
                .lock(Lock::on(LockLevel::AccessExclusive, rel.clone())),
            );
        }
        if let Some(tr) = b {
            create::trigger(p, &part_schema, &t.name, tr);
        }
    }
    let _ = table;
}

fn names<T>(a: &[T], b: &[T], name: impl Fn(&T) -> &String) -> BTreeSet<String> {
    a.iter().chain(b).map(|x| name(x).clone()).collect()
}

fn find<'a, T>(items: &'a [T], n: &str, name: impl Fn(&T) -> &String) -> Option<&'a T> {
    items.iter().find(|x| name(x) == n)
}
