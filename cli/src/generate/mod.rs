//! `cargo schemalock generate`: starting models from a snapshot, as `diesel print-schema` and
//! `sea-orm-cli generate entity` write them. One `#[derive(schemalock::Table)]` struct per table
//! or view, one `#[derive(schemalock::PgEnum)]` enum per enum type, `Option` for nullable columns,
//! types from the features chosen ([`types`]), names the derives read back as the database's
//! ([`names`]), and, on request, an `insertable` struct per table. The text is written by
//! [`mod@write`], formatted as rustfmt formats it, and the same for the same snapshot and options.

mod names;
pub(crate) mod types;
mod write;

use std::collections::{BTreeMap, BTreeSet};

use schemalock_runtime::Snapshot;
use schemalock_runtime::snapshot::{Column, RelationKind, Table};
use schemalock_runtime::text::case::{RenameRule, default_table_name};
use schemalock_runtime::text::did_you_mean;

use crate::shadow::Layout;
pub(crate) use types::Feature;
use types::Mapped;

/// Which driver's derives go beside schemalock's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Driver {
    /// `sqlx::FromRow` on structs, `sqlx::Type` on enums; renames in `#[sqlx(...)]`.
    Sqlx,
    /// `postgres_types::{ToSql, FromSql}` on enums; renames in `#[postgres(...)]` and
    /// `#[schemalock(...)]`.
    Postgres,
    /// schemalock's derives only.
    None,
}

/// Whether to write an `insertable` struct beside each table's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Insertable {
    /// Only the row structs.
    No,
    /// Also `New<Table>` with the columns an insert gives.
    Yes,
}

/// What to generate.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) driver: Driver,
    pub(crate) features: Vec<Feature>,
    /// Only these schemas (all when empty).
    pub(crate) schemas: Vec<String>,
    /// Only these tables, `name` or `schema.name` (all when empty).
    pub(crate) tables: Vec<String>,
    pub(crate) insertable: Insertable,
}

/// A generated enum.
#[derive(Debug)]
struct EnumItem {
    schema: String,
    db_name: String,
    rust_name: String,
    rule: Option<RenameRule>,
    /// Variant, label, whether it needs a rename.
    variants: Vec<(String, String, bool)>,
}

/// A generated struct.
#[derive(Debug)]
struct StructItem {
    schema: String,
    db_name: String,
    rust_name: String,
    kind: RelationKind,
    /// `insertable` (a `New...` struct).
    insertable: bool,
    fields: Vec<FieldItem>,
    /// Columns left out, and why (comments in the struct).
    left_out: Vec<String>,
    /// Why the struct is not written (an insert needs a column no Rust type maps).
    blocked: Option<String>,
}

#[derive(Debug)]
struct FieldItem {
    name: String,
    column: String,
    renamed: bool,
    ty: String,
}

impl FieldItem {
    /// The field for column `c` of type `ty`, named in `scope`.
    fn new(scope: &mut names::Scope, c: &Column, ty: &str) -> FieldItem {
        let (name, renamed) = scope.field_name(&c.name);
        FieldItem {
            name,
            column: c.name.clone(),
            renamed,
            ty: ty.to_owned(),
        }
    }
}

/// The generated code, and what the user should know about it (left-out columns, and the
/// features that would map them).
#[derive(Debug)]
pub(crate) struct Generated {
    pub(crate) code: String,
    pub(crate) notes: Vec<String>,
}

