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
    /// A field whose type maps through `PgCompatible` (`mapping` is its `MAPPING`).
    pub const fn mapped(
        field: &'static str,
        column: &'static str,
        rust_type: &'static str,
        mapping: &'static Mapping,
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
            (Some(a), None) => rule::describe(a),
            (None, None) => String::from("any type"),
        }
    }

    /// The field's mapping, given what it accepts.
    pub(crate) const fn mapping(&self, accepts: &Accepts) -> Mapping {
        Mapping {
            accepts: *accepts,
            nullable: self.nullable,
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

/// Implemented by `#[derive(Table)]`: the model's metadata.
pub trait Table {
    /// What the derive recorded about the struct.
    const META: &'static TableMeta;
}

/// Implemented by `#[derive(PgEnum)]`, alongside [`PgCompatible`]: the enum's metadata.
pub trait PgEnum: PgCompatible {
    /// What the derive recorded about the enum.
    const META: &'static EnumMeta;
}

/// One derived type, as the registry holds it.
#[derive(Debug, Clone, Copy)]
pub enum Registration {
    /// A `#[derive(Table)]` struct.
    Table(&'static TableMeta),
    /// A `#[derive(PgEnum)]` enum.
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
