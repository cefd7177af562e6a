//! schemalock: make a stale PostgreSQL schema a compile error.
//!
//! Derive [`Table`] on a model struct and [`PgEnum`] on a Rust enum; at compile time each is
//! checked against the committed schema snapshot (`schemalock.json`), and every mismatch is an
//! error on the field or variant it concerns. See the README for the whole tour.
//!
//! ```ignore
//! #[derive(schemalock::Table, sqlx::FromRow)]
//! #[schemalock(table = "entities")]
//! struct Entity {
//!     id: uuid::Uuid,
//!     entity_type: EntityType, // a #[derive(schemalock::PgEnum)] enum
//!     #[sqlx(rename = "extraction_confidence")]
//!     confidence: f64,
//! }
//! ```

pub use schemalock_macros::{PgEnum, Table};
pub use schemalock_runtime::meta::{
    ColumnMeta, EnumMeta, PgEnum, Registration, Table, TableMeta, registered_enums,
    registered_tables,
};
pub use schemalock_runtime::pgtype::{Accepts, PgCompatible, PgTypeRef};
pub use schemalock_runtime::snapshot::{Snapshot, SnapshotError};
pub use schemalock_runtime::{check, ident, pgtype, snapshot, verify};

/// Not public API: the paths generated code uses.
#[doc(hidden)]
pub mod __private {
    pub use schemalock_runtime::__private::*;
    pub use schemalock_runtime::meta::{
        ColumnMeta, EnumMeta, PgEnum, Registration, Table, TableMeta,
    };
    pub use schemalock_runtime::pgtype::{Accepts, PgCompatible};
}
