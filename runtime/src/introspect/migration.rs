//! The migration head: which migration tools' tables exist, whether the role may read them, and
//! the newest migration each records.

use std::fmt;

use super::sql;

/// Which known migration tables exist (with the expected columns), and whether the role may read
/// them: one row, one `text` column holding `{"role": "...", "tables": [{"name": "...",
/// "readable": true}, ...]}`, the tables in [`MIGRATION_TABLES`] order (`null` when there are
/// none). No parameters.
pub const MIGRATION_PROBE: &str = sql::MIGRATION_PROBE;

/// The migration tables looked for, in order of preference.
pub const MIGRATION_TABLES: [&str; 5] = [
    "_sqlx_migrations",
    "__diesel_schema_migrations",
    "refinery_schema_history",
    "alembic_version",
    "flyway_schema_history",
];

/// The query reading the newest applied migration from one of [`MIGRATION_TABLES`]: one row, one
/// nullable `text` column. No parameters.
pub fn migration_head_query(table: &str) -> Option<&'static str> {
    Some(match table {
        "_sqlx_migrations" => "SELECT max(version)::text FROM _sqlx_migrations WHERE success",
        "__diesel_schema_migrations" => "SELECT max(version)::text FROM __diesel_schema_migrations",
        "refinery_schema_history" => "SELECT max(version)::text FROM refinery_schema_history",
        // Several rows only with branches that were not merged: name them all.
        "alembic_version" => {
            "SELECT string_agg(version_num::text, ',' ORDER BY version_num::text) FROM alembic_version"
        }
        // Repeatable migrations have no version.
        "flyway_schema_history" => {
            "SELECT (SELECT version::text FROM flyway_schema_history \
             WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1)"
        }
        _ => return None,
    })
}

/// Something a read could not see, which the caller should know about. Not an error: the
/// snapshot is right about everything else.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// A migration table exists, but the role may not read it, and no table before it in
    /// [`MIGRATION_TABLES`] gave a version: the migration head is unknown (the snapshot has
    /// none), which is not the same as there being none. Comparisons leave it out.
    MigrationHeadUnread {
        /// The role the read ran as (`current_user`).
        role: String,
        /// The table it may not read.
        table: String,
    },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::MigrationHeadUnread { role, table } => write!(
                f,
                "the migration head was not read: the role `{role}` has no SELECT on `{table}` \
                 (`GRANT SELECT ON {table} TO {}` lets it)",
                quote_ident(role)
            ),
        }
    }
}

/// An identifier as SQL needs it written: bare when it is a plain lower-case name.
fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

#[cfg(feature = "__driver")]
pub(crate) use self::walk::{Probe, Step};

/// Reading the head through a driver.
#[cfg(feature = "__driver")]
mod walk {
    use serde::Deserialize;

    use super::{Notice, migration_head_query};
    use crate::introspect::Error;
    use crate::introspect::assemble::parse;
    use crate::snapshot::MigrationHead;

    /// What [`MIGRATION_PROBE`] found.
    #[derive(Debug, Default, Deserialize)]
    pub(crate) struct Probe {
        role: String,
        tables: Option<Vec<ProbedTable>>,
    }

    #[derive(Debug, Deserialize)]
    struct ProbedTable {
        name: String,
        readable: bool,
    }

    /// The next step of reading the head, after the probe and each table's answer.
    #[derive(Debug, PartialEq, Eq)]
    pub(crate) enum Step {
        /// Run this [`migration_head_query`].
        Query(&'static str),
        /// Done: no head, or no table was readable enough to tell.
        Done,
    }

    impl Probe {
        pub(crate) fn parse(text: Option<&str>) -> Result<Probe, Error> {
            parse("migration_probe", text)
        }

        /// Walks the tables in order of preference: `answers` holds what the queries asked for so
        /// far returned. The first version found is the head; a table the role may not read ends
        /// the walk with a notice, since whether it holds a version cannot be known.
        pub(crate) fn step(&self, answers: &[Option<String>]) -> Step {
            match self.walk(answers) {
                Walk::Ask(sql) => Step::Query(sql),
                Walk::Head(..) | Walk::Unread(_) | Walk::None => Step::Done,
            }
        }

