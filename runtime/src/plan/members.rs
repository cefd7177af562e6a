//! The members format version 2 added (functions, sequences, triggers, policies and row-level
//! security, view queries, storage parameters, `UNLOGGED`, partition keys, column collations,
//! identity options and generation expressions), planned for the schemas and relations both
//! sides have. The comparison reports them (`diff/compare/members.rs`); what to do for each is
//! decided here from the two snapshots, matched by name as the comparison matches them, because
//! recreating one needs its whole definition and what depends on it (`change.rs` skips their
//! report entries).

use std::collections::BTreeSet;

use crate::ident::quote_ident;
use crate::snapshot::{Column, Function, Policy, RelationKind, Sequence, Snapshot, Table, Trigger};

use super::change::{drop_function, drop_sequence, drop_view, drop_views_reading};
use super::create::{self, object};
use super::hazard::HazardKind;
use super::order::Phase;
use super::render::{self, qualified, with_options};
use super::step::{Lock, LockLevel, Step};
use super::{Planner, deps};

/// Plans the members of the schemas and relations `source` and the target both have.
pub(crate) fn plan(p: &mut Planner<'_>, source: &Snapshot) {
    let target = p.target;
    for (schema, t) in &target.schemas {
        let Some(s) = source.schemas.get(schema) else {
            continue;
        };
        sequences(p, schema, &s.sequences, &t.sequences);
        functions(p, source, schema, &s.functions, &t.functions);
        for (name, tt) in &t.tables {
            let Some(st) = s.tables.get(name) else {
                continue;
            };
            if st.kind != tt.kind || p.is_new(schema, name) {
                continue;
            }
            relation(p, source, schema, name, st, tt);
        }
    }
}

fn sequences(
    p: &mut Planner<'_>,
    schema: &str,
    source: &std::collections::BTreeMap<String, Sequence>,
    target: &std::collections::BTreeMap<String, Sequence>,
) {
    for (name, t) in target {
        match source.get(name) {
            None => create::sequence(p, schema, name, t),
            Some(s) if s == t => {}
            Some(s) => alter_sequence(p, schema, name, s, t),
        }
    }
    for name in source.keys() {
        if !target.contains_key(name) {
            drop_sequence(p, schema, name);
        }
    }
}

fn alter_sequence(p: &mut Planner<'_>, schema: &str, name: &str, s: &Sequence, t: &Sequence) {
    let rel = qualified(schema, name);
    let (so, to) = (s.options(), t.options());
    let mut parts = Vec::new();
    if s.type_display != t.type_display {
        parts.push(format!("AS {}", t.type_display));
    }
    parts.extend(so.changes_to(&to));
    if !parts.is_empty() {
        p.push(Step::new(
            Phase::Sequences,
            object("sequence", schema, None, name),
            format!("change the options of sequence `{rel}`"),
            format!("ALTER SEQUENCE {rel} {}", parts.join(" ")),
        ));
    }
    if s.owned_by != t.owned_by {
        let owner = match &t.owned_by {
            Some(o) => format!(
                "{}.{}",
                qualified(&o.schema, &o.table),
                quote_ident(&o.column)
            ),
            None => "NONE".to_owned(),
        };
        p.push(Step::new(
            Phase::SequenceOwners,
            object("sequence", schema, None, name),
            format!("make `{owner}` the owner of sequence `{rel}`"),
            format!("ALTER SEQUENCE {rel} OWNED BY {owner}"),
        ));
    }
}

/// Whether PostgreSQL can replace `s` by `t` in place (`CREATE OR REPLACE`): same kind and
/// result, and not an aggregate.
fn replaceable(s: &Function, t: &Function) -> bool {
    s.kind == t.kind
        && s.returns == t.returns
        && s.arguments == t.arguments
        && s.aggregate.is_none()
}

