//! `cargo schemalock refresh`: write the snapshot from a database or from migrations, or, with
//! `--check`, compare what would be written with the file.

use std::path::Path;

use schemalock_runtime::diff::diff;
use schemalock_runtime::diff::render;
use schemalock_runtime::introspect::Missing;
use schemalock_runtime::snapshot::{read_text, remove_stale_temp_files};
use schemalock_runtime::{Snapshot, SnapshotError};

use crate::args::RefreshArgs;
use crate::db::database_url::{self, DatabaseUrl};
use crate::error::{Error, Outcome};
use crate::report::{self, Sides};
use crate::source::{Source, file, schemas};
use crate::ui::Ui;

pub(crate) fn run(args: &RefreshArgs, ui: &Ui, cwd: &Path) -> Result<Outcome, Error> {
    let path = if args.check {
        file::existing_snapshot(args.files.snapshot.as_deref(), cwd)?
    } else {
        file::snapshot_to_write(args.files.snapshot.as_deref(), cwd)
    };
    let shown = file::shown(&path, cwd);
    ui.detail(&format!("snapshot `{shown}`"));
    let requested = (!args.schemas.is_empty()).then_some(args.schemas.as_slice());
    let db = database_url::resolve_url(args.files.database_url.as_deref(), cwd)?;

    // Read the file first for --check: a broken file should fail before minutes of migrations.
    let committed = if args.check {
        Some(file::load(&path, cwd)?)
    } else {
        None
    };

    let source = match &args.migrations {
        Some(dir) => Source::Migrations {
            dir: cwd.join(dir),
            server: db.clone(),
            layout: args.layout.map(Into::into),
        },
        None => Source::Database(db.clone().ok_or_else(database_url::no_url_error)?),
    };
    let built = source.read(cwd, requested, Missing::Fail, ui)?;

    match committed {
        Some(committed) => {
            let committed = schemas::restrict(committed, &args.schemas);
            let mut report = diff(&committed, &built.snapshot);
            let notices = report::leave_out_unread(&mut report, &[&built]);
            let sides =
                Sides::snapshot_against(&committed, &built.snapshot, &shown, &source, cwd, notices);
            let outcome = report::emit(&report, &sides, args.format, ui)?;
            if outcome == Outcome::Drift {
                ui.info(&format!(
                    "`{shown}` is stale; run `cargo schemalock refresh{}` and commit it",
                    refresh_flags(args, db.as_ref())
                ));
            }
            Ok(outcome)
        }
        None => {
            for notice in &built.notices {
                let notice = schemalock_runtime::text::escape(&notice.to_string()).into_owned();
                ui.info(&format!(
                    "notice: {notice}; `{shown}` is written without it"
                ));
            }
            write(&built.snapshot, &path, &shown, ui)?;
            Ok(Outcome::Clean)
        }
    }
}

/// The flags to repeat in the hint after a failed `--check`, minus `--check` and any URL.
fn refresh_flags(args: &RefreshArgs, db: Option<&DatabaseUrl>) -> String {
    let mut s = String::new();
    if let Some(dir) = &args.migrations {
        s.push_str(&format!(" --migrations {}", dir.display()));
    }
    if let Some(layout) = args.layout {
        s.push_str(&format!(
            " --layout {}",
            crate::shadow::Layout::from(layout)
        ));
    }
    for schema in &args.schemas {
        s.push_str(&format!(" --schema {schema}"));
    }
    if let Some(p) = &args.files.snapshot {
        s.push_str(&format!(" --snapshot {}", p.display()));
    }
    if db.is_some_and(|d| d.source == database_url::UrlSource::Flag) {
        s.push_str(" --database-url ...");
    }
    s
}

/// Writes atomically, unless the file already holds exactly these bytes.
fn write(snapshot: &Snapshot, path: &Path, shown: &str, ui: &Ui) -> Result<(), Error> {
    let text = snapshot.to_json();
    let old = match read_text(path) {
        Ok(old) => Some(old),
        // A FIFO would make the write fail later too; say so before writing.
        Err(e @ SnapshotError::NotRegular { .. }) => {
            return Err(Error::new(e.with_path(Path::new(shown)).to_string()));
        }
        // Missing, unreadable or not UTF-8: replaced below.
        Err(_) => None,
    };
    if old.is_some_and(|old| old == text) {
        // Nothing to write, but what a killed earlier run left beside it goes.
        remove_stale_temp_files(path);
        ui.info(&format!(
            "`{shown}` is up to date ({})",
            render::contents(snapshot)
        ));
        return Ok(());
    }
    // The text is already serialized: write it rather than serializing again.
    Snapshot::save_json(&text, path).map_err(|e| {
        Error::new(format!(
            "cannot write `{shown}`: {e}; check that its directory exists and is writable, or pass `--snapshot`"
        ))
    })?;
    ui.info(&format!("wrote `{shown}` ({})", render::contents(snapshot)));
    if text.len() >= LARGE_SNAPSHOT {
        ui.info(&large_snapshot_note(shown, text.len()));
    }
    Ok(())
}

/// From this size on, reading the snapshot costs a crate that derives more than half again what a
/// small snapshot costs it (BENCHMARKS.md, "Issue 11, third round": a one-model crate checks in
/// about 90 ms, and rustc's read of the file adds about 5 ms per MB).
const LARGE_SNAPSHOT: usize = 8_000_000;

/// What a large snapshot costs every build, and the way around it.
fn large_snapshot_note(shown: &str, bytes: usize) -> String {
    format!(
        "note: `{shown}` is {:.1} MB; every `cargo check` of a crate that derives from it makes the \
         compiler read it whole (about 5 ms per MB) unless a build script tracks it instead: see \
         \"Where the snapshot comes from\" in schemalock's README",
        bytes as f64 / 1e6
    )
}
