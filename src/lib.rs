//! schemalock: make a stale PostgreSQL schema a compile error.
//!
//! Derive [`Table`](macro@Table) on a model struct and [`PgEnum`](macro@PgEnum) on a Rust enum;
//! at compile time each is checked against the committed schema snapshot (`schemalock.json`),
//! and every mismatch is an error on the field or variant it concerns. The derives' pages list
//! their attributes and every check. At startup, [`verify`] checks the live database against the
//! same models with the same rules.
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
//!
//! What this crate offers:
//!
//! - the derives, [`Table`](macro@Table) and [`PgEnum`](macro@PgEnum), and the metadata they
//!   record ([`Table`](trait@Table), [`PgEnum`](trait@PgEnum), [`TableMeta`], [`EnumMeta`]);
//! - checked SQL: [`sql!`] and [`sql_as!`] check a hand-written statement against the same
//!   snapshot at compile time and expand to the same `&'static str`; [`Row`](macro@Row) derives
//!   the fields of a result struct for `sql_as!` ([`Row`](trait@Row), [`RowMeta`]); each checked
//!   statement is registered ([`StatementMeta`]) and prepared by [`verify`];
//! - [`PgCompatible`], [`Accepts`], [`PgTypeRef`] and the [`builtin`] types: which column types a
//!   Rust type reads, implemented for your own types;
//! - [`verify`]: the live database against the models (and the checked statements, prepared
//!   there), at startup or in a health check;
//! - [`snapshot`]: the snapshot file's model ([`Snapshot`]), and [`diff`]: what differs between
//!   two snapshots, with the text `cargo schemalock` prints;
//! - [`ident`]: how PostgreSQL needs a name written in SQL;
//! - `introspect` (feature `introspect`, and every driver feature): a snapshot read from a live
//!   database.
#![warn(missing_docs)]

pub use schemalock_macros::{PgEnum, Row, Table, sql, sql_as};
pub use schemalock_runtime::meta::{
    ColumnMeta, EnumMeta, PgEnum, Row, RowMeta, StatementMeta, Table, TableMeta,
};
pub use schemalock_runtime::types::{Accepts, PgCompatible, PgTypeRef, builtin};
pub use schemalock_runtime::{Snapshot, SnapshotError};
pub use schemalock_runtime::{diff, ident, verify};

#[cfg(feature = "introspect")]
pub use schemalock_runtime::introspect;

/// The snapshot file's model: a committed, reviewable description of a PostgreSQL schema.
/// `cargo schemalock refresh` writes it; the derives read it. The format is documented in
/// `docs/snapshot-format.md`.
pub mod snapshot {
    pub use schemalock_runtime::snapshot::{
        Attribute, Check, Column, Composite, DEFAULT_FILE_NAME, DeclaredType, Domain, EnumType,
        Extension, FORMAT_VERSION, ForeignKey, Generated, Identity, Index, IndexKey, KeyConstraint,
        MigrationHead, Reference, RelationKind, SNAPSHOT_ENV, Schema, Snapshot, SnapshotError,
        Table, TypeKind,
    };
}

/// Not public API: the paths generated code names.
#[doc(hidden)]
pub use schemalock_runtime::__private;
