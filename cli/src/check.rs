//! `cargo schemalock check`: the snapshot file against a live database.

use std::path::Path;

use schemalock_runtime::diff::diff;

use crate::args::CheckArgs;
use crate::database;
use crate::error::{Error, Outcome};
use crate::report::{self, Sides};
use crate::ui::Ui;
use crate::{paths, schemas};

pub(crate) fn run(args: &CheckArgs, ui: &Ui, cwd: &Path) -> Result<Outcome, Error> {
    let path = paths::existing_snapshot(args.snapshot.as_deref(), cwd)?;
    let shown = paths::shown(&path, cwd);
    ui.detail(&format!("snapshot `{shown}`"));
    let committed = paths::load(&path, cwd)?;
    // Before restricting: an unknown `--schema` is reported with every schema the file has.
    let in_file = schemas::of(&committed);
    let expected = schemas::restrict(committed, &args.schemas);
    let db = database::resolve_url(args.database.database_url.as_deref(), cwd)?
        .ok_or_else(database::no_url_error)?;
    let wanted = if args.schemas.is_empty() {
        schemas::of(&expected)
    } else {
        args.schemas.clone()
    };
    // Lenient: a schema the database lacks is drift to report, not an error.
    let read = database::snapshot_of(&db, Some(&wanted), true, ui)?;
    let found = &read.snapshot;
    schemas::check_requested(&args.schemas, in_file.iter().chain(found.schemas.keys()))?;
    let mut report = diff(&expected, found);
    let notices = report::leave_out_unread(&mut report, &[&read]);
    let sides = Sides {
        expected: "snapshot".into(),
        expected_source: shown.clone(),
        found: "database".into(),
        found_source: db.shown(),
        article: true,
        compared: report::contents(&expected),
        notices,
    };
    let outcome = report::emit(&report, &sides, args.format, ui)?;
    if outcome == Outcome::Drift {
        ui.info(
            "if the database is right, run `cargo schemalock refresh` and commit the snapshot; \
             if the snapshot is right, migrate the database",
        );
    }
    Ok(outcome)
}
