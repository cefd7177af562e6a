//! The parts of schemalock that are not macros: the snapshot model and loader, the check engine
//! shared by the derives, the CLI and startup verification, the type mappings, the metadata
//! the derives generate, and how PostgreSQL needs names written (`ident`).
//!
//! Users depend on `schemalock`, which re-exports what they need from here. This crate carries
//! no database driver in its default features, so the proc-macro that uses it builds fast.

pub mod check;
pub mod coverage;
pub mod diff;
pub mod ident;
#[cfg(feature = "introspect")]
pub mod introspect;
pub mod mappings;
pub mod meta;
pub mod pgtype;
#[cfg(feature = "introspect")]
pub mod plan;
pub mod snapshot;
#[cfg(feature = "sql")]
pub mod statement;
pub mod suggest;
pub mod verify;

pub use diff::{Report, diff};
pub use meta::{ColumnMeta, EnumMeta, PgEnum, Registration, Table, TableMeta};
pub use pgtype::{Accepts, PgCompatible, PgTypeRef};
pub use snapshot::{Snapshot, SnapshotError};

/// Not public API: what generated code names.
#[doc(hidden)]
pub mod __private {
    pub use crate::coverage::{Rule, TableColumn, check_coverage, check_flatten};
    pub use crate::mappings::JsonColumn;
    pub use crate::pgtype::{ColumnFacts, facts, require};
    pub use inventory;
}