/// Generates the models of `snapshot`; the error says which `--schema` or `--table` names
/// nothing.
pub(crate) fn generate(snapshot: &Snapshot, options: &Options) -> Result<Generated, String> {
    for f in &options.features {
        for (a, b) in Feature::EXCLUSIVE {
            if *f == a && options.features.contains(&b) {
                return Err(format!(
                    "`--features` has both `{}` and `{}`, which map the same column types; \
                     keep the one your crate uses",
                    a.name(),
                    b.name()
                ));
            }
        }
    }
    let relations = selected(snapshot, options)?;

    // Enums first: the ones of the schemas chosen, and any a chosen table uses.
    let mut enums: BTreeSet<(String, String)> = BTreeSet::new();
    for (schema, s) in &snapshot.schemas {
        let chosen = options.schemas.is_empty() || options.schemas.contains(schema);
        if chosen && options.tables.is_empty() {
            enums.extend(s.enums.keys().map(|e| (schema.clone(), e.clone())));
        }
    }
    for (_, _, table) in &relations {
        for c in &table.columns {
            if let Some(e) = enum_of(snapshot, c) {
                enums.insert(e);
            }
        }
    }
    let mut scope = names::Scope::default();
    let mut enums: Vec<(String, String)> = enums.into_iter().collect();
    enums.sort_by(|a, b| order(&a.0, &a.1).cmp(&order(&b.0, &b.1)));
    let enum_items: Vec<EnumItem> = enums
        .iter()
        .filter_map(|(schema, name)| {
            let labels = &snapshot.schemas.get(schema)?.enums.get(name)?.labels;
            let rust_name = scope.type_name(name, Some(schema));
            let (rule, variants) = names::variants(labels);
            Some(EnumItem {
                schema: schema.clone(),
                db_name: name.clone(),
                rust_name,
                rule,
                variants: variants
                    .into_iter()
                    .zip(labels)
                    .map(|((v, renamed), l)| (v, l.clone(), renamed))
                    .collect(),
            })
        })
        .collect();
    let enum_names: BTreeMap<(&str, &str), &str> = enum_items
        .iter()
        .map(|e| {
            (
                (e.schema.as_str(), e.db_name.as_str()),
                e.rust_name.as_str(),
            )
        })
        .collect();
    let enum_name =
        |schema: &str, name: &str| enum_names.get(&(schema, name)).map(|s| (*s).to_owned());

    let mut notes = Vec::new();
    let mut wanted_features: BTreeMap<Feature, usize> = BTreeMap::new();
    let mut structs = Vec::new();
    for (schema, name, table) in &relations {
        let rust_name = scope.type_name(name, Some(schema));
        let mut fields = Vec::new();
        let mut left_out = Vec::new();
        let mut mapped: Vec<(&Column, Option<String>)> = Vec::new();
        for c in &table.columns {
            match types::rust_type(snapshot, c.declared(), &options.features, &enum_name) {
                Mapped::Type(t) => {
                    let ty = if c.nullable {
                        format!("Option<{t}>")
                    } else {
                        t
                    };
                    mapped.push((c, Some(ty)));
                }
                Mapped::Unmapped { feature } => {
                    let why = match feature {
                        Some(f) => {
                            *wanted_features.entry(f).or_default() += 1;
                            format!("needs `--features {}`", f.name())
                        }
                        None => format!(
                            "no Rust type maps it; add a field of your own type, with \
                             `#[schemalock(pg_type = \"{}\")]` if it has no `PgCompatible` impl",
                            c.type_name
                        ),
                    };
                    left_out.push(format!("`{}` ({}): {why}", c.name, c.type_display));
                    mapped.push((c, None));
                }
            }
        }
        let mut field_scope = names::Scope::default();
        for (c, ty) in &mapped {
            if let Some(ty) = ty {
                fields.push(FieldItem::new(&mut field_scope, c, ty));
            }
        }
        let is_table = matches!(
            table.kind,
            RelationKind::Table | RelationKind::PartitionedTable
        );
        let insert = if options.insertable == Insertable::Yes && is_table {
            Some(insertable(schema, name, &rust_name, &mapped, &mut scope))
        } else {
            None
        };
        structs.push(StructItem {
            schema: schema.to_string(),
            db_name: name.to_string(),
            rust_name,
            kind: table.kind,
            insertable: false,
            fields,
            left_out,
            blocked: None,
        });
        structs.extend(insert);
    }
    let left: usize = structs
        .iter()
        .filter(|s| !s.insertable)
        .map(|s| s.left_out.len())
        .sum();
    if left > 0 {
        let by_feature: Vec<String> = wanted_features
            .iter()
            .map(|(f, n)| format!("{n} with `{}`", f.name()))
            .collect();
        let hint = if by_feature.is_empty() {
            String::new()
        } else {
            format!(
                "; `--features {}` would map {}",
                wanted_features
                    .keys()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(","),
                by_feature.join(", ")
            )
        };
        notes.push(format!(
            "{} left out (a comment in each struct says why){hint}",
            schemalock_runtime::text::count(left, "column", "columns")
        ));
    }
    let code = write::module(&enum_items, &structs, options.driver);
    Ok(Generated { code, notes })
}

