//! What the derives record about a model, for SQL that names columns and for startup
//! verification, and the registry that finds every derived type without a list.

use crate::pgtype::{Accepts, PgCompatible};

/// A `#[derive(Table)]` struct: where it reads from and how each field maps.
#[derive(Debug)]
pub struct TableMeta {
    /// The struct's name.
    pub rust_name: &'static str,
    /// `module_path!()` where the struct is defined.
    pub module_path: &'static str,
    pub schema: &'static str,
    pub table: &'static str,
    /// Fields that map to columns, in declaration order (skipped fields are absent).
    pub columns: &'static [ColumnMeta],
    /// Structs flattened into this one with `#[sqlx(flatten)]`; they read the same table.
    pub flattened: &'static [&'static TableMeta],
    pub insertable: bool,
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
    pub field: &'static str,
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
    /// A field whose type maps through `PgCompatible` (`mapping` is its `MAPPING`).
    pub const fn mapped(
        field: &'static str,
        column: &'static str,
        rust_type: &'static str,
        mapping: &'static crate::pgtype::Mapping,
    ) -> ColumnMeta {
        ColumnMeta {
            field,
            column,
            rust_type,
            accepts: Some(&mapping.accepts),
            pg_type: None,
            nullable: mapping.nullable,
        }
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
            (Some(a), None) => crate::pgtype::describe(a),
            (None, None) => String::from("any type"),
        }
    }
}

/// A `#[derive(PgEnum)]` enum.
#[derive(Debug)]
pub struct EnumMeta {
    pub rust_name: &'static str,
    pub module_path: &'static str,
    pub schema: &'static str,
    pub type_name: &'static str,
    /// `(variant, label)` in declaration order.
    pub variants: &'static [(&'static str, &'static str)],
    /// `#[schemalock(exhaustive)]`: at run time too, a label no variant maps is drift.
    pub exhaustive: bool,
}

/// Implemented by `#[derive(Table)]`.
pub trait Table {
    const META: &'static TableMeta;
}

/// Implemented by `#[derive(PgEnum)]`, alongside [`PgCompatible`].
pub trait PgEnum: PgCompatible {
    const META: &'static EnumMeta;
}

/// One derived type, as the registry holds it.
#[derive(Debug, Clone, Copy)]
pub enum Registration {
    Table(&'static TableMeta),
    Enum(&'static EnumMeta),
}

inventory::collect!(Registration);

/// Every `#[derive(Table)]` type linked into this binary.
pub fn registered_tables() -> impl Iterator<Item = &'static TableMeta> {
    inventory::iter::<Registration>().filter_map(|r| match *r {
        Registration::Table(t) => Some(t),
        Registration::Enum(_) => None,
    })
}

/// Every `#[derive(PgEnum)]` type linked into this binary.
pub fn registered_enums() -> impl Iterator<Item = &'static EnumMeta> {
    inventory::iter::<Registration>().filter_map(|r| match *r {
        Registration::Enum(e) => Some(e),
        Registration::Table(_) => None,
    })
}
