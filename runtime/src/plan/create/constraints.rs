//! Keys, unique constraints, indexes, foreign keys and checks, in their online-safe forms: a
//! unique or primary key over an index built concurrently, constraints `NOT VALID` then
//! validated.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Primary,
    Unique,
}

impl KeyKind {
    fn sql(self) -> &'static str {
        match self {
            KeyKind::Primary => "PRIMARY KEY",
            KeyKind::Unique => "UNIQUE",
        }
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            KeyKind::Primary => "primary key",
            KeyKind::Unique => "unique constraint",
        }
    }
}

/// A primary key or unique constraint: plainly on a new table; on an existing one, its index
/// built concurrently first (after a check for duplicates), then attached.
pub(crate) fn key(
    p: &mut Planner<'_>,
    schema: &str,
    table: &str,
    kind: KeyKind,
    k: &KeyConstraint,
    index: Option<&Index>,
) {
    let rel = qualified(schema, table);
    let obj = object(kind.describe(), schema, Some(table), &k.name);
    let partitioned = is_partitioned(p, schema, table);
    if p.is_new(schema, table) || partitioned || index.is_none() {
        let mut step = Step::new(
            Phase::Keys,
            obj,
            format!("add {} `{}` to `{rel}`", kind.describe(), k.name),
            format!(
                "ALTER TABLE {rel} ADD CONSTRAINT {} {}",
                quote_ident(&k.name),
                render::key_constraint(kind.sql(), k, index)
            ),
        )
        .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()));
        if !p.is_new(schema, table) {
            step = step
                .data()
                .hazard(
                    HazardKind::AccessExclusiveLock,
                    format!("builds the index of `{}` while `{rel}` is locked", k.name),
                )
                .hazard(
                    HazardKind::ValidatesData,
                    format!(
                        "fails if `{rel}` has duplicate {}",
                        render::column_list(&k.columns)
                    ),
                )
                .condition(
                    When::Before,
                    Condition::NoDuplicates {
                        schema: schema.to_owned(),
                        table: table.to_owned(),
                        index: key_index(k, index),
                    },
                );
        }
        p.push(step);
        return;
    }
    let idx = key_index(k, index);
    p.push(
        Step::new(
            Phase::Keys,
            object("index", schema, Some(table), &k.name),
            format!(
                "build the index of {} `{}` on `{rel}`",
                kind.describe(),
                k.name
            ),
            render::create_index(schema, table, &idx, Build::Concurrently),
        )
        .lock(Lock::on(LockLevel::ShareUpdateExclusive, rel.clone()))
        .transaction(Transaction::None)
        .data()
        .hazard(
            HazardKind::BuildsIndex,
            format!("builds unique index `{}` on `{rel}`", k.name),
        )
        .hazard(
            HazardKind::ValidatesData,
            format!(
                "fails if `{rel}` has duplicate {}",
                render::column_list(&k.columns)
            ),
        )
        .hazard(
            HazardKind::NotTransactional,
            format!(
                "if the build fails, drop the invalid index: DROP INDEX CONCURRENTLY IF EXISTS {}",
                qualified(schema, &k.name)
            ),
        )
        .condition(
            When::Before,
            Condition::NoDuplicates {
                schema: schema.to_owned(),
                table: table.to_owned(),
                index: idx.clone(),
            },
        ),
    );
    let mut tail = render::key_constraint(kind.sql(), k, None);
    // `USING INDEX` takes no column list: only the deferrability.
    tail = tail
        .split_once(')')
        .map(|(_, rest)| rest.to_owned())
        .unwrap_or_default();
    p.push(
        Step::new(
            Phase::Keys,
            obj,
            format!("make index `{}` the {} of `{rel}`", k.name, kind.describe()),
            format!(
                "ALTER TABLE {rel} ADD CONSTRAINT {} {} USING INDEX {}{tail}",
                quote_ident(&k.name),
                kind.sql(),
                quote_ident(&k.name)
            ),
        )
        .lock(Lock::on(LockLevel::AccessExclusive, rel)),
    );
}

/// The index behind a key: the snapshot's, or one made from the key's columns.
pub(super) fn key_index(k: &KeyConstraint, index: Option<&Index>) -> Index {
    let mut i = index.cloned().unwrap_or_else(|| Index {
        keys: k
            .columns
            .iter()
            .map(|c| crate::snapshot::IndexKey {
                column: Some(c.clone()),
                ..Default::default()
            })
            .collect(),
        method: "btree".into(),
        ..Index::default()
    });
    i.name = k.name.clone();
    i.unique = true;
    i
}

pub(crate) fn is_partitioned(p: &Planner<'_>, schema: &str, table: &str) -> bool {
    let kind = |s: &crate::snapshot::Snapshot| s.table(schema, table).map(|t| t.kind);
    kind(p.target) == Some(RelationKind::PartitionedTable)
        || p.source.as_ref().and_then(kind) == Some(RelationKind::PartitionedTable)
}

