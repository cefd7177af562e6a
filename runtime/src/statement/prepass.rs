//! Valid PostgreSQL that `sqlparser` does not read, recognised in the token stream and rewritten
//! into what it reads, so that a valid statement is not refused for the parser's sake:
//!
//! - `FOR NO KEY UPDATE` / `FOR KEY SHARE` read as `FOR UPDATE` / `FOR SHARE` (row locks do not
//!   change what a statement reads or returns);
//! - `BETWEEN SYMMETRIC` / `BETWEEN ASYMMETRIC` read as `BETWEEN` (same types);
//! - `TABLE name` reads as `SELECT * FROM name`;
//! - `ON CONFLICT` with expressions in its target (`ON CONFLICT (lower(name))`), which `sqlparser`
//!   takes as plain columns only: the target and its `WHERE` are cut out and handed to the
//!   analysis separately ([`Extracted::conflict`]).

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

/// Parts of the statement cut out of the token stream, for the analysis.
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    pub conflict: Option<ConflictTarget>,
}

/// An `ON CONFLICT` target with expressions: each element's tokens, and its `WHERE`'s.
#[derive(Debug)]
pub(crate) struct ConflictTarget {
    pub elements: Vec<Vec<TokenWithSpan>>,
    pub predicate: Option<Vec<TokenWithSpan>>,
}

fn keyword(t: &TokenWithSpan) -> Option<Keyword> {
    match &t.token {
        Token::Word(w) => Some(w.keyword),
        _ => None,
    }
}

fn blank(t: &TokenWithSpan) -> bool {
    matches!(t.token, Token::Whitespace(_))
}

/// The index of the next significant token at or after `i`.
fn next(tokens: &[TokenWithSpan], mut i: usize) -> Option<usize> {
    while i < tokens.len() && blank(&tokens[i]) {
        i += 1;
    }
    (i < tokens.len() && tokens[i].token != Token::EOF).then_some(i)
}

fn is(tokens: &[TokenWithSpan], i: Option<usize>, k: Keyword) -> bool {
    i.is_some_and(|i| keyword(&tokens[i]) == Some(k))
}

/// The index of the parenthesis closing the one at `open`.
fn closing(tokens: &[TokenWithSpan], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

pub(crate) fn prepass(mut tokens: Vec<TokenWithSpan>) -> (Vec<TokenWithSpan>, Extracted) {
    let mut extracted = Extracted::default();
    let mut drop = vec![false; tokens.len()];
    if let Some(first) = next(&tokens, 0) {
        if keyword(&tokens[first]) == Some(Keyword::TABLE) {
            let span = tokens[first].span;
            let at = |token: Token| TokenWithSpan { token, span };
            let space = || at(Token::Whitespace(Whitespace::Space));
            let select = [
                at(Token::make_keyword("SELECT")),
                space(),
                at(Token::Mul),
                space(),
                at(Token::make_keyword("FROM")),
            ];
            tokens.splice(first..=first, select);
            drop = vec![false; tokens.len()];
        }
    }
    let mut i = 0;
    while i < tokens.len() {
        match keyword(&tokens[i]) {
            Some(Keyword::FOR) => {
                let a = next(&tokens, i + 1);
                let b = a.and_then(|a| next(&tokens, a + 1));
                let c = b.and_then(|b| next(&tokens, b + 1));
                if is(&tokens, a, Keyword::NO)
                    && is(&tokens, b, Keyword::KEY)
                    && is(&tokens, c, Keyword::UPDATE)
                {
                    drop_range(&mut drop, a, c);
                } else if is(&tokens, a, Keyword::KEY) && is(&tokens, b, Keyword::SHARE) {
                    drop_range(&mut drop, a, b);
                }
            }
            Some(Keyword::BETWEEN) => {
                let a = next(&tokens, i + 1);
                if is(&tokens, a, Keyword::SYMMETRIC) || is(&tokens, a, Keyword::ASYMMETRIC) {
                    drop_range(&mut drop, a, next(&tokens, a.map_or(i, |a| a + 1)));
                }
            }
            Some(Keyword::ON) => {
                if let Some(target) = conflict_target(&tokens, i, &mut drop) {
                    extracted.conflict = Some(target);
                }
            }
            _ => {}
        }
        i += 1;
    }
    let kept = tokens
        .into_iter()
        .zip(drop)
        .filter_map(|(t, d)| (!d).then_some(t))
        .collect();
    (kept, extracted)
}

/// Marks tokens `from` up to (not including) `to` as dropped: the keywords and their spacing.
fn drop_range(drop: &mut [bool], from: Option<usize>, to: Option<usize>) {
    let (Some(from), Some(to)) = (from, to) else {
        return;
    };
    for d in &mut drop[from..to] {
        *d = true;
    }
}

/// `ON CONFLICT (...)` at `on`, when the list holds more than plain column names: cut out with
/// its `WHERE`.
fn conflict_target(
    tokens: &[TokenWithSpan],
    on: usize,
    drop: &mut [bool],
) -> Option<ConflictTarget> {
    let conflict = next(tokens, on + 1)?;
    if keyword(&tokens[conflict]) != Some(Keyword::CONFLICT) {
        return None;
    }
    let open = next(tokens, conflict + 1)?;
    if tokens[open].token != Token::LParen {
        return None;
    }
    let close = closing(tokens, open)?;
    let inner = &tokens[open + 1..close];
    // A plain list of names alternates names and commas: `sqlparser` reads that itself.
    let plain = inner
        .iter()
        .filter(|t| !blank(t))
        .enumerate()
        .all(|(i, t)| match i % 2 {
            0 => matches!(t.token, Token::Word(_)),
            _ => t.token == Token::Comma,
        });
    if plain {
        return None;
    }
    let mut elements = vec![Vec::new()];
    let mut depth = 0usize;
    for t in inner {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => {
                elements.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = elements.last_mut() {
            last.push(t.clone());
        }
    }
    drop_range(drop, Some(open), Some(close + 1));
    let mut predicate = None;
    let after = next(tokens, close + 1);
    if is(tokens, after, Keyword::WHERE) {
        let start = after.unwrap_or(close);
        let mut end = start + 1;
        let mut depth = 0usize;
        while end < tokens.len() {
            match tokens[end].token {
                Token::LParen => depth += 1,
                Token::RParen => depth = depth.saturating_sub(1),
                _ if depth == 0 && keyword(&tokens[end]) == Some(Keyword::DO) => break,
                _ => {}
            }
            end += 1;
        }
        predicate = Some(tokens[start + 1..end].to_vec());
        drop_range(drop, Some(start), Some(end));
    }
    Some(ConflictTarget {
        elements,
        predicate,
    })
}
