//! The commands, each a function from its parsed arguments to an [`Outcome`]: `refresh`
//! (write the snapshot, or with `--check` compare), `check` (the snapshot against a live
//! database), `diff` (any two schemas), `generate` (models from the snapshot, through
//! [`crate::generate`]), `plan` (the migration from one schema to another). They get their schemas from [`crate::source`], compare
//! them with `schemalock_runtime::diff`, and print through [`crate::report`];
//! [`crate::source::schemas`] says which schemas a comparison covers.
//!
//! [`Outcome`]: crate::error::Outcome

pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod generate;
pub(crate) mod plan;
pub(crate) mod refresh;
