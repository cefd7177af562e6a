//! Renames: `--rename` (a table, column, index or constraint renamed rather than dropped and
//! added), the indexes and constraints the report shows missing under one name and extra under
//! another with the same definition (renamed without being asked), and the suggestions for
//! columns and tables that look renamed. A rename is applied to the source model, so the
//! comparison sees the renamed objects matched. `found` holds the renames found and suggested.

mod edit;
mod found;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::diff::{Change, ObjectKind, SchemaDiff};
use crate::ident::quote_ident;
use crate::snapshot::{Index, Snapshot, Table};

use super::change::rename_constraint;
use super::create::object;
use super::hazard::HazardKind;
use super::order::Phase;
use super::preflight::Effect;
use super::render::qualified;
use super::step::{Lock, LockLevel, Step};
use super::{Error, NoteKind, Planner};

use self::edit::{rename_column_in, rename_constraint_in, rename_index_in};
pub(crate) use self::found::{implicit, suggest};

/// `--rename PATH=NEW`: `table.column=new`, `table=new` (a table, index or constraint by its
/// name alone), `schema.table=new`, `schema.table.column=new`, `table.constraint=new`. A name
/// holding `.` or `=` is written in double quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// As given, for messages.
    pub spec: String,
    /// The old name's path: `[table, column]`, `[schema, table]`, `[table]`, ...
    pub path: Vec<String>,
    /// The new name.
    pub new_name: String,
}

/// `--using TABLE.COLUMN=EXPRESSION` (or `SCHEMA.TABLE.COLUMN=...`): how to convert a column
/// whose type changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Using {
    /// The table's schema, when given.
    pub schema: Option<String>,
    /// The table.
    pub table: String,
    /// The column converted.
    pub column: String,
    /// The SQL expression that converts the old value.
    pub expression: String,
}

/// Splits `a."b.c"=d` into `["a", "b.c"]` and the rest after the first unquoted `=`.
fn split_path(spec: &str) -> Option<(Vec<String>, String)> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut current)),
            '=' if !quoted => {
                parts.push(current);
                let rest: String = chars.collect();
                return (!parts.iter().any(String::is_empty)).then_some((parts, rest));
            }
            c => current.push(c),
        }
    }
    None
}

impl Rename {
    /// Parses `table.column=new_name` (or `schema.table=new_name`, ...).
    pub fn parse(spec: &str) -> Result<Rename, String> {
        let bad = || {
            format!(
                "`--rename {spec}`: expected OLD=NEW, such as `entities.type=entity_type` (a \
                 column), `entities=things` (a table, index or constraint)"
            )
        };
        let (path, new_name) = split_path(spec).ok_or_else(bad)?;
        let new_name = new_name.trim_matches('"').to_owned();
        if new_name.is_empty() || path.len() > 3 {
            return Err(bad());
        }
        Ok(Rename {
            spec: spec.to_owned(),
            path,
            new_name,
        })
    }
}

impl Using {
    /// Parses `table.column=EXPRESSION` (or `schema.table.column=EXPRESSION`).
    pub fn parse(spec: &str) -> Result<Using, String> {
        let bad = || {
            format!(
                "`--using {spec}`: expected TABLE.COLUMN=EXPRESSION, such as \
                 `entities.canon_layer=UPPER(canon_layer)::canonlayer`"
            )
        };
        let (mut path, expression) = split_path(spec).ok_or_else(bad)?;
        if expression.trim().is_empty() {
            return Err(bad());
        }
        let (schema, table, column) = match path.len() {
            2 => {
                let column = path.pop().unwrap_or_default();
                (None, path.pop().unwrap_or_default(), column)
            }
            3 => {
                let column = path.pop().unwrap_or_default();
                let table = path.pop().unwrap_or_default();
                (path.pop(), table, column)
            }
            _ => return Err(bad()),
        };
        Ok(Using {
            schema,
            table,
            column,
            expression: expression.trim().to_owned(),
        })
    }

