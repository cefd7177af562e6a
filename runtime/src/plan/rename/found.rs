//! Renames the plan finds itself (an index or constraint whose only change is its name) and
//! the ones it suggests (a column dropped where a similar one is added).

use super::*;

/// Finds indexes and constraints the report has missing under one name and extra under
/// another with the same definition, renames them in the source and plans the renames.
/// Returns whether it renamed anything.
pub(crate) fn implicit(p: &mut Planner<'_>, source: &mut Snapshot, report: &SchemaDiff) -> bool {
    let mut pairs: Pairs = BTreeMap::new();
    for d in &report.differences {
        let (Some(schema), Some(table)) = (&d.schema, &d.table) else {
            continue;
        };
        if !matches!(
            d.object,
            ObjectKind::Index
                | ObjectKind::UniqueConstraint
                | ObjectKind::ForeignKey
                | ObjectKind::Check
        ) {
            continue;
        }
        let entry = pairs
            .entry((schema.clone(), table.clone(), d.object))
            .or_default();
        match d.change {
            Change::Missing => entry.0.push(d.name.clone()),
            Change::Extra => entry.1.push(d.name.clone()),
            _ => {}
        }
    }
    let mut renamed = false;
    // Primary keys whose name alone changed.
    for d in &report.differences {
        if d.object == ObjectKind::PrimaryKey && d.change == Change::Name {
            let (Some(schema), Some(table)) = (&d.schema, &d.table) else {
                continue;
            };
            let (Some(old), Some(new)) = (d.found.clone(), d.expected.clone()) else {
                continue;
            };
            rename_constraint_in(source, schema, table, &old, &new);
            rename_constraint(p, schema, table, &old, &new);
            renamed = true;
        }
    }
    for ((schema, table, kind), (missing, extra)) in pairs {
        let (Some(target_t), Some(source_t)) = (
            p.target.table(&schema, &table).cloned(),
            source.table(&schema, &table).cloned(),
        ) else {
            continue;
        };
        for new in &missing {
            let same = |old: &str| same_but_name(kind, &target_t, &source_t, new, old);
            let candidates: Vec<&String> = extra.iter().filter(|old| same(old)).collect();
            let [old] = candidates.as_slice() else {
                continue;
            };
            let old = old.to_string();
            match kind {
                ObjectKind::Index => {
                    rename_index_in(source, &schema, &table, &old, new);
                    rename_index_step(p, &schema, &table, &old, new);
                }
                _ => {
                    rename_constraint_in(source, &schema, &table, &old, new);
                    rename_constraint(p, &schema, &table, &old, new);
                }
            }
            renamed = true;
        }
    }
    renamed
}

/// Whether `new` of the target table and `old` of the source table are the same index or
/// constraint but for its name (for a key, its index too).
pub(super) fn same_but_name(
    kind: ObjectKind,
    target: &Table,
    source: &Table,
    new: &str,
    old: &str,
) -> bool {
    let index = |t: &Table, n: &str| {
        t.indexes.iter().find(|i| i.name == n).map(|i| Index {
            name: String::new(),
            ..i.clone()
        })
    };
    let backs = |t: &Table, n: &str| {
        t.primary_key.as_ref().is_some_and(|k| k.name == n)
            || t.unique_constraints.iter().any(|k| k.name == n)
    };
    match kind {
        ObjectKind::Index => {
            !backs(target, new)
                && !backs(source, old)
                && index(target, new).is_some()
                && index(target, new) == index(source, old)
        }
        ObjectKind::UniqueConstraint => {
            let k = |t: &Table, n: &str| {
                t.unique_constraints
                    .iter()
                    .find(|k| k.name == n)
                    .map(|k| (k.columns.clone(), k.deferrable))
            };
            k(target, new).is_some()
                && k(target, new) == k(source, old)
                && index(target, new) == index(source, old)
        }
        ObjectKind::ForeignKey => {
            let f = |t: &Table, n: &str| {
                t.foreign_keys
                    .iter()
                    .find(|k| k.name == n)
                    .map(|k| crate::snapshot::ForeignKey {
                        name: String::new(),
                        ..k.clone()
                    })
            };
            f(target, new).is_some() && f(target, new) == f(source, old)
        }
        ObjectKind::Check => {
            let c = |t: &Table, n: &str| {
                t.checks
                    .iter()
                    .find(|k| k.name == n)
                    .map(|k| k.definition.clone())
            };
            c(target, new).is_some() && c(target, new) == c(source, old)
        }
        _ => false,
    }
}

