//! How schemalock writes things in messages, in one place for every engine, the derives and the
//! CLI: "did you mean" suggestions ([`suggest`]), lists of names (`` `a`, `b` or `c` ``), counts
//! with their plural (`1 table`, `3 tables`), text made safe to print on a terminal, and a message
//! buffer that `const` evaluation can fill ([`Verdict`]).
//!
//! How a PostgreSQL name is written (quoted, qualified) is [`crate::ident`]'s.

mod excerpt;
pub mod suggest;
mod verdict;

use std::borrow::Cow;
use std::fmt::Write as _;

pub use excerpt::caret;
pub use suggest::{closest, did_you_mean, did_you_mean_or_renamed};
pub use verdict::Verdict;

/// `one` for a count of 1, else `many`: `plural(n, "label", "labels")`.
pub const fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}

/// A count with its noun: `1 table`, `3 tables`, `0 enums`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// A count with a noun whose plural adds `s`: `1 column`, `2 columns`.
pub fn count_s(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// What goes before item `i` of a list of `len` items read as alternatives: nothing, `, `, or
/// ` or ` before the last. The one rule behind [`one_of`] and the `const` lists of [`Verdict`].
pub const fn separator(i: usize, len: usize) -> &'static str {
    if i == 0 {
        ""
    } else if i + 1 == len {
        " or "
    } else {
        ", "
    }
}

/// `` `a` ``, `` `a` or `b` ``, `` `a`, `b` or `c` ``; empty for no names.
pub fn one_of(names: &[&str]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        let _ = write!(out, "{}`{name}`", separator(i, names.len()));
    }
    out
}

/// `` `a`, `b`, `c` ``: every name, for "expected one of" after a name that is none of them.
pub fn quoted_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}

/// Byte equality of two strings, usable in `const` evaluation.
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// `text` with control characters (ANSI escapes among them) and invisible or direction-changing
/// characters written as escapes, the way JSON writes them (`\u001b`, `\n`), so that a name from
/// a database cannot move the cursor, clear the screen or reorder what a person reads.
/// Backslashes are left alone: names rarely hold them, and doubling them would change every
/// such name.
pub fn escape(text: &str) -> Cow<'_, str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_counts() {
        assert_eq!(one_of(&[]), "");
        assert_eq!(one_of(&["a"]), "`a`");
        assert_eq!(one_of(&["a", "b"]), "`a` or `b`");
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
        assert_eq!(quoted_list(["a", "b", "c"]), "`a`, `b`, `c`");
        assert_eq!(count(1, "index", "indexes"), "1 index");
        assert_eq!(count_s(0, "enum"), "0 enums");
        assert_eq!(count_s(1, "column"), "1 column");
        assert!(str_eq("ab", "ab") && !str_eq("ab", "abc") && !str_eq("ab", "ac"));
    }

    #[test]
    fn escapes_what_a_terminal_would_obey() {
        assert_eq!(
            escape("evil\x1b[2J\r\n\u{202e}x\u{9b}"),
            "evil\\u001b[2J\\r\\n\\u202ex\\u009b"
        );
        assert_eq!(escape("plain `name`"), "plain `name`");
        assert!(matches!(escape("ünïcode"), Cow::Borrowed(_)));
    }
}
