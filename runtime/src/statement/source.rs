//! The statement text: parsing it as PostgreSQL, and mapping the parser's line/column positions
//! back to byte ranges.
//!
//! `sqlparser` splits a few operators differently from PostgreSQL's lexer (`<+>`, pgvector's L1
//! distance, reads as `<` then `+>`), so the tokens pass through [`pg_operators`] first, which
//! regroups runs of operator characters the way PostgreSQL does.

use std::ops::Range;

use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Span, Token, TokenWithSpan, Tokenizer};

use super::findings::{Finding, FindingKind, SKIP_HELP};
use super::prepass::{Extracted, prepass};

/// The text with its line starts, to turn `sqlparser` locations into byte offsets.
#[derive(Debug)]
pub(crate) struct Source<'t> {
    pub text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> Source<'t> {
    pub fn new(text: &'t str) -> Source<'t> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { text, line_starts }
    }

    /// The byte offset of a location (1-based line, 1-based column in characters).
    pub fn offset(&self, loc: Location) -> Option<usize> {
        let line = usize::try_from(loc.line).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(line)?;
        let col = usize::try_from(loc.column).ok()?.checked_sub(1)?;
        let rest = &self.text[start..];
        let within = rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i);
        Some(start + within)
    }

    /// The byte range of a span; the whole statement when the parser gave none.
    pub fn range(&self, span: Span) -> Range<usize> {
        match (self.offset(span.start), self.offset(span.end)) {
            (Some(a), Some(b)) if a <= b => a..b,
            (Some(a), _) => a..a,
            _ => 0..self.text.len(),
        }
    }

    /// The whole statement, without surrounding whitespace.
    pub fn whole(&self) -> Range<usize> {
        let start = self.text.len() - self.text.trim_start().len();
        start..self.text.trim_end().len().max(start)
    }
}

/// The parsed statement, or why there is none.
pub(crate) enum Parsed {
    /// The statement, and what the pre-pass cut out of it for the analysis.
    One(Box<Statement>, Extracted),
    /// The text does not parse; the tokens are kept for statements recognised without the
    /// parser.
    Failed {
        finding: Finding,
        tokens: Vec<TokenWithSpan>,
    },
}

pub(crate) fn parse(src: &Source<'_>) -> Parsed {
    let dialect = PostgreSqlDialect {};
    let tokens = match Tokenizer::new(&dialect, src.text).tokenize_with_location() {
        Ok(t) => pg_operators(t),
        Err(e) => {
            let at = src.offset(e.location).unwrap_or(0);
            return Parsed::Failed {
                finding: syntax(at..at, &e.message),
                tokens: Vec::new(),
            };
        }
    };
    let (rewritten, extracted) = prepass(tokens.clone());
    let mut parser = Parser::new(&dialect).with_tokens_with_locations(rewritten);
    let result = parser.parse_statements();
    match result {
        Ok(mut statements) if statements.len() == 1 => {
            Parsed::One(Box::new(statements.remove(0)), extracted)
        }
        Ok(statements) if statements.is_empty() => Parsed::Failed {
            finding: Finding::new(
                FindingKind::Syntax,
                src.whole(),
                "the statement is empty".to_owned(),
            ),
            tokens,
        },
        Ok(_) => Parsed::Failed {
            finding: Finding::new(
                FindingKind::Syntax,
                src.whole(),
                "expected one statement, found several; check each on its own (a prepared \
                 statement holds exactly one)"
                    .to_owned(),
            ),
            tokens,
        },
        Err(e) => {
            let (message, at) = parser_error(src, &e, &tokens);
            Parsed::Failed {
                finding: syntax(at, &message),
                tokens,
            }
        }
    }
}

fn syntax(span: Range<usize>, message: &str) -> Finding {
    Finding::new(
        FindingKind::Syntax,
        span,
        format!("cannot parse the statement: {}", lowercase_first(message)),
    )
    .with_help(SKIP_HELP.to_owned())
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The message without sqlparser's "at Line: l, Column: c", and the byte range it points at.
fn parser_error(
    src: &Source<'_>,
    e: &ParserError,
    tokens: &[TokenWithSpan],
) -> (String, Range<usize>) {
    let raw = match e {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => m.clone(),
        ParserError::RecursionLimitExceeded => "the statement nests too deeply".to_owned(),
    };
    let Some(i) = raw.rfind(" at Line: ") else {
        return (raw, src.whole());
    };
    let position = &raw[i + " at Line: ".len()..];
    let mut nums = position
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|n| n.parse::<u64>().ok());
    let (Some(line), Some(column)) = (nums.next(), nums.next()) else {
        return (raw, src.whole());
    };
    let loc = Location { line, column };
    let range = tokens
        .iter()
        .find(|t| t.span.start == loc)
        .map(|t| src.range(t.span))
        .or_else(|| src.offset(loc).map(|a| a..a))
        .unwrap_or_else(|| src.whole());
    (raw[..i].to_owned(), range)
}

