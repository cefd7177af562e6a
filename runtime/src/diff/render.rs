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
//!     views: render::views(&[&expected, &found]),
//! };
//! let text = render::text(&diff::diff(&expected, &found), &sides, Style::Plain);
//! assert_eq!(text, "no differences (0 tables in 0 schemas)\n");
//! ```
//!
//! Every name from a schema goes through [`escape`], so a name holding terminal control
//! characters cannot move the cursor or recolour what follows.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::report::{Change, Difference, ObjectKind, SchemaDiff};
use crate::snapshot::{RelationKind, Schema, Snapshot};
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
    /// The views and materialized views of either side, `(schema, name)` (see [`views`]), so
    /// the summary counts them as views, not tables.
    pub views: BTreeSet<(String, String)>,
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
/// A column missing from one side and one added on the other, in the same table and of the same
/// type, is shown as one `renamed?` line (see [`renamed_columns`]).
pub fn text(diff: &SchemaDiff, sides: &Sides, style: Style) -> String {
    let mut out = String::new();
    let mut current: Option<String> = None;
    let renamed = renamed_columns(diff);
    let paired: BTreeSet<usize> = renamed.values().copied().collect();
    for (i, d) in diff.differences.iter().enumerate() {
        if paired.contains(&i) {
            continue;
        }
        let group = escape(&group(d)).into_owned();
        if current.as_deref() != Some(&group) {
            let _ = writeln!(out, "{}", style.paint(BOLD, &group));
            current = Some(group);
        }
        let (sign, colour, said) = match (renamed.get(&i), d.change) {
            (Some(&to), _) => ("~", YELLOW, renamed_line(d, &diff.differences[to], sides)),
            (None, Change::Missing) => ("-", RED, line(d, sides)),
            (None, Change::Extra) => ("+", GREEN, line(d, sides)),
            (None, _) => ("~", YELLOW, line(d, sides)),
        };
        let line = format!("{sign} {}", escape(&said));
        let _ = writeln!(out, "  {}", style.paint(colour, &line));
    }
    if !diff.is_empty() {
        out.push('\n');
    }
    let mut last = summary(diff, sides);
    if diff.is_empty() && !sides.compared.is_empty() {
        last = format!("{last} ({})", sides.compared);
    }
    let _ = writeln!(out, "{}", style.paint(BOLD, &last));
    out
}

/// `N differences in T tables, V views and O other objects`, or `no differences`. Views are
/// told from tables by [`Sides::views`].
pub fn summary(diff: &SchemaDiff, sides: &Sides) -> String {
    let n = diff.len();
    if n == 0 {
        return "no differences".to_owned();
    }
    let relations: BTreeSet<(&str, &str)> = diff
        .differences
        .iter()
        .filter_map(|d| Some((d.schema.as_deref()?, d.table.as_deref()?)))
        .collect();
    let views = relations
        .iter()
        .filter(|(s, t)| sides.views.contains(&((*s).to_owned(), (*t).to_owned())))
        .count();
    let mut places = Vec::new();
    let tables = relations.len() - views;
    if tables > 0 {
        places.push(count(tables, "table", "tables"));
    }
    if views > 0 {
        places.push(count(views, "view", "views"));
    }
    let others = diff.other_object_count();
    if others > 0 {
        places.push(count(others, "other object", "other objects"));
    }
    let places = match places.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    format!("{} in {places}", count(n, "difference", "differences"))
}

/// The `(schema, name)` of every view and materialized view in `snapshots`, for
/// [`Sides::views`].
pub fn views(snapshots: &[&Snapshot]) -> BTreeSet<(String, String)> {
    snapshots
        .iter()
        .flat_map(|s| &s.schemas)
        .flat_map(|(schema, sc)| {
            sc.tables
                .iter()
                .filter(|(_, t)| !is_table(t.kind))
                .map(move |(name, _)| (schema.clone(), name.clone()))
        })
        .collect()
}

fn is_table(kind: RelationKind) -> bool {
    matches!(kind, RelationKind::Table | RelationKind::PartitionedTable)
}

/// Columns that look renamed: in one table, a column missing from the found side and one it has
/// that the expected side lacks, of the same type, when neither has another candidate of that
/// type there. Maps the index of the missing one to the index of the added one.
pub fn renamed_columns(diff: &SchemaDiff) -> BTreeMap<usize, usize> {
    type Key<'a> = (Option<&'a str>, Option<&'a str>, &'a str);
    let mut missing: BTreeMap<Key<'_>, Vec<usize>> = BTreeMap::new();
    let mut added: BTreeMap<Key<'_>, Vec<usize>> = BTreeMap::new();
    for (i, d) in diff.differences.iter().enumerate() {
        let side = match (d.object, d.change) {
            (ObjectKind::Column, Change::Missing) => (&mut missing, &d.expected),
            (ObjectKind::Column, Change::Extra) => (&mut added, &d.found),
            _ => continue,
        };
        if let Some(description) = side.1 {
            let key = (
                d.schema.as_deref(),
                d.table.as_deref(),
                column_type(description),
            );
            side.0.entry(key).or_default().push(i);
        }
    }
    missing
        .iter()
        .filter_map(
            |(key, m)| match (m.as_slice(), added.get(key)?.as_slice()) {
                ([m], [a]) => Some((*m, *a)),
                _ => None,
            },
        )
        .collect()
}

