//! The one text form of a [`SchemaDiff`], for people: differences grouped under their table (or
//! type, or schema), `-` for what only the expected side has, `+` for what only the found side
//! has, `~` for what changed, then a summary line. `cargo schemalock check`, `refresh --check`
//! and `diff` print it.
//!
//! ```
//! use schemalock_runtime::diff::{self, Article, Sides, Style, render};
//! use schemalock_runtime::Snapshot;
//!
//! let (expected, found) = (Snapshot::new(), Snapshot::new());
//! let sides = Sides {
//!     expected: "snapshot".into(),
//!     found: "database".into(),
//!     article: Article::The,
//!     compared: render::contents(&expected),
//! };
//! let text = render::text(&diff::diff(&expected, &found), &sides, Style::Plain);
//! assert_eq!(text, "no differences (0 tables in 0 schemas)\n");
//! ```
//!
//! Every name from a schema goes through [`escape`], so a name holding terminal control
//! characters cannot move the cursor or recolour what follows.

use std::fmt::Write as _;

use super::report::{Change, Difference, ObjectKind, SchemaDiff};
use crate::snapshot::{Schema, Snapshot};
use crate::text::{count, count_s, escape};

/// What the two sides of a comparison are called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides {
    /// A short word for the expected side, used in sentences: `snapshot`, `A`.
    pub expected: String,
    /// A short word for the found side: `database`, `B`.
    pub found: String,
    /// Whether the words take "the": "missing from the database", "missing from B".
    pub article: Article,
    /// What was compared (see [`contents`]), said when nothing differs, so that comparing two
    /// empty schemas does not pass unnoticed; empty to say nothing.
    pub compared: String,
}

/// Whether the words of [`Sides`] take "the".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Article {
    /// "missing from the database".
    The,
    /// "missing from B".
    Bare,
}

/// Whether the text is coloured for a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// No escape sequences.
    Plain,
    /// ANSI colours: red for missing, green for extra, yellow for changed, bold headings.
    Color,
}

impl Sides {
    fn the(&self, word: &str) -> String {
        match self.article {
            Article::The => format!("the {word}"),
            Article::Bare => word.to_owned(),
        }
    }
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        match self {
            Style::Color => format!("{code}{text}{RESET}"),
            Style::Plain => text.to_owned(),
        }
    }
}

/// The whole report: grouped lines, then the [`summary`] (with [`Sides::compared`] when nothing
/// differs). Ends with a newline.
pub fn text(diff: &SchemaDiff, sides: &Sides, style: Style) -> String {
    let mut out = String::new();
    let mut current: Option<String> = None;
    for d in &diff.differences {
        let group = escape(&group(d)).into_owned();
        if current.as_deref() != Some(&group) {
            let _ = writeln!(out, "{}", style.paint(BOLD, &group));
            current = Some(group);
        }
        let (sign, colour) = match d.change {
            Change::Missing => ("-", RED),
            Change::Extra => ("+", GREEN),
            _ => ("~", YELLOW),
        };
        let line = format!("{sign} {}", escape(&line(d, sides)));
        let _ = writeln!(out, "  {}", style.paint(colour, &line));
    }
    if !diff.is_empty() {
        out.push('\n');
    }
    let mut last = summary(diff);
    if diff.is_empty() && !sides.compared.is_empty() {
        last = format!("{last} ({})", sides.compared);
    }
    let _ = writeln!(out, "{}", style.paint(BOLD, &last));
    out
}

/// `N differences in T tables and O other objects`, or `no differences`.
pub fn summary(diff: &SchemaDiff) -> String {
    let n = diff.len();
    if n == 0 {
        return "no differences".to_owned();
    }
    let mut places = Vec::new();
    let tables = diff.table_count();
    if tables > 0 {
        places.push(count(tables, "table", "tables"));
    }
    let others = diff.other_object_count();
    if others > 0 {
        places.push(count(others, "other object", "other objects"));
    }
    format!(
        "{} in {}",
        count(n, "difference", "differences"),
        places.join(" and ")
    )
}

/// A few words on what a snapshot holds: `12 tables, 3 enums in 2 schemas`.
pub fn contents(snapshot: &Snapshot) -> String {
    let total = |f: fn(&Schema) -> usize| -> usize { snapshot.schemas.values().map(f).sum() };
    let mut parts = vec![count_s(total(|s| s.tables.len()), "table")];
    for (n, what) in [
        (total(|s| s.enums.len()), "enum"),
        (total(|s| s.domains.len()), "domain"),
        (total(|s| s.composites.len()), "composite type"),
    ] {
        if n > 0 {
            parts.push(count_s(n, what));
        }
    }
    format!(
        "{} in {}",
        parts.join(", "),
        count_s(snapshot.schemas.len(), "schema")
    )
}