/// Notes for columns and tables that look renamed: one missing and one extra in the same
/// table (or schema), with close names or alone of their kind.
pub(crate) fn suggest(p: &mut Planner<'_>, source: &Snapshot, report: &SchemaDiff) {
    let mut columns: BTreeMap<(String, String), (Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut tables: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for d in &report.differences {
        let Some(schema) = &d.schema else { continue };
        match (d.object, d.change) {
            (ObjectKind::Column, Change::Missing | Change::Extra) => {
                let Some(table) = &d.table else { continue };
                let e = columns.entry((schema.clone(), table.clone())).or_default();
                if d.change == Change::Missing {
                    e.0.push(d.name.clone());
                } else {
                    e.1.push(d.name.clone());
                }
            }
            (ObjectKind::Table, Change::Missing | Change::Extra) => {
                let e = tables.entry(schema.clone()).or_default();
                if d.change == Change::Missing {
                    e.0.push(d.name.clone());
                } else {
                    e.1.push(d.name.clone());
                }
            }
            _ => {}
        }
    }
    for ((schema, table), (added, dropped)) in columns {
        let target_table = p.target.table(&schema, &table);
        let source_table = source.table(&schema, &table);
        for old in &dropped {
            // The added column of the same type where the dropped one was, or with a close name,
            // or the only one.
            let old_col = source_table.and_then(|t| t.column(old));
            let same_type: Vec<&String> = added
                .iter()
                .filter(|n| {
                    let new_col = target_table.and_then(|t| t.column(n));
                    matches!((old_col, new_col), (Some(o), Some(n)) if o.type_display == n.type_display)
                })
                .collect();
            let position = |t: Option<&Table>, n: &str| {
                t.and_then(|t| t.columns.iter().position(|c| c.name == n))
            };
            let in_place = same_type
                .iter()
                .find(|n| {
                    position(target_table, n).is_some()
                        && position(target_table, n) == position(source_table, old)
                })
                .map(|n| n.as_str());
            let new = in_place.or_else(|| {
                if added.len() == 1 && dropped.len() == 1 {
                    Some(added[0].as_str())
                } else {
                    crate::text::suggest::closest(old, added.iter().map(String::as_str))
                        .first()
                        .copied()
                }
            });
            let Some(new) = new else { continue };
            let path = if schema == "public" {
                quote_path(&[&table, old])
            } else {
                quote_path(&[&schema, &table, old])
            };
            p.note(
                NoteKind::RenameSuggestion,
                format!(
                    "`{}` drops column `{old}` and adds `{new}`, losing the values of `{old}`; if \
                     `{old}` was renamed `{new}`, pass `--rename {path}={new}`",
                    qualified(&schema, &table)
                ),
            );
        }
    }
    for (schema, (added, dropped)) in tables {
        for old in &dropped {
            let columns = |s: &Snapshot, n: &str| {
                s.table(&schema, n)
                    .map(|t| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
            };
            let Some(new) = added.iter().find(|n| {
                columns(p.target, n).is_some() && columns(p.target, n) == columns(source, old)
            }) else {
                continue;
            };
            let path = if schema == "public" {
                quote_path(&[old])
            } else {
                quote_path(&[&schema, old])
            };
            p.note(
                NoteKind::RenameSuggestion,
                format!(
                    "the plan drops table `{}` and creates `{new}` with the same columns, losing \
                     its rows; if it was renamed, pass `--rename {path}={new}`",
                    qualified(&schema, old)
                ),
            );
        }
    }
}

/// A `--rename` path as the user writes it: names holding `.`, `=` or `"` in double quotes.
pub(super) fn quote_path(parts: &[&str]) -> String {
    let q: Vec<String> = parts
        .iter()
        .map(|p| {
            if p.contains(['.', '=', '"', ' ']) {
                format!("\"{}\"", p.replace('"', "\"\""))
            } else {
                (*p).to_owned()
            }
        })
        .collect();
    q.join(".")
}
