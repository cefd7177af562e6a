//! `cargo schemalock diff A B`: any two schemas, each a snapshot file or a database.

use std::path::Path;

use schemalock_runtime::Snapshot;
use schemalock_runtime::diff::diff;
use schemalock_runtime::diff::render::{self, Article};
use schemalock_runtime::introspect::{Missing, Read};

use crate::args::DiffArgs;
use crate::error::{Error, Outcome};
use crate::report::{self, Sides};
use crate::source::{Source, file, schemas};
use crate::ui::Ui;

pub(crate) fn run(args: &DiffArgs, ui: &Ui, cwd: &Path) -> Result<Outcome, Error> {
    let a = Source::parse(&args.a, cwd)?;
    let b = Source::parse(&args.b, cwd)?;
    // Files first: they are cheap and decide which schemas to read from a database.
    let load = |side: &Source| match side {
        Source::File(p) => file::load(p, cwd).map(Some),
        _ => Ok(None),
    };
    let (file_a, file_b) = (load(&a)?, load(&b)?);
    // Before restricting: an unknown `--schema` is reported with every schema the files have.
    let in_files: Vec<String> = [&file_a, &file_b]
        .into_iter()
        .flatten()
        .flat_map(schemas::of)
        .collect();
    let wanted: Option<Vec<String>> = if !args.compare.schemas.is_empty() {
        Some(args.compare.schemas.clone())
    } else {
        file_a.as_ref().or(file_b.as_ref()).map(schemas::of)
    };
    // Against a file, a schema the database lacks is drift to report, not an error.
    let missing = match wanted {
        Some(_) => Missing::Omit,
        None => Missing::Fail,
    };
    let read = |side: &Source, loaded: Option<Snapshot>| -> Result<Read, Error> {
        match loaded {
            Some(s) => Ok(schemas::restrict(s, &args.compare.schemas).into()),
            None => side.read(cwd, wanted.as_deref(), missing, ui),
        }
    };
    let (read_a, read_b) = (read(&a, file_a)?, read(&b, file_b)?);
    let (expected, found) = (&read_a.snapshot, &read_b.snapshot);
    schemas::check_requested(
        &args.compare.schemas,
        in_files
            .iter()
            .chain(expected.schemas.keys())
            .chain(found.schemas.keys()),
    )?;
    let mut report = diff(expected, found);
    let notices = report::leave_out_unread(&mut report, &[&read_a, &read_b]);
    let sides = Sides {
        words: render::Sides {
            expected: "A".into(),
            found: "B".into(),
            article: Article::Bare,
            compared: render::contents(expected),
        },
        expected_source: a.shown(cwd),
        found_source: b.shown(cwd),
        notices,
    };
    if !ui.quiet() && args.compare.format == crate::args::Format::Text {
        report::print(&format!(
            "A: {}\nB: {}\n\n",
            schemalock_runtime::text::escape(&sides.expected_source),
            schemalock_runtime::text::escape(&sides.found_source)
        ))?;
    }
    report::emit(&report, &sides, args.compare.format, ui)
}
