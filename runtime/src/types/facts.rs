//! What the type rule knows about a column: its type as a driver decodes it, and whether it can
//! be NULL. One shape, borrowed (`&str`, what generated code and `const` evaluation use) or owned
//! (`String`, what the engines build at run time).

use crate::ident;
use crate::snapshot::{Column, DomainBase, Snapshot, Table, TypeKind};

/// A column's type as a driver decodes it: domains resolved to their base type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ColumnType<S> {
    /// The schema of `name`: `pg_catalog` for built-in types, the extension's schema for
    /// extension types.
    pub schema: S,
    /// `pg_type.typname` of the type (of the element type, for an array): `int4`, `varchar`.
    pub name: S,
    /// True for an array of `schema.name`.
    pub array: bool,
    /// True when `schema.name` is an enum.
    pub is_enum: bool,
}

impl<S: AsRef<str>> ColumnType<S> {
    /// The borrowed form, which the type rule takes.
    pub fn as_ref(&self) -> ColumnType<&str> {
        ColumnType {
            schema: self.schema.as_ref(),
            name: self.name.as_ref(),
            array: self.array,
            is_enum: self.is_enum,
        }
    }
}

impl ColumnType<&str> {
    /// The owned form.
    pub fn to_owned(&self) -> ColumnType<String> {
        ColumnType {
            schema: self.schema.to_owned(),
            name: self.name.to_owned(),
            array: self.array,
            is_enum: self.is_enum,
        }
    }
}

/// Whether a value can be NULL: the column side of the nullability rule
/// ([`super::rule::fits_nullability`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nullability {
    /// Provably never NULL: a NOT NULL column (or one of a NOT NULL domain) of a table; for a
    /// statement's result, also a column of a table not on the nullable side of an outer join,
    /// `count(*)`, a literal, `coalesce(x, <not null>)`, `EXISTS`, `row_number()`, ...
    NotNull,
    /// Can be NULL: a nullable column of a table; for a statement's result, also the nullable
    /// side of an outer join, a scalar subquery, most aggregates, a parameter, `CASE` without
    /// `ELSE`, ...
    Nullable,
    /// Not known, hence not judged: a view's column (PostgreSQL does not carry NOT NULL through
    /// views), a call of a function the statement engine does not know.
    Unknown,
}

/// How the statement engine combines the nullability of an expression's inputs.
#[cfg(feature = "sql")]
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

/// What the type rule knows about one column, as the derive emits it (`S = &'static str`) or
/// the engine builds it from a snapshot (`S = String`, [`ColumnFacts::of_column`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnFacts<S> {
    /// `table.column`, schema-qualified outside `public`, quoted where SQL needs it.
    pub qualified: S,
    /// How the column's type reads in a message: `` `character varying(20)` ``,
    /// `` enum `entitytype` ``, `` `year` (a domain over `integer`) ``.
    pub display: S,
    /// The type a driver decodes.
    pub ty: ColumnType<S>,
    /// Whether the column can be NULL; [`Nullability::Unknown`] for a view's column.
    pub nullability: Nullability,
}

impl<S: AsRef<str>> ColumnFacts<S> {
    /// The borrowed form, which the type rule takes.
    pub fn as_ref(&self) -> ColumnFacts<&str> {
        ColumnFacts {
            qualified: self.qualified.as_ref(),
            display: self.display.as_ref(),
            ty: self.ty.as_ref(),
            nullability: self.nullability,
        }
    }
}

impl ColumnFacts<String> {
    /// What a driver sees when it decodes `column` of `schema.table_name`: domains resolved to
    /// their base type, a NOT NULL domain making the column NOT NULL, a view's nullability
    /// unknown.
    pub fn of_column(
        snapshot: &Snapshot,
        schema: &str,
        table_name: &str,
        table: &Table,
        column: &Column,
    ) -> ColumnFacts<String> {
        let declared = column.declared();
        let is_enum = |schema: &str, name: &str| {
            matches!(snapshot.type_kind(schema, name), TypeKind::Enum(_))
        };
        let mut not_null = !column.nullable;
        let (ty, display) = match snapshot.domain_base(declared.schema, declared.name) {
            Some(DomainBase {
                domain,
                base,
                not_null: domain_not_null,
            }) => {
                // A NOT NULL domain keeps NULL out of a column, not out of an array's elements.
                not_null |= domain_not_null && !declared.array;
                let ty = ColumnType {
                    schema: base.schema,
                    name: base.name,
                    array: declared.array || base.array,
                    is_enum: is_enum(base.schema, base.name),
                };
                let display = format!(
                    "`{}` (a domain over `{}`)",
                    declared.display, domain.type_display
                );
                (ty, display)
            }
            None => {
                let ty = ColumnType {
                    schema: declared.schema,
                    name: declared.name,
                    array: declared.array,
                    is_enum: is_enum(declared.schema, declared.name),
                };
                let display = if ty.is_enum && !ty.array {
                    format!("enum `{}`", ident::type_name(ty.schema, ty.name))
                } else {
                    format!("`{}`", declared.display)
                };
                (ty, display)
            }
        };
        let nullability = if !table.kind.tracks_nullability() {
            Nullability::Unknown
        } else if not_null {
            Nullability::NotNull
        } else {
            Nullability::Nullable
        };
        ColumnFacts {
            qualified: ident::column(schema, table_name, &column.name),
            display,
            ty: ty.to_owned(),
            nullability,
        }
    }
}
