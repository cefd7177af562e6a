//! Creating whole objects: a schema with everything in it, a table with its keys, indexes,
//! constraints, partitions, triggers and policies, and each kind of object on its own. A
//! relation this plan creates is empty, so its keys and constraints are added plainly; on an
//! existing table they take their online-safe forms (`change` and the helpers here, keys and
//! constraints in `constraints`).

mod constraints;

use crate::ident::quote_ident;
use crate::snapshot::{
    Check, Domain, Extension, ForeignKey, Function, Index, KeyConstraint, Partition, RelationKind,
    RowSecurity, Schema, Sequence, Table, Trigger,
};

use super::hazard::HazardKind;
use super::order::Phase;
use super::preflight::{Condition, When};
use super::render::{self, Build, qualified};
use super::step::{Lock, LockLevel, Object, Step, Transaction};
use super::{Planner, deps};

pub(crate) use self::constraints::{KeyKind, check, foreign_key, index, is_partitioned, key};

pub(crate) fn object(kind: &'static str, schema: &str, table: Option<&str>, name: &str) -> Object {
    Object {
        kind,
        schema: Some(schema.to_owned()),
        table: table.map(str::to_owned),
        name: name.to_owned(),
    }
}

/// `CREATE SCHEMA IF NOT EXISTS` and everything in it.
pub(crate) fn schema(p: &mut Planner<'_>, name: &str, s: &Schema) {
    p.push(Step::new(
        Phase::Schemas,
        Object {
            kind: "schema",
            schema: None,
            table: None,
            name: name.to_owned(),
        },
        format!("create schema `{name}`"),
        format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(name)),
    ));
    for (n, e) in &s.enums {
        p.push(Step::new(
            Phase::Enums,
            object("enum", name, None, n),
            format!("create enum `{}`", qualified(name, n)),
            render::create_enum(name, n, e),
        ));
    }
    for (n, d) in &s.domains {
        domain(p, name, n, d);
    }
    for (n, c) in &s.composites {
        let text: Vec<&str> = c
            .attributes
            .iter()
            .map(|a| a.type_display.as_str())
            .collect();
        p.push_defining(
            Step::new(
                Phase::Types,
                object("composite type", name, None, n),
                format!("create composite type `{}`", qualified(name, n)),
                render::create_composite(name, n, c),
            ),
            name,
            n,
            text.join(" "),
        );
    }
    for (n, seq) in &s.sequences {
        sequence(p, name, n, seq);
    }
    for (key, f) in &s.functions {
        function(p, name, key, f);
    }
    for (n, t) in &s.tables {
        table(p, name, n, t);
    }
}

pub(crate) fn domain(p: &mut Planner<'_>, schema: &str, name: &str, d: &Domain) {
    let mut text = d.type_display.clone();
    for c in &d.checks {
        text.push(' ');
        text.push_str(&c.definition);
    }
    p.push_defining(
        Step::new(
            Phase::Types,
            object("domain", schema, None, name),
            format!("create domain `{}`", qualified(schema, name)),
            render::create_domain(schema, name, d),
        ),
        schema,
        name,
        text,
    );
}

pub(crate) fn sequence(p: &mut Planner<'_>, schema: &str, name: &str, s: &Sequence) {
    p.push(Step::new(
        Phase::Sequences,
        object("sequence", schema, None, name),
        format!("create sequence `{}`", qualified(schema, name)),
        render::create_sequence(schema, name, s),
    ));
    if let Some(owner) = &s.owned_by {
        p.push(Step::new(
            Phase::SequenceOwners,
            object("sequence", schema, None, name),
            format!(
                "make column `{}.{}` the owner of sequence `{}`",
                qualified(&owner.schema, &owner.table),
                owner.column,
                qualified(schema, name)
            ),
            format!(
                "ALTER SEQUENCE {} OWNED BY {}.{}",
                qualified(schema, name),
                qualified(&owner.schema, &owner.table),
                quote_ident(&owner.column)
            ),
        ));
    }
}

pub(crate) fn extension(p: &mut Planner<'_>, name: &str, e: &Extension) {
    let mut step = Step::new(
        Phase::Extensions,
        Object {
            kind: "extension",
            schema: None,
            table: None,
            name: name.to_owned(),
        },
        format!(
            "create extension `{name}` {} in schema `{}`",
            e.version, e.schema
        ),
        render::create_extension(name, e),
    );
    // The extension's schema may be one the snapshot does not describe.
    if !p.target.schemas.contains_key(&e.schema) && e.schema != "pg_catalog" {
        step.statements.insert(
            0,
            format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(&e.schema)),
        );
    }
    p.push(step);
}