    /// Whether this conversion is for column `schema.table.column`.
    pub fn matches(&self, schema: &str, table: &str, column: &str) -> bool {
        self.table == table
            && self.column == column
            && self.schema.as_deref().is_none_or(|s| s == schema)
    }
}

/// What a `--rename` path names in the source.
enum Target {
    Table {
        schema: String,
        table: String,
    },
    Column {
        schema: String,
        table: String,
        column: String,
    },
    Index {
        schema: String,
        table: String,
        index: String,
    },
    Constraint {
        schema: String,
        table: String,
        constraint: String,
    },
}

fn constraint_names(t: &Table) -> Vec<&str> {
    t.primary_key
        .iter()
        .map(|k| k.name.as_str())
        .chain(t.unique_constraints.iter().map(|k| k.name.as_str()))
        .chain(t.foreign_keys.iter().map(|k| k.name.as_str()))
        .chain(t.checks.iter().map(|k| k.name.as_str()))
        .collect()
}

/// The index or constraint `name` of `schema.table`, if it has one.
fn part_of(schema: &str, table: &str, t: &Table, name: &str) -> Option<Target> {
    if constraint_names(t).contains(&name) {
        return Some(Target::Constraint {
            schema: schema.to_owned(),
            table: table.to_owned(),
            constraint: name.to_owned(),
        });
    }
    t.indexes
        .iter()
        .any(|i| i.name == name)
        .then(|| Target::Index {
            schema: schema.to_owned(),
            table: table.to_owned(),
            index: name.to_owned(),
        })
}

fn resolve(source: &Snapshot, r: &Rename) -> Result<Target, Error> {
    let tables = || {
        source.schemas.iter().flat_map(|(s, sch)| {
            sch.tables
                .iter()
                .map(move |(n, t)| (s.as_str(), n.as_str(), t))
        })
    };
    let mut found: Vec<Target> = Vec::new();
    match r.path.as_slice() {
        [x] => {
            for (s, n, t) in tables() {
                if n == x {
                    found.push(Target::Table {
                        schema: s.to_owned(),
                        table: n.to_owned(),
                    });
                }
                found.extend(part_of(s, n, t, x));
            }
        }
        [a, b] => {
            for (s, n, t) in tables() {
                if n == a {
                    if t.column(b).is_some() {
                        found.push(Target::Column {
                            schema: s.to_owned(),
                            table: n.to_owned(),
                            column: b.clone(),
                        });
                    }
                    found.extend(part_of(s, n, t, b));
                }
                if s == a && n == b {
                    found.push(Target::Table {
                        schema: s.to_owned(),
                        table: n.to_owned(),
                    });
                }
                if s == a {
                    found.extend(part_of(s, n, t, b));
                }
            }
        }
        [s, tname, x] => {
            if let Some(t) = source.table(s, tname) {
                if t.column(x).is_some() {
                    found.push(Target::Column {
                        schema: s.clone(),
                        table: tname.clone(),
                        column: x.clone(),
                    });
                }
                found.extend(part_of(s, tname, t, x));
            }
        }
        _ => {}
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error(format!(
            "`--rename {}`: the source has no table, column, index or constraint `{}`",
            r.spec,
            r.path.join(".")
        ))),
        n => Err(Error(format!(
            "`--rename {}`: `{}` names {n} objects in the source; qualify it with its schema \
             and table",
            r.spec,
            r.path.join(".")
        ))),
    }
}

fn rename_index_step(p: &mut Planner<'_>, schema: &str, table: &str, old: &str, new: &str) {
    p.push(
        Step::new(
            Phase::Renames,
            object("index", schema, Some(table), new),
            format!(
                "rename index `{old}` on `{}` to `{new}`",
                qualified(schema, table)
            ),
            format!(
                "ALTER INDEX {} RENAME TO {}",
                qualified(schema, old),
                quote_ident(new)
            ),
        )
        .lock(Lock::on(
            LockLevel::AccessExclusive,
            qualified(schema, table),
        )),
    );
}

