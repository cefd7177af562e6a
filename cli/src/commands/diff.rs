//! `cargo schemalock diff A B`: any two schemas, each a snapshot file or a database.

use std::path::Path;

use schemalock_runtime::diff::diff;
use schemalock_runtime::diff::render::{self, Article};

use crate::args::DiffArgs;
use crate::error::{Error, Outcome};
use crate::report::{self, Sides};
use crate::source::{Source, read_pair, schemas};
use crate::ui::Ui;

pub(crate) fn run(args: &DiffArgs, ui: &Ui, cwd: &Path) -> Result<Outcome, Error> {
    let a = Source::parse(&args.a, cwd)?;
    let b = Source::parse(&args.b, cwd)?;
    let pair = read_pair(Some(&a), Some(&b), &args.compare.schemas, cwd, ui)?;
    let (read_a, read_b) = (pair.a, pair.b);
    let (expected, found) = (&read_a.snapshot, &read_b.snapshot);
    schemas::check_requested(
        &args.compare.schemas,
        pair.in_files
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
            views: render::views(&[expected, found]),
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
