//! String literals as the value of a type: PostgreSQL reads a literal with the type's input
//! function when it prepares the statement, so an enum label that does not exist, or `'abc'` as
//! an integer, fails then. The engine checks the types whose input syntax is simple and stable:
//! enums (`analyzer.rs`), integers, `numeric`, floats, `boolean` and `uuid`. Other types are not
//! judged.

/// Whether `text` is a valid input of the built-in type `typname`; `None` when the engine does
/// not judge that type.
pub(crate) fn valid(typname: &str, text: &str) -> Option<bool> {
    let t = text.trim_matches(|c: char| c.is_ascii_whitespace());
    Some(match typname {
        "int2" => integer(t).is_some_and(|v| i16::try_from(v).is_ok()),
        "int4" => integer(t).is_some_and(|v| i32::try_from(v).is_ok()),
        "int8" => integer(t).is_some(),
        "numeric" => number(t) || special_number(t),
        "float4" | "float8" => number(t) || special_number(t) || is_infinity(t),
        "bool" => boolean(t),
        "uuid" => uuid(t),
        _ => return None,
    })
}

/// An integer as PostgreSQL reads it: sign, decimal digits (or `0x`/`0o`/`0b` and `_`
/// separators, which PostgreSQL 16 accepts: taken as valid so that no server version rejects
/// what another accepts).
fn integer(t: &str) -> Option<i64> {
    let (neg, digits) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(b) = lower.strip_prefix("0x") {
        (16, b.to_owned())
    } else if let Some(b) = lower.strip_prefix("0o") {
        (8, b.to_owned())
    } else if let Some(b) = lower.strip_prefix("0b") {
        (2, b.to_owned())
    } else {
        (10, lower.clone())
    };
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return None;
    }
    let plain: String = body.chars().filter(|c| *c != '_').collect();
    let magnitude = i128::from_str_radix(&plain, radix).ok()?;
    let v = if neg { -magnitude } else { magnitude };
    i64::try_from(v).ok()
}

/// `1`, `-1.5`, `.5`, `5.`, `1e10`, `1_000.5`.
fn number(t: &str) -> bool {
    let t = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '_');
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => {
            (digits(a) || a.is_empty())
                && (digits(b) || b.is_empty())
                && !(a.is_empty() && b.is_empty())
        }
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

fn special_number(t: &str) -> bool {
    t.eq_ignore_ascii_case("nan") || is_infinity(t)
}

fn is_infinity(t: &str) -> bool {
    let t = t.strip_prefix(['-', '+']).unwrap_or(t);
    t.eq_ignore_ascii_case("infinity") || t.eq_ignore_ascii_case("inf")
}

/// `boolin`: a prefix of `true`/`false`/`yes`/`no`, `on`/`off` (two letters at least), `1`/`0`.
fn boolean(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    if l.is_empty() {
        return false;
    }
    let prefix_of = |word: &str| word.starts_with(l.as_str());
    prefix_of("true")
        || prefix_of("false")
        || prefix_of("yes")
        || prefix_of("no")
        || (l.len() >= 2 && (prefix_of("on") || prefix_of("off")))
        || l == "1"
        || l == "0"
}

/// `uuid_in`: 32 hex digits, optionally in braces, with a hyphen allowed after any group of four.
fn uuid(t: &str) -> bool {
    let inner = match t.strip_prefix('{') {
        Some(rest) => match rest.strip_suffix('}') {
            Some(i) => i,
            None => return false,
        },
        None => t,
    };
    let mut hex = 0;
    let mut prev_hyphen = true;
    for c in inner.chars() {
        if c == '-' {
            if prev_hyphen || hex % 4 != 0 {
                return false;
            }
            prev_hyphen = true;
        } else if c.is_ascii_hexdigit() {
            hex += 1;
            prev_hyphen = false;
        } else {
            return false;
        }
    }
    hex == 32 && !prev_hyphen
}

/// The elements of a one-dimensional array literal (`{A,"b c"}`), SQL NULLs left out, or
/// `None` when it is not that simple.
pub(crate) fn array_elements(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    if inner.trim().is_empty() {
        return Some(Vec::new());
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut written = Written::Bare;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                written = Written::Quoted;
            }
            '\\' if quoted => cur.push(chars.next()?),
            '{' | '}' if !quoted => return None,
            ',' if !quoted => {
                push_element(&mut out, &cur, written);
                cur.clear();
                written = Written::Bare;
            }
            c => cur.push(c),
        }
    }
    push_element(&mut out, &cur, written);
    Some(out)
}

/// How an element of an array literal is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Written {
    /// Between double quotes: taken as it is.
    Quoted,
    /// Bare: trimmed, and `NULL` is SQL NULL.
    Bare,
}

fn push_element(out: &mut Vec<String>, raw: &str, written: Written) {
    let v = match written {
        Written::Quoted => raw.to_owned(),
        Written::Bare => raw.trim().to_owned(),
    };
    // An unquoted NULL is SQL NULL, which any array may hold.
    if written == Written::Quoted || !v.eq_ignore_ascii_case("null") {
        out.push(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_by_size() {
        assert_eq!(valid("int4", " 42 "), Some(true));
        assert_eq!(valid("int4", "-2147483648"), Some(true));
        assert_eq!(valid("int4", "2147483648"), Some(false));
        assert_eq!(valid("int8", "2147483648"), Some(true));
        assert_eq!(valid("int2", "40000"), Some(false));
        assert_eq!(valid("int4", "0.3.0"), Some(false));
        assert_eq!(valid("int4", "x86_64"), Some(false));
        assert_eq!(valid("int4", "1_000"), Some(true));
        assert_eq!(valid("int4", ""), Some(false));
    }

    #[test]
    fn numbers_booleans_uuids() {
        for ok in ["1", "-1.5", ".5", "5.", "1e10", "NaN", "1.5E-3"] {
            assert_eq!(valid("numeric", ok), Some(true), "{ok}");
        }
        for bad in ["", ".", "1e", "abc", "1.2.3"] {
            assert_eq!(valid("numeric", bad), Some(false), "{bad}");
        }
        assert_eq!(valid("float8", "-Infinity"), Some(true));
        for ok in ["t", "TRUE", "yes", "on", "off", "0", " f "] {
            assert_eq!(valid("bool", ok), Some(true), "{ok}");
        }
        for bad in ["o", "maybe", "2"] {
            assert_eq!(valid("bool", bad), Some(false), "{bad}");
        }
        assert_eq!(
            valid("uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            Some(true)
        );
        assert_eq!(
            valid("uuid", "{a0eebc999c0b4ef8bb6d6bb9bd380a11}"),
            Some(true)
        );
        assert_eq!(valid("uuid", "a0eebc99-9c0b"), Some(false));
        assert_eq!(valid("text", "anything"), None);
    }

    #[test]
    fn array_literals_split_into_elements() {
        assert_eq!(array_elements("{A,B}").unwrap(), ["A", "B"]);
        assert_eq!(array_elements(r#"{"a b", c ,NULL}"#).unwrap(), ["a b", "c"]);
        assert_eq!(array_elements("{}").unwrap(), Vec::<String>::new());
        assert!(array_elements("{{A}}").is_none());
    }
}
