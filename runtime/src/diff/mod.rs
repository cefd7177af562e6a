//! The schema ↔ schema engine: what `expected` (usually the committed snapshot) has that `found`
//! (usually a live database, or migrations applied to a shadow database) does not, and the other
//! way round. Behind `cargo schemalock check`, `refresh --check` and `diff`.
//!
//! Every member of the snapshot format is compared except `server_version`, so two snapshots
//! give an empty [`SchemaDiff`] exactly when they describe the same schema. Objects are matched
//! by name; a renamed object is one missing and one extra. The order is fixed: database-wide
//! objects (extensions, migration head) first, then each schema by name with its types before
//! its tables, and inside a table the table itself, its columns in table order, then keys,
//! constraints, indexes and partitions.
//!
//! [`report`] holds what is found, [`diff`] finds it (in `compare`, with the SQL-like
//! descriptions of `def`), and [`render`] writes it for people: the one text form, which the CLI
//! prints.

mod compare;
mod def;
pub mod render;
pub mod report;
#[cfg(test)]
mod tests;

pub use render::{Article, Sides, Style};
pub use report::{Change, Difference, ObjectKind, SchemaDiff};

use crate::snapshot::Snapshot;

/// Compares `expected` with `found`. `server_version` is never compared.
pub fn diff(expected: &Snapshot, found: &Snapshot) -> SchemaDiff {
    SchemaDiff {
        differences: compare::snapshots(expected, found),
    }
}