/// The relations chosen by `--schema` and `--table`, in [`order`]; without
/// `--table`, not the migration tools' history tables.
fn selected<'a>(
    snapshot: &'a Snapshot,
    options: &Options,
) -> Result<Vec<(&'a str, &'a str, &'a Table)>, String> {
    for s in &options.schemas {
        if !snapshot.schemas.contains_key(s) {
            return Err(format!(
                "the snapshot has no schema `{s}`{}",
                did_you_mean(s, snapshot.schemas.keys().map(String::as_str))
            ));
        }
    }
    let all: Vec<(&str, &str, &Table)> = snapshot
        .schemas
        .iter()
        .filter(|(s, _)| options.schemas.is_empty() || options.schemas.contains(s))
        .flat_map(|(s, sc)| {
            sc.tables
                .iter()
                .map(move |(n, t)| (s.as_str(), n.as_str(), t))
        })
        .collect();
    let mut all = all;
    all.sort_by(|a, b| order(a.0, a.1).cmp(&order(b.0, b.1)));
    if options.tables.is_empty() {
        // A migration tool's own table is not a model of the service (`--table` still gets it).
        let history: Vec<&str> = Layout::ALL
            .iter()
            .filter_map(|l| l.history_table())
            .collect();
        return Ok(all
            .into_iter()
            .filter(|(_, n, _)| !history.contains(n))
            .collect());
    }
    let mut out = Vec::new();
    for wanted in &options.tables {
        let found: Vec<_> = all
            .iter()
            .filter(|(s, n, _)| *n == wanted || format!("{s}.{n}") == *wanted)
            .collect();
        if found.is_empty() {
            let short = wanted.rsplit('.').next().unwrap_or(wanted);
            let names: BTreeSet<&str> = all.iter().map(|(_, n, _)| *n).collect();
            return Err(format!(
                "the snapshot has no table or view `{wanted}`{}",
                did_you_mean(short, names)
            ));
        }
        out.extend(found.into_iter().copied());
    }
    out.sort_by(|a, b| order(a.0, a.1).cmp(&order(b.0, b.1)));
    out.dedup_by(|a, b| (a.0, a.1) == (b.0, b.1));
    Ok(out)
}

/// The order items are named and written in: `public` first, so that its tables get the plain
/// names when another schema has a table of the same name; then by schema and name.
fn order<'a>(schema: &'a str, name: &'a str) -> (bool, &'a str, &'a str) {
    (schema != "public", schema, name)
}

/// The enum a column's type is, through domains and arrays.
fn enum_of(snapshot: &Snapshot, c: &Column) -> Option<(String, String)> {
    use schemalock_runtime::snapshot::TypeKind;
    let declared = match snapshot.type_kind(&c.type_schema, &c.type_name) {
        TypeKind::Domain(_) => snapshot.domain_base(&c.type_schema, &c.type_name)?.base,
        _ => c.declared(),
    };
    match snapshot.type_kind(declared.schema, declared.name) {
        TypeKind::Enum(_) => Some((declared.schema.to_owned(), declared.name.to_owned())),
        _ => None,
    }
}

/// `New<Table>`: the columns an insert gives, those without a default, identity or generation
/// expression; left out with a comment when a column an insert needs has no Rust type.
fn insertable(
    schema: &str,
    name: &str,
    rust_name: &str,
    mapped: &[(&Column, Option<String>)],
    scope: &mut names::Scope,
) -> StructItem {
    let rust = scope.type_name(&format!("new_{}", default_table_name(rust_name)), None);
    let mut fields = Vec::new();
    let mut left_out = Vec::new();
    let mut blocked = None;
    let mut field_scope = names::Scope::default();
    for (c, ty) in mapped {
        if c.has_default() {
            continue;
        }
        if ty.is_none() && c.required() && blocked.is_none() {
            blocked = Some(format!(
                "`{rust}` is not generated: every insert into `{schema}.{name}` needs column \
                 `{}` ({}), which no Rust type maps",
                c.name, c.type_display
            ));
        }
        match ty {
            Some(ty) => fields.push(FieldItem::new(&mut field_scope, c, ty)),
            None => left_out.push(format!(
                "`{}` ({}), as from `{rust_name}`",
                c.name, c.type_display
            )),
        }
    }
    StructItem {
        schema: schema.to_owned(),
        db_name: name.to_owned(),
        rust_name: rust,
        kind: RelationKind::Table,
        insertable: true,
        fields,
        left_out,
        blocked,
    }
}

#[cfg(test)]
mod tests;