/// Whether a function's arguments or result use a relation's row type, which must exist first.
fn uses_row_types(p: &Planner<'_>, f: &Function) -> bool {
    let text = format!("{} {}", f.arguments, f.returns.as_deref().unwrap_or(""));
    let relations = p
        .target
        .schemas
        .iter()
        .flat_map(|(s, sch)| sch.tables.keys().map(move |t| (s.as_str(), t.as_str())));
    !deps::mentioned_in(&text, relations).is_empty()
}

pub(crate) fn function(p: &mut Planner<'_>, schema: &str, key: &str, f: &Function) {
    let phase = if uses_row_types(p, f) {
        Phase::LateFunctions
    } else {
        Phase::Functions
    };
    let (name, _) = Function::split_key(key);
    // Functions used by other functions' defaults or aggregates come first.
    let text = format!(
        "{} {}",
        f.arguments,
        f.aggregate
            .as_ref()
            .map(|a| format!(
                "{} {}",
                a.state_function,
                a.final_function.as_deref().unwrap_or("")
            ))
            .unwrap_or_default()
    );
    p.push_defining(
        Step::new(
            phase,
            object(kind_name(f), schema, None, key),
            format!("create {} `{}`", kind_name(f), qualified(schema, key)),
            render::create_function(schema, key, f, false),
        ),
        schema,
        name,
        text,
    );
}

pub(crate) fn kind_name(f: &Function) -> &'static str {
    match f.kind {
        crate::snapshot::FunctionKind::Function => "function",
        crate::snapshot::FunctionKind::Window => "window function",
        crate::snapshot::FunctionKind::Procedure => "procedure",
        crate::snapshot::FunctionKind::Aggregate => "aggregate",
    }
}

/// A relation of any kind with everything on it.
pub(crate) fn table(p: &mut Planner<'_>, schema: &str, name: &str, t: &Table) {
    p.created.insert((schema.to_owned(), name.to_owned()));
    match t.kind {
        RelationKind::View | RelationKind::MaterializedView => {
            view(p, schema, name, t);
            return;
        }
        RelationKind::Table | RelationKind::PartitionedTable => {}
    }
    p.push(Step::new(
        Phase::Tables,
        object("table", schema, None, name),
        format!("create table `{}`", qualified(schema, name)),
        render::create_table(schema, name, t),
    ));
    parts(p, schema, name, &Parts::of_table(t));
    for part in &t.partitions {
        partition(p, schema, name, part);
    }
    row_security(p, schema, name, t.row_security);
    for policy in &t.policies {
        let rel = qualified(schema, name);
        p.push(
            Step::new(
                Phase::Policies,
                object("policy", schema, Some(name), &policy.name),
                format!("create policy `{}` on `{rel}`", policy.name),
                render::create_policy(&rel, policy),
            )
            .lock(Lock::on(LockLevel::AccessExclusive, rel.clone())),
        );
    }
}

/// `ENABLE` (and `FORCE`) `ROW LEVEL SECURITY`.
pub(crate) fn row_security(p: &mut Planner<'_>, schema: &str, name: &str, rs: Option<RowSecurity>) {
    let Some(rs) = rs else { return };
    let rel = qualified(schema, name);
    let mut step = Step::new(
        Phase::Policies,
        object("table", schema, None, name),
        format!("enable row-level security on `{rel}`"),
        format!("ALTER TABLE {rel} ENABLE ROW LEVEL SECURITY"),
    )
    .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()));
    if rs == RowSecurity::Forced {
        step = step.statement(format!("ALTER TABLE {rel} FORCE ROW LEVEL SECURITY"));
    }
    p.push(step);
}

/// What a table or a partition carries of its own.
pub(crate) struct Parts<'t> {
    pub(crate) primary_key: Option<&'t KeyConstraint>,
    pub(crate) unique_constraints: &'t [KeyConstraint],
    pub(crate) indexes: &'t [Index],
    pub(crate) foreign_keys: &'t [ForeignKey],
    pub(crate) checks: &'t [Check],
    pub(crate) triggers: &'t [Trigger],
}

