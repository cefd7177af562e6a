//! What an analysis returns: the statement's kind, its result columns and parameters with their
//! inferred types, and the findings.

use std::ops::Range;

use crate::types::ColumnType;
pub use crate::types::Nullability;

use super::findings::Finding;

/// How a statement is analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Schemas searched for unqualified names, in order (`pg_catalog` is always searched
    /// first, as PostgreSQL does). Default: `public`.
    pub search_path: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            search_path: vec!["public".to_owned()],
        }
    }
}

/// A type as PostgreSQL describes a value: what the driver decodes (domains resolved to their
/// base type, in the form the type rule takes: [`crate::types::rule::accepts`]), plus how the
/// type reads and the domain it came through, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlType {
    /// The type a driver decodes: `pg_catalog.int4`, `public.entitytype` (an enum).
    pub decoded: ColumnType<String>,
    /// How PostgreSQL prints the type as written (the domain's name for a domain):
    /// `integer`, `character varying[]`, `canonlayer`.
    pub display: String,
    /// `(schema, name)` of the domain the value is declared with, if any. A result column of a
    /// domain type is described by the server as the domain's base type; a parameter as the
    /// domain itself.
    pub domain: Option<(String, String)>,
}

/// A column of a relation of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ColumnOrigin {
    /// The relation's schema.
    pub schema: String,
    /// The table, view or materialized view.
    pub table: String,
    /// The column.
    pub column: String,
}

/// One result column (of the select list or `RETURNING`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultColumn {
    /// The name PostgreSQL gives the column (`?column?` when it has none).
    pub name: String,
    /// `None` when the engine cannot infer the type: such a column is not judged.
    pub ty: Option<SqlType>,
    /// Whether it can be NULL.
    pub nullability: Nullability,
    /// Where the value comes from, when it is a plain column reference.
    pub origin: Option<ColumnOrigin>,
    /// The byte range of the expression in the statement text.
    pub span: Range<usize>,
}

/// A parameter `$n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// `None` when the context does not fix the type (or the engine cannot tell).
    pub ty: Option<SqlType>,
    /// Where it first appears.
    pub span: Range<usize>,
}

/// What kind of statement it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatementKind {
    /// A query: SELECT, a set operation, `TABLE`, or `WITH ... SELECT`.
    Select,
    /// `INSERT` (also `WITH ... INSERT`).
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
    /// `VALUES (...)` on its own.
    Values,
    /// Anything else (DDL, `ALTER SEQUENCE`, `LOCK`, `COPY`, `SET`, ...): names are checked
    /// where the engine can, nothing is typed, and it cannot be prepared.
    Utility,
}

/// The outcome of analysing one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// What the statement is (for `WITH ... INSERT`, the data-modifying statement).
    pub kind: StatementKind,
    /// Every problem found, in the order of the text.
    pub findings: Vec<Finding>,
    /// The result columns, in order; empty for a statement without result.
    pub columns: Vec<ResultColumn>,
    /// False when a `*` expanded over a relation whose columns are not all known (a relation
    /// that does not exist, a system relation of a newer server, JSON_TABLE): `columns` may
    /// then lack some.
    pub columns_known: bool,
    /// `$1..$n`; index 0 is `$1`.
    pub params: Vec<Param>,
    /// The table columns the statement names (not those a `*` expands to), sorted, once each:
    /// what a migration must not rename or drop under it.
    pub references: Vec<ColumnOrigin>,
}

impl Analysis {
    /// True when nothing was found.
    pub fn is_ok(&self) -> bool {
        self.findings.is_empty()
    }
}
