//! Splitting SQL text into statements, the way `psql` does.
//!
//! A migration file is a script: several statements separated by `;`. To run it one statement at
//! a time (outside a transaction, or to say which statement failed), the `;` that end statements
//! must be told apart from those inside string constants, quoted identifiers, dollar-quoted
//! bodies, comments, parentheses and SQL-standard function bodies (`BEGIN ATOMIC ... END`). This
//! lexer follows the rules of psql's (`src/fe_utils/psqlscan.l`):
//!
//! - `'...'` with `''` for a quote (`standard_conforming_strings` on, the default since
//!   PostgreSQL 9.1); `E'...'` where a backslash escapes the next character; `B'...'`, `X'...'`,
//!   `N'...'` and `U&'...'` like plain strings;
//! - `"..."` identifiers with `""` for a quote, `U&"..."` too;
//! - `$$...$$` and `$tag$...$tag$` (a tag is an identifier without `$`); `$1` is a parameter, and
//!   `$` inside an identifier (`a$b`) belongs to it;
//! - `--` comments to the end of the line, `/* */` comments that nest;
//! - a `;` ends a statement only outside parentheses and outside `BEGIN ... END` blocks of a
//!   statement starting with `CREATE [OR REPLACE] {FUNCTION|PROCEDURE}` (counting `CASE ... END`
//!   inside such a block, as psql does).
//!
//! Each statement keeps its position (byte offset, line, number) so errors can point into the
//! file, and its unquoted top-level words, so callers can recognise statements such as
//! `CREATE INDEX CONCURRENTLY` without being fooled by comments or strings.

use std::fmt;

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    number: usize,
    words: Vec<&'a str>,
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
            "CREATE" => {
                let i = if self.word_is(1, "UNIQUE") { 2 } else { 1 };
                if self.word_is(i, "INDEX") && self.word_is(i + 1, "CONCURRENTLY") {
                    Some("CREATE INDEX CONCURRENTLY")
                } else if self.word_is(1, "DATABASE") {
                    Some("CREATE DATABASE")
                } else if self.word_is(1, "TABLESPACE") {
                    Some("CREATE TABLESPACE")
                } else if self.word_is(1, "SUBSCRIPTION") {
                    Some("CREATE SUBSCRIPTION")
                } else {
                    None
                }
            }
            "DROP" => {
                if self.word_is(1, "INDEX") && self.word_is(2, "CONCURRENTLY") {
                    Some("DROP INDEX CONCURRENTLY")
                } else if self.word_is(1, "DATABASE") {
                    Some("DROP DATABASE")
                } else if self.word_is(1, "TABLESPACE") {
                    Some("DROP TABLESPACE")
                } else if self.word_is(1, "SUBSCRIPTION") {
                    Some("DROP SUBSCRIPTION")
                } else {
                    None
                }
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

/// What was left open at the end of a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unclosed {
    /// A `'...'` string constant (also `E'...'`, `B'...'`, ...).
    String,
    /// A `"..."` identifier.
    QuotedIdentifier,
    /// A `$tag$...$tag$` string.
    DollarQuote,
    /// A `/* ... */` comment.
    BlockComment,
}

impl fmt::Display for Unclosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unclosed::String => "string constant",
            Unclosed::QuotedIdentifier => "quoted identifier",
            Unclosed::DollarQuote => "dollar-quoted string",
            Unclosed::BlockComment => "/* comment",
        })
    }
}

/// A script split into statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    /// The statements, in order.
    pub(crate) statements: Vec<Statement<'a>>,
    /// Something left open at the end of the script, and the line where it started: the last
    /// statement then runs to the end of the script.
    pub(crate) unclosed: Option<(Unclosed, usize)>,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_cont(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

fn is_dollar_tag_cont(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit()
}

struct Lexer<'a> {
    sql: &'a str,
    bytes: &'a [u8],
    i: usize,
    line: usize,
    statements: Vec<Statement<'a>>,
    unclosed: Option<(Unclosed, usize)>,
    // The statement being read.
    start: Option<(usize, usize)>,
    parens: usize,
    begin_depth: usize,
    ident_count: usize,
    // First letters of the first four identifiers when they are one of CREATE, OR, REPLACE,
    // FUNCTION, PROCEDURE (psql's heuristic for `BEGIN ATOMIC` bodies).
    ident_marks: [u8; 4],
    words: Vec<&'a str>,
}

