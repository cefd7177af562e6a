//! Reads a [`Snapshot`] out of a live database's catalogs.
//!
//! The introspection is a fixed, small list of SQL statements that any driver can run, plus
//! [`assemble`], which turns their text results into a snapshot. Nothing here depends on a
//! driver; the `postgres` feature adds [`postgres::snapshot`] on top of the `postgres` crate.
//!
//! # Protocol
//!
//! On one connection, with no other statements in between:
//!
//! 1. [`BEGIN`] (a repeatable-read, read-only transaction, so every query sees the same state).
//! 2. [`MIGRATION_PROBE`] (no parameters): one row, one `text` column, NULL or a JSON array of the
//!    migration tables that exist, have the expected columns and are readable. Then, for each
//!    name in that order, [`migration_head_query`]`(name)` (no parameters): one row, one nullable
//!    `text` column. The first non-NULL answer is the migration head. Both resolve the table
//!    names through the session's own `search_path`, as the migration tools do, so they must run
//!    before step 3 changes it.
//! 3. Each statement of [`SESSION_SETTINGS`], which pin the settings that change how
//!    PostgreSQL prints types and expressions (`search_path`, `DateStyle`, ...), so the snapshot
//!    does not depend on the role's or the server's configuration.
//! 4. Each of [`QUERIES`], with one parameter `$1` of type `text[]`: the schemas to describe, or
//!    NULL for every schema that is not a system schema (`pg_catalog`, `information_schema`,
//!    `pg_toast*`, `pg_temp*`) and not owned by an extension. Each returns one row with one
//!    `text` column, NULL or JSON.
//! 5. `ROLLBACK` (nothing was written).
//!
//! Then [`assemble`] the results. The statements only read the system catalogs (and the
//! migration table when readable), so a role with `CONNECT` on the database and `USAGE` on the
//! schemas, and `SELECT` on no table, can run them. Written for PostgreSQL 12 and newer; tested
//! on 15, 16 and 18.
//!
//! # What is described
//!
//! Tables, partitioned tables (with their partitions folded under them, never as tables of their
//! own: every partition below the table, sub-partitions included, by name, `schema.name` when in
//! another schema; what is declared on a partition alone, such as its own foreign keys, is not
//! described), views and materialized views with their columns; enums, domains and standalone
//! composite types; primary key, unique, foreign key and check constraints; indexes; extensions
//! (all of them, `plpgsql` included, with version and schema); the migration head. Objects
//! owned by an extension (`pg_depend.deptype = 'e'`) are left out. Types and expressions are
//! printed as a session whose `search_path` is `public` prints them: objects in `pg_catalog` and
//! `public` by bare name, others qualified with their schema. (PostgreSQL leaves a schema the role
//! has no `USAGE` on out of its `search_path`, so a role without `USAGE` on `public`, which every
//! role has by default, would see `public.` prefixes.) Every list is sorted, so the same schema
//! always gives the same snapshot.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Deserialize;

use crate::snapshot::{
    Attribute, Check, Column, Composite, Domain, EnumType, Extension, ForeignKey, Generated,
    Identity, Index, IndexKey, KeyConstraint, MigrationHead, Reference, RelationKind, Snapshot,
    Table,
};

#[cfg(feature = "postgres")]
pub mod postgres;
mod sql;

/// Starts the transaction every other statement runs in.
pub const BEGIN: &str = "START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// Ends the transaction; it wrote nothing.
pub const END: &str = "ROLLBACK";

/// Settings that change how types and expressions are printed, pinned for the transaction.
pub const SESSION_SETTINGS: &[&str] = &[
    "SET LOCAL search_path TO public",
    "SET LOCAL datestyle TO 'ISO, YMD'",
    "SET LOCAL intervalstyle TO postgres",
    "SET LOCAL timezone TO 'UTC'",
    "SET LOCAL extra_float_digits TO 1",
    "SET LOCAL bytea_output TO hex",
    "SET LOCAL quote_all_identifiers TO off",
];

