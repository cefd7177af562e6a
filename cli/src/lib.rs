//! `cargo schemalock`: the command-line side of schemalock. This library exists for the binary
//! (`main.rs` calls [`main`]) and its unit tests; nothing else in it is public. The integration
//! tests (`cli/tests/`) run the binary.
//!
//! Modules and who may touch what:
//! - `args`: the clap definitions (commands, flags, help text with examples);
//! - `commands`: `refresh`, `check`, `diff`, `generate`, `plan`;
//! - `generate`: models from a snapshot (names, types, the text), for `generate`;
//! - `source`: where a schema comes from, [`Read`] for each: a snapshot file (`source::file`,
//!   also which file a command means), a live database within the read deadline
//!   (`source::database`), a migrations directory (`source::migrations`, over `shadow`); and
//!   which schemas a comparison covers (`source::schemas`);
//! - `shadow`: applying a migrations directory to a fresh temporary database (on a given server,
//!   or on a throwaway local cluster of `schemalock-cluster`) and snapshotting it, every step
//!   bounded;
//! - `db`: which database a command means (`db::database_url`: `--database-url`,
//!   `DATABASE_URL`, `.env`), URL syntax and display redaction (`db::url`), `PGPASSWORD` and
//!   `~/.pgpass` (`db::pgpass`), the one bounded connect with its hints (`db::connect`), the
//!   deadline of every wait and how a timeout is told (`db::wait`);
//! - `report`: a drift report as text (colour on a terminal) or JSON;
//! - `ui`: informational lines, `--verbose` details and the progress spinner, on stderr;
//! - `out`: the one place text leaves the process (stdout, stderr, the panic hook, the cleanup
//!   messages); it masks every password collected from the raw inputs, so no message needs to
//!   redact on its own;
//! - `error`: the error type and exit codes.
//!
//! What must be undone even on Ctrl-C (the shadow database, the local cluster) is registered
//! with `schemalock_cluster::cleanup`, whose signal handlers [`main`] installs.
//!
//! The comparison itself is the runtime's schema ↔ schema engine (`schemalock_runtime::diff`);
//! the other engine, model ↔ schema, checks derives and startup verification.
//!
//! [`Read`]: schemalock_runtime::introspect::Read

// Text leaves the process through `out` only (tests may print as they like).
#![cfg_attr(not(test), warn(clippy::print_stdout, clippy::print_stderr))]

mod args;
mod commands;
mod db;
mod error;
mod generate;
mod out;
mod report;
mod shadow;
mod source;
#[cfg(test)]
mod testing;
mod ui;

use std::ffi::OsString;

use clap::Parser;
use schemalock_cluster::cleanup;

use crate::args::{Cli, Command};
use crate::error::{ERROR_EXIT, Error, Outcome};
use crate::ui::Ui;

/// Runs the command line; returns the process exit code (0 clean, 1 drift, 2 error).
pub fn main() -> i32 {
    out::install_panic_hook();
    let args = args::strip_cargo_subcommand(std::env::args_os().collect());
    collect_secrets(&args);
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" to clap, printed on stdout with exit code 0.
            // Rendered here rather than by `e.print()`: clap quotes arguments, which go through
            // the boundary like everything else.
            let color = |terminal: bool| terminal && !ui::no_color();
            return if e.use_stderr() {
                out::eprint(&render(&e, color(out::stderr_is_terminal())));
                ERROR_EXIT
            } else {
                let _ = out::print(&render(&e, color(out::stdout_is_terminal())));
                0
            };
        }
    };
    db::wait::set_timeouts(cli.timeouts.get());
    let ui = Ui::new(cli.quiet, cli.verbose);
    cleanup::set_printer(out::eprintln);
    if let Err(e) = cleanup::install_signal_handlers() {
        ui.detail(&format!(
            "cannot handle Ctrl-C (temporary databases may be left behind): {e}"
        ));
    }
    match run(&cli, &ui) {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            out::eprintln(&format!("error: {e}"));
            ERROR_EXIT
        }
    }
}

/// Every secret the raw inputs may hold, before anything can print them: each argument (any of
/// them may be a URL, even a misplaced one), `DATABASE_URL` and `PGPASSWORD`. A `.env` file's URL
/// and a password file's entry join when they are read.
fn collect_secrets(args: &[OsString]) {
    for arg in args {
        out::add_secrets_in(&arg.to_string_lossy());
    }
    if let Some(url) = std::env::var_os(db::database_url::DATABASE_URL) {
        out::add_secrets_in(&url.to_string_lossy());
    }
    if let Some(password) = std::env::var_os("PGPASSWORD") {
        out::add_secret(&password.to_string_lossy());
    }
}

fn render(e: &clap::Error, color: bool) -> String {
    let styled = e.render();
    if color {
        styled.ansi().to_string()
    } else {
        styled.to_string()
    }
}

/// Runs one parsed command.
pub(crate) fn run(cli: &Cli, ui: &Ui) -> Result<Outcome, Error> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::new(format!("cannot read the current directory: {e}")))?;
    match &cli.command {
        Command::Refresh(a) => commands::refresh::run(a, ui, &cwd),
        Command::Check { files, compare } => commands::check::run(files, compare, ui, &cwd),
        Command::Diff(a) => commands::diff::run(a, ui, &cwd),
        Command::Generate(a) => commands::generate::run(a, ui, &cwd),
        Command::Plan(a) => commands::plan::run(a, ui, &cwd),
    }
}