/// Applies one `--rename` to the source and plans it.
pub(crate) fn explicit(
    p: &mut Planner<'_>,
    source: &mut Snapshot,
    r: &Rename,
) -> Result<(), Error> {
    let new = r.new_name.clone();
    let exists = |msg: String| Err(Error(format!("`--rename {}`: {msg}", r.spec)));
    match resolve(source, r)? {
        Target::Table { schema, table } => {
            if source.table(&schema, &new).is_some() {
                return exists(format!("`{}` already exists", qualified(&schema, &new)));
            }
            let sch = source.schemas.get_mut(&schema).expect("resolved");
            let t = sch.tables.remove(&table).expect("resolved");
            let keyword = match t.kind {
                crate::snapshot::RelationKind::View => "VIEW",
                crate::snapshot::RelationKind::MaterializedView => "MATERIALIZED VIEW",
                _ => "TABLE",
            };
            sch.tables.insert(new.clone(), t);
            for sch in source.schemas.values_mut() {
                for t in sch.tables.values_mut() {
                    for fk in &mut t.foreign_keys {
                        if fk.references.schema == schema && fk.references.table == table {
                            fk.references.table = new.clone();
                        }
                    }
                }
                for seq in sch.sequences.values_mut() {
                    if let Some(o) = &mut seq.owned_by {
                        if o.schema == schema && o.table == table {
                            o.table = new.clone();
                        }
                    }
                }
            }
            let rel = qualified(&schema, &table);
            p.push(
                Step::new(
                    Phase::Renames,
                    object("table", &schema, None, &new),
                    format!("rename `{rel}` to `{new}`"),
                    format!("ALTER {keyword} {rel} RENAME TO {}", quote_ident(&new)),
                )
                .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()))
                .hazard(
                    HazardKind::BreaksClients,
                    format!("code still using `{rel}` fails once `{new}` replaces it"),
                )
                .effect(Effect::RenameTable {
                    schema: schema.clone(),
                    from: table.clone(),
                    to: new.clone(),
                }),
            );
        }
        Target::Column {
            schema,
            table,
            column,
        } => {
            let t = source.table(&schema, &table).expect("resolved");
            if t.column(&new).is_some() {
                return exists(format!("`{table}` already has a column `{new}`"));
            }
            rename_column_in(source, &schema, &table, &column, &new);
            let rel = qualified(&schema, &table);
            p.push(
                Step::new(
                    Phase::Renames,
                    object("column", &schema, Some(&table), &new),
                    format!("rename column `{rel}.{column}` to `{new}`"),
                    format!(
                        "ALTER TABLE {rel} RENAME COLUMN {} TO {}",
                        quote_ident(&column),
                        quote_ident(&new)
                    ),
                )
                .lock(Lock::on(LockLevel::AccessExclusive, rel.clone()))
                .hazard(
                    HazardKind::BreaksClients,
                    format!("code still using `{rel}.{column}` fails once it is `{new}`"),
                )
                .effect(Effect::RenameColumn {
                    schema: schema.clone(),
                    table: table.clone(),
                    from: column.clone(),
                    to: new.clone(),
                }),
            );
        }
        Target::Index {
            schema,
            table,
            index,
        } => {
            rename_index_in(source, &schema, &table, &index, &new);
            rename_index_step(p, &schema, &table, &index, &new);
        }
        Target::Constraint {
            schema,
            table,
            constraint,
        } => {
            rename_constraint_in(source, &schema, &table, &constraint, &new);
            rename_constraint(p, &schema, &table, &constraint, &new);
        }
    }
    Ok(())
}

/// Pairs of `(missing in the source, extra in the source)` names of one kind in one table.
type Pairs = BTreeMap<(String, String, ObjectKind), (Vec<String>, Vec<String>)>;
