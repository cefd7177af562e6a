//! A struct against its table: the table, each field's column, its type and nullability, and the
//! coverage rules.

use super::coverage::{Rule, TableColumn, check_coverage};
use super::{At, FieldType, Finding, Kind, Model, find_schema, short_list};
use crate::ident;
use crate::snapshot::{Column, Identity, RelationKind, Snapshot, Table};
use crate::text::{did_you_mean, quoted_list};
use crate::types::{ColumnFacts, rule};

/// What checking a model found, and what it resolved on the way: the derive places the
/// findings and emits the compile-time checks from the rest, without looking anything up again.
#[derive(Debug, Clone)]
pub struct TableCheck<'s> {
    /// Every mismatch, in the order of the model.
    pub findings: Vec<Finding>,
    /// For each field of the model, its column's facts, when the column exists.
    pub columns: Vec<Option<ColumnFacts<String>>>,
    /// The relation, when it exists.
    pub relation: Option<Relation<'s>>,
}

/// The relation a model reads, as the coverage rules see it.
#[derive(Debug, Clone)]
pub struct Relation<'s> {
    /// What it is: `table`, `view`, ...
    pub what: &'static str,
    /// Its name, schema-qualified outside `public`.
    pub qualified: String,
    /// Its columns, in table order.
    pub columns: Vec<TableColumn<'s>>,
}

/// Checks a struct against its table; the findings of [`TableCheck::run`].
pub fn check_table(snapshot: &Snapshot, model: &Model<'_>) -> Vec<Finding> {
    TableCheck::run(snapshot, model).findings
}

impl<'s> TableCheck<'s> {
    /// Checks a struct against its table.
    pub fn run(snapshot: &'s Snapshot, model: &Model<'_>) -> TableCheck<'s> {
        let mut out = TableCheck {
            findings: Vec::new(),
            columns: vec![None; model.fields.len()],
            relation: None,
        };
        let Some(schema) = find_schema(snapshot, model.schema, &mut out.findings) else {
            return out;
        };
        let Some(table) = schema.tables.get(model.table) else {
            out.findings.push(table_missing(snapshot, model, schema));
            return out;
        };
        let relation = Relation {
            what: table.kind.describe(),
            qualified: ident::qualified(model.schema, model.table),
            columns: table
                .columns
                .iter()
                .map(|c| TableColumn {
                    name: &c.name,
                    required: c.required(),
                })
                .collect(),
        };
        if model.insertable && table.kind == RelationKind::MaterializedView {
            out.findings.push(Finding::new(
                At::Item,
                Kind::NotInsertable,
                format!(
                    "`{}` is insertable, but `{}` is a materialized view, which no INSERT can write (`REFRESH MATERIALIZED VIEW` fills it); drop `insertable`, or map the table it is built from",
                    model.rust_name, relation.qualified
                ),
            ));
        }
        let claimed: Vec<&str> = model.fields.iter().map(|f| f.column).collect();
        for (i, field) in model.fields.iter().enumerate() {
            let Some(column) = table.column(field.column) else {
                out.findings
                    .push(column_missing(i, field.column, &relation, table, &claimed));
                continue;
            };
            let facts = ColumnFacts::of_column(snapshot, model.schema, model.table, table, column);
            field_type(i, field.ty, column, &facts, &mut out.findings);
            if model.insertable {
                out.findings.extend(read_only(i, column, &facts));
            }
            out.columns[i] = Some(facts);
        }
        if !model.partial {
            for (enabled, rule, kind) in [
                (model.insertable, Rule::Insertable, Kind::MissingRequired),
                (model.exhaustive, Rule::Exhaustive, Kind::MissingColumns),
            ] {
                if !enabled {
                    continue;
                }
                let verdict = check_coverage(
                    rule,
                    model.rust_name,
                    relation.what,
                    &relation.qualified,
                    &relation.columns,
                    &claimed,
                    &[],
                );
                if verdict.failed() {
                    out.findings
                        .push(Finding::new(At::Item, kind, verdict.as_str().to_owned()));
                }
            }
        }
        out.relation = Some(relation);
        out
    }
}