impl<'a> Lexer<'a> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.i + ahead).copied()
    }

    fn mark_start(&mut self) {
        if self.start.is_none() {
            self.start = Some((self.i, self.line));
        }
    }

    fn finish(&mut self, end: usize) {
        if let Some((start, line)) = self.start.take() {
            let text = self.sql[start..end].trim_end();
            self.statements.push(Statement {
                text,
                offset: start,
                line,
                number: self.statements.len() + 1,
                words: std::mem::take(&mut self.words),
            });
        }
        self.words.clear();
        self.parens = 0;
        self.begin_depth = 0;
        self.ident_count = 0;
        self.ident_marks = [0; 4];
    }

    /// Advances over bytes up to (not including) `end`, counting lines.
    fn advance_to(&mut self, end: usize) {
        let end = end.min(self.bytes.len());
        self.line += self.bytes[self.i..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.i = end;
    }

    /// A `'...'` constant starting at the quote under the cursor.
    fn quoted(&mut self, backslash_escapes: bool) {
        let opened = self.line;
        self.i += 1;
        while let Some(b) = self.peek(0) {
            match b {
                b'\\' if backslash_escapes => {
                    let next = (self.i + 2).min(self.bytes.len());
                    self.advance_to(next);
                }
                b'\'' => {
                    if self.peek(1) == Some(b'\'') {
                        self.i += 2;
                    } else {
                        self.i += 1;
                        return;
                    }
                }
                b'\n' => {
                    self.line += 1;
                    self.i += 1;
                }
                _ => self.i += 1,
            }
        }
        self.unclosed = Some((Unclosed::String, opened));
    }

    /// A `"..."` identifier starting at the quote under the cursor.
    fn quoted_identifier(&mut self) {
        let opened = self.line;
        self.i += 1;
        while let Some(b) = self.peek(0) {
            match b {
                b'"' => {
                    if self.peek(1) == Some(b'"') {
                        self.i += 2;
                    } else {
                        self.i += 1;
                        return;
                    }
                }
                b'\n' => {
                    self.line += 1;
                    self.i += 1;
                }
                _ => self.i += 1,
            }
        }
        self.unclosed = Some((Unclosed::QuotedIdentifier, opened));
    }

    /// The length of a `$tag$` delimiter starting under the cursor, if one does.
    fn dollar_delimiter(&self) -> Option<usize> {
        match self.peek(1)? {
            b'$' => Some(2),
            b if is_ident_start(b) => {
                let mut j = self.i + 1;
                while j < self.bytes.len() && is_dollar_tag_cont(self.bytes[j]) {
                    j += 1;
                }
                (self.bytes.get(j) == Some(&b'$')).then_some(j + 1 - self.i)
            }
            _ => None,
        }
    }

    fn block_comment(&mut self) {
        let opened = self.line;
        let mut depth = 0usize;
        while self.i < self.bytes.len() {
            match (self.bytes[self.i], self.peek(1)) {
                (b'/', Some(b'*')) => {
                    depth += 1;
                    self.i += 2;
                }
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    self.i += 2;
                    if depth == 0 {
                        return;
                    }
                }
                (b'\n', _) => {
                    self.line += 1;
                    self.i += 1;
                }
                _ => self.i += 1,
            }
        }
        self.unclosed = Some((Unclosed::BlockComment, opened));
    }

    /// psql's bookkeeping for an unquoted identifier (`BEGIN ATOMIC` bodies), and the word list.
    fn identifier(&mut self, word: &'a str) {
        if self.ident_count < self.ident_marks.len() {
            let mark = match word.to_ascii_lowercase().as_str() {
                "create" => b'c',
                "function" => b'f',
                "procedure" => b'p',
                "or" => b'o',
                "replace" => b'r',
                _ => 0,
            };
            self.ident_marks[self.ident_count] = mark;
        }
        self.ident_count += 1;
        let m = self.ident_marks;
        let routine = m[0] == b'c'
            && (m[1] == b'f'
                || m[1] == b'p'
                || (m[1] == b'o' && m[2] == b'r' && (m[3] == b'f' || m[3] == b'p')));
        if self.parens == 0 {
            if routine {
                if word.eq_ignore_ascii_case("begin") {
                    self.begin_depth += 1;
                } else if word.eq_ignore_ascii_case("case") {
                    if self.begin_depth >= 1 {
                        self.begin_depth += 1;
                    }
                } else if word.eq_ignore_ascii_case("end") && self.begin_depth > 0 {
                    self.begin_depth -= 1;
                }
            }
            self.words.push(word);
        }
    }

    fn run(mut self) -> Split<'a> {
        while self.i < self.bytes.len() && self.unclosed.is_none() {
            let b = self.bytes[self.i];
            match b {
                b'\n' => {
                    self.line += 1;
                    self.i += 1;
                }
                b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c' => self.i += 1,
                b'-' if self.peek(1) == Some(b'-') => {
                    let end = self.sql[self.i..]
                        .find('\n')
                        .map_or(self.bytes.len(), |e| self.i + e);
                    self.i = end;
                }
                b'/' if self.peek(1) == Some(b'*') => self.block_comment(),
                b';' => {
                    if self.parens == 0 && self.begin_depth == 0 {
                        self.finish(self.i);
                    } else {
                        self.mark_start();
                    }
                    self.i += 1;
                }
                b'\'' => {
                    self.mark_start();
                    self.quoted(false);
                }
                b'"' => {
                    self.mark_start();
                    self.quoted_identifier();
                }
                b'$' => {
                    self.mark_start();
                    if let Some(len) = self.dollar_delimiter() {
                        let opened = self.line;
                        let delimiter = &self.sql[self.i..self.i + len];
                        let body = self.i + len;
                        match self.sql[body..].find(delimiter) {
                            Some(at) => self.advance_to(body + at + len),
                            None => {
                                self.advance_to(self.bytes.len());
                                self.unclosed = Some((Unclosed::DollarQuote, opened));
                            }
                        }
                    } else {
                        // `$1` (a parameter) or a stray `$`.
                        self.i += 1;
                        while self.peek(0).is_some_and(|b| b.is_ascii_digit()) {
                            self.i += 1;
                        }
                    }
                }
                b'(' => {
                    self.mark_start();
                    self.parens += 1;
                    self.i += 1;
                }
                b')' => {
                    self.mark_start();
                    self.parens = self.parens.saturating_sub(1);
                    self.i += 1;
                }
                b if is_ident_start(b) => {
                    self.mark_start();
                    let start = self.i;
                    while self.peek(0).is_some_and(is_ident_cont) {
                        self.i += 1;
                    }
                    let word = &self.sql[start..self.i];
                    let next = self.peek(0);
                    if next == Some(b'\'') && matches!(word, "e" | "E") {
                        self.quoted(true);
                    } else if next == Some(b'\'')
                        && matches!(word, "b" | "B" | "x" | "X" | "n" | "N")
                    {
                        // A bit-string, hex or national constant: the prefix is no identifier.
                    } else if matches!(word, "u" | "U")
                        && next == Some(b'&')
                        && matches!(self.peek(1), Some(b'\'' | b'"'))
                    {
                        // `U&'...'` or `U&"..."`: the quote follows after the `&`.
                        self.i += 1;
                    } else {
                        self.identifier(word);
                    }
                }
                b if b.is_ascii_digit() => {
                    self.mark_start();
                    while self
                        .peek(0)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
                    {
                        self.i += 1;
                    }
                }
                _ => {
                    self.mark_start();
                    self.i += 1;
                }
            }
        }
        self.finish(self.bytes.len());
        Split {
            statements: self.statements,
            unclosed: self.unclosed,
        }
    }
}

