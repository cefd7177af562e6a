//! What the derives record about a model, for SQL that names columns and for startup
//! verification, and the registry that finds every derived type without a list.

use crate::types::{Accepts, Mapping, PgCompatible, rule};

/// A `#[derive(Table)]` struct: where it reads from and how each field maps.
#[derive(Debug)]
pub struct TableMeta {
    /// The struct's name.
    pub rust_name: &'static str,
    /// `module_path!()` where the struct is defined.
    pub module_path: &'static str,
    /// The table's schema.
    pub schema: &'static str,
    /// The table (or view) the struct reads.
    pub table: &'static str,
    /// Fields that map to columns, in declaration order (skipped fields are absent).
    pub columns: &'static [ColumnMeta],
    /// Structs flattened into this one with `#[sqlx(flatten)]`; they read the same table.
    pub flattened: &'static [&'static TableMeta],
    /// `#[schemalock(insertable)]`.
    pub insertable: bool,
    /// `#[schemalock(exhaustive)]`.
    pub exhaustive: bool,
}

impl TableMeta {
    /// Every column the model reads, its flattened parts included.
    pub fn all_columns(&self) -> Vec<&'static ColumnMeta> {
        let mut out: Vec<&'static ColumnMeta> = self.columns.iter().collect();
        for f in self.flattened {
            out.extend(f.all_columns());
        }
        out
    }
}

/// One field of a `#[derive(Table)]` struct.
#[derive(Debug)]
pub struct ColumnMeta {
    /// The field's name.
    pub field: &'static str,
    /// The column it reads.
    pub column: &'static str,
    /// The field's type as written in the source.
    pub rust_type: &'static str,
    /// How the field's type maps, from its `PgCompatible` impl; `None` with `pg_type`.
    pub accepts: Option<&'static Accepts>,
    /// The column type named by `#[schemalock(pg_type = "...")]`.
    pub pg_type: Option<&'static str>,
    /// True when the field can hold NULL.
    pub nullable: bool,
}

impl ColumnMeta {
    /// A field whose type the derive named with certainty: what it accepts, written out
    /// ([`crate::types::known`]), so the compiler selects no impl for it.
    pub const fn known(
        field: &'static str,
        column: &'static str,
        rust_type: &'static str,
        accepts: &'static Accepts,
        nullable: bool,
    ) -> ColumnMeta {
        ColumnMeta {
            field,
            column,
            rust_type,
            accepts: Some(accepts),
            pg_type: None,
            nullable,
        }
    }

    /// A field whose type maps through `PgCompatible` (`mapping` is its `MAPPING`).
    pub const fn mapped(
        field: &'static str,
        column: &'static str,
        rust_type: &'static str,
        mapping: &'static Mapping,
    ) -> ColumnMeta {
        ColumnMeta::known(field, column, rust_type, &mapping.accepts, mapping.nullable)
    }

    /// A field with `#[schemalock(pg_type = "...")]`.
    pub const fn declared(
        field: &'static str,
        column: &'static str,
        rust_type: &'static str,
        pg_type: &'static str,
        nullable: bool,
    ) -> ColumnMeta {
        ColumnMeta {
            field,
            column,
            rust_type,
            accepts: None,
            pg_type: Some(pg_type),
            nullable,
        }
    }

    /// The PostgreSQL type(s) the field expects, as a phrase: `` `integer` ``,
    /// `` an array of `text`, ... ``, `` enum `canonlayer` ``.
    pub fn expected(&self) -> String {
        match (self.accepts, self.pg_type) {
            (_, Some(t)) => format!("`{t}`"),
            (Some(a), None) => rule::describe(a),
            (None, None) => String::from("any type"),
        }
    }
}

/// A `#[derive(PgEnum)]` enum: the enum type it maps, then the Rust enum.
#[derive(Debug)]
pub struct EnumMeta {
    /// The enum type's schema.
    pub schema: &'static str,
    /// The enum type's name.
    pub type_name: &'static str,
    /// `(variant, label)` in declaration order.
    pub variants: &'static [(&'static str, &'static str)],
    /// `#[schemalock(exhaustive)]`: a label no variant maps is drift at run time too, not only
    /// at build time (see [`crate::verify`]).
    pub exhaustive: bool,
    /// The enum's name.
    pub rust_name: &'static str,
    /// `module_path!()` where the enum is defined.
    pub module_path: &'static str,
}

/// Implemented by `#[derive(Table)]`: the model's metadata, and the names hand-written SQL
/// uses, so a generic helper can build SQL for any model:
///
/// ```ignore
/// fn select_all<T: schemalock::Table>() -> String {
///     format!("SELECT {} FROM {}", T::COLUMN_LIST, T::TABLE)
/// }
/// ```
///
/// The derive also defines `TABLE`, `COLUMN_LIST` and `COLUMNS` as inherent constants, so
/// `Entity::TABLE` needs no import of this trait.
pub trait Table {
    /// What the derive recorded about the struct.
    const META: &'static TableMeta;
    /// The table, schema-qualified outside `public`, quoted where SQL needs it.
    const TABLE: &'static str;
    /// Every mapped column, comma-separated and quoted where SQL needs it, for `SELECT` lists.
    const COLUMN_LIST: &'static str;
    /// The struct of column names the derive generates (`EntityColumns`), one field per mapped
    /// field.
    type Columns: 'static;
    /// Column names written as SQL needs them, by field: `Entity::COLUMNS.entity_type`.
    const COLUMNS: Self::Columns;
}

/// Implemented by `#[derive(PgEnum)]`, alongside [`PgCompatible`]: the enum's metadata.
pub trait PgEnum: PgCompatible {
    /// What the derive recorded about the enum.
    const META: &'static EnumMeta;
}

/// The fields a row type reads from a statement's result, by column name: what
/// `#[derive(Row)]` records, and every `#[derive(Table)]` model too. `sql_as!(T, ...)` compares
/// it with the statement's result columns at compile time ([`crate::check::row`]).
#[derive(Debug)]
pub struct RowMeta {
    /// The struct's name.
    pub rust_name: &'static str,
    /// Fields that read a column, in declaration order (skipped and flattened fields are absent).
    pub columns: &'static [ColumnMeta],
    /// Structs flattened into this one with `#[sqlx(flatten)]`; they read the same row.
    pub flattened: &'static [&'static RowMeta],
    /// Columns a missing result column is fine for: `#[sqlx(default)]` reads the default.
    pub defaulted: &'static [&'static str],
}

/// Implemented by `#[derive(Row)]` and `#[derive(Table)]`: the row's fields, so `sql_as!` can
/// check a statement's result columns against them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a row type schemalock can check",
    label = "`sql_as!` checks the result columns against this type's fields",
    note = "derive `schemalock::Row` on a result struct, or `schemalock::Table` on a table's model"
)]
pub trait Row {
    /// What the derive recorded about the struct's fields.
    const ROW: &'static RowMeta;
}

/// A statement checked by `sql!` or `sql_as!`, and where it is written: startup verification
/// prepares it against the live database.
#[derive(Debug)]
pub struct StatementMeta {
    /// The statement, as written.
    pub sql: &'static str,
    /// `file!()` of the macro call.
    pub file: &'static str,
    /// `line!()` of the macro call.
    pub line: u32,
    /// `column!()` of the macro call.
    pub column: u32,
    /// False for a statement PostgreSQL cannot prepare (DDL, `LOCK`, `COPY`, ...): verification
    /// skips it.
    pub preparable: bool,
}
