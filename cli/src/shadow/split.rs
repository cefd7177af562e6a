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

pub(crate) use super::statement::Statement;

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

/// What a backslash is inside a quoted token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backslash {
    /// A character like any other (`'...'` with `standard_conforming_strings`, `"..."`).
    Plain,
    /// It escapes the next character (`E'...'`).
    Escapes,
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

    /// A token quoted with `quote` (`'` or `"`) starting at the quote under the cursor, where a
    /// doubled quote stands for itself; `what` says what was left open if it never closes.
    fn quoted(&mut self, quote: u8, backslash: Backslash, what: Unclosed) {
        let opened = self.line;
        self.i += 1;
        while let Some(b) = self.peek(0) {
            match b {
                b'\\' if backslash == Backslash::Escapes => {
                    let next = (self.i + 2).min(self.bytes.len());
                    self.advance_to(next);
                }
                b if b == quote => {
                    if self.peek(1) == Some(quote) {
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
        self.unclosed = Some((what, opened));
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
                    self.quoted(b'\'', Backslash::Plain, Unclosed::String);
                }
                b'"' => {
                    self.mark_start();
                    self.quoted(b'"', Backslash::Plain, Unclosed::QuotedIdentifier);
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
                        self.quoted(b'\'', Backslash::Escapes, Unclosed::String);
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
mod tests;