fn functions(
    p: &mut Planner<'_>,
    source: &Snapshot,
    schema: &str,
    s: &std::collections::BTreeMap<String, Function>,
    t: &std::collections::BTreeMap<String, Function>,
) {
    for (key, tf) in t {
        match s.get(key) {
            None => create::function(p, schema, key, tf),
            Some(sf) if sf == tf => {}
            Some(sf) if replaceable(sf, tf) => {
                let rel = qualified(schema, key);
                p.push(
                    Step::new(
                        Phase::Functions,
                        object(create::kind_name(tf), schema, None, key),
                        format!("replace {} `{rel}`", create::kind_name(tf)),
                        render::create_function(schema, key, tf, true),
                    )
                    .hazard(
                        HazardKind::ChangesBehavior,
                        format!("replaces the body or attributes of `{rel}`"),
                    ),
                );
            }
            Some(sf) => {
                // Dropped first, with what uses it, and created again.
                release_function(p, source, schema, key);
                let rel = qualified(schema, key);
                p.push(
                    Step::new(
                        Phase::DropEarly,
                        object(create::kind_name(sf), schema, None, key),
                        format!("drop {} `{rel}` to create it again", create::kind_name(sf)),
                        render::drop_function(schema, key, sf),
                    )
                    .hazard(
                        HazardKind::RecreatesObject,
                        format!("`{rel}` changes its result or kind: dropped and created again"),
                    ),
                );
                create::function(p, schema, key, tf);
            }
        }
    }
    for (key, sf) in s {
        if !t.contains_key(key) {
            release_function(p, source, schema, key);
            drop_function(p, schema, key, sf);
        }
    }
}

/// Drops what uses function `schema.key` in the source (triggers, views), to be created again
/// from the target.
fn release_function(p: &mut Planner<'_>, source: &Snapshot, schema: &str, key: &str) {
    let (name, _) = Function::split_key(key);
    for (s, sch) in &source.schemas {
        for (t, table) in &sch.tables {
            if table.kind.is_view()
                && deps::mentions(table.definition.as_deref().unwrap_or(""), schema, name)
            {
                drop_view(p, s, t, table);
                drop_views_reading(p, source, s, t);
            }
            for tr in &table.triggers {
                if deps::mentions(&tr.definition, schema, name) {
                    release_trigger(p, s, t, &tr.name);
                }
            }
        }
    }
}

/// Drops trigger `name` on `schema.table` before the steps that need it gone (a function it
/// calls recreated, a column it names changing type) and creates the target's after: once per
/// trigger, which [`triggers`] then leaves alone.
pub(crate) fn release_trigger(p: &mut Planner<'_>, schema: &str, table: &str, name: &str) {
    let key = (schema.to_owned(), table.to_owned(), name.to_owned());
    if !p.released_triggers.insert(key) {
        return;
    }
    drop_trigger(p, schema, table, name, Phase::DropTriggers);
    let target = p
        .target
        .table(schema, table)
        .and_then(|t| t.triggers.iter().find(|x| x.name == name))
        .cloned();
    if let Some(t) = target {
        create::trigger(p, schema, table, &t);
    }
}

fn drop_trigger(p: &mut Planner<'_>, schema: &str, table: &str, name: &str, phase: Phase) {
    let rel = qualified(schema, table);
    p.push(
        Step::new(
            phase,
            object("trigger", schema, Some(table), name),
            format!("drop trigger `{name}` on `{rel}`"),
            format!("DROP TRIGGER IF EXISTS {} ON {rel}", quote_ident(name)),
        )
        .lock(Lock::on(LockLevel::AccessExclusive, rel)),
    );
}

