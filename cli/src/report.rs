//! A drift report for people (grouped by table, coloured on a terminal, with a summary line) and
//! for machines (JSON).

use std::borrow::Cow;
use std::fmt::Write as _;

use schemalock_runtime::Snapshot;
use schemalock_runtime::diff::{Change, Difference, ObjectKind, SchemaDiff as Report};
use schemalock_runtime::introspect::{Notice, Read};
use serde::Serialize;

use crate::args::Format;
use crate::error::{Error, Outcome};
use crate::ui::Ui;

/// What the two sides of a comparison are called.
#[derive(Debug, Clone)]
pub(crate) struct Sides {
    /// A short word for the expected side, used in sentences: `snapshot`, `A`.
    pub(crate) expected: String,
    /// Where it came from: a path, a redacted URL, a migrations directory.
    pub(crate) expected_source: String,
    pub(crate) found: String,
    pub(crate) found_source: String,
    /// Whether the short words take "the": "missing from the database", "missing from B".
    pub(crate) article: bool,
    /// What was compared (see [`contents`]), shown when nothing differs so that comparing two
    /// empty schemas does not pass unnoticed.
    pub(crate) compared: String,
    /// What was left out of the comparison and why (see [`leave_out_unread`]).
    pub(crate) notices: Vec<String>,
}