/// An index: plainly on a new table or a partitioned one (PostgreSQL builds those on every
/// partition and cannot do it concurrently); concurrently on an existing table.
pub(crate) fn index(p: &mut Planner<'_>, schema: &str, table: &str, i: &Index) {
    let rel = qualified(schema, table);
    let obj = object("index", schema, Some(table), &i.name);
    let on_view = p
        .target
        .table(schema, table)
        .is_some_and(|t| t.kind == RelationKind::MaterializedView);
    let description = format!("create index `{}` on `{rel}`", i.name);
    if p.is_new(schema, table) {
        let step = Step::new(
            if on_view {
                Phase::Views
            } else {
                Phase::Indexes
            },
            obj,
            description,
            render::create_index(schema, table, i, Build::Plain),
        );
        if on_view {
            // After the materialized view it is on.
            p.push_defining(step, schema, &i.name, rel);
        } else {
            p.push(step);
        }
        return;
    }
    let duplicates = i.unique.then(|| Condition::NoDuplicates {
        schema: schema.to_owned(),
        table: table.to_owned(),
        index: i.clone(),
    });
    let mut step = if is_partitioned(p, schema, table) {
        Step::new(
            Phase::Indexes,
            obj,
            description,
            render::create_index(schema, table, i, Build::Plain),
        )
        .lock(Lock::on(LockLevel::Share, rel.clone()))
        .hazard(
            HazardKind::BlocksWrites,
            format!(
                "builds `{}` on every partition of `{rel}` while writes to it wait (PostgreSQL \
                 cannot build an index on a partitioned table concurrently)",
                i.name
            ),
        )
    } else {
        Step::new(
            Phase::Indexes,
            obj,
            description,
            render::create_index(schema, table, i, Build::Concurrently),
        )
        .lock(Lock::on(LockLevel::ShareUpdateExclusive, rel.clone()))
        .transaction(Transaction::None)
        .hazard(
            HazardKind::NotTransactional,
            format!(
                "if the build fails, drop the invalid index: DROP INDEX CONCURRENTLY IF EXISTS {}",
                qualified(schema, &i.name)
            ),
        )
    }
    .data()
    .hazard(
        HazardKind::BuildsIndex,
        format!("builds index `{}` on `{rel}`", i.name),
    );
    if i.unique {
        step = step.hazard(
            HazardKind::ValidatesData,
            format!("fails if `{rel}` has duplicate keys of `{}`", i.name),
        );
    }
    if let Some(d) = duplicates {
        step = step.condition(When::Before, d);
    }
    p.push(step);
}

/// A foreign key: plainly on a new table; on an existing one `NOT VALID`, then validated
/// after a check for orphans (unless the target leaves it not valid).
pub(crate) fn foreign_key(p: &mut Planner<'_>, schema: &str, table: &str, fk: &ForeignKey) {
    let rel = qualified(schema, table);
    let referenced = qualified(&fk.references.schema, &fk.references.table);
    let obj = object("foreign key", schema, Some(table), &fk.name);
    let add = format!(
        "ALTER TABLE {rel} ADD CONSTRAINT {} {}",
        quote_ident(&fk.name),
        render::foreign_key(fk)
    );
    let mut locked = vec![rel.clone()];
    if referenced != rel {
        locked.push(referenced.clone());
    }
    let lock = Lock {
        level: LockLevel::ShareRowExclusive,
        on: locked,
    };
    let description = format!("add foreign key `{}` on `{rel}` to `{referenced}`", fk.name);
    if p.is_new(schema, table) && !fk.not_valid {
        p.push(Step::new(Phase::ForeignKeys, obj, description, add).lock(lock));
        return;
    }
    p.push(
        Step::new(
            Phase::ForeignKeys,
            obj.clone(),
            description,
            format!("{add} NOT VALID"),
        )
        .lock(lock),
    );
    if fk.not_valid {
        return;
    }
    p.push(
        Step::new(
            Phase::ForeignKeys,
            obj,
            format!("validate foreign key `{}` on `{rel}`", fk.name),
            format!(
                "ALTER TABLE {rel} VALIDATE CONSTRAINT {}",
                quote_ident(&fk.name)
            ),
        )
        .lock(Lock::on(LockLevel::ShareUpdateExclusive, rel.clone()))
        .transaction(Transaction::Own)
        .data()
        .hazard(
            HazardKind::ValidatesData,
            format!("fails if a row of `{rel}` references no row of `{referenced}`"),
        )
        .condition(
            When::Before,
            Condition::NoOrphans {
                schema: schema.to_owned(),
                table: table.to_owned(),
                fk: fk.clone(),
            },
        ),
    );
}

/// A check constraint: plainly on a new table; on an existing one `NOT VALID`, then validated
/// after a look for violating rows (unless the target leaves it not valid).
pub(crate) fn check(p: &mut Planner<'_>, schema: &str, table: &str, c: &Check) {
    let rel = qualified(schema, table);
    let obj = object("check constraint", schema, Some(table), &c.name);
    let (core, not_valid) = render::check_definition(&c.definition);
    let add = format!(
        "ALTER TABLE {rel} ADD CONSTRAINT {} {core}",
        quote_ident(&c.name)
    );
    let lock = Lock::on(LockLevel::AccessExclusive, rel.clone());
    let description = format!("add check constraint `{}` on `{rel}`", c.name);
    if p.is_new(schema, table) && !not_valid {
        p.push(Step::new(Phase::Checks, obj, description, add).lock(lock));
        return;
    }
    p.push(
        Step::new(
            Phase::Checks,
            obj.clone(),
            description,
            format!("{add} NOT VALID"),
        )
        .lock(lock),
    );
    if not_valid {
        return;
    }
    p.push(
        Step::new(
            Phase::Checks,
            obj,
            format!("validate check constraint `{}` on `{rel}`", c.name),
            format!(
                "ALTER TABLE {rel} VALIDATE CONSTRAINT {}",
                quote_ident(&c.name)
            ),
        )
        .lock(Lock::on(LockLevel::ShareUpdateExclusive, rel.clone()))
        .transaction(Transaction::Own)
        .data()
        .hazard(
            HazardKind::ValidatesData,
            format!("fails if a row of `{rel}` violates {}", c.definition),
        )
        .condition(
            When::Before,
            Condition::Holds {
                schema: schema.to_owned(),
                table: table.to_owned(),
                check: c.clone(),
            },
        ),
    );
}
