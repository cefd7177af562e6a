//! `cargo schemalock`: the command-line side of schemalock.
//!
//! Modules and who may touch what:
//! - `args`: the clap definitions (commands, flags, help text with examples);
//! - `url`: database URLs and password redaction for every message;
//! - `database`: where the URL comes from (`--database-url`, `DATABASE_URL`, `.env`), connecting
//!   and reading a snapshot from a live database;
//! - `paths`: which snapshot file a command means, and loading it;
//! - `schemas`: which schemas a comparison covers;
//! - `refresh`, `check`, `diff`: the three commands; `migrations`: `refresh --migrations`;
//! - `report`: rendering a drift report as text (colour on a terminal) or JSON;
//! - `ui`: informational lines, `--verbose` details and the progress spinner, all on stderr;
//! - `error`: the error type and exit codes;
//! - `cleanup`: what must be undone even on Ctrl-C (the signal handler thread and its registry);
//! - `shadow`: applying a migrations directory to a fresh temporary database (on a given server,
//!   or on a throwaway local cluster) and snapshotting it.
//!
//! The comparison itself is `schemalock_runtime::diff`, shared with startup verification.

pub mod args;
pub mod check;
pub mod cleanup;
pub mod database;
pub mod diff;
pub mod error;
pub mod migrations;
pub mod paths;
pub mod refresh;
pub mod report;
pub mod schemas;
pub mod shadow;
pub mod ui;
pub mod url;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::error::{ERROR_EXIT, Error, Outcome};
use crate::ui::Ui;

/// Runs the command line; returns the process exit code (0 clean, 1 drift, 2 error).
pub fn main() -> i32 {
    let args = args::strip_cargo_subcommand(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" to clap; they print to stdout and exit 0.
            let _ = e.print();
            return if e.use_stderr() { ERROR_EXIT } else { 0 };
        }
    };
    let ui = Ui::new(cli.quiet, cli.verbose);
    if let Err(e) = cleanup::install_signal_handlers() {
        ui.detail(&format!(
            "cannot handle Ctrl-C (temporary databases may be left behind): {e}"
        ));
    }
    match run(&cli, &ui) {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            eprintln!("error: {e}");
            ERROR_EXIT
        }
    }
}

/// Runs one parsed command.
pub fn run(cli: &Cli, ui: &Ui) -> Result<Outcome, Error> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::new(format!("cannot read the current directory: {e}")))?;
    match &cli.command {
        Command::Refresh(a) => refresh::run(a, ui, &cwd),
        Command::Check(a) => check::run(a, ui, &cwd),
        Command::Diff(a) => diff::run(a, ui, &cwd),
    }
}
