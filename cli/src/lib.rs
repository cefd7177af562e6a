//! `cargo schemalock`: the command-line side of schemalock.
//!
//! Modules and who may touch what:
//! - `args`: the clap definitions (commands, flags, help text with examples);
//! - `url`: database URLs, `.env`, and password redaction for every message;
//! - `refresh`, `check`, `diff`: the three commands;
//! - `report`: rendering a drift report as text (colour on a terminal) or JSON;
//! - `shadow`: applying a migrations directory to a fresh temporary database (on a given server,
//!   or on a throwaway local cluster) and snapshotting it.
//!
//! The comparison itself is `schemalock_runtime::diff`, shared with startup verification.

pub mod shadow;
pub mod url;

/// Runs the command line; returns the process exit code (0 clean, 1 drift, 2 error).
pub fn main() -> i32 {
    // Filled in by the command-line work (issue 3); the skeleton only fixes the crate layout.
    eprintln!("cargo-schemalock: not built yet");
    2
}