impl Sides {
    fn the(&self, word: &str) -> String {
        if self.article {
            format!("the {word}")
        } else {
            word.to_owned()
        }
    }
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("{code}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

/// `N differences in T tables and O other objects`, or `no differences`.
pub(crate) fn summary(report: &Report) -> String {
    let n = report.len();
    if n == 0 {
        return "no differences".to_owned();
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut places = Vec::new();
    let tables = report.table_count();
    if tables > 0 {
        places.push(plural(tables, "table", "tables"));
    }
    let others = report.other_object_count();
    if others > 0 {
        places.push(plural(others, "other object", "other objects"));
    }
    format!(
        "{} in {}",
        plural(n, "difference", "differences"),
        places.join(" and ")
    )
}

/// A few words on what a snapshot holds: `12 tables, 3 enums in 2 schemas`.
pub(crate) fn contents(snapshot: &Snapshot) -> String {
    let count = |f: fn(&schemalock_runtime::snapshot::Schema) -> usize| -> usize {
        snapshot.schemas.values().map(f).sum()
    };
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut parts = vec![plural(count(|s| s.tables.len()), "table")];
    for (n, what) in [
        (count(|s| s.enums.len()), "enum"),
        (count(|s| s.domains.len()), "domain"),
        (count(|s| s.composites.len()), "composite type"),
    ] {
        if n > 0 {
            parts.push(plural(n, what));
        }
    }
    format!(
        "{} in {}",
        parts.join(", "),
        plural(snapshot.schemas.len(), "schema")
    )
}

/// The heading a difference is listed under.
fn group_of(d: &Difference) -> String {
    match (&d.schema, &d.table) {
        (Some(s), Some(t)) => format!("{s}.{t}"),
        (Some(_), None) if d.object == ObjectKind::Schema => format!("schema {}", d.name),
        (Some(s), None) => format!("{} {s}.{}", d.object.describe(), d.name),
        (None, _) => "database".to_owned(),
    }
}

/// One line for a difference, without its sign.
fn line(d: &Difference, sides: &Sides) -> String {
    let subject = match &d.member {
        Some(m) => format!("{} `{m}`", d.object.member_kind()),
        None => format!("{} `{}`", d.object.describe(), d.name),
    };
    // An enum label's description is the label again.
    let detail = |side: &str, v: &Option<String>| match (d.object, &d.member, v) {
        (ObjectKind::Enum, Some(_), _) | (_, _, None) => String::new(),
        (_, _, Some(v)) => format!(" ({side}: {v})"),
    };
    match d.change {
        Change::Missing => format!(
            "{subject}: missing from {}{}",
            sides.the(&sides.found),
            detail(&sides.expected, &d.expected)
        ),
        Change::Extra => format!(
            "{subject}: not in {}{}",
            sides.the(&sides.expected),
            detail(&sides.found, &d.found)
        ),
        c => {
            let aspect = match c {
                Change::Order if d.object == ObjectKind::Table => "column order",
                Change::Order if d.object == ObjectKind::Enum => "label order",
                Change::Order => "attribute order",
                c => c.describe(),
            };
            // A table's or type's own aspects: the group heading already names it.
            let own = d.member.is_none()
                && match d.object {
                    ObjectKind::Table => true,
                    ObjectKind::Enum | ObjectKind::Domain | ObjectKind::Composite => {
                        d.table.is_none()
                    }
                    _ => false,
                };
            let head = if own {
                aspect.to_owned()
            } else {
                format!("{subject} {aspect}")
            };
            let value = |v: &Option<String>| match v {
                Some(v) => format!("`{v}`"),
                None => "none".to_owned(),
            };
            format!(
                "{head}: {} {}, {} {}",
                sides.expected,
                value(&d.expected),
                sides.found,
                value(&d.found)
            )
        }
    }
}

/// The report as text: differences grouped under their table (or type, or schema), `-` for what
/// only the expected side has, `+` for what only the found side has, `~` for what changed, then
/// a summary line.
pub(crate) fn text(report: &Report, sides: &Sides, color: bool) -> String {
    let paint = Paint { on: color };
    let mut out = String::new();
    let mut current: Option<String> = None;
    for d in &report.differences {
        let group = escape(&group_of(d)).into_owned();
        if current.as_deref() != Some(&group) {
            let _ = writeln!(out, "{}", paint.wrap(BOLD, &group));
            current = Some(group);
        }
        let (sign, colour) = match d.change {
            Change::Missing => ("-", RED),
            Change::Extra => ("+", GREEN),
            _ => ("~", YELLOW),
        };
        let _ = writeln!(
            out,
            "  {}",
            paint.wrap(colour, &format!("{sign} {}", escape(&line(d, sides))))
        );
    }
    if !report.is_empty() {
        out.push('\n');
    }
    let mut last = summary(report);
    if report.is_empty() && !sides.compared.is_empty() {
        last = format!("{last} ({})", sides.compared);
    }
    let _ = writeln!(out, "{}", paint.wrap(BOLD, &last));
    out
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
        Format::Text => text(report, sides, ui.color()),
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

/// `text` with control characters (ANSI escapes among them) and invisible or direction-changing
/// characters written as escapes, the way the JSON output writes them (`\u001b`, `\n`), so that
/// a name from a database cannot move the cursor, clear the screen or reorder what a person
/// reads. Backslashes are left alone: names rarely hold them, and doubling them would change
/// every such name.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c,
                '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if !text.contains(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if hidden(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
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
            tables: report.table_count(),
            other_objects: report.other_object_count(),
            text: summary(report),
        },
    };
    let mut s = serde_json::to_string_pretty(&value).expect("report serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
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
            expected: "snapshot".into(),
            expected_source: "schemalock.json".into(),
            found: "database".into(),
            found_source: "postgres://u:***@h/db".into(),
            article: true,
            compared: "2 tables in 1 schema".into(),
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

    #[test]
    fn text_groups_by_table_and_sums_up() {
        let text = text(&sample(), &sides(), false);
        assert_eq!(
            text,
            "\
database
  ~ extension `vector` version: snapshot `0.8.0`, database `0.7.4`
enum public.mood
  + label `meh`: not in the snapshot
  ~ label order: snapshot `a, b`, database `b, a`
public.posts
  - column `title`: missing from the database (snapshot: text NOT NULL)
  + column `headline`: not in the snapshot (database: text NOT NULL)
  ~ column `user_id` nullability: snapshot `NOT NULL`, database `NULL`
  - index `posts_title_idx`: missing from the database (snapshot: btree (title))
public.users
  - table `users`: missing from the database (snapshot: table with 2 columns)
schema audit
  - schema `audit`: missing from the database (snapshot: empty schema)

9 differences in 2 tables and 3 other objects
"
        );
        assert!(!text.contains('\x1b'));
        let coloured = super::text(&sample(), &sides(), true);
        assert!(coloured.contains("\x1b[31m- column `title`"), "{coloured}");
        assert_eq!(
            super::text(&Report::default(), &sides(), false),
            "no differences (2 tables in 1 schema)\n"
        );
    }

    #[test]
    fn control_characters_in_names_are_escaped_as_in_json() {
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
        let text = text(&report, &sides(), false);
        let escaped = "evil\\u001b[2J\\u001b]0;pwned\\u0007\\r\\n\\u202etxt.exe\\u009b";
        assert_eq!(
            text,
            format!(
                "{escaped}.{escaped}\n  - column `{escaped}`: missing from the database \
                 (snapshot: {escaped})\n\n1 difference in 1 table\n"
            )
        );
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        // The JSON output spells the C0 characters the same way.
        let json = json(&report, &sides());
        assert!(
            json.contains("evil\\u001b[2J\\u001b]0;pwned\\u0007\\r\\n"),
            "{json}"
        );
        assert_eq!(escape("plain `name`"), "plain `name`");
        assert!(matches!(escape("ünïcode"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_has_the_differences_and_a_summary() {
        let v: serde_json::Value = serde_json::from_str(&json(&sample(), &sides())).unwrap();
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
