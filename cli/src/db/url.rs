//! Database URL syntax: what part of a text is a password, and how a URL is shown.
//!
//! Two jobs, on purpose with the same parsing:
//! - [`secrets_in`] lists every password a raw input (an argument, `DATABASE_URL`) might carry, in
//!   every spelling it could be printed in; [`crate::out`] masks them in everything the process
//!   writes. It errs towards listing too much: a URL with a misspelt scheme (`postgress://`,
//!   `pgsql://`, `postgres:/`, `postgres//`), `user:secret@` with no scheme at all, `password`
//!   keys with spaces around `=`, quoted and backslash-escaped values, raw and percent-decoded.
//! - [`redact`] rewrites a URL or keyword/value string for display (`postgres://u:***@h/db`), so
//!   messages stay readable; the guarantee comes from the boundary, not from this.
//!
//! Every function here is total: any input, however malformed, gives an answer and never panics.

use std::ops::Range;

/// What a URL or keyword/value string is shown as: every password replaced by `***`. Text that
/// holds no password comes back unchanged.
pub(crate) fn redact(s: &str) -> String {
    let mut ranges = Vec::new();
    if let Some(start) = scheme_end(s) {
        // For display, the userinfo ends at the last `@` before the query: a password may hold
        // an unencoded `@`, `:` or `/` (the boundary masks each reading of it anyway).
        let query = s[start..].find('?').map_or(s.len(), |q| start + q);
        if let Some(at) = s[start..query].rfind('@') {
            let userinfo = &s[start..start + at];
            if let Some(colon) = userinfo.find(':') {
                ranges.push(start + colon + 1..start + at);
            }
        }
    }
    ranges.extend(password_values(s).into_iter().map(|v| v.token));
    replace_ranges(s, ranges)
}

/// Every password `s` may hold, each raw and decoded: the part after the first `:` of a
/// `user:secret@` (up to each `@`, as drivers disagree on which one ends it), and the value of
/// every `password` key (`password=x`, `password = x`, `password='a b'`, `?password=x&`).
/// Empty strings are left out.
pub(crate) fn secrets_in(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // From the authority of a URL-ish string; and from the very start when no `/` follows the
    // would-be scheme: `u:secret@h` has no scheme, though `u:` reads as one.
    let authority = scheme_end(s);
    let from_start = match (authority, scheme_name_end(s)) {
        (Some(a), Some(name)) => a == name + 1,
        _ => true,
    };
    let starts = [from_start.then_some(0), authority];
    for start in starts.into_iter().flatten() {
        for (at, _) in s[start..].match_indices('@') {
            let userinfo = &s[start..start + at];
            if let Some(colon) = userinfo.find(':') {
                let raw = &userinfo[colon + 1..];
                out.push(raw.to_owned());
                out.push(percent_decode(raw));
            }
        }
    }
    for v in password_values(s) {
        out.push(s[v.inner.clone()].to_owned());
        out.push(percent_decode(&s[v.inner]));
        out.push(v.unescaped);
    }
    out.retain(|x| !x.is_empty());
    out.sort();
    out.dedup();
    out
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is, and bytes that do
/// not form UTF-8 become U+FFFD. Never panics.
pub(crate) fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// True for `postgres://` and `postgresql://` URLs, the two schemes the driver accepts.
pub(crate) fn is_database_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// True for text that is meant as a URL but that the driver would not read as one: a scheme
/// followed by `:/`, `//`, or `:` and a `user@` part (`postgres:/h/db`, `postgres//h/db`,
/// `pgsql://h/db`, `postgress:u:pw@h`), but not `postgres://...` itself.
pub(crate) fn looks_like_url(s: &str) -> bool {
    let Some(name_end) = scheme_name_end(s) else {
        return false;
    };
    let rest = &s[name_end..];
    !is_database_url(s)
        && (rest.starts_with(":/")
            || rest.starts_with("//")
            || (rest.starts_with(':') && rest.contains('@')))
}

/// The end of a leading URL scheme name (`[A-Za-z][A-Za-z0-9+.-]*`) that is followed by `:` or
/// `//`; `None` when `s` does not start that way (a keyword/value string, a path).
fn scheme_name_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let end = b
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))
        .unwrap_or(b.len());
    (s[end..].starts_with(':') || s[end..].starts_with("//")).then_some(end)
}

/// Where the authority of a URL-ish string starts: after the scheme, its `:` and any `/`.
fn scheme_end(s: &str) -> Option<usize> {
    let name_end = scheme_name_end(s)?;
    let b = s.as_bytes();
    let mut i = name_end;
    if b[i] == b':' {
        i += 1;
    }
    while b.get(i) == Some(&b'/') {
        i += 1;
    }
    Some(i)
}

/// The value of one `password` key.
struct PasswordValue {
    /// The value as written, quotes included: what display redaction replaces.
    token: Range<usize>,
    /// The value without its quotes, escapes still in.
    inner: Range<usize>,
    /// The value as the driver reads it: quotes removed, `\x` read as `x`.
    unescaped: String,
}

/// Every `password = value` in `s`, keys matched case-insensitively anywhere (over-matching only
/// masks more). In a URL-ish string a value ends at `&` (a query parameter); elsewhere at
/// whitespace, unless quoted (libpq's keyword/value rules: `'...'` with `\'` and `\\`).
fn password_values(s: &str) -> Vec<PasswordValue> {
    const KEY: &str = "password";
    let in_url = scheme_end(s).is_some();
    // ASCII lowercasing keeps every byte offset.
    let lower = s.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find(KEY) {
        from += found + KEY.len();
        let after_ws = |i: usize| {
            s[i..]
                .char_indices()
                .find(|(_, c)| !c.is_whitespace())
                .map_or(s.len(), |(j, _)| i + j)
        };
        let eq = after_ws(from);
        if !s[eq..].starts_with('=') {
            continue;
        }
        let start = after_ws(eq + 1);
        let mut unescaped = String::new();
        let mut chars = s[start..].char_indices().map(|(j, c)| (start + j, c));
        let quoted = !in_url && s[start..].starts_with('\'');
        if quoted {
            chars.next();
        }
        let mut inner_end = s.len();
        let mut token_end = s.len();
        while let Some((j, c)) = chars.next() {
            let ends = if quoted {
                c == '\''
            } else if in_url {
                c == '&'
            } else {
                c.is_whitespace()
            };
            if ends {
                inner_end = j;
                token_end = if quoted { j + 1 } else { j };
                break;
            }
            if c == '\\' && !in_url {
                if let Some((_, next)) = chars.next() {
                    unescaped.push(next);
                }
            } else {
                unescaped.push(c);
            }
        }
        let inner_start = if quoted { start + 1 } else { start };
        out.push(PasswordValue {
            token: start..token_end,
            inner: inner_start..inner_end.max(inner_start),
            unescaped,
        });
        from = token_end.max(from);
    }
    out
}

/// `s` with each range (they may overlap) replaced by `***`.
fn replace_ranges(s: &str, mut ranges: Vec<Range<usize>>) -> String {
    ranges.retain(|r| !r.is_empty());
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for r in ranges {
        if r.end <= at {
            continue;
        }
        if r.start >= at {
            out.push_str(&s[at..r.start]);
            out.push_str("***");
        }
        at = r.end;
    }
    out.push_str(&s[at..]);
    out
}

#[cfg(test)]
mod tests;
