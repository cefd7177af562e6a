//! The parts of schemalock that are not macros. Users depend on `schemalock`, which re-exports
//! what they name from here; the derives, the CLI and the integration tests use this crate
//! directly. It carries no database driver in its default features, so the proc-macro that uses
//! it builds fast.
//!
//! Three engines, each written once, over one snapshot model:
//!
//! - **model ↔ schema**, [`check`]: does a Rust model fit a schema? Run by the derives at compile
//!   time against the committed snapshot, and by startup verification ([`verify`]) against the
//!   live database.
//! - **schema ↔ schema**, [`diff`]: what differs between two schemas (a snapshot file, a live
//!   database, migrations applied to a shadow database), with the one text renderer; behind
//!   `cargo schemalock check`, `refresh --check` and `diff`.
//! - **statement ↔ schema**, `statement` (feature `sql`): does a hand-written SQL statement fit
//!   the schema, and what are its result columns and parameters?
//!
//! They share the rules: [`snapshot`] (the model, its file, and what a type name refers to),
//! [`types`] (the one type rule and nullability rule, and [`PgCompatible`]), [`ident`] (how
//! PostgreSQL needs a name written) and [`text`] (suggestions, plurals, lists). [`meta`] is what
//! the derives record about a model; `introspect` (feature `introspect`) reads a snapshot out of
//! a live database's catalogs.
#![warn(missing_docs)]

pub mod check;
pub mod diff;
pub mod ident;
#[cfg(feature = "introspect")]
pub mod introspect;
pub mod meta;
#[cfg(feature = "introspect")]
pub mod plan;
pub mod registry;
pub mod snapshot;
#[cfg(feature = "sql")]
pub mod statement;
pub mod text;
pub mod types;
pub mod verify;

pub use meta::{ColumnMeta, EnumMeta, PgEnum, Row, RowMeta, StatementMeta, Table, TableMeta};
pub use snapshot::{Snapshot, SnapshotError};
pub use types::{Accepts, PgCompatible, PgTypeRef};

#[doc(hidden)]
pub use check::derive as __private;
