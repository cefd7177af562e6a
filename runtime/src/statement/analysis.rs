//! What an analysis returns: the statement's kind, its result columns and parameters with their
//! inferred types, and the findings.

use std::ops::Range;

use crate::pgtype::ColumnType;

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
/// base type), plus the domain it came through, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlType {
    /// The schema of `name`: `pg_catalog` for built-in types, the extension's schema for
    /// extension types.
    pub schema: String,
    /// `pg_type.typname` of the (element) type: `int4`, `varchar`, `entitytype`.
    pub name: String,
    pub array: bool,
    pub is_enum: bool,
    /// How PostgreSQL prints the type as written (the domain's name for a domain):
    /// `integer`, `character varying[]`, `canonlayer`.
    pub display: String,
    /// `(schema, name)` of the domain the value is declared with, if any. A result column of a
    /// domain type is described by the server as the domain's base type; a parameter as the
    /// domain itself.
    pub domain: Option<(String, String)>,
}

impl SqlType {
    /// The type in the form the derives' type rule takes
    /// ([`crate::pgtype::accepts`]).
    pub fn column_type(&self) -> ColumnType<'_> {
        ColumnType {
            schema: &self.schema,
            name: &self.name,
            array: self.array,
            is_enum: self.is_enum,
        }
    }
}

/// Whether a result column can be NULL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nullability {
    /// Provably never NULL: a NOT NULL column of a table not on the nullable side of an outer
    /// join, `count(*)`, a literal, `coalesce(x, <not null>)`, `EXISTS`, `row_number()`, ...
    NotNull,
    /// Can be NULL: a nullable column, the nullable side of an outer join, a scalar subquery,
    /// most aggregates, a parameter, `CASE` without `ELSE`, ...
    Nullable,
    /// Not known: a view's column (PostgreSQL does not carry NOT NULL through views), a call
    /// of a function the engine does not know. Not judged.
    Unknown,
}

impl Nullability {
    /// NULL in gives NULL out: the result of combining values of these nullabilities with a
    /// strict operator or function.
    pub(crate) fn strict<I: IntoIterator<Item = Nullability>>(inputs: I) -> Nullability {
        inputs
            .into_iter()
            .fold(Nullability::NotNull, |acc, n| match (acc, n) {
                (Nullability::Nullable, _) | (_, Nullability::Nullable) => Nullability::Nullable,
                (Nullability::Unknown, _) | (_, Nullability::Unknown) => Nullability::Unknown,
                _ => Nullability::NotNull,
            })
    }

    /// NULL only if every input is NULL (`coalesce`, `greatest`).
    pub(crate) fn any_not_null<I: IntoIterator<Item = Nullability>>(inputs: I) -> Nullability {
        let mut out = Nullability::Nullable;
        for n in inputs {
            match n {
                Nullability::NotNull => return Nullability::NotNull,
                Nullability::Unknown => out = Nullability::Unknown,
                Nullability::Nullable => {}
            }
        }
        out
    }
}

/// A column of a relation of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ColumnOrigin {
    pub schema: String,
    /// The table, view or materialized view.
    pub table: String,
    pub column: String,
}

/// One result column (of the select list or `RETURNING`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultColumn {
    /// The name PostgreSQL gives the column (`?column?` when it has none).
    pub name: String,
    /// `None` when the engine cannot infer the type: such a column is not judged.
    pub ty: Option<SqlType>,
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
    Insert,
    Update,
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
