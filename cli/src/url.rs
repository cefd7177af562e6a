//! Database URLs: where they come from, and how they appear in messages.
//!
//! A URL's password must never reach a terminal, a log or a file. Every message that shows a URL
//! goes through [`redact`], and so does every error text that might quote one (drivers echo
//! connection strings in some errors), through [`redact_in`].

/// The URL with its password replaced by `***`; anything that does not look like a URL is
/// returned unchanged.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return redact_keyword_password(url);
    };
    let rest = &url[scheme_end + 3..];
    // The userinfo ends at the last '@': a password may itself contain '@', ':' or '/'.
    let redacted = match rest.rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}://{}:***{}",
                    &url[..scheme_end],
                    &userinfo[..colon],
                    &rest[at..]
                ),
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    };
    redact_keyword_password(&redacted)
}

/// `password=secret` in a query string or a keyword/value connection string.
fn redact_keyword_password(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(found) = lower[i..].find("password=") {
        let start = i + found + "password=".len();
        let boundary_ok =
            i + found == 0 || matches!(s.as_bytes()[i + found - 1], b'?' | b'&' | b' ' | b'\t');
        out.push_str(&s[i..start]);
        if !boundary_ok {
            i = start;
            continue;
        }
        let end = s[start..]
            .find(|c: char| c == '&' || c.is_whitespace())
            .map_or(s.len(), |e| start + e);
        out.push_str("***");
        i = end;
    }
    out.push_str(&s[i..]);
    out
}

/// Replaces every occurrence of `url`, and of its bare password, in `text`.
pub fn redact_in(text: &str, url: &str) -> String {
    let mut out = text.replace(url, &redact(url));
    if let Some(password) = password_of(url) {
        if !password.is_empty() {
            out = out.replace(&password, "***");
        }
    }
    out
}

/// The password of a `postgres://user:password@host/db` URL, percent-decoded.
pub fn password_of(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    let at = rest.rfind('@')?;
    let userinfo = &rest[..at];
    let colon = userinfo.find(':')?;
    Some(percent_decode(&userinfo[colon + 1..]))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// True for `postgres://` and `postgresql://` URLs.
pub fn is_database_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_replaced() {
        assert_eq!(
            redact("postgres://app:s3cret@db.internal:5432/prod"),
            "postgres://app:***@db.internal:5432/prod"
        );
        assert_eq!(
            redact("postgresql://app:p@ss:w/rd@host/db?sslmode=require"),
            "postgresql://app:***@host/db?sslmode=require"
        );
        assert_eq!(redact("postgres://app@host/db"), "postgres://app@host/db");
        assert_eq!(redact("postgres://host/db"), "postgres://host/db");
        assert_eq!(
            redact("postgres://host/db?user=a&password=x1&sslmode=disable"),
            "postgres://host/db?user=a&password=***&sslmode=disable"
        );
        assert_eq!(
            redact("host=db user=a password=hunter2 dbname=x"),
            "host=db user=a password=*** dbname=x"
        );
        assert_eq!(redact("not a url"), "not a url");
    }

    #[test]
    fn redaction_inside_error_text() {
        let url = "postgres://app:s%40cret@host/db";
        let text = format!("connecting to {url} failed: password s@cret rejected");
        assert_eq!(
            redact_in(&text, url),
            "connecting to postgres://app:***@host/db failed: password *** rejected"
        );
        assert_eq!(password_of(url).as_deref(), Some("s@cret"));
    }
}