/// Which known migration tables exist and are readable: one row, one `text` column holding NULL
/// or a JSON array of names from [`MIGRATION_TABLES`], in that order. No parameters.
pub const MIGRATION_PROBE: &str = sql::MIGRATION_PROBE;

/// The migration tables looked for, in order of preference.
pub const MIGRATION_TABLES: [&str; 5] = [
    "_sqlx_migrations",
    "__diesel_schema_migrations",
    "refinery_schema_history",
    "alembic_version",
    "flyway_schema_history",
];

/// The query reading the newest applied migration from one of [`MIGRATION_TABLES`]: one row, one
/// nullable `text` column. No parameters.
pub fn migration_head_query(table: &str) -> Option<&'static str> {
    Some(match table {
        "_sqlx_migrations" => "SELECT max(version)::text FROM _sqlx_migrations WHERE success",
        "__diesel_schema_migrations" => "SELECT max(version)::text FROM __diesel_schema_migrations",
        "refinery_schema_history" => "SELECT max(version)::text FROM refinery_schema_history",
        // Several rows only with branches that were not merged: name them all.
        "alembic_version" => {
            "SELECT string_agg(version_num::text, ',' ORDER BY version_num::text) FROM alembic_version"
        }
        // Repeatable migrations have no version.
        "flyway_schema_history" => {
            "SELECT (SELECT version::text FROM flyway_schema_history \
             WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1)"
        }
        _ => return None,
    })
}

/// One catalog query of [`QUERIES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query {
    /// A short name used in error messages.
    pub name: &'static str,
    /// The SQL; takes `$1::text[]` and returns one row with one `text` column.
    pub sql: &'static str,
}

/// The catalog queries, in the order their results are given to [`assemble`].
pub const QUERIES: [Query; 5] = [
    Query {
        name: "meta",
        sql: sql::META,
    },
    Query {
        name: "relations",
        sql: sql::RELATIONS,
    },
    Query {
        name: "constraints",
        sql: sql::CONSTRAINTS,
    },
    Query {
        name: "indexes",
        sql: sql::INDEXES,
    },
    Query {
        name: "types",
        sql: sql::TYPES,
    },
];

/// What the statements returned, for [`assemble`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Results {
    /// The result of each of [`QUERIES`], in order (`None` for SQL NULL).
    pub catalog: Vec<Option<String>>,
    /// The migration head found by steps 2 of the protocol, if any.
    pub migration_head: Option<MigrationHead>,
}

/// Why introspection failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A query's result was not the JSON this crate expects (a bug, or an unsupported server).
    Json {
        query: &'static str,
        source: serde_json::Error,
    },
    /// [`Results::catalog`] did not have one entry per query.
    ResultCount { expected: usize, found: usize },
    /// Schemas that were asked for do not exist.
    MissingSchemas(Vec<String>),
    /// The catalogs hold something this crate does not understand.
    Unexpected(String),
    /// The database driver failed.
    #[cfg(feature = "postgres")]
    Postgres(::postgres::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Json { query, source } => {
                write!(
                    f,
                    "unexpected result from introspection query `{query}`: {source}"
                )
            }
            Error::ResultCount { expected, found } => write!(
                f,
                "introspection needs {expected} query results, but {found} were given"
            ),
            Error::MissingSchemas(names) => {
                write!(f, "schema")?;
                if names.len() > 1 {
                    write!(f, "s")?;
                }
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                write!(f, " {} not found in the database", quoted.join(", "))
            }
            Error::Unexpected(msg) => write!(f, "unexpected catalog contents: {msg}"),
            #[cfg(feature = "postgres")]
            Error::Postgres(e) => write!(f, "introspection query failed: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Json { source, .. } => Some(source),
            #[cfg(feature = "postgres")]
            Error::Postgres(e) => Some(e),
            _ => None,
        }
    }
}