        /// The head and notices once [`Probe::step`] said [`Step::Done`].
        pub(crate) fn outcome(
            &self,
            answers: &[Option<String>],
        ) -> (Option<MigrationHead>, Vec<Notice>) {
            match self.walk(answers) {
                Walk::Head(table, version) => (
                    Some(MigrationHead {
                        table: table.to_owned(),
                        version: version.to_owned(),
                    }),
                    Vec::new(),
                ),
                Walk::Unread(table) => (
                    None,
                    vec![Notice::MigrationHeadUnread {
                        role: self.role.clone(),
                        table: table.to_owned(),
                    }],
                ),
                Walk::Ask(_) | Walk::None => (None, Vec::new()),
            }
        }

        fn walk<'a>(&'a self, answers: &'a [Option<String>]) -> Walk<'a> {
            let mut answers = answers.iter();
            for t in self.tables.iter().flatten() {
                let Some(sql) = migration_head_query(&t.name) else {
                    continue;
                };
                if !t.readable {
                    return Walk::Unread(&t.name);
                }
                match answers.next() {
                    None => return Walk::Ask(sql),
                    Some(Some(version)) => return Walk::Head(&t.name, version),
                    Some(None) => {}
                }
            }
            Walk::None
        }
    }

    enum Walk<'a> {
        Ask(&'static str),
        Head(&'a str, &'a str),
        Unread(&'a str),
        None,
    }
}

#[cfg(all(test, feature = "__driver"))]
mod tests {
    use super::*;

    fn walk(probe: &str, answers: &[Option<&str>]) -> (Vec<Step>, Option<String>, Vec<String>) {
        let probe = Probe::parse(Some(probe)).unwrap();
        let answers: Vec<Option<String>> = answers.iter().map(|a| a.map(Into::into)).collect();
        let mut steps = Vec::new();
        let mut given = Vec::new();
        loop {
            let step = probe.step(&given);
            let done = step == Step::Done;
            steps.push(step);
            if done {
                break;
            }
            given.push(answers[given.len()].clone());
        }
        let (head, notices) = probe.outcome(&given);
        (
            steps,
            head.map(|h| format!("{} {}", h.table, h.version)),
            notices.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn the_first_version_wins_and_an_unreadable_table_first_makes_the_head_unknown() {
        let sqlx = migration_head_query("_sqlx_migrations").unwrap();
        let diesel = migration_head_query("__diesel_schema_migrations").unwrap();
        let both = r#"{"role": "app", "tables": [
            {"name": "_sqlx_migrations", "readable": true},
            {"name": "__diesel_schema_migrations", "readable": true}]}"#;
        assert_eq!(
            walk(both, &[None, Some("7")]),
            (
                vec![Step::Query(sqlx), Step::Query(diesel), Step::Done],
                Some("__diesel_schema_migrations 7".into()),
                vec![]
            )
        );
        assert_eq!(
            walk(both, &[Some("9")]).1.as_deref(),
            Some("_sqlx_migrations 9")
        );
        assert_eq!(walk(both, &[None, None]).1, None);

        // The preferred table cannot be read: whatever the next one says, the head is unknown.
        let hidden = r#"{"role": "App", "tables": [
            {"name": "_sqlx_migrations", "readable": false},
            {"name": "__diesel_schema_migrations", "readable": true}]}"#;
        assert_eq!(
            walk(hidden, &[]),
            (
                vec![Step::Done],
                None,
                vec![
                    "the migration head was not read: the role `App` has no SELECT on \
                     `_sqlx_migrations` (`GRANT SELECT ON _sqlx_migrations TO \"App\"` lets it)"
                        .into()
                ]
            )
        );
        // A head found before the unreadable table is the head.
        let later = r#"{"role": "app", "tables": [
            {"name": "_sqlx_migrations", "readable": true},
            {"name": "flyway_schema_history", "readable": false}]}"#;
        assert_eq!(walk(later, &[Some("3")]).2, Vec::<String>::new());
        assert_eq!(walk(later, &[None]).2.len(), 1);

        let none = r#"{"role": "app", "tables": null}"#;
        assert_eq!(walk(none, &[]), (vec![Step::Done], None, vec![]));
    }
}
