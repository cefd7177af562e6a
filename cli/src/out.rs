//! The one place where text leaves the process: every byte the CLI writes to stdout or stderr
//! goes through [`print()`] or [`eprint()`], which mask every known secret first.
//!
//! Secrets are collected from the raw inputs, before anything is parsed: every argument, the
//! `DATABASE_URL` of the environment or of a `.env` file, `PGPASSWORD`, and the `.pgpass` entry
//! used ([`add_secrets_in`], [`add_secret`]). Masking at the boundary rather than where each
//! message is built means a message that quotes an input verbatim (a clap error, a path that was
//! meant as a URL, a driver error, a malformed URL the structural [`crate::db::url::redact`] does
//! not understand) still cannot show a password.
//!
//! A panic message may quote a URL too, so [`install_panic_hook`] replaces the standard hook with
//! one that prints a fixed message and the location only.
//!
//! Nothing else in the crate may write to the standard streams: `clippy::print_stdout`,
//! `clippy::print_stderr` and `disallowed-methods` (`cli/clippy.toml`) enforce it.

#![allow(clippy::disallowed_methods)] // the boundary itself

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::sync::{Mutex, PoisonError};

use crate::db::url::secrets_in;

/// What replaces a secret.
const MASK: &str = "***";

/// The secrets known so far, every spelling of each.
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Adds every password that `raw` (an argument, a URL, a keyword/value string) may hold.
pub(crate) fn add_secrets_in(raw: &str) {
    for s in secrets_in(raw) {
        add_secret(&s);
    }
}

/// Adds `secret` itself (a `PGPASSWORD` value, a password read from a file), in each spelling a
/// message may show it in: as is, and escaped as `{:?}` and JSON would escape it.
pub(crate) fn add_secret(secret: &str) {
    if secret.is_empty() {
        return;
    }
    let mut all = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
    for form in [secret.to_owned(), secret.escape_debug().to_string()] {
        if !all.contains(&form) {
            all.push(form);
        }
    }
}

/// `text` with every known secret masked.
pub(crate) fn mask(text: &str) -> Cow<'_, str> {
    let secrets = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
    mask_with(text, &secrets).into_owned().into()
}

/// `text` with every occurrence of each of `secrets` replaced by `***`. Overlapping and adjacent
/// occurrences become one `***`.
pub(crate) fn mask_with<'a>(text: &'a str, secrets: &[String]) -> Cow<'a, str> {
    let mut hit = vec![false; text.len()];
    let mut any = false;
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        // Overlapping occurrences too: `aa` in `aaa` masks all three.
        let mut from = 0;
        while let Some(i) = text[from..].find(secret.as_str()) {
            let start = from + i;
            hit[start..start + secret.len()].fill(true);
            any = true;
            from = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    if !any {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut masking = false;
    for (i, c) in text.char_indices() {
        if hit[i] {
            if !masking {
                out.push_str(MASK);
                masking = true;
            }
        } else {
            masking = false;
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes `text` to stdout, masked.
pub(crate) fn print(text: &str) -> std::io::Result<()> {
    let text = mask(text);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Writes `text` to stderr, masked. Errors are ignored: there is nowhere left to report them.
pub(crate) fn eprint(text: &str) {
    let text = mask(text);
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// [`eprint()`] with a newline.
pub(crate) fn eprintln(text: &str) {
    eprint(&format!("{text}\n"));
}

/// True when stdout is a terminal.
pub(crate) fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// True when stderr is a terminal.
pub(crate) fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// What a panic prints: no payload (it may quote a URL), only where it happened.
pub(crate) fn panic_message(location: Option<&std::panic::Location<'_>>) -> String {
    let at = location
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!(
        "error: internal error in cargo-schemalock{at}; please report it (the panic message is \
         left out, as it may quote a password)\n"
    )
}

/// Replaces the standard panic hook (which prints the payload, and a backtrace that
/// `RUST_BACKTRACE` may ask for) with one that prints [`panic_message`].
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // Straight to stderr, without the secrets' lock: the panic may have happened holding it.
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(panic_message(info.location()).as_bytes());
        let _ = err.flush();
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(mask_with("no secret here", &s(&["pw"])), "no secret here");
        assert_eq!(mask_with("a pw b pw", &s(&["pw"])), "a *** b ***");
        assert_eq!(mask_with("xaaay", &s(&["aa"])), "x***y");
        assert_eq!(mask_with("p@ss and p", &s(&["p", "p@ss"])), "*** and ***");
        assert_eq!(mask_with("é1é", &s(&["1"])), "é***é");
        assert_eq!(mask_with("", &s(&["", "x"])), "");
    }

    /// A password a secrets test uses; it must never be printed.
    const PASSWORD: &str = "Sup3r-s3cret_pw";

    /// A panic prints a fixed message and where it happened, never its payload. Run in a child
    /// process (this same test binary), since the hook is the process's.
    #[test]
    fn panics_never_print_their_message() {
        const CHILD: &str = "SCHEMALOCK_TEST_PANIC_CHILD";
        if std::env::var_os(CHILD).is_some() {
            install_panic_hook();
            panic!("cannot read postgres://u:{PASSWORD}@h/db");
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "out::tests::panics_never_print_their_message",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .env("RUST_BACKTRACE", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success());
        assert!(
            stderr.contains("error: internal error in cargo-schemalock at cli/src/out.rs:"),
            "{stderr}"
        );
        assert!(
            !stderr.contains(PASSWORD) && !stdout.contains(PASSWORD),
            "{stdout}\n{stderr}"
        );
        assert!(!stderr.contains("stack backtrace"), "{stderr}");
    }

    #[test]
    fn a_url_and_its_password_inside_error_text() {
        let url = "postgres://app:s%40cret@host/db";
        let text = format!("connecting to {url} failed: password s@cret rejected");
        assert_eq!(
            mask_with(&text, &secrets_in(url)),
            "connecting to postgres://app:***@host/db failed: password *** rejected"
        );
    }

    #[test]
    fn panic_message_has_no_payload() {
        let m = panic_message(None);
        assert!(
            m.starts_with("error: internal error in cargo-schemalock;"),
            "{m}"
        );
    }
}
