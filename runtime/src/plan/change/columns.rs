//! Columns: added, dropped, defaults, NOT NULL (through a validated check), identity and
//! generated columns.

use super::*;

pub(super) fn column(
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

pub(super) fn default(p: &mut Planner<'_>, schema: &str, table: &str, to: &Column) {
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
pub(super) fn set_not_null(p: &mut Planner<'_>, schema: &str, table: &str, name: &str) {
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

/// A new column on an existing table.
pub(super) fn add_column(p: &mut Planner<'_>, schema: &str, table: &str, c: &Column) {
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
pub(super) fn volatile_default(default: &str) -> bool {
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

pub(super) fn identity(p: &mut Planner<'_>, schema: &str, table: &str, from: &Column, to: &Column) {
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
pub(super) fn regenerate_column(
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
