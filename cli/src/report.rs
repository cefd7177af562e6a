//! A drift report for people (grouped by table, coloured on a terminal, with a summary line) and
//! for machines (JSON).

use std::path::Path;

use schemalock_runtime::Snapshot;
use schemalock_runtime::diff::render::{self, Article, Style};
use schemalock_runtime::diff::{ObjectKind, SchemaDiff as Report};
use schemalock_runtime::introspect::{Notice, Read};
use schemalock_runtime::text::escape;
use serde::Serialize;

use crate::args::Format;
use crate::error::{Error, Outcome};
use crate::source::Source;
use crate::ui::Ui;

/// The two sides of a comparison: the words the runtime's renderer puts in sentences, and what
/// the CLI adds around them.
#[derive(Debug, Clone)]
pub(crate) struct Sides {
    /// `snapshot` and `database`, `A` and `B`, and what was compared.
    pub(crate) words: render::Sides,
    /// Where the expected side came from: a path, a redacted URL, a migrations directory.
    pub(crate) expected_source: String,
    /// Where the found side came from.
    pub(crate) found_source: String,
    /// What was left out of the comparison and why (see [`leave_out_unread`]).
    pub(crate) notices: Vec<String>,
}

impl Sides {
    /// The committed `snapshot` (shown as `shown`) against what `source` read.
    pub(crate) fn snapshot_against(
        snapshot: &Snapshot,
        found: &Snapshot,
        shown: &str,
        source: &Source,
        cwd: &Path,
        notices: Vec<String>,
    ) -> Sides {
        Sides {
            words: render::Sides {
                expected: "snapshot".into(),
                found: source.word().into(),
                article: Article::The,
                compared: render::contents(snapshot),
                views: render::views(&[snapshot, found]),
            },
            expected_source: shown.to_owned(),
            found_source: source.shown(cwd),
            notices,
        }
    }
}

/// Prints the report to stdout in `format` and says whether it found drift. With `--quiet`, a
/// text report without differences prints nothing.
pub(crate) fn emit(
    report: &Report,
    sides: &Sides,
    format: Format,
    ui: &Ui,
) -> Result<Outcome, Error> {
    for notice in &sides.notices {
        ui.info(&format!("notice: {}", escape(notice)));
    }
    let out = match format {
        Format::Json => json(report, sides),
        Format::Text if report.is_empty() && ui.quiet() => String::new(),
        Format::Text => {
            let style = if ui.color() {
                Style::Color
            } else {
                Style::Plain
            };
            render::text(report, &sides.words, style)
        }
    };
    print(&out)?;
    Ok(if report.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Drift
    })
}

/// Leaves out of `report` what a database side could not read: a migration head the role may not
/// read is unknown, not drift. Returns the notices that say so, for [`Sides::notices`].
pub(crate) fn leave_out_unread(report: &mut Report, reads: &[&Read]) -> Vec<String> {
    if reads.iter().any(|r| r.migration_head_unread()) {
        report
            .differences
            .retain(|d| d.object != ObjectKind::MigrationHead);
    }
    reads
        .iter()
        .flat_map(|r| &r.notices)
        .map(|n| match n {
            Notice::MigrationHeadUnread { .. } => format!("{n}; it is not compared"),
            n => n.to_string(),
        })
        .collect()
}

/// Writes a command's result to stdout. A reader that stopped reading (`diff ... | head -2`) is
/// not a failure: the rest is dropped without a word and the exit code still says what was
/// found (0 clean, 1 drift), as `git` and `ripgrep` end quietly. Any other write error (a full
/// disk behind `>`) is one.
pub(crate) fn print(text: &str) -> Result<(), Error> {
    // Through the output boundary, like every byte the CLI prints.
    match crate::out::print(text) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::new(format!(
            "cannot write the report to stdout: {e}"
        ))),
        _ => Ok(()),
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    expected: &'a str,
    found: &'a str,
    #[serde(flatten)]
    report: &'a Report,
    /// What was not compared, and why.
    notices: &'a [String],
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSummary {
    differences: usize,
    tables: usize,
    views: usize,
    other_objects: usize,
    text: String,
}

/// The report as pretty JSON: `expected` and `found` (where each side came from, passwords
/// redacted), `differences` (see `schemalock_runtime::diff::Difference`), `notices` (what was
/// not compared, and why) and `summary`.
pub(crate) fn json(report: &Report, sides: &Sides) -> String {
    let value = JsonReport {
        expected: &sides.expected_source,
        found: &sides.found_source,
        report,
        notices: &sides.notices,
        summary: JsonSummary {
            differences: report.len(),
            tables: report.table_count() - view_count(report, sides),
            views: view_count(report, sides),
            other_objects: report.other_object_count(),
            text: render::summary(report, &sides.words),
        },
    };
    let mut s = serde_json::to_string_pretty(&value).expect("report serializes");
    s.push('\n');
    s
}

/// How many of the relations with differences are views (see `render::Sides::views`).
fn view_count(report: &Report, sides: &Sides) -> usize {
    report
        .differences
        .iter()
        .filter_map(|d| Some((d.schema.clone()?, d.table.clone()?)))
        .collect::<std::collections::BTreeSet<_>>()
        .intersection(&sides.words.views)
        .count()
}

#[cfg(test)]
mod tests {
    use schemalock_runtime::diff::{Change, Difference};

    use super::*;

    fn d(
        (schema, table): (Option<&str>, Option<&str>),
        object: ObjectKind,
        name: &str,
        member: Option<&str>,
        change: Change,
        expected: Option<&str>,
        found: Option<&str>,
    ) -> Difference {
        Difference {
            schema: schema.map(Into::into),
            table: table.map(Into::into),
            object,
            name: name.into(),
            member: member.map(Into::into),
            change,
            expected: expected.map(Into::into),
            found: found.map(Into::into),
        }
    }