fn relation(
    p: &mut Planner<'_>,
    source: &Snapshot,
    schema: &str,
    name: &str,
    s: &Table,
    t: &Table,
) {
    let rel = qualified(schema, name);
    if s.kind.is_view() {
        if s.definition != t.definition || s.options != t.options {
            drop_view(p, schema, name, s);
            drop_views_reading(p, source, schema, name);
        }
    } else {
        if s.options != t.options {
            options(p, schema, name, s, t);
        }
        if s.unlogged != t.unlogged {
            p.push(
                Step::new(
                    Phase::ColumnChanges,
                    object("table", schema, None, name),
                    format!(
                        "make `{rel}` {}",
                        if t.unlogged { "unlogged" } else { "logged" }
                    ),
                    format!(
                        "ALTER TABLE {rel} SET {}",
                        if t.unlogged { "UNLOGGED" } else { "LOGGED" }
                    ),
                )
                .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()))
                .data()
                .hazard(HazardKind::RewritesTable, format!("rewrites `{rel}`")),
            );
        }
        if s.partition_key != t.partition_key {
            p.note(
                super::NoteKind::Unplanned,
                format!(
                    "the partition key of `{rel}` changes ({} to {}); PostgreSQL cannot change \
                     it: create the table anew and move the rows, by hand",
                    s.partition_key.as_deref().unwrap_or("none"),
                    t.partition_key.as_deref().unwrap_or("none")
                ),
            );
        }
        columns(p, schema, name, s, t);
    }
    triggers(p, schema, name, &s.triggers, &t.triggers);
    policies(p, schema, name, s, t);
}

fn options(p: &mut Planner<'_>, schema: &str, name: &str, s: &Table, t: &Table) {
    let rel = qualified(schema, name);
    let set: std::collections::BTreeMap<String, String> = t
        .options
        .iter()
        .filter(|(k, v)| s.options.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let reset: Vec<String> = s
        .options
        .keys()
        .filter(|k| !t.options.contains_key(*k))
        .map(|k| quote_ident(k).into_owned())
        .collect();
    let mut step: Option<Step> = None;
    let push = |step: &mut Option<Step>, sql: String| {
        *step = Some(match step.take() {
            None => Step::new(
                Phase::ColumnChanges,
                object("table", schema, None, name),
                format!("change the storage parameters of `{rel}`"),
                sql,
            )
            .lock(Lock::on(LockLevel::ShareUpdateExclusive, rel.clone())),
            Some(s) => s.statement(sql),
        })
    };
    if !set.is_empty() {
        push(
            &mut step,
            format!(
                "ALTER TABLE {rel} SET {}",
                with_options(&set).trim_start_matches(" WITH ")
            ),
        );
    }
    if !reset.is_empty() {
        push(
            &mut step,
            format!("ALTER TABLE {rel} RESET ({})", reset.join(", ")),
        );
    }
    if let Some(s) = step {
        p.push(s);
    }
}

/// A column's collation, identity options and generation expression.
fn columns(p: &mut Planner<'_>, schema: &str, name: &str, s: &Table, t: &Table) {
    let rel = qualified(schema, name);
    for tc in &t.columns {
        let Some(sc) = s.column(&tc.name) else {
            continue;
        };
        // A type change carries the collation.
        if sc.type_display != tc.type_display {
            continue;
        }
        let col = quote_ident(&tc.name);
        if sc.collation != tc.collation {
            let collate = tc
                .collation
                .as_ref()
                .map(|c| format!(" COLLATE {c}"))
                .unwrap_or_else(|| " COLLATE \"default\"".to_owned());
            p.push(
                Step::new(
                    Phase::ColumnTypes,
                    object("column", schema, Some(name), &tc.name),
                    format!("change the collation of `{rel}.{}`", tc.name),
                    format!(
                        "ALTER TABLE {rel} ALTER COLUMN {col} TYPE {}{collate}",
                        tc.type_display
                    ),
                )
                .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()))
                .data()
                .hazard(
                    HazardKind::AccessExclusiveLock,
                    format!(
                        "rebuilds the indexes on `{rel}.{}` while the table is locked",
                        tc.name
                    ),
                ),
            );
        }
        if sc.identity.is_some()
            && tc.identity.is_some()
            && sc.identity_sequence != tc.identity_sequence
        {
            identity_sequence(p, schema, name, sc, tc);
        }
        if sc.generated.is_some()
            && sc.generated == tc.generated
            && sc.generation_expression != tc.generation_expression
        {
            p.push(
                Step::new(
                    Phase::ColumnTypes,
                    object("column", schema, Some(name), &tc.name),
                    format!("drop and add `{rel}.{}` to change its expression", tc.name),
                    format!("ALTER TABLE {rel} DROP COLUMN {col}"),
                )
                .statement(format!(
                    "ALTER TABLE {rel} ADD COLUMN {}",
                    render::column_definition(tc, true)
                ))
                .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()))
                .data()
                .hazard(
                    HazardKind::RewritesTable,
                    format!("rewrites `{rel}` to compute `{}` anew", tc.name),
                ),
            );
        }
    }
}