/// Picks the migration head: `tables` is the probe's result, `read` runs
/// [`migration_head_query`] for one table. The first table giving a version wins.
pub fn migration_head<E>(
    probe: Option<&str>,
    mut read: impl FnMut(&'static str) -> Result<Option<String>, E>,
) -> Result<Option<MigrationHead>, E>
where
    E: From<Error>,
{
    let tables: Vec<String> = parse("migration_probe", probe)?;
    for table in tables {
        let Some(sql) = migration_head_query(&table) else {
            continue;
        };
        if let Some(version) = read(sql)? {
            return Ok(Some(MigrationHead { table, version }));
        }
    }
    Ok(None)
}

fn parse<T: for<'de> Deserialize<'de> + Default>(
    query: &'static str,
    text: Option<&str>,
) -> Result<T, Error> {
    match text {
        None => Ok(T::default()),
        Some(t) => serde_json::from_str(t).map_err(|source| Error::Json { query, source }),
    }
}

// --- The JSON shapes the queries return. ---------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct RawMeta {
    server_version: String,
    #[serde(default)]
    schemas: Option<Vec<String>>,
    #[serde(default)]
    missing: Option<Vec<String>>,
    #[serde(default)]
    extensions: Option<Vec<RawExtension>>,
}

#[derive(Debug, Deserialize)]
struct RawExtension {
    name: String,
    schema: String,
    version: String,
}

/// The `relations` query: relations, and the columns of all of them as parallel arrays (one JSON
/// array per field is much cheaper for the server to build than one object per column).
#[derive(Debug, Default, Deserialize)]
struct RawRelations {
    relations: Option<Vec<RawRelation>>,
    columns: Option<RawColumns>,
}

#[derive(Debug, Deserialize)]
struct RawRelation {
    oid: i64,
    schema: String,
    name: String,
    kind: String,
    partitions: Option<Vec<RawName>>,
}

/// Entry `i` of every array describes one column of relation `relation[i]`. Every array is NULL
/// when there are no columns at all.
#[derive(Debug, Default, Deserialize)]
struct RawColumns {
    relation: Option<Vec<i64>>,
    attnum: Option<Vec<i32>>,
    name: Option<Vec<String>>,
    #[serde(rename = "type")]
    type_display: Option<Vec<String>>,
    type_name: Option<Vec<String>>,
    type_schema: Option<Vec<String>>,
    array: Option<Vec<bool>>,
    not_null: Option<Vec<bool>>,
    default: Option<Vec<Option<String>>>,
    identity: Option<Vec<String>>,
    generated: Option<Vec<String>>,
}

impl RawColumns {
    /// The columns of each relation, by relation oid.
    fn by_relation(self) -> Result<HashMap<i64, Vec<RawColumn>>, Error> {
        let relation = self.relation.unwrap_or_default();
        let n = relation.len();
        fn field<T>(
            name: &str,
            v: Option<Vec<T>>,
            n: usize,
        ) -> Result<std::vec::IntoIter<T>, Error> {
            let v = v.unwrap_or_default();
            if v.len() == n {
                Ok(v.into_iter())
            } else {
                Err(Error::Unexpected(format!(
                    "the column field `{name}` has {} entries for {n} columns",
                    v.len()
                )))
            }
        }
        let mut attnum = field("attnum", self.attnum, n)?;
        let mut name = field("name", self.name, n)?;
        let mut type_display = field("type", self.type_display, n)?;
        let mut type_name = field("type_name", self.type_name, n)?;
        let mut type_schema = field("type_schema", self.type_schema, n)?;
        let mut array = field("array", self.array, n)?;
        let mut not_null = field("not_null", self.not_null, n)?;
        let mut default = field("default", self.default, n)?;
        let mut identity = field("identity", self.identity, n)?;
        let mut generated = field("generated", self.generated, n)?;
        let mut out: HashMap<i64, Vec<RawColumn>> = HashMap::new();
        for rel in relation {
            // Every iterator has exactly `n` entries: checked above.
            out.entry(rel).or_default().push(RawColumn {
                attnum: attnum.next().unwrap_or_default(),
                name: name.next().unwrap_or_default(),
                type_display: type_display.next().unwrap_or_default(),
                type_name: type_name.next().unwrap_or_default(),
                type_schema: type_schema.next().unwrap_or_default(),
                array: array.next().unwrap_or_default(),
                not_null: not_null.next().unwrap_or_default(),
                default: default.next().unwrap_or_default(),
                identity: identity.next().unwrap_or_default(),
                generated: generated.next().unwrap_or_default(),
            });
        }
        Ok(out)
    }
}

