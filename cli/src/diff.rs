//! `cargo schemalock diff A B`: any two schemas, each a snapshot file or a database.

use std::path::Path;

use schemalock_runtime::Snapshot;
use schemalock_runtime::diff::diff;
use schemalock_runtime::introspect::Read;

use crate::args::DiffArgs;
use crate::database::{self, DatabaseUrl, UrlSource};
use crate::db::url::{is_database_url, looks_like_url};
use crate::error::{Error, Outcome};
use crate::report::{self, Sides};
use crate::ui::Ui;
use crate::{paths, schemas};

enum Side {
    File(std::path::PathBuf),
    Database(DatabaseUrl),
}

impl Side {
    fn parse(arg: &str, cwd: &Path) -> Result<Side, Error> {
        if is_database_url(arg) {
            return Ok(Side::Database(DatabaseUrl {
                url: arg.to_owned(),
                source: UrlSource::Argument,
            }));
        }
        let path = cwd.join(arg);
        // A misspelt URL would otherwise be "a snapshot file that does not exist".
        if looks_like_url(arg) && !path.exists() {
            return Err(Error::new(format!(
                "`{}` looks like a database URL, but a PostgreSQL URL starts with `postgres://` or \
                 `postgresql://`; fix it, or give the path of a snapshot file",
                crate::db::url::redact(arg)
            )));
        }
        Ok(Side::File(path))
    }

    fn shown(&self, cwd: &Path) -> String {
        match self {
            Side::File(p) => paths::shown(p, cwd),
            Side::Database(db) => db.shown(),
        }
    }
}

pub(crate) fn run(args: &DiffArgs, ui: &Ui, cwd: &Path) -> Result<Outcome, Error> {
    let a = Side::parse(&args.a, cwd)?;
    let b = Side::parse(&args.b, cwd)?;
    // Files first: they are cheap and decide which schemas to read from a database.
    let load = |side: &Side| match side {
        Side::File(p) => paths::load(p, cwd).map(Some),
        Side::Database(_) => Ok(None),
    };
    let (file_a, file_b) = (load(&a)?, load(&b)?);
    // Before restricting: an unknown `--schema` is reported with every schema the files have.
    let in_files: Vec<String> = [&file_a, &file_b]
        .into_iter()
        .flatten()
        .flat_map(schemas::of)
        .collect();
    let wanted: Option<Vec<String>> = if !args.schemas.is_empty() {
        Some(args.schemas.clone())
    } else {
        file_a.as_ref().or(file_b.as_ref()).map(schemas::of)
    };
    let read = |side: &Side, file: Option<Snapshot>| -> Result<Read, Error> {
        match (side, file) {
            (_, Some(s)) => Ok(schemas::restrict(s, &args.schemas).into()),
            (Side::Database(db), None) => {
                database::snapshot_of(db, wanted.as_deref(), wanted.is_some(), ui)
            }
            (Side::File(_), None) => unreachable!("files are loaded above"),
        }
    };
    let (read_a, read_b) = (read(&a, file_a)?, read(&b, file_b)?);
    let (expected, found) = (&read_a.snapshot, &read_b.snapshot);
    schemas::check_requested(
        &args.schemas,
        in_files
            .iter()
            .chain(expected.schemas.keys())
            .chain(found.schemas.keys()),
    )?;
    let mut report = diff(expected, found);
    let notices = report::leave_out_unread(&mut report, &[&read_a, &read_b]);
    let sides = Sides {
        expected: "A".into(),
        expected_source: a.shown(cwd),
        found: "B".into(),
        found_source: b.shown(cwd),
        article: false,
        compared: report::contents(expected),
        notices,
    };
    if !ui.quiet() && args.format == crate::args::Format::Text {
        report::print(&format!(
            "A: {}\nB: {}\n\n",
            report::escape(&sides.expected_source),
            report::escape(&sides.found_source)
        ))?;
    }
    report::emit(&report, &sides, args.format, ui)
}