fn identity_sequence(p: &mut Planner<'_>, schema: &str, table: &str, s: &Column, t: &Column) {
    let rel = qualified(schema, table);
    let col = quote_ident(&t.name);
    let default_name = format!("{table}_{}_seq", t.name);
    let sname = |c: &Column| {
        c.identity_sequence
            .as_ref()
            .and_then(|i| i.name.clone())
            .unwrap_or_else(|| default_name.clone())
    };
    let (so, to) = (
        s.identity_sequence
            .clone()
            .unwrap_or_default()
            .options(&s.type_display),
        t.identity_sequence
            .clone()
            .unwrap_or_default()
            .options(&t.type_display),
    );
    let sets: Vec<String> = so
        .changes_to(&to)
        .into_iter()
        .map(|c| format!("SET {c}"))
        .collect();
    let mut statements = Vec::new();
    if !sets.is_empty() {
        statements.push(format!(
            "ALTER TABLE {rel} ALTER COLUMN {col} {}",
            sets.join(" ")
        ));
    }
    if sname(s) != sname(t) {
        statements.push(format!(
            "ALTER SEQUENCE {} RENAME TO {}",
            qualified(schema, &sname(s)),
            quote_ident(&sname(t))
        ));
    }
    if let Some((first, rest)) = statements.split_first() {
        let mut step = Step::new(
            Phase::ColumnChanges,
            object("column", schema, Some(table), &t.name),
            format!("change the identity sequence of `{rel}.{}`", t.name),
            first.clone(),
        )
        .lock(Lock::on(LockLevel::AccessExclusive, rel));
        for r in rest {
            step = step.statement(r.clone());
        }
        p.push(step);
    }
}

fn triggers(p: &mut Planner<'_>, schema: &str, table: &str, s: &[Trigger], t: &[Trigger]) {
    let rel = qualified(schema, table);
    let names: BTreeSet<&String> = s.iter().chain(t).map(|x| &x.name).collect();
    for n in names {
        let released = (schema.to_owned(), table.to_owned(), n.clone());
        if p.released_triggers.contains(&released) {
            continue;
        }
        let (a, b) = (
            s.iter().find(|x| &x.name == n),
            t.iter().find(|x| &x.name == n),
        );
        match (a, b) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) if a.definition == b.definition => {
                let how = match b.enabled {
                    None => "ENABLE",
                    Some(crate::snapshot::TriggerEnabled::Disabled) => "DISABLE",
                    Some(crate::snapshot::TriggerEnabled::Replica) => "ENABLE REPLICA",
                    Some(crate::snapshot::TriggerEnabled::Always) => "ENABLE ALWAYS",
                };
                let _ = a;
                p.push(
                    Step::new(
                        Phase::Triggers,
                        object("trigger", schema, Some(table), n),
                        format!("{} trigger `{n}` on `{rel}`", how.to_lowercase()),
                        format!("ALTER TABLE {rel} {how} TRIGGER {}", quote_ident(n)),
                    )
                    .lock(Lock::on(LockLevel::ShareRowExclusive, rel.clone()))
                    .hazard(
                        HazardKind::ChangesBehavior,
                        format!("changes when `{n}` fires"),
                    ),
                );
            }
            (Some(_), Some(b)) => {
                // Replaced in one transaction: no write goes by without it.
                let statements = render::create_trigger(&rel, b);
                let mut step = Step::new(
                    Phase::Triggers,
                    object("trigger", schema, Some(table), n),
                    format!("replace trigger `{n}` on `{rel}`"),
                    format!("DROP TRIGGER {} ON {rel}", quote_ident(n)),
                )
                .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()))
                .hazard(
                    HazardKind::ChangesBehavior,
                    format!("changes trigger `{n}` on `{rel}`"),
                );
                for st in statements {
                    step = step.statement(st);
                }
                p.push(step);
            }
            (None, Some(b)) => create::trigger(p, schema, table, b),
            (Some(_), None) => drop_trigger(p, schema, table, n, Phase::DropTriggers),
            (None, None) => {}
        }
    }
}