    fn sides() -> Sides {
        Sides {
            words: render::Sides {
                expected: "snapshot".into(),
                found: "database".into(),
                article: Article::The,
                compared: "2 tables in 1 schema".into(),
                views: Default::default(),
            },
            expected_source: "schemalock.json".into(),
            found_source: "postgres://u:***@h/db".into(),
            notices: Vec::new(),
        }
    }

    fn sample() -> Report {
        use Change as C;
        use ObjectKind as O;
        let p = Some("public");
        Report {
            differences: vec![
                d(
                    (None, None),
                    O::Extension,
                    "vector",
                    None,
                    C::Version,
                    Some("0.8.0"),
                    Some("0.7.4"),
                ),
                d(
                    (p, None),
                    O::Enum,
                    "mood",
                    Some("meh"),
                    C::Extra,
                    None,
                    Some("'meh'"),
                ),
                d(
                    (p, None),
                    O::Enum,
                    "mood",
                    None,
                    C::Order,
                    Some("a, b"),
                    Some("b, a"),
                ),
                d(
                    (p, Some("posts")),
                    O::Column,
                    "title",
                    None,
                    C::Missing,
                    Some("text NOT NULL"),
                    None,
                ),
                d(
                    (p, Some("posts")),
                    O::Column,
                    "headline",
                    None,
                    C::Extra,
                    None,
                    Some("text NOT NULL"),
                ),
                d(
                    (p, Some("posts")),
                    O::Column,
                    "user_id",
                    None,
                    C::Nullable,
                    Some("NOT NULL"),
                    Some("NULL"),
                ),
                d(
                    (p, Some("posts")),
                    O::Index,
                    "posts_title_idx",
                    None,
                    C::Missing,
                    Some("btree (title)"),
                    None,
                ),
                d(
                    (p, Some("users")),
                    O::Table,
                    "users",
                    None,
                    C::Missing,
                    Some("table with 2 columns"),
                    None,
                ),
                d(
                    (Some("audit"), None),
                    O::Schema,
                    "audit",
                    None,
                    C::Missing,
                    Some("empty schema"),
                    None,
                ),
            ],
        }
    }

    /// The text itself is the runtime renderer's (tested in `diff::render`); the JSON spells the
    /// control characters of a name as the text does.
    #[test]
    fn json_escapes_control_characters_as_the_text_does() {
        let hostile = "evil\x1b[2J\x1b]0;pwned\x07\r\n\u{202e}txt.exe\u{9b}";
        let report = Report {
            differences: vec![d(
                (Some(hostile), Some(hostile)),
                ObjectKind::Column,
                hostile,
                None,
                Change::Missing,
                Some(hostile),
                None,
            )],
        };
        let json = json(&report, &sides());
        assert!(
            json.contains("evil\\u001b[2J\\u001b]0;pwned\\u0007\\r\\n"),
            "{json}"
        );
        assert!(!json.contains(['\x1b', '\x07', '\r']), "{json:?}");
    }

    #[test]
    fn json_has_the_differences_and_a_summary() {
        let v: serde_json::Value = serde_json::from_str(&json(&sample(), &sides())).unwrap();
        assert_eq!(v["expected"], "schemalock.json");
        assert_eq!(v["found"], "postgres://u:***@h/db");
        assert_eq!(v["differences"].as_array().unwrap().len(), 9);
        assert_eq!(v["differences"][1]["member"], "meh");
        assert_eq!(v["differences"][3]["found"], serde_json::Value::Null);
        assert_eq!(v["summary"]["tables"], 2);
        assert_eq!(v["summary"]["other_objects"], 3);
        assert_eq!(v["notices"], serde_json::json!([]));
        assert_eq!(
            v["summary"]["text"],
            "9 differences in 2 tables and 3 other objects"
        );

        // A view is counted as one, not as a table.
        let mut with_view = sides();
        with_view.words.views = [("public".to_owned(), "users".to_owned())].into();
        let v: serde_json::Value = serde_json::from_str(&json(&sample(), &with_view)).unwrap();
        assert_eq!(v["summary"]["tables"], 1);
        assert_eq!(v["summary"]["views"], 1);
        assert_eq!(
            v["summary"]["text"],
            "9 differences in 1 table, 1 view and 3 other objects"
        );
    }

    #[test]
    fn an_unread_head_is_left_out_and_said() {
        let head = d(
            (None, None),
            ObjectKind::MigrationHead,
            "_sqlx_migrations",
            None,
            Change::Missing,
            Some("2 in _sqlx_migrations"),
            None,
        );
        let mut report = sample();
        report.differences.insert(0, head.clone());
        let file = Read::from(Snapshot::new());
        assert_eq!(
            leave_out_unread(&mut report, &[&file, &file]),
            Vec::<String>::new()
        );
        assert_eq!(report.differences[0], head);

        let unread = Read {
            snapshot: Snapshot::new(),
            notices: vec![Notice::MigrationHeadUnread {
                role: "app".into(),
                table: "_sqlx_migrations".into(),
            }],
        };
        let notices = leave_out_unread(&mut report, &[&file, &unread]);
        assert_eq!(report, sample());
        assert_eq!(
            notices,
            [
                "the migration head was not read: the role `app` has no SELECT on `_sqlx_migrations` \
              (`GRANT SELECT ON _sqlx_migrations TO app` lets it); it is not compared"
            ]
        );
    }
}
