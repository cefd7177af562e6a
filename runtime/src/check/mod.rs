//! The model ↔ schema engine: does a Rust model fit a schema?
//!
//! Two callers, one set of rules. The derives run it at compile time against the committed
//! snapshot, where a field's type is [`FieldType::Deferred`]: only the compiler knows a type's
//! `PgCompatible` impl, so the derive emits a `const` per field that evaluates the type rule
//! ([`crate::types::rule`]) on the facts this engine resolved ([`TableCheck::columns`]), through
//! the functions of [`derive`]. Startup verification ([`crate::verify`]) runs it against a
//! snapshot read from a live database, with each field's type known from the metadata the
//! derive recorded ([`crate::meta::TableMeta`]), so it applies the same rule here.
//!
//! Comparing two schemas is another engine, [`crate::diff`]; checking a statement is a third,
//! `crate::statement` (feature `sql`).

mod coverage;
#[doc(hidden)]
pub mod derive;
mod pg_enum;
pub mod row;
mod table;
#[cfg(test)]
mod tests;

pub use coverage::{Rule, TableColumn};
pub use pg_enum::check_enum;
pub use table::{Relation, TableCheck, check_table};

use crate::text::one_of;
use crate::types::Accepts;

/// A struct to check against a table.
#[derive(Debug, Clone)]
pub struct Model<'a> {
    /// The struct's name, for messages.
    pub rust_name: &'a str,
    /// The table's schema.
    pub schema: &'a str,
    /// The table (or view) the struct reads.
    pub table: &'a str,
    /// The fields that read a column, in declaration order.
    pub fields: Vec<Field<'a>>,
    /// `#[schemalock(insertable)]`: the model can insert a row.
    pub insertable: bool,
    /// `#[schemalock(exhaustive)]`: the model reads every column.
    pub exhaustive: bool,
    /// True when some of the model's columns come from flattened structs this check cannot see;
    /// the coverage rules (`insertable`, `exhaustive`) are then left to the compiler.
    pub partial: bool,
}

/// A field of a [`Model`].
#[derive(Debug, Clone)]
pub struct Field<'a> {
    /// The field's name.
    pub name: &'a str,
    /// The column it reads.
    pub column: &'a str,
    /// What is known of its type here.
    pub ty: FieldType<'a>,
}

/// What the engine knows of a field's type.
#[derive(Debug, Clone, Copy)]
pub enum FieldType<'a> {
    /// Checked by the compiler through the field's `PgCompatible` impl.
    Deferred,
    /// Checked here through a known mapping.
    Mapped {
        /// What the field's type accepts.
        accepts: &'a Accepts,
        /// True when the field's type can hold NULL.
        nullable: bool,
        /// The field's type as written, for messages.
        rust: &'a str,
    },
    /// `#[schemalock(pg_type = "...")]`: the column must be of that type.
    Declared {
        /// The type named.
        pg_type: &'a str,
        /// True when the field's type can hold NULL.
        nullable: bool,
        /// The field's type as written, for messages.
        rust: &'a str,
    },
}

/// A PostgreSQL enum mapped by a Rust enum.
#[derive(Debug, Clone)]
pub struct EnumModel<'a> {
    /// The Rust enum's name, for messages.
    pub rust_name: &'a str,
    /// The enum type's schema.
    pub schema: &'a str,
    /// The enum type's name.
    pub type_name: &'a str,
    /// `(variant, label)` in declaration order.
    pub variants: Vec<(&'a str, &'a str)>,
}

/// Where a finding belongs, so the derive can put the error on that token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The schema name (attribute or default).
    Schema,
    /// The table or enum type name.
    Name,
    /// The item as a whole.
    Item,
    /// The field at this index of [`Model::fields`].
    Field(usize),
    /// The variant at this index of [`EnumModel::variants`].
    Variant(usize),
}

/// What kind of mismatch a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The model's schema does not exist.
    SchemaMissing,
    /// The model's table or view does not exist.
    TableMissing,
    /// A field's column does not exist.
    ColumnMissing,
    /// A field's type cannot decode its column's type.
    TypeMismatch,
    /// A field that cannot hold NULL reads a nullable column.
    Nullability,
    /// An insertable model writes a column an INSERT cannot set.
    ReadOnlyColumn,
    /// An insertable model lacks a column every row needs.
    MissingRequired,
    /// An insertable model reads a relation no INSERT can write: a materialized view.
    NotInsertable,
    /// An exhaustive model lacks columns.
    MissingColumns,
    /// The enum type does not exist.
    TypeMissing,
    /// The enum's type is not an enum.
    NotAnEnum,
    /// A variant's label is not in the enum type.
    LabelMissing,
    /// Two variants map to one label.
    DuplicateLabel,
    /// The enum type has labels no variant maps.
    UnmappedLabels,
    /// A statement checked by `sql!` or `sql_as!` that the database cannot prepare (startup
    /// verification only).
    StatementFails,
}

/// One way a model does not fit the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Where it belongs.
    pub at: At,
    /// What kind of mismatch it is.
    pub kind: Kind,
    /// The sentence the derive and verification print.
    pub message: String,
    /// What the model expects, when one thing can be named: a column type, `NOT NULL`, a label.
    pub expected: Option<String>,
    /// What the schema has instead.
    pub found: Option<String>,
}

impl Finding {
    fn new(at: At, kind: Kind, message: String) -> Self {
        Finding {
            at,
            kind,
            message,
            expected: None,
            found: None,
        }
    }

    fn with(mut self, expected: impl Into<String>, found: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self.found = Some(found.into());
        self
    }
}

/// Finds a schema or reports it missing.
fn find_schema<'s>(
    snapshot: &'s crate::snapshot::Snapshot,
    schema: &str,
    findings: &mut Vec<Finding>,
) -> Option<&'s crate::snapshot::Schema> {
    if let Some(s) = snapshot.schema(schema) {
        return Some(s);
    }
    let names: Vec<&str> = snapshot.schemas.keys().map(String::as_str).collect();
    let hint = match crate::text::closest(schema, names.iter().copied()).as_slice() {
        [] if names.is_empty() => {
            "; the snapshot has no schemas: refresh it with `cargo schemalock refresh`".to_owned()
        }
        [] => format!("; it has {}", one_of(&names)),
        close => format!("; did you mean {}?", one_of(close)),
    };
    findings.push(Finding::new(
        At::Schema,
        Kind::SchemaMissing,
        format!("schema `{schema}` does not exist{hint}"),
    ));
    None
}

/// Lists names when there are few enough to read.
fn short_list(names: &[&str]) -> Option<String> {
    (!names.is_empty() && names.len() <= 12).then(|| one_of(names))
}