/// The heading a difference is listed under: `public.posts`, `enum public.mood`,
/// `schema audit`, `database`. Not escaped.
pub fn group(d: &Difference) -> String {
    match (&d.schema, &d.table) {
        (Some(s), Some(t)) => format!("{s}.{t}"),
        (Some(_), None) if d.object == ObjectKind::Schema => format!("schema {}", d.name),
        (Some(s), None) => format!("{} {s}.{}", d.object.describe(), d.name),
        (None, _) => "database".to_owned(),
    }
}

/// One line for a difference, without its sign and not escaped:
/// `` column `title`: missing from the database (snapshot: text NOT NULL) ``.
pub fn line(d: &Difference, sides: &Sides) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use Change as C;
    use ObjectKind as O;

    /// A difference in `at` (`schema.table`, `schema` or nothing), on `name` or, written
    /// `name:member`, on its member; `""` for a side with nothing.
    fn d(at: &str, object: ObjectKind, name: &str, change: Change, e: &str, f: &str) -> Difference {
        let (schema, table) = match at.split_once('.') {
            Some((s, t)) => (Some(s), Some(t)),
            None => ((!at.is_empty()).then_some(at), None),
        };
        let (name, member) = match name.split_once(':') {
            Some((n, m)) => (n, Some(m)),
            None => (name, None),
        };
        let side = |v: &str| (!v.is_empty()).then(|| v.to_owned());
        Difference {
            schema: schema.map(Into::into),
            table: table.map(Into::into),
            object,
            name: name.into(),
            member: member.map(Into::into),
            change,
            expected: side(e),
            found: side(f),
        }
    }

    fn sides() -> Sides {
        Sides {
            expected: "snapshot".into(),
            found: "database".into(),
            article: Article::The,
            compared: "2 tables in 1 schema".into(),
        }
    }

    fn sample() -> SchemaDiff {
        let (tn, tnn) = ("text NOT NULL", "table with 2 columns");
        SchemaDiff {
            differences: vec![
                d("", O::Extension, "vector", C::Version, "0.8.0", "0.7.4"),
                d("public", O::Enum, "mood:meh", C::Extra, "", "'meh'"),
                d("public", O::Enum, "mood", C::Order, "a, b", "b, a"),
                d("public.posts", O::Column, "title", C::Missing, tn, ""),
                d("public.posts", O::Column, "headline", C::Extra, "", tn),
                d(
                    "public.posts",
                    O::Column,
                    "user_id",
                    C::Nullable,
                    "NOT NULL",
                    "NULL",
                ),
                d(
                    "public.posts",
                    O::Index,
                    "posts_title_idx",
                    C::Missing,
                    "btree (title)",
                    "",
                ),
                d("public.users", O::Table, "users", C::Missing, tnn, ""),
                d("audit", O::Schema, "audit", C::Missing, "empty schema", ""),
            ],
        }
    }

    #[test]
    fn text_groups_by_table_and_sums_up() {
        let text = text(&sample(), &sides(), Style::Plain);
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
        let coloured = super::text(&sample(), &sides(), Style::Color);
        assert!(coloured.contains("\x1b[31m- column `title`"), "{coloured}");
        assert_eq!(
            super::text(&SchemaDiff::default(), &sides(), Style::Plain),
            "no differences (2 tables in 1 schema)\n"
        );
        let bare = Sides {
            expected: "A".into(),
            found: "B".into(),
            article: Article::Bare,
            compared: String::new(),
        };
        assert_eq!(
            line(&sample().differences[3], &bare),
            "column `title`: missing from B (A: text NOT NULL)"
        );
    }

    #[test]
    fn control_characters_in_names_are_escaped() {
        let hostile = "evil\x1b[2J\x1b]0;pwned\x07\r\n\u{202e}txt.exe\u{9b}";
        let mut difference = d("s.t", O::Column, "c", C::Missing, "e", "");
        difference.schema = Some(hostile.into());
        difference.table = Some(hostile.into());
        difference.name = hostile.into();
        difference.expected = Some(hostile.into());
        let report = SchemaDiff {
            differences: vec![difference],
        };
        let text = text(&report, &sides(), Style::Plain);
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
    }

    #[test]
    fn contents_counts_what_a_snapshot_holds() {
        let mut s = Snapshot::new();
        assert_eq!(contents(&s), "0 tables in 0 schemas");
        s.schemas.insert("public".into(), Schema::default());
        let public = s.schemas.get_mut("public").unwrap();
        public
            .enums
            .insert("mood".into(), crate::snapshot::EnumType { labels: vec![] });
        assert_eq!(contents(&s), "0 tables, 1 enum in 1 schema");
    }
}
