//! What a table holds besides columns: keys, unique constraints, foreign keys, checks,
//! indexes and partitions, dropped, added or renamed.

use super::*;

/// Keys, constraints and indexes of a table in both schemas: added, dropped, or dropped and
/// added again when they changed.
pub(super) fn table_part(
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

pub(super) fn drop_part(
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

pub(super) fn add_part(
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
pub(super) fn partition(
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
pub(super) fn own_parts(
    p: &mut Planner<'_>,
    schema: &str,
    table: &str,
    c: &Partition,
    t: &Partition,
) {
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
