//! One statement of a migration, as [`super::split`] cut it out: where it is in the file, and
//! what kind of statement it is, read from its top-level words (whether PostgreSQL refuses it
//! inside a transaction block, whether it opens or closes a transaction, `COPY ... FROM STDIN`).

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement<'a> {
    pub(super) text: &'a str,
    pub(super) offset: usize,
    pub(super) line: usize,
    pub(super) number: usize,
    /// The unquoted words outside parentheses, in order (keywords and bare identifiers; not
    /// words inside strings, quoted identifiers, comments or dollar-quoted bodies).
    pub(super) words: Vec<&'a str>,
}

impl<'a> Statement<'a> {
    /// The statement from its first token to its last, without the terminating `;` and without
    /// the comments and whitespace before it.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// The byte offset of [`Statement::text`] in the script.
    pub(crate) fn offset(&self) -> usize {
        self.offset
    }

    /// The 1-based line of the script where the statement starts.
    pub(crate) fn line(&self) -> usize {
        self.line
    }

    /// The 1-based number of the statement in the script (empty statements are not counted).
    pub(crate) fn number(&self) -> usize {
        self.number
    }

    fn word(&self, i: usize) -> Option<&'a str> {
        self.words.get(i).copied()
    }

    fn word_is(&self, i: usize, keyword: &str) -> bool {
        self.word(i)
            .is_some_and(|w| w.eq_ignore_ascii_case(keyword))
    }

    fn has_word(&self, keyword: &str) -> bool {
        self.words.iter().any(|w| w.eq_ignore_ascii_case(keyword))
    }

    /// True when the statement starts with these keywords (case-insensitive).
    pub(crate) fn starts_with_words(&self, keywords: &[&str]) -> bool {
        keywords.iter().enumerate().all(|(i, k)| self.word_is(i, k))
    }

    /// Why PostgreSQL refuses to run this statement inside a transaction block, if it does:
    /// `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ... CONCURRENTLY` (and
    /// `REINDEX SCHEMA|DATABASE|SYSTEM`), `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY`,
    /// `VACUUM`, `CLUSTER` without a table, `ALTER SYSTEM`, `CREATE|DROP DATABASE`,
    /// `ALTER DATABASE ... SET TABLESPACE`, `CREATE|DROP TABLESPACE`, `CREATE|DROP SUBSCRIPTION`.
    pub(crate) fn needs_autocommit(&self) -> Option<&'static str> {
        let first = self.word(0)?.to_ascii_uppercase();
        match first.as_str() {
            "CREATE" | "DROP" => {
                let create = first == "CREATE";
                let object = if create && self.word_is(1, "UNIQUE") {
                    2
                } else {
                    1
                };
                if self.word_is(object, "INDEX") && self.word_is(object + 1, "CONCURRENTLY") {
                    return Some(if create {
                        "CREATE INDEX CONCURRENTLY"
                    } else {
                        "DROP INDEX CONCURRENTLY"
                    });
                }
                // Objects that are created and dropped outside transactions only.
                const OBJECTS: [(&str, &str, &str); 3] = [
                    ("DATABASE", "CREATE DATABASE", "DROP DATABASE"),
                    ("TABLESPACE", "CREATE TABLESPACE", "DROP TABLESPACE"),
                    ("SUBSCRIPTION", "CREATE SUBSCRIPTION", "DROP SUBSCRIPTION"),
                ];
                OBJECTS
                    .iter()
                    .find(|(kind, ..)| self.word_is(1, kind))
                    .map(|&(_, created, dropped)| if create { created } else { dropped })
            }
            "REINDEX" => {
                if self.has_word("CONCURRENTLY") {
                    Some("REINDEX CONCURRENTLY")
                } else if ["SCHEMA", "DATABASE", "SYSTEM"]
                    .iter()
                    .any(|k| self.word_is(1, k))
                {
                    Some("REINDEX SCHEMA, DATABASE or SYSTEM")
                } else {
                    None
                }
            }
            "VACUUM" => Some("VACUUM"),
            "CLUSTER" => {
                let rest = &self.words[1..];
                rest.iter()
                    .all(|w| w.eq_ignore_ascii_case("VERBOSE"))
                    .then_some("CLUSTER without a table")
            }
            "ALTER" => {
                if self.word_is(1, "SYSTEM") {
                    Some("ALTER SYSTEM")
                } else if self.word_is(1, "DATABASE")
                    && self.has_word("SET")
                    && self.has_word("TABLESPACE")
                {
                    Some("ALTER DATABASE ... SET TABLESPACE")
                } else if self.word_is(1, "TABLE")
                    && self.has_word("DETACH")
                    && self
                        .words
                        .last()
                        .is_some_and(|w| w.eq_ignore_ascii_case("CONCURRENTLY"))
                {
                    Some("ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY")
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// True for statements that open or close a transaction (`BEGIN`, `START TRANSACTION`,
    /// `COMMIT`, `END`, `ROLLBACK`, `ABORT`, `PREPARE TRANSACTION`): a script holding them manages
    /// its own transactions. `ROLLBACK TO SAVEPOINT` is not one of them.
    pub(crate) fn is_transaction_control(&self) -> bool {
        let Some(first) = self.word(0) else {
            return false;
        };
        match first.to_ascii_uppercase().as_str() {
            "BEGIN" | "COMMIT" | "END" | "ABORT" => true,
            "START" => self.word_is(1, "TRANSACTION"),
            "ROLLBACK" => !self.word_is(1, "TO") && !self.word_is(2, "TO"),
            "PREPARE" => self.word_is(1, "TRANSACTION"),
            _ => false,
        }
    }

    /// True for `COPY ... FROM STDIN`, whose data follows the statement in psql scripts and cannot
    /// be sent as a query.
    pub(crate) fn is_copy_from_stdin(&self) -> bool {
        self.word_is(0, "COPY")
            && self
                .words
                .windows(2)
                .any(|w| w[0].eq_ignore_ascii_case("FROM") && w[1].eq_ignore_ascii_case("STDIN"))
    }

    /// The first line of the statement, shortened to about `max` characters, for messages.
    pub(crate) fn summary(&self, max: usize) -> String {
        let first = self.text.lines().next().unwrap_or("").trim_end();
        let more = first.len() < self.text.trim_end().len();
        if first.chars().count() > max {
            let cut: String = first.chars().take(max).collect();
            format!("{cut}...")
        } else if more {
            format!("{first} ...")
        } else {
            first.to_owned()
        }
    }
}