fn policies(p: &mut Planner<'_>, schema: &str, table: &str, s: &Table, t: &Table) {
    let rel = qualified(schema, table);
    let names: BTreeSet<&String> = s
        .policies
        .iter()
        .chain(&t.policies)
        .map(|x| &x.name)
        .collect();
    let find = |list: &[Policy], n: &str| list.iter().find(|x| x.name == n).cloned();
    for n in names {
        let (a, b) = (find(&s.policies, n), find(&t.policies, n));
        if a == b {
            continue;
        }
        let mut step: Option<Step> = None;
        if a.is_some() {
            step = Some(
                Step::new(
                    Phase::Policies,
                    object("policy", schema, Some(table), n),
                    format!(
                        "{} policy `{n}` on `{rel}`",
                        if b.is_some() { "replace" } else { "drop" }
                    ),
                    format!("DROP POLICY {} ON {rel}", quote_ident(n)),
                )
                .lock(Lock::on(LockLevel::AccessExclusive, rel.clone())),
            );
        }
        if let Some(b) = &b {
            let sql = render::create_policy(&rel, b);
            step = Some(match step {
                Some(st) => st.statement(sql),
                None => Step::new(
                    Phase::Policies,
                    object("policy", schema, Some(table), n),
                    format!("create policy `{n}` on `{rel}`"),
                    sql,
                )
                .lock(Lock::on(LockLevel::AccessExclusive, rel.clone())),
            });
            if !b.roles.is_empty() {
                step = step.map(|st| {
                    st.hazard(
                        HazardKind::UntrackedDependencies,
                        format!(
                            "names roles ({}) the snapshot does not describe",
                            b.roles.join(", ")
                        ),
                    )
                });
            }
        }
        if let Some(st) = step {
            p.push(st.hazard(
                HazardKind::ChangesBehavior,
                format!("changes which rows policy `{n}` lets through"),
            ));
        }
    }
    if s.row_security != t.row_security {
        let mut statements = Vec::new();
        match t.row_security {
            None => statements.push(format!("ALTER TABLE {rel} DISABLE ROW LEVEL SECURITY")),
            Some(rs) => {
                statements.push(format!("ALTER TABLE {rel} ENABLE ROW LEVEL SECURITY"));
                statements.push(format!(
                    "ALTER TABLE {rel} {} ROW LEVEL SECURITY",
                    if rs == crate::snapshot::RowSecurity::Forced {
                        "FORCE"
                    } else {
                        "NO FORCE"
                    }
                ));
            }
        }
        let mut step = Step::new(
            Phase::Policies,
            object("table", schema, None, table),
            format!("change row-level security on `{rel}`"),
            statements[0].clone(),
        )
        .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()))
        .hazard(
            HazardKind::ChangesBehavior,
            format!("changes which rows of `{rel}` queries see"),
        );
        for st in &statements[1..] {
            step = step.statement(st.clone());
        }
        p.push(step);
    }
    let _ = RelationKind::Table;
}
