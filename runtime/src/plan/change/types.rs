//! Enums, domains and composite types: labels added in place or the type made again, domain
//! and attribute changes.

use super::*;

pub(super) fn enum_type(
    p: &mut Planner<'_>,
    source: &Snapshot,
    schema: &str,
    name: &str,
    ds: &[&Difference],
) {
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
pub(super) fn columns_of_type<'s>(
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
pub(super) fn recreate_enum(
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
pub(super) fn enum_labels_check(
    source: &Snapshot,
    schema: &str,
    name: &str,
    target: &EnumType,
) -> Condition {
    Condition::KeepsLabels {
        name: qualified(schema, name),
        labels: target.labels.clone(),
        columns: columns_of_type(source, schema, name)
            .into_iter()
            .map(|(s, t, c)| (s, t, c.name.clone(), c.array))
            .collect(),
    }
}

pub(super) fn labels(labels: &[String]) -> String {
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

pub(super) fn domain(
    p: &mut Planner<'_>,
    source: &Snapshot,
    schema: &str,
    name: &str,
    ds: &[&Difference],
) {
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

pub(super) fn composite(
    p: &mut Planner<'_>,
    source: &Snapshot,
    schema: &str,
    name: &str,
    ds: &[&Difference],
) {
    let rel = qualified(schema, name);
    let obj = object("composite type", schema, None, name);
    let target = p
        .target
        .schemas
        .get(schema)
        .and_then(|s| s.composites.get(name));
    // An attribute the difference names: the target has it when the difference says so.
    let attribute = |attr: &str| {
        target
            .and_then(|c| c.attributes.iter().find(|a| a.name == attr))
            .expect("in target")
    };
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
                let a = attribute(attr);
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
                let a = attribute(attr);
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
