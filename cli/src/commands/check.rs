//! `cargo schemalock check`: the snapshot file against a live database.

use std::path::Path;

use schemalock_runtime::diff::diff;
use schemalock_runtime::introspect::Missing;

use crate::args::{Compare, Files};
use crate::db::database_url;
use crate::error::{Error, Outcome};
use crate::report::{self, Sides};
use crate::source::{Source, file, schemas};
use crate::ui::Ui;

pub(crate) fn run(files: &Files, args: &Compare, ui: &Ui, cwd: &Path) -> Result<Outcome, Error> {
    let path = file::existing_snapshot(files.snapshot.as_deref(), cwd)?;
    let shown = file::shown(&path, cwd);
    ui.detail(&format!("snapshot `{shown}`"));
    let committed = file::load(&path, cwd)?;
    // Before restricting: an unknown `--schema` is reported with every schema the file has.
    let in_file = schemas::of(&committed);
    let expected = schemas::restrict(committed, &args.schemas);
    let db = database_url::resolve_url(files.database_url.as_deref(), cwd)?
        .ok_or_else(database_url::no_url_error)?;
    let wanted = if args.schemas.is_empty() {
        schemas::of(&expected)
    } else {
        args.schemas.clone()
    };
    // A schema the database lacks is drift to report, not an error.
    let database = Source::Database(db);
    let read = database.read(cwd, Some(&wanted), Missing::Omit, ui)?;
    let found = &read.snapshot;
    schemas::check_requested(&args.schemas, in_file.iter().chain(found.schemas.keys()))?;
    let mut report = diff(&expected, found);
    let notices = report::leave_out_unread(&mut report, &[&read]);
    let sides = Sides::snapshot_against(&expected, &shown, &database, cwd, notices);
    let outcome = report::emit(&report, &sides, args.format, ui)?;
    if outcome == Outcome::Drift {
        ui.info(
            "if the database is right, run `cargo schemalock refresh` and commit the snapshot; \
             if the snapshot is right, migrate the database",
        );
    }
    Ok(outcome)
}