fn table_missing(
    snapshot: &Snapshot,
    model: &Model<'_>,
    schema: &crate::snapshot::Schema,
) -> Finding {
    let names: Vec<&str> = schema.tables.keys().map(String::as_str).collect();
    let mut hint = did_you_mean(model.table, names.iter().copied());
    if hint.is_empty() {
        let elsewhere = snapshot
            .schemas
            .iter()
            .find(|(_, s)| s.tables.contains_key(model.table))
            .map(|(n, _)| n.as_str());
        if let Some(s) = elsewhere {
            hint = format!("; schema `{s}` has one: set `schema = \"{s}\"`");
        } else if let Some(list) = short_list(&names) {
            hint = format!("; it has {list}");
        }
    }
    Finding::new(
        At::Name,
        Kind::TableMissing,
        format!(
            "table `{}` not found in schema `{}`{hint}",
            model.table, model.schema
        ),
    )
    .with(format!("table `{}`", model.table), "no such table")
}

/// A field's column is not in the table: suggest a column no other field reads (a column
/// another field maps is never the answer), else list the columns no field reads.
fn column_missing(
    i: usize,
    wanted: &str,
    relation: &Relation<'_>,
    table: &Table,
    claimed: &[&str],
) -> Finding {
    let free: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| !claimed.contains(c))
        .collect();
    let mut hint = did_you_mean(wanted, free.iter().copied());
    if hint.is_empty() {
        hint = match free.as_slice() {
            [] => "; every column of it is read by another field".to_owned(),
            free => format!(
                "; the columns no other field reads: {}",
                quoted_list(free.iter().copied())
            ),
        };
    }
    Finding::new(
        At::Field(i),
        Kind::ColumnMissing,
        format!(
            "no column `{wanted}` in {} `{}`{hint}",
            relation.what, relation.qualified
        ),
    )
    .with(format!("column `{wanted}`"), "no such column")
}

/// The type and nullability findings of a field whose type is known here.
fn field_type(
    i: usize,
    ty: FieldType<'_>,
    column: &Column,
    facts: &ColumnFacts<String>,
    out: &mut Vec<Finding>,
) {
    let f = facts.as_ref();
    let (nullable, rust) = match ty {
        FieldType::Deferred => return,
        FieldType::Mapped {
            accepts,
            nullable,
            rust,
        } => {
            if let Some(message) = rule::check_type(accepts, nullable, &f, rust) {
                out.push(
                    Finding::new(At::Field(i), Kind::TypeMismatch, message)
                        .with(rule::describe(accepts), facts.display.clone()),
                );
            }
            (nullable, rust)
        }
        FieldType::Declared {
            pg_type,
            nullable,
            rust,
        } => {
            if !rule::names_type(pg_type, column, &f.ty) {
                out.push(
                    Finding::new(
                        At::Field(i),
                        Kind::TypeMismatch,
                        format!(
                            "column `{}` is {}, but the field says `pg_type = \"{pg_type}\"`; change `pg_type` or migrate the column",
                            facts.qualified, facts.display
                        ),
                    )
                    .with(format!("`{pg_type}`"), facts.display.clone()),
                );
            }
            (nullable, rust)
        }
    };
    if let Some(message) = rule::check_nullability(nullable, &f, rust) {
        out.push(
            Finding::new(At::Field(i), Kind::Nullability, message).with("NOT NULL", "nullable"),
        );
    }
}

/// A column an INSERT cannot set, in an insertable model.
fn read_only(i: usize, column: &Column, facts: &ColumnFacts<String>) -> Option<Finding> {
    let why = if column.generated.is_some() {
        "a generated column"
    } else if column.identity == Some(Identity::Always) {
        "an identity column GENERATED ALWAYS"
    } else {
        return None;
    };
    Some(Finding::new(
        At::Field(i),
        Kind::ReadOnlyColumn,
        format!(
            "column `{}` is {why}, which an INSERT cannot set; remove the field from this insertable model or mark it `#[schemalock(skip)]`",
            facts.qualified
        ),
    ))
}