const OP_CHARS: &str = "+-*/<>=~!@#%^&|`?";
const OP_SPECIAL: &str = "~!@#%^&|`?";

fn is_operator_text(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| OP_CHARS.contains(c))
}

/// How PostgreSQL's lexer splits a run of operator characters: the longest run, except that a
/// multi-character operator cannot end in `+` or `-` unless it holds one of `~!@#%^&|`?`.
fn pg_split(run: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = run;
    while !rest.is_empty() {
        let mut len = rest.len();
        let special = rest.chars().any(|c| OP_SPECIAL.contains(c));
        if !special {
            while len > 1 && rest[..len].ends_with(['+', '-']) {
                len -= 1;
            }
        }
        out.push(&rest[..len]);
        rest = &rest[len..];
    }
    out
}

/// Regroups adjacent operator tokens the way PostgreSQL lexes them, where `sqlparser` split
/// them otherwise.
pub(crate) fn pg_operators(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let text = tokens[i].token.to_string();
        if !is_operator_text(&text) || is_fixed(&tokens[i].token) {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        // A run of operator tokens with nothing between them.
        let mut j = i + 1;
        let mut run = text.clone();
        let mut parts = vec![text];
        while j < tokens.len()
            && tokens[j].span.start == tokens[j - 1].span.end
            && !is_fixed(&tokens[j].token)
        {
            let t = tokens[j].token.to_string();
            if !is_operator_text(&t) {
                break;
            }
            run.push_str(&t);
            parts.push(t);
            j += 1;
        }
        let pg = pg_split(&run);
        if pg.len() == parts.len() && pg.iter().zip(&parts).all(|(a, b)| a == b) {
            out.extend_from_slice(&tokens[i..j]);
        } else {
            let mut start = tokens[i].span.start;
            for op in pg {
                let width = u64::try_from(op.chars().count()).unwrap_or(0);
                let end = Location {
                    line: start.line,
                    column: start.column + width,
                };
                out.push(TokenWithSpan {
                    token: single_token(op),
                    span: Span { start, end },
                });
                start = end;
            }
        }
        i = j;
    }
    out
}

/// Tokens PostgreSQL lexes on their own however they touch their neighbours: `*` in `t.*`,
/// `count(*)`, and the placeholder-like `?`.
fn is_fixed(t: &Token) -> bool {
    matches!(t, Token::Mul | Token::Comma | Token::LParen | Token::RParen)
}

/// The token `sqlparser` makes of one operator, or a custom operator when it has none.
fn single_token(op: &str) -> Token {
    let dialect = PostgreSqlDialect {};
    match Tokenizer::new(&dialect, op).tokenize() {
        Ok(t) if t.len() == 1 => t.into_iter().next().unwrap_or(Token::EOF),
        _ => Token::CustomBinaryOperator(op.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_per_line() {
        let src = Source::new("SELECT 'é',\n  x");
        assert_eq!(src.offset(Location { line: 1, column: 8 }), Some(7));
        assert_eq!(
            src.offset(Location {
                line: 1,
                column: 11
            }),
            Some(11)
        );
        assert_eq!(src.offset(Location { line: 2, column: 3 }), Some(15));
    }

    #[test]
    fn operators_split_as_postgresql_lexes_them() {
        assert_eq!(pg_split("<+>"), ["<+>"]);
        assert_eq!(pg_split("=-"), ["=", "-"]);
        assert_eq!(pg_split("@-"), ["@-"]);
        assert_eq!(pg_split("<=>"), ["<=>"]);
        assert!(matches!(
            parse(&Source::new("SELECT a <+> b FROM t")),
            Parsed::One(..)
        ));
        assert!(matches!(
            parse(&Source::new("SELECT a<-1 FROM t")),
            Parsed::One(..)
        ));
    }
}
