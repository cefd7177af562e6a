//! The names an SQL text mentions, for ordering objects by what they use: a view after the
//! views and functions its query reads, a domain after the types it is built on. A name in a
//! string constant, a comment or a dollar-quoted body is not a mention; a mention that is not a
//! dependency (a column named like a view) only adds an order that did not matter.

use std::collections::BTreeSet;

/// Whether a backslash escapes the next character in a quoted token: only in an `E'...'` string
/// constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Backslash {
    /// `E'...'`: `\'` does not close the constant.
    Escapes,
    /// A standard string constant or a quoted identifier.
    Literal,
}

/// The index of the quote that closes the string constant or quoted identifier opening at
/// `b[open]` (`'` or `"`), a doubled quote standing for one inside; `None` when it is not
/// closed. The one rule of where a quoted token ends, for every scanner of SQL text here.
pub(super) fn closing_quote(b: &[u8], open: usize, backslash: Backslash) -> Option<usize> {
    let quote = b[open];
    let mut i = open + 1;
    while i < b.len() {
        if backslash == Backslash::Escapes && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == quote {
            if b.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Every name in `sql`, each as its dotted parts (`app.posts` is `["app", "posts"]`), unquoted
/// names folded to lower case as PostgreSQL folds them.
pub(crate) fn names(sql: &str) -> Vec<Vec<String>> {
    let b = sql.as_bytes();
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    // Whether the last token was a `.` that continues a dotted name.
    let mut dotted = false;
    let mut i = 0;
    let flush = |current: &mut Vec<String>, out: &mut Vec<Vec<String>>| {
        if !current.is_empty() {
            out.push(std::mem::take(current));
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' => {
                flush(&mut current, &mut out);
                dotted = false;
                let backslash = if i > 0 && (b[i - 1] == b'E' || b[i - 1] == b'e') {
                    Backslash::Escapes
                } else {
                    Backslash::Literal
                };
                i = closing_quote(b, i, backslash).map_or(b.len(), |close| close + 1);
            }
            b'"' => {
                let close = closing_quote(b, i, Backslash::Literal);
                let name = String::from_utf8_lossy(&b[i + 1..close.unwrap_or(b.len())])
                    .replace("\"\"", "\"");
                i = close.map_or(b.len(), |close| close + 1);
                if !dotted {
                    flush(&mut current, &mut out);
                }
                current.push(name);
                dotted = false;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'$' => {
                // `$tag$ ... $tag$` or `$1` (a `$` inside a name, `a$b`, is read with it).
                let start = i;
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                let tagged = j < b.len()
                    && b[j] == b'$'
                    && (j == start + 1 || !b[start + 1..j].iter().all(u8::is_ascii_digit));
                if tagged {
                    let tag = &b[start..=j];
                    let mut k = j + 1;
                    while k + tag.len() <= b.len() && &b[k..k + tag.len()] != tag {
                        k += 1;
                    }
                    i = k + tag.len();
                } else {
                    i = j;
                }
                flush(&mut current, &mut out);
                dotted = false;
            }
            b'.' => {
                dotted = !current.is_empty();
                i += 1;
            }
            _ if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'$'
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                let word = String::from_utf8_lossy(&b[start..i]).to_lowercase();
                // The `E` of an `E'...'` string constant.
                if (word == "e" || word == "x" || word == "b" || word == "u&")
                    && b.get(i) == Some(&b'\'')
                {
                    continue;
                }
                if !dotted {
                    flush(&mut current, &mut out);
                }
                current.push(word);
                dotted = false;
            }
            _ => {
                if !c.is_ascii_whitespace() {
                    flush(&mut current, &mut out);
                    dotted = false;
                }
                i += 1;
            }
        }
    }
    flush(&mut current, &mut out);
    out
}

/// Whether `sql` mentions the object `schema.name`: qualified, or bare when the object is in
/// `public`, the schema expressions are printed for.
pub(crate) fn mentions(sql: &str, schema: &str, name: &str) -> bool {
    names(sql)
        .iter()
        .any(|parts| mentioned(parts, schema, name))
}

/// Whether `sql` names column `column` anywhere, bare or as the last part of a dotted name
/// (`new.updated_at`): a trigger's `UPDATE OF` and `WHEN`.
pub(crate) fn names_column(sql: &str, column: &str) -> bool {
    names(sql)
        .iter()
        .any(|parts| parts.last().is_some_and(|p| p == column))
}

/// Whether a dotted name read by [`names`] can be `schema.name`, or a member of it
/// (`schema.name.column`).
pub(crate) fn mentioned(parts: &[String], schema: &str, name: &str) -> bool {
    parts.windows(2).any(|w| w[0] == schema && w[1] == name)
        || (schema == "public" && parts.first().is_some_and(|p| p == name))
}

/// The set of `(schema, name)` among `candidates` that `sql` mentions.
pub(crate) fn mentioned_in<'a>(
    sql: &str,
    candidates: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeSet<(&'a str, &'a str)> {
    let names = names(sql);
    candidates
        .into_iter()
        .filter(|(s, n)| names.iter().any(|parts| mentioned(parts, s, n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(sql: &str) -> Vec<String> {
        names(sql).into_iter().map(|p| p.join(".")).collect()
    }

    #[test]
    fn names_skip_strings_comments_and_bodies() {
        assert_eq!(
            flat(
                "SELECT a.x, \"Film\".\"Title\" FROM app.posts p -- film_list\nWHERE p.t = 'film_list'"
            ),
            [
                "select",
                "a.x",
                "Film.Title",
                "from",
                "app.posts",
                "p",
                "where",
                "p.t"
            ]
        );
        assert_eq!(flat("x || E'it\\'s v' || y"), ["x", "y"]);
        assert_eq!(flat("$f$ SELECT secret $f$ || $$ more $$ || z"), ["z"]);
        assert_eq!(flat("f($1, $2) /* c */ ::text"), ["f", "text"]);
        assert_eq!(flat("a$b + c"), ["a$b", "c"]);
        assert_eq!(flat("lower(title::text)"), ["lower", "title", "text"]);
    }

    #[test]
    fn a_quoted_token_ends_at_its_closing_quote() {
        let end = |sql: &str, backslash| closing_quote(sql.as_bytes(), 0, backslash);
        assert_eq!(end("'it''s' x", Backslash::Literal), Some(6));
        assert_eq!(end("\"a\"\"b\" x", Backslash::Literal), Some(5));
        assert_eq!(end("'a\\' b'", Backslash::Literal), Some(3));
        assert_eq!(end("'a\\' b'", Backslash::Escapes), Some(6));
        assert_eq!(end("'open", Backslash::Literal), None);
        assert_eq!(end("\"open\"\"", Backslash::Literal), None);
        assert_eq!(
            flat("SELECT \"a\"\"b\", E'film\\' x', 'y''film' FROM \"unclosed"),
            ["select", "a\"b", "from", "unclosed"]
        );
    }

    #[test]
    fn mentions_resolve_public_and_qualified_names() {
        assert!(mentions(" SELECT film.x FROM film", "public", "film"));
        assert!(!mentions(" SELECT films FROM x", "public", "film"));
        assert!(mentions("SELECT * FROM app.posts", "app", "posts"));
        assert!(!mentions("SELECT * FROM posts", "app", "posts"));
        assert!(mentions("group_concat(x)", "public", "group_concat"));
    }
}