/// The type of a column's description (`text NOT NULL DEFAULT ''::text` → `text`).
fn column_type(description: &str) -> &str {
    [" NOT NULL", " DEFAULT ", " GENERATED "]
        .iter()
        .filter_map(|w| description.find(w))
        .min()
        .map_or(description, |end| &description[..end])
}

/// `` column `bio` renamed to `biography`?: snapshot `text`, database `text` ``.
fn renamed_line(missing: &Difference, added: &Difference, sides: &Sides) -> String {
    let value = |v: &Option<String>| v.as_deref().unwrap_or("").to_owned();
    format!(
        "column `{}` renamed to `{}`?: {} `{}`, {} `{}`",
        missing.name,
        added.name,
        sides.expected,
        value(&missing.expected),
        sides.found,
        value(&added.found)
    )
}

/// A few words on what a snapshot holds: `12 tables, 3 enums in 2 schemas`.
pub fn contents(snapshot: &Snapshot) -> String {
    let total = |f: fn(&Schema) -> usize| -> usize { snapshot.schemas.values().map(f).sum() };
    let tables = total(|s| s.tables.values().filter(|t| is_table(t.kind)).count());
    let mut parts = vec![count_s(tables, "table")];
    for (n, what) in [
        (total(|s| s.tables.len()) - tables, "view"),
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
            views: BTreeSet::new(),
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
                d(
                    "public.posts",
                    O::Column,
                    "headline",
                    C::Extra,
                    "",
                    "varchar(80)",
                ),
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
  + column `headline`: not in the snapshot (database: varchar(80))
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
            views: BTreeSet::new(),
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
        let mut view = crate::snapshot::fixtures::table(vec![]);
        view.kind = RelationKind::View;
        let public = s.schemas.get_mut("public").unwrap();
        public.tables.insert("v".into(), view);
        public
            .tables
            .insert("t".into(), crate::snapshot::fixtures::table(vec![]));
        assert_eq!(contents(&s), "1 table, 1 view, 1 enum in 1 schema");
    }

    /// A missing and an added column of the same type in one table read as a rename; two
    /// candidates of a type, or different types, do not.
    #[test]
    fn a_missing_and_an_added_column_of_one_type_is_a_rename() {
        let report = SchemaDiff {
            differences: vec![
                d("public.users", O::Column, "bio", C::Missing, "text", ""),
                d("public.users", O::Column, "age", C::Missing, "integer", ""),
                d(
                    "public.users",
                    O::Column,
                    "a",
                    C::Missing,
                    "bigint NOT NULL",
                    "",
                ),
                d("public.users", O::Column, "b", C::Missing, "bigint", ""),
                d("public.users", O::Column, "biography", C::Extra, "", "text"),
                d("public.users", O::Column, "years", C::Extra, "", "smallint"),
                d("public.users", O::Column, "c", C::Extra, "", "bigint"),
                d("public.posts", O::Column, "body", C::Extra, "", "text"),
            ],
        };
        assert_eq!(renamed_columns(&report), BTreeMap::from([(0, 4)]));
        let text = text(&report, &sides(), Style::Plain);
        assert_eq!(
            text,
            "\
public.users
  ~ column `bio` renamed to `biography`?: snapshot `text`, database `text`
  - column `age`: missing from the database (snapshot: integer)
  - column `a`: missing from the database (snapshot: bigint NOT NULL)
  - column `b`: missing from the database (snapshot: bigint)
  + column `years`: not in the snapshot (database: smallint)
  + column `c`: not in the snapshot (database: bigint)
public.posts
  + column `body`: not in the snapshot (database: text)

8 differences in 2 tables
"
        );
        let nullability = SchemaDiff {
            differences: vec![
                d(
                    "s.t",
                    O::Column,
                    "x",
                    C::Missing,
                    "text NOT NULL DEFAULT ''::text",
                    "",
                ),
                d("s.t", O::Column, "y", C::Extra, "", "text"),
            ],
        };
        assert!(
            super::text(&nullability, &sides(), Style::Plain).contains(
                "~ column `x` renamed to `y`?: snapshot `text NOT NULL DEFAULT ''::text`, database `text`"
            )
        );
    }

    #[test]
    fn views_are_counted_as_views() {
        let report = SchemaDiff {
            differences: vec![
                d("public.v", O::Column, "x", C::Missing, "text", ""),
                d("public.t", O::Column, "x", C::Missing, "text", ""),
                d("public.t", O::Column, "y", C::Missing, "integer", ""),
            ],
        };
        let mut sides = sides();
        assert_eq!(summary(&report, &sides), "3 differences in 2 tables");
        let mut s = Snapshot::new();
        let mut view = crate::snapshot::fixtures::table(vec![]);
        view.kind = RelationKind::MaterializedView;
        s.schemas
            .entry("public".into())
            .or_default()
            .tables
            .insert("v".into(), view);
        sides.views = views(&[&Snapshot::new(), &s]);
        assert_eq!(
            summary(&report, &sides),
            "3 differences in 1 table and 1 view"
        );
        let mut with_enum = report.clone();
        with_enum
            .differences
            .push(d("public", O::Enum, "mood:meh", C::Extra, "", "'meh'"));
        assert_eq!(
            summary(&with_enum, &sides),
            "4 differences in 1 table, 1 view and 1 other object"
        );
    }
}