#[derive(Debug, Deserialize)]
struct RawName {
    schema: String,
    name: String,
}

#[derive(Debug)]
struct RawColumn {
    attnum: i32,
    name: String,
    type_display: String,
    type_name: String,
    type_schema: String,
    array: bool,
    not_null: bool,
    default: Option<String>,
    identity: String,
    generated: String,
}

#[derive(Debug, Deserialize)]
struct RawConstraint {
    schema: String,
    table: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    table_oid: i64,
    /// The constrained columns (`conkey`).
    attnums: Option<Vec<i32>>,
    ref_schema: Option<String>,
    ref_table: Option<String>,
    ref_columns: Option<Vec<String>>,
    on_update: String,
    on_delete: String,
    definition: Option<String>,
}

/// The `indexes` query.
#[derive(Debug, Default, Deserialize)]
struct RawIndexes {
    indexes: Option<Vec<RawIndex>>,
    /// Names of the operator classes that are not their type's default, by oid.
    opclasses: Option<HashMap<i64, String>>,
}

#[derive(Debug, Deserialize)]
struct RawIndex {
    schema: String,
    table: String,
    table_oid: i64,
    name: String,
    method: String,
    unique: bool,
    primary: bool,
    /// `key_count` keys (0 for an expression), then the INCLUDE columns.
    attnums: Vec<i32>,
    key_count: usize,
    key_options: Vec<i32>,
    key_opclasses: Vec<i64>,
    /// The expression keys, in key order.
    expressions: Option<Vec<String>>,
    predicate: Option<String>,
    options: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct RawType {
    schema: String,
    name: String,
    kind: String,
    labels: Option<Vec<String>>,
    base: Option<RawBase>,
    not_null: bool,
    default: Option<String>,
    checks: Option<Vec<RawCheck>>,
    attributes: Option<Vec<RawAttribute>>,
}

#[derive(Debug, Deserialize)]
struct RawBase {
    #[serde(rename = "type")]
    type_display: String,
    type_name: String,
    type_schema: String,
    array: bool,
}

#[derive(Debug, Deserialize)]
struct RawCheck {
    name: String,
    definition: String,
}

#[derive(Debug, Deserialize)]
struct RawAttribute {
    attnum: i32,
    name: String,
    #[serde(rename = "type")]
    type_display: String,
    type_name: String,
    type_schema: String,
    array: bool,
}

/// `15.18 (Debian 15.18-0+deb12u1)` -> `15.18`; `18beta1` -> `18`.
pub fn numeric_version(server_version: &str) -> String {
    let v: String = server_version
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    v.trim_end_matches('.').to_owned()
}

fn fk_action(code: &str) -> Result<String, Error> {
    Ok(match code {
        "a" => "no action",
        "r" => "restrict",
        "c" => "cascade",
        "n" => "set null",
        "d" => "set default",
        other => return Err(Error::Unexpected(format!("foreign key action `{other}`"))),
    }
    .to_owned())
}

/// A partition's name as listed under its parent: bare in the parent's schema, else qualified.
fn partition_name(parent_schema: &str, p: RawName) -> String {
    if p.schema == parent_schema {
        p.name
    } else {
        format!("{}.{}", p.schema, p.name)
    }
}

/// Builds the snapshot from the results of [`QUERIES`] (in order) and the migration head.
pub fn assemble(results: &Results) -> Result<Snapshot, Error> {
    assemble_checked(results, true)
}

/// Like [`assemble`], but schemas that were asked for and do not exist are simply absent from
/// the snapshot. Startup verification uses it: a model's missing schema is drift to report, not
/// a failure to run.
pub fn assemble_allowing_missing(results: &Results) -> Result<Snapshot, Error> {
    assemble_checked(results, false)
}

fn assemble_checked(results: &Results, missing_is_error: bool) -> Result<Snapshot, Error> {
    let [meta, relations, constraints, indexes, types] = results.catalog.as_slice() else {
        return Err(Error::ResultCount {
            expected: QUERIES.len(),
            found: results.catalog.len(),
        });
    };
    let meta: RawMeta = match meta.as_deref() {
        None => return Err(Error::Unexpected("the meta query returned NULL".into())),
        Some(t) => parse("meta", Some(t))?,
    };
    let mut missing = meta.missing.clone().unwrap_or_default();
    if missing_is_error && !missing.is_empty() {
        missing.sort();
        return Err(Error::MissingSchemas(missing));
    }

    let mut snapshot = Snapshot::new();
    snapshot.server_version = Some(numeric_version(&meta.server_version));
    snapshot.migration_head = results.migration_head.clone();
    for e in meta.extensions.unwrap_or_default() {
        snapshot.extensions.insert(
            e.name,
            Extension {
                schema: e.schema,
                version: e.version,
            },
        );
    }
    for s in meta.schemas.unwrap_or_default() {
        snapshot.schemas.entry(s).or_default();
    }

    let relations: RawRelations = parse("relations", relations.as_deref())?;
    let mut columns_of = relations.columns.unwrap_or_default().by_relation()?;
    // Index keys come as attnums.
    let column_names: HashMap<(i64, i32), String> = columns_of
        .iter()
        .flat_map(|(oid, columns)| columns.iter().map(|c| ((*oid, c.attnum), c.name.clone())))
        .collect();
    for r in relations.relations.unwrap_or_default() {
        let kind = match r.kind.as_str() {
            "r" => RelationKind::Table,
            "p" => RelationKind::PartitionedTable,
            "v" => RelationKind::View,
            "m" => RelationKind::MaterializedView,
            other => return Err(Error::Unexpected(format!("relation kind `{other}`"))),
        };
        let mut raw_columns = columns_of.remove(&r.oid).unwrap_or_default();
        raw_columns.sort_by_key(|c| c.attnum);
        let mut columns = Vec::with_capacity(raw_columns.len());
        for c in raw_columns {
            columns.push(Column {
                array: c.array,
                default: c.default,
                generated: match c.generated.as_str() {
                    "" => None,
                    "s" => Some(Generated::Stored),
                    "v" => Some(Generated::Virtual),
                    other => {
                        return Err(Error::Unexpected(format!(
                            "generated column kind `{other}` on {}.{}.{}",
                            r.schema, r.name, c.name
                        )));
                    }
                },
                identity: match c.identity.as_str() {
                    "" => None,
                    "a" => Some(Identity::Always),
                    "d" => Some(Identity::ByDefault),
                    other => {
                        return Err(Error::Unexpected(format!(
                            "identity kind `{other}` on {}.{}.{}",
                            r.schema, r.name, c.name
                        )));
                    }
                },
                name: c.name,
                nullable: !c.not_null,
                type_display: c.type_display,
                type_name: c.type_name,
                type_schema: c.type_schema,
            });
        }
        let mut partitions: Vec<String> = r
            .partitions
            .unwrap_or_default()
            .into_iter()
            .map(|p| partition_name(&r.schema, p))
            .collect();
        partitions.sort();
        snapshot.schemas.entry(r.schema).or_default().tables.insert(
            r.name,
            Table {
                checks: Vec::new(),
                columns,
                foreign_keys: Vec::new(),
                indexes: Vec::new(),
                kind,
                partitions,
                primary_key: None,
                unique_constraints: Vec::new(),
            },
        );
    }

    let constraints: Vec<RawConstraint> = parse("constraints", constraints.as_deref())?;
    for c in constraints {
        let Some(table) = snapshot
            .schemas
            .get_mut(&c.schema)
            .and_then(|s| s.tables.get_mut(&c.table))
        else {
            continue;
        };
        // A check constraint's columns are not described (its definition is).
        let columns = if c.kind == "c" {
            Vec::new()
        } else {
            c.attnums
                .unwrap_or_default()
                .into_iter()
                .map(|attnum| {
                    column_names
                        .get(&(c.table_oid, attnum))
                        .cloned()
                        .ok_or_else(|| {
                            Error::Unexpected(format!(
                                "constraint {} on {}.{}: no column with attnum {attnum}",
                                c.name, c.schema, c.table
                            ))
                        })
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        match c.kind.as_str() {
            "p" => {
                table.primary_key = Some(KeyConstraint {
                    columns,
                    name: c.name,
                })
            }
            "u" => table.unique_constraints.push(KeyConstraint {
                columns,
                name: c.name,
            }),
            "f" => table.foreign_keys.push(ForeignKey {
                columns,
                on_delete: fk_action(&c.on_delete)?,
                on_update: fk_action(&c.on_update)?,
                references: Reference {
                    columns: c.ref_columns.unwrap_or_default(),
                    schema: c.ref_schema.unwrap_or_default(),
                    table: c.ref_table.unwrap_or_default(),
                },
                name: c.name,
            }),
            "c" => table.checks.push(Check {
                definition: c.definition.unwrap_or_default(),
                name: c.name,
            }),
            other => return Err(Error::Unexpected(format!("constraint type `{other}`"))),
        }
    }

    let indexes: RawIndexes = parse("indexes", indexes.as_deref())?;
    let opclasses = indexes.opclasses.unwrap_or_default();
    for mut i in indexes.indexes.unwrap_or_default() {
        let Some(table) = snapshot
            .schemas
            .get_mut(&i.schema)
            .and_then(|s| s.tables.get_mut(&i.table))
        else {
            continue;
        };
        let mut expressions = i.expressions.take().unwrap_or_default().into_iter();
        let unexpected = |what: &str| {
            Error::Unexpected(format!(
                "index {}.{} on {}: {what}",
                i.schema, i.name, i.table
            ))
        };
        if i.attnums.len() < i.key_count
            || i.key_options.len() < i.key_count
            || i.key_opclasses.len() < i.key_count
        {
            return Err(unexpected("fewer key entries than keys"));
        }
        let column = |attnum: i32| {
            column_names
                .get(&(i.table_oid, attnum))
                .cloned()
                .ok_or_else(|| unexpected(&format!("no column with attnum {attnum}")))
        };
        let mut keys = Vec::with_capacity(i.key_count);
        for k in 0..i.key_count {
            let (column, expression) = match i.attnums[k] {
                0 => (
                    None,
                    Some(
                        expressions
                            .next()
                            .ok_or_else(|| unexpected("an expression key without its text"))?,
                    ),
                ),
                attnum => (Some(column(attnum)?), None),
            };
            // INDOPTION_DESC and INDOPTION_NULLS_FIRST; NULLS FIRST is the default for DESC.
            let option = i.key_options[k];
            let descending = option & 1 != 0;
            let nulls_first = option & 2 != 0;
            keys.push(IndexKey {
                column,
                descending,
                expression,
                nulls_first: (nulls_first != descending).then_some(nulls_first),
                opclass: opclasses.get(&i.key_opclasses[k]).cloned(),
            });
        }
        let include = i.attnums[i.key_count..]
            .iter()
            .map(|a| column(*a))
            .collect::<Result<Vec<_>, _>>()?;
        let mut options = BTreeMap::new();
        for o in i.options.unwrap_or_default() {
            match o.split_once('=') {
                Some((k, v)) => options.insert(k.to_owned(), v.to_owned()),
                None => options.insert(o, String::new()),
            };
        }
        table.indexes.push(Index {
            include,
            keys,
            method: i.method,
            name: i.name,
            options,
            predicate: i.predicate,
            primary: i.primary,
            unique: i.unique,
        });
    }

    let types: Vec<RawType> = parse("types", types.as_deref())?;
    for t in types {
        let schema = snapshot.schemas.entry(t.schema.clone()).or_default();
        match t.kind.as_str() {
            "e" => {
                schema.enums.insert(
                    t.name,
                    EnumType {
                        labels: t.labels.unwrap_or_default(),
                    },
                );
            }
            "d" => {
                let base = t.base.ok_or_else(|| {
                    Error::Unexpected(format!("domain {}.{} has no base type", t.schema, t.name))
                })?;
                let mut checks: Vec<Check> = t
                    .checks
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| Check {
                        definition: c.definition,
                        name: c.name,
                    })
                    .collect();
                checks.sort_by(|a, b| a.name.cmp(&b.name));
                schema.domains.insert(
                    t.name,
                    Domain {
                        array: base.array,
                        checks,
                        default: t.default,
                        not_null: t.not_null,
                        type_display: base.type_display,
                        type_name: base.type_name,
                        type_schema: base.type_schema,
                    },
                );
            }
            "c" => {
                let mut attrs = t.attributes.unwrap_or_default();
                attrs.sort_by_key(|a| a.attnum);
                schema.composites.insert(
                    t.name,
                    Composite {
                        attributes: attrs
                            .into_iter()
                            .map(|a| Attribute {
                                array: a.array,
                                name: a.name,
                                type_display: a.type_display,
                                type_name: a.type_name,
                                type_schema: a.type_schema,
                            })
                            .collect(),
                    },
                );
            }
            other => return Err(Error::Unexpected(format!("type kind `{other}`"))),
        }
    }

    for schema in snapshot.schemas.values_mut() {
        for table in schema.tables.values_mut() {
            table.checks.sort_by(|a, b| a.name.cmp(&b.name));
            table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
            table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            table.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_version_keeps_the_number_only() {
        assert_eq!(numeric_version("15.18 (Debian 15.18-0+deb12u1)"), "15.18");
        assert_eq!(numeric_version("16.4"), "16.4");
        assert_eq!(numeric_version("18beta1"), "18");
        assert_eq!(numeric_version(" 17.0 "), "17.0");
    }

    #[test]
    fn queries_take_the_schema_list_as_a_parameter() {
        for q in QUERIES {
            assert!(q.sql.contains("$1::text[]"), "{}", q.name);
            assert!(!q.sql.contains("$2"), "{}", q.name);
        }
        assert!(!MIGRATION_PROBE.contains('$'));
        for t in MIGRATION_TABLES {
            assert!(MIGRATION_PROBE.contains(&format!("'{t}'")), "{t}");
            assert!(migration_head_query(t).unwrap().contains(t), "{t}");
        }
        assert_eq!(migration_head_query("users"), None);
    }

    fn results(catalog: [Option<&str>; 5]) -> Results {
        Results {
            catalog: catalog.iter().map(|t| t.map(str::to_owned)).collect(),
            migration_head: None,
        }
    }

    #[test]
    fn assembles_sorted_lists_from_unsorted_rows() {
        let meta = r#"{"server_version": "16.4", "schemas": ["public", "empty"], "missing": null,
            "extensions": [{"name": "vector", "version": "0.8.0", "schema": "public"}]}"#;
        let rels = r#"{"relations": [
              {"oid": 16400, "schema": "public", "name": "t", "kind": "p", "partitions": [
                {"schema": "public", "name": "t_2"}, {"schema": "other", "name": "t_1"}]},
              {"oid": 16500, "schema": "public", "name": "no_columns", "kind": "v",
               "partitions": null}],
            "columns": {"relation": [16400, 16400], "attnum": [2, 1], "name": ["b", "a"],
              "type": ["integer[]", "bigint"], "type_name": ["int4", "int8"],
              "type_schema": ["pg_catalog", "pg_catalog"], "array": [true, false],
              "not_null": [false, true], "default": [null, null], "identity": ["", "a"],
              "generated": ["s", ""]}}"#;
        let cons = r#"[
            {"schema": "public", "table": "t", "name": "z_fk", "type": "f", "table_oid": 16400,
             "attnums": [1],
             "ref_schema": "public", "ref_table": "u", "ref_columns": ["id"],
             "on_update": "a", "on_delete": "c", "definition": null},
            {"schema": "public", "table": "t", "name": "a_fk", "type": "f", "table_oid": 16400,
             "attnums": [1],
             "ref_schema": "public", "ref_table": "u", "ref_columns": ["id"],
             "on_update": "r", "on_delete": "n", "definition": null}]"#;
        let idx = r#"{"indexes": [{"schema": "public", "table": "t", "table_oid": 16400,
            "name": "t_b", "method": "btree", "unique": false, "primary": false,
            "attnums": [1, 0, 1, 2], "key_count": 3, "key_options": [3, 2, 1],
            "key_opclasses": [3124, 4000, 3124], "expressions": ["lower(x)"],
            "predicate": "a > 0", "options": ["fillfactor=70"]}],
            "opclasses": {"4000": "text_pattern_ops"}}"#;
        let s = assemble(&results([
            Some(meta),
            Some(rels),
            Some(cons),
            Some(idx),
            None,
        ]))
        .unwrap();
        assert_eq!(s.server_version.as_deref(), Some("16.4"));
        assert!(s.schemas["empty"].tables.is_empty());
        let t = s.table("public", "t").unwrap();
        assert_eq!(t.kind, RelationKind::PartitionedTable);
        assert_eq!(t.partitions, ["other.t_1", "t_2"]);
        assert!(s.table("public", "no_columns").unwrap().columns.is_empty());
        assert_eq!(t.columns[0].name, "a");
        assert_eq!(t.columns[0].identity, Some(Identity::Always));
        assert!(!t.columns[0].nullable);
        assert_eq!(t.columns[1].generated, Some(Generated::Stored));
        assert!(t.columns[1].array);
        let fks: Vec<_> = t
            .foreign_keys
            .iter()
            .map(|f| (f.name.as_str(), f.on_delete.as_str(), f.on_update.as_str()))
            .collect();
        assert_eq!(
            fks,
            [
                ("a_fk", "set null", "restrict"),
                ("z_fk", "cascade", "no action")
            ]
        );
        let keys = &t.indexes[0].keys;
        // ASC NULLS LAST is the default: nothing to say.
        assert_eq!((keys[0].descending, keys[0].nulls_first), (true, None));
        assert_eq!(
            (keys[1].descending, keys[1].nulls_first),
            (false, Some(true))
        );
        assert_eq!(keys[1].column, None);
        assert_eq!(keys[1].expression.as_deref(), Some("lower(x)"));
        assert_eq!(
            (keys[2].descending, keys[2].nulls_first),
            (true, Some(false))
        );
        assert_eq!(t.indexes[0].options["fillfactor"], "70");
        assert_eq!(t.indexes[0].include, ["b"]);
        assert_eq!(keys[0].column.as_deref(), Some("a"));
        let opclasses: Vec<_> = keys.iter().map(|k| k.opclass.as_deref()).collect();
        assert_eq!(opclasses, [None, Some("text_pattern_ops"), None]);

        // An index key naming a column the relations query did not return is an error.
        let bad = idx.replace("[1, 0, 1, 2]", "[7, 0, 1, 2]");
        let err = assemble(&results([
            Some(meta),
            Some(rels),
            Some(cons),
            Some(&bad),
            None,
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("no column with attnum 7"), "{err}");
    }

    #[test]
    fn missing_schemas_and_bad_results_are_errors() {
        let meta = r#"{"server_version": "15.1", "schemas": null, "missing": ["b", "a"],
                       "extensions": null}"#;
        let err = assemble(&results([Some(meta), None, None, None, None])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "schemas `a`, `b` not found in the database"
        );
        let err = assemble(&Results::default()).unwrap_err();
        assert!(matches!(
            err,
            Error::ResultCount {
                expected: 5,
                found: 0
            }
        ));
        let meta =
            r#"{"server_version": "15.1", "schemas": null, "missing": null, "extensions": null}"#;
        let err = assemble(&results([Some(meta), Some("{"), None, None, None])).unwrap_err();
        assert!(err.to_string().contains("`relations`"), "{err}");
        let ragged = r#"{"relations": null, "columns": {"relation": [1, 2], "attnum": [1]}}"#;
        let err = assemble(&results([Some(meta), Some(ragged), None, None, None])).unwrap_err();
        assert!(
            err.to_string().contains("`attnum` has 1 entries for 2"),
            "{err}"
        );
    }
}