/// Splits a script into statements. Never fails: text left open at the end (an unterminated
/// string, identifier, dollar quote or comment) ends the last statement and is reported in
/// [`Split::unclosed`].
pub(crate) fn split(sql: &str) -> Split<'_> {
    Lexer {
        sql,
        bytes: sql.as_bytes(),
        i: 0,
        line: 1,
        statements: Vec::new(),
        unclosed: None,
        start: None,
        parens: 0,
        begin_depth: 0,
        ident_count: 0,
        ident_marks: [0; 4],
        words: Vec::new(),
    }
    .run()
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        let s = split(sql);
        assert_eq!(s.unclosed, None, "{sql}");
        s.statements.iter().map(|s| s.text()).collect()
    }

    #[test]
    fn plain_statements_and_positions() {
        let sql =
            "-- header\n\nCREATE TABLE a (id int);\n  /* c */ INSERT INTO a VALUES (1);;\nSELECT 1";
        let s = split(sql);
        let got: Vec<_> = s
            .statements
            .iter()
            .map(|s| (s.text(), s.line(), s.number()))
            .collect();
        assert_eq!(
            got,
            [
                ("CREATE TABLE a (id int)", 3, 1),
                ("INSERT INTO a VALUES (1)", 4, 2),
                ("SELECT 1", 5, 3),
            ]
        );
        assert_eq!(&sql[s.statements[1].offset()..][..6], "INSERT");
        assert!(texts("").is_empty());
        assert!(texts("  -- only a comment\n/* and another */\n;\n").is_empty());
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            texts("SELECT 'a;b''c;'; SELECT E'x\\';y'; SELECT e'\\\\'; SELECT 'back\\'; SELECT 2"),
            [
                "SELECT 'a;b''c;'",
                "SELECT E'x\\';y'",
                "SELECT e'\\\\'",
                "SELECT 'back\\'",
                "SELECT 2"
            ]
        );
        assert_eq!(
            texts(
                "SELECT \"a;\"\"b\" FROM t; SELECT B'101', X'1;F', N'n;', U&'d\\0061;'; SELECT U&\"a;\""
            ),
            [
                "SELECT \"a;\"\"b\" FROM t",
                "SELECT B'101', X'1;F', N'n;', U&'d\\0061;'",
                "SELECT U&\"a;\""
            ]
        );
        // A name ending in `e` followed by a string is no escape string prefix.
        assert_eq!(
            texts("SELECT name'\\'; SELECT 1"),
            ["SELECT name'\\'", "SELECT 1"]
        );
    }

    #[test]
    fn dollar_quotes() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\
                   CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN $x$;$x$; END; $body$ LANGUAGE plpgsql;\n\
                   SELECT $1, a$b$ FROM t; SELECT $_$;$_$, $a1$ $ $a1$; SELECT 'x$$'; SELECT 3";
        assert_eq!(
            texts(sql),
            [
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
                "CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN $x$;$x$; END; $body$ LANGUAGE plpgsql",
                "SELECT $1, a$b$ FROM t",
                "SELECT $_$;$_$, $a1$ $ $a1$",
                "SELECT 'x$$'",
                "SELECT 3",
            ]
        );
        // A nested delimiter with another tag does not close the body.
        assert_eq!(
            texts("DO $outer$ BEGIN EXECUTE $in$ SELECT 1; $in$; END $outer$; SELECT 4"),
            [
                "DO $outer$ BEGIN EXECUTE $in$ SELECT 1; $in$; END $outer$",
                "SELECT 4"
            ]
        );
        // `$1x` is no delimiter: a tag cannot start with a digit.
        assert_eq!(texts("SELECT $1x; SELECT 5"), ["SELECT $1x", "SELECT 5"]);
    }

    #[test]
    fn comments() {
        assert_eq!(
            texts(
                "SELECT 1 -- not; the end\n; SELECT /* a; /* nested; */ still; */ 2; SELECT 3 /* ; */"
            ),
            [
                "SELECT 1 -- not; the end",
                "SELECT /* a; /* nested; */ still; */ 2",
                "SELECT 3 /* ; */"
            ]
        );
        // Comment markers inside strings are text.
        assert_eq!(
            texts("SELECT '--', '/*'; SELECT 6"),
            ["SELECT '--', '/*'", "SELECT 6"]
        );
        // A lone `-` or `/` is an operator.
        assert_eq!(
            texts("SELECT 1-2/3; SELECT 7"),
            ["SELECT 1-2/3", "SELECT 7"]
        );
    }

    #[test]
    fn parentheses_keep_semicolons() {
        assert_eq!(
            texts(
                "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO u VALUES (1); INSERT INTO u VALUES (2)); SELECT 8"
            ),
            [
                "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO u VALUES (1); INSERT INTO u VALUES (2))",
                "SELECT 8"
            ]
        );
        // A stray `)` does not make the depth negative.
        assert_eq!(texts("SELECT 1); SELECT 9"), ["SELECT 1)", "SELECT 9"]);
    }

    #[test]
    fn begin_atomic_bodies() {
        let sql = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\n\
                   BEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  SELECT a;\nEND;\n\
                   CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END;\n\
                   BEGIN;\nSELECT 1;\nEND;\n\
                   CREATE TABLE t (begin int);\nSELECT CASE WHEN true THEN 1 END;";
        assert_eq!(
            texts(sql),
            [
                "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  SELECT a;\nEND",
                "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END",
                "BEGIN",
                "SELECT 1",
                "END",
                "CREATE TABLE t (begin int)",
                "SELECT CASE WHEN true THEN 1 END",
            ]
        );
        // A function with a string body is not a BEGIN ... END block, even with BEGIN in it.
        assert_eq!(
            texts("CREATE FUNCTION f() RETURNS void AS 'begin' LANGUAGE plpgsql; SELECT 10"),
            [
                "CREATE FUNCTION f() RETURNS void AS 'begin' LANGUAGE plpgsql",
                "SELECT 10"
            ]
        );
    }

    #[test]
    fn unclosed_text_is_reported_with_its_line() {
        let s = split("SELECT 1;\nSELECT 'oops;\nSELECT 2;");
        assert_eq!(s.unclosed, Some((Unclosed::String, 2)));
        assert_eq!(s.statements.len(), 2);
        assert_eq!(
            split("SELECT $$ x").unclosed,
            Some((Unclosed::DollarQuote, 1))
        );
        assert_eq!(
            split("SELECT 1;\n\n/* /* */").unclosed,
            Some((Unclosed::BlockComment, 3))
        );
        assert_eq!(
            split("SELECT \"a").unclosed,
            Some((Unclosed::QuotedIdentifier, 1))
        );
        assert_eq!(split("SELECT E'\\'").unclosed, Some((Unclosed::String, 1)));
    }

    #[test]
    fn lines_count_inside_strings_and_comments() {
        let sql = "SELECT '\n\n';\n/*\n\n*/ SELECT $$\n$$;\n-- c\nSELECT \"a\nb\";";
        let lines: Vec<_> = split(sql).statements.iter().map(|s| s.line()).collect();
        assert_eq!(lines, [1, 6, 9]);
    }

    #[test]
    fn non_ascii_text() {
        assert_eq!(
            texts(
                "CREATE DOMAIN bıgınt AS bigint; SELECT 'é;'; SELECT ü$ä$ FROM t; SELECT $é$;$é$"
            ),
            [
                "CREATE DOMAIN bıgınt AS bigint",
                "SELECT 'é;'",
                "SELECT ü$ä$ FROM t",
                "SELECT $é$;$é$"
            ]
        );
        assert_eq!(line_and_column("ab\ncdé f", 8), (2, 5));
        assert_eq!(line_and_column("x", 0), (1, 1));
    }

    #[test]
    fn statement_kinds() {
        let one = |sql: &'static str| split(sql).statements.remove(0);
        for sql in [
            "CREATE INDEX CONCURRENTLY i ON t (a)",
            "create unique index concurrently if not exists i on t (a)",
            "DROP INDEX CONCURRENTLY IF EXISTS i",
            "REINDEX (VERBOSE) INDEX CONCURRENTLY i",
            "REINDEX DATABASE d",
            "VACUUM (ANALYZE) t",
            "ALTER SYSTEM SET work_mem = '8MB'",
            "CREATE DATABASE d",
            "DROP DATABASE d",
            "ALTER TABLE p DETACH PARTITION c CONCURRENTLY",
            "CLUSTER",
        ] {
            assert!(one(sql).needs_autocommit().is_some(), "{sql}");
        }
        for sql in [
            "CREATE INDEX i ON t (a)",
            "-- CREATE INDEX CONCURRENTLY\nCREATE INDEX i ON t (a)",
            "CREATE INDEX \"concurrently\" ON t (a)",
            "COMMENT ON INDEX i IS 'CREATE INDEX CONCURRENTLY'",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY m",
            "REINDEX TABLE t",
            "CREATE TABLE concurrently (a int)",
            "CLUSTER t USING i",
            "ALTER TABLE p DETACH PARTITION c",
            "SELECT 'VACUUM'",
        ] {
            assert_eq!(one(sql).needs_autocommit(), None, "{sql}");
        }
        for sql in [
            "BEGIN",
            "begin transaction isolation level serializable",
            "START TRANSACTION",
            "COMMIT",
            "END",
            "ROLLBACK",
            "ABORT",
        ] {
            assert!(one(sql).is_transaction_control(), "{sql}");
        }
        for sql in [
            "ROLLBACK TO SAVEPOINT a",
            "ROLLBACK TO a",
            "SAVEPOINT a",
            "SELECT 1",
        ] {
            assert!(!one(sql).is_transaction_control(), "{sql}");
        }
        assert!(one("COPY t (a) FROM stdin").is_copy_from_stdin());
        assert!(!one("COPY t TO stdout").is_copy_from_stdin());
        assert!(one("ALTER TYPE e ADD VALUE 'x'").starts_with_words(&["alter", "type"]));
        // Words inside parentheses, strings and comments are not listed.
        assert_eq!(
            one("CREATE /* x */ TABLE t (a int, b text DEFAULT 'y') WITH (fillfactor = 70)").words,
            ["CREATE", "TABLE", "t", "WITH"]
        );
    }

    #[test]
    fn summaries() {
        let s = split("CREATE TABLE t (\n  a int\n)").statements.remove(0);
        assert_eq!(s.summary(80), "CREATE TABLE t ( ...");
        assert_eq!(s.summary(6), "CREATE...");
        let s = split("SELECT 1").statements.remove(0);
        assert_eq!(s.summary(80), "SELECT 1");
    }

    /// The crates.io migrations (285 of them, concatenated): the statement count matches what
    /// psql sees, and no statement swallowed the next migration's header.
    #[test]
    fn crates_io_schema() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/schemas/crates-io.sql");
        let Ok(sql) = std::fs::read_to_string(&path) else {
            eprintln!("skipping: {} is absent", path.display());
            return;
        };
        let s = split(&sql);
        assert_eq!(s.unclosed, None);
        assert!(s.statements.len() > 500, "{}", s.statements.len());
        for st in &s.statements {
            assert!(
                !st.text().contains("-- ==== migration:"),
                "statement {} at line {} spans two migrations:\n{}",
                st.number(),
                st.line(),
                st.text()
            );
            assert!(!st.text().is_empty());
        }
        let concurrently = s
            .statements
            .iter()
            .filter(|s| s.needs_autocommit().is_some())
            .count();
        // 1 DROP INDEX CONCURRENTLY and 6 CREATE [UNIQUE] INDEX CONCURRENTLY. (The schemas README
        // says 8: a grep also finds `REFRESH MATERIALIZED VIEW CONCURRENTLY` inside a function
        // body, which runs at call time and is allowed in a transaction anyway.)
        assert_eq!(concurrently, 7);
        // The functions with `$$` bodies containing `;` stay whole.
        assert!(s.statements.iter().any(|s| {
            s.text()
                .starts_with("CREATE OR REPLACE FUNCTION diesel_manage_updated_at")
                && s.text().ends_with("LANGUAGE plpgsql")
        }));
    }
}