impl<'t> Parts<'t> {
    pub(crate) fn of_table(t: &'t Table) -> Self {
        Parts {
            primary_key: t.primary_key.as_ref(),
            unique_constraints: &t.unique_constraints,
            indexes: &t.indexes,
            foreign_keys: &t.foreign_keys,
            checks: &t.checks,
            triggers: &t.triggers,
        }
    }

    pub(crate) fn of_partition(p: &'t Partition) -> Self {
        Parts {
            primary_key: p.primary_key.as_ref(),
            unique_constraints: &p.unique_constraints,
            indexes: &p.indexes,
            foreign_keys: &p.foreign_keys,
            checks: &p.checks,
            triggers: &p.triggers,
        }
    }

    /// Whether an index backs one of the keys (and is made with it).
    pub(crate) fn backs_key(&self, index: &str) -> bool {
        self.primary_key.is_some_and(|k| k.name == index)
            || self.unique_constraints.iter().any(|k| k.name == index)
    }

    pub(crate) fn index(&self, name: &str) -> Option<&'t Index> {
        self.indexes.iter().find(|i| i.name == name)
    }
}

/// Keys, indexes, foreign keys, checks and triggers of a table created by this plan.
fn parts(p: &mut Planner<'_>, schema: &str, table: &str, parts: &Parts<'_>) {
    if let Some(pk) = parts.primary_key {
        key(
            p,
            schema,
            table,
            KeyKind::Primary,
            pk,
            parts.index(&pk.name),
        );
    }
    for u in parts.unique_constraints {
        key(p, schema, table, KeyKind::Unique, u, parts.index(&u.name));
    }
    for i in parts.indexes {
        if !parts.backs_key(&i.name) {
            index(p, schema, table, i);
        }
    }
    for fk in parts.foreign_keys {
        foreign_key(p, schema, table, fk);
    }
    for c in parts.checks {
        check(p, schema, table, c);
    }
    for t in parts.triggers {
        trigger(p, schema, table, t);
    }
}

pub(crate) fn trigger(p: &mut Planner<'_>, schema: &str, table: &str, t: &Trigger) {
    let rel = qualified(schema, table);
    let statements = render::create_trigger(&rel, t);
    let mut step = Step::new(
        Phase::Triggers,
        object("trigger", schema, Some(table), &t.name),
        format!("create trigger `{}` on `{rel}`", t.name),
        statements[0].clone(),
    )
    .lock(Lock::on(LockLevel::ShareRowExclusive, rel));
    for s in &statements[1..] {
        step = step.statement(s.clone());
    }
    p.push(step);
}

/// `CREATE TABLE ... PARTITION OF` and what the partition declares of its own.
pub(crate) fn partition(p: &mut Planner<'_>, schema: &str, table: &str, part: &Partition) {
    let part_schema = part.schema_or(schema);
    let parent = match &part.of {
        Some(of) => qualified(part_schema, of),
        None => qualified(schema, table),
    };
    p.created
        .insert((part_schema.to_owned(), part.name.clone()));
    let text = format!("PARTITION OF {parent}");
    p.push_defining(
        Step::new(
            Phase::Partitions,
            object("partition", part_schema, Some(table), &part.name),
            format!(
                "create partition `{}` of `{parent}`",
                qualified(part_schema, &part.name)
            ),
            render::create_partition(
                part_schema,
                &part.name,
                &parent,
                &part.bound,
                part.partition_key.as_deref(),
            ),
        )
        .lock(Lock::on(LockLevel::AccessExclusive, parent.clone())),
        part_schema,
        &part.name,
        text,
    );
    parts(p, part_schema, &part.name, &Parts::of_partition(part));
}

pub(crate) fn view(p: &mut Planner<'_>, schema: &str, name: &str, t: &Table) {
    let materialized = t.kind == RelationKind::MaterializedView;
    let kind = t.kind.describe();
    let mut step = Step::new(
        Phase::Views,
        object(kind, schema, None, name),
        format!("create {kind} `{}`", qualified(schema, name)),
        render::create_view(schema, name, t, materialized),
    );
    if materialized {
        // Runs its query.
        step = step.data();
    }
    p.push_defining(step, schema, name, t.definition.clone().unwrap_or_default());
    if materialized {
        for i in &t.indexes {
            index(p, schema, name, i);
        }
    }
    for tr in &t.triggers {
        trigger(p, schema, name, tr);
    }
}
