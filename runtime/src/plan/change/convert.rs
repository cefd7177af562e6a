//! Column type changes: how PostgreSQL treats each, the `USING` expression, and one
//! conversion (one rewrite) per table in the order PostgreSQL needs.

use super::*;

/// How a type change treats the existing values.
pub(super) struct TypeChange {
    /// PostgreSQL rewrites every row.
    pub(super) rewrite: bool,
    /// A value may fail to convert.
    pub(super) may_fail: bool,
}

/// `character varying(20)` → `("character varying", Some("20"))`.
pub(super) fn split_typmod(display: &str) -> (&str, Option<&str>) {
    match display.strip_suffix(')').and_then(|d| d.split_once('(')) {
        Some((base, m)) => (base, Some(m)),
        None => (display, None),
    }
}

pub(super) fn type_change(from: &Column, to: &Column) -> TypeChange {
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

/// The USING expression of a column's conversion: `--using`, or a plain cast.
pub(super) fn using_for(
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
pub(super) fn convert(
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
                crate::plan::members::release_trigger(p, schema, table, &tr.name);
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
