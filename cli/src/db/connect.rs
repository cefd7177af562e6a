//! The one way the CLI connects to PostgreSQL, and the deadline on every wait for a server.
//!
//! `postgres::Config::connect_timeout` bounds only the TCP connect of each host: a server that
//! accepts the connection and then says nothing (a stopped — SIGSTOP — server, a port that is not
//! PostgreSQL, a proxy with nothing behind it) hangs the startup forever, and the blocking driver
//! has no per-query timeout at all. So each wait runs on a worker thread ([`bounded`]) while the
//! caller's thread waits at most a deadline; when it passes, the caller reports what it waited
//! for and moves on, and the worker is left blocked until the process ends. The caller's thread
//! keeps ownership of everything that must be cleaned up (shadow databases, local clusters).
//!
//! Deadlines ([`Timeouts`]) are set once from `--connect-timeout` and `--read-timeout`
//! ([`set_timeouts`]); a connection string's `connect_timeout` applies when the flag is absent.
//! The same struct carries `--lock-timeout` and `--statement-timeout`, which the server itself
//! enforces inside the read (`schemalock_runtime::introspect::Options`).

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;
use std::sync::mpsc::{RecvTimeoutError, sync_channel};
use std::time::Duration;

use postgres::error::SqlState;

use crate::db::pgpass::{self, Source};
use crate::db::url::{is_database_url, looks_like_url};

/// How long to wait for a server to let us in, unless told otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long reading a schema may take once connected, unless told otherwise. Introspecting the
/// largest schemas we test with takes well under a second; this leaves room for slow links and
/// busy servers while still ending a hang.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// How long each step of building a shadow database (creating or dropping it, applying one
/// migration file) may take, unless told otherwise. On a new, empty database a migration file
/// takes milliseconds to seconds (crates.io's 285 take a few seconds together); five minutes
/// leaves room for extensions, seed data and busy servers while still ending a hang.
pub const DEFAULT_MIGRATION_TIMEOUT: Duration = Duration::from_secs(300);

/// How long each wait on a server may last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Connecting: every host, the TCP connect, the startup and authentication together. `None`:
    /// the connection string's `connect_timeout`, else [`DEFAULT_CONNECT_TIMEOUT`].
    pub connect: Option<Duration>,
    /// Reading a schema once connected, all its queries together.
    pub read: Duration,
    /// Inside the read, the server's wait for a lock another session holds.
    pub lock: Duration,
    /// Inside the read, the server's limit on each statement.
    pub statement: Duration,
    /// Each step of building a shadow database: creating or dropping it, applying one migration
    /// file.
    pub migration: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        use schemalock_runtime::introspect::Options;
        Timeouts {
            connect: None,
            read: DEFAULT_READ_TIMEOUT,
            lock: Options::DEFAULT_LOCK_TIMEOUT,
            statement: Options::DEFAULT_STATEMENT_TIMEOUT,
            migration: DEFAULT_MIGRATION_TIMEOUT,
        }
    }
}

static TIMEOUTS: OnceLock<Timeouts> = OnceLock::new();

/// Sets the deadlines of this process, once (the command line's); later calls change nothing.
pub fn set_timeouts(timeouts: Timeouts) {
    let _ = TIMEOUTS.set(timeouts);
}

/// The deadlines of this process: those set by [`set_timeouts`], else the defaults.
pub fn timeouts() -> Timeouts {
    TIMEOUTS.get().copied().unwrap_or_default()
}

/// A wait on a server that ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    pub after: Duration,
}

/// Runs `work` on a worker thread and waits at most `limit` for it. On time-out the worker is
/// abandoned (it ends with the process); a panic in `work` resumes here.
pub fn bounded<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, TimedOut> {
    let (tx, rx) = sync_channel(1);
    let worker = std::thread::Builder::new()
        .name("schemalock-db".into())
        .spawn(move || {
            let _ = tx.send(work());
        })
        .expect("spawn a thread");
    match rx.recv_timeout(limit) {
        Ok(value) => Ok(value),
        Err(RecvTimeoutError::Timeout) => Err(TimedOut { after: limit }),
        Err(RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends before it ends"),
        },
    }
}

/// What a wait that ran out says: `WHAT timed out: no answer within 3 s to query `relations`
/// (WHY); check the server, or wait longer with `FLAG SECONDS``. `running` are the steps of a
/// read that were running then ([`schemalock_runtime::introspect::Steps`]).
pub fn timed_out(what: &str, after: Duration, running: &[&str], why: &str, flag: &str) -> String {
    let quoted: Vec<String> = running.iter().map(|s| format!("`{s}`")).collect();
    let during = match quoted.as_slice() {
        [] => String::new(),
        [one] => format!(" to query {one}"),
        [first @ .., last] => format!(" to queries {} and {last}", first.join(", ")),
    };
    format!(
        "{what} timed out: no answer within {}{during} ({why}); check the server, or wait longer \
         with `{flag} SECONDS`",
        seconds(after)
    )
}

/// `10 s`, `2.5 s`.
pub fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

/// Parses a database URL or keyword/value string; the message says what is wrong without
/// quoting it (the caller names the URL, redacted).
pub fn parse(url: &str) -> Result<postgres::Config, String> {
    if looks_like_url(url) {
        return Err(
            "it is not a PostgreSQL URL, which starts with `postgres://` or `postgresql://`"
                .to_owned(),
        );
    }
    postgres::Config::from_str(url).map_err(|e| {
        let expected = if is_database_url(url) {
            "expected `postgres://user:password@host:port/database`"
        } else {
            "expected `postgres://user:password@host:port/database` or `host=... dbname=...`"
        };
        format!("{}; {expected}", error_chain(&e))
    })
}

/// Connects without TLS. The password is the configuration's, else `PGPASSWORD`'s, else the
/// password file's ([`pgpass`]); connecting, every host and the authentication together, takes
/// at most the connect deadline ([`timeouts`]).
pub fn connect(config: &postgres::Config) -> Result<postgres::Client, ConnectError> {
    let mut config = config.clone();
    let limit = connect_limit(&config);
    // Also per host, so that one silent host does not use up the time of the next.
    config.connect_timeout(limit);
    if config.get_application_name().is_none() {
        config.application_name("cargo-schemalock");
    }
    let password = pgpass::fill_password(&mut config);
    let user = config
        .get_user()
        .map(str::to_owned)
        .unwrap_or_else(|| whoami::username().unwrap_or_else(|_| "(your login name)".into()));
    let dbname = config.get_dbname().unwrap_or(&user).to_owned();
    #[allow(clippy::disallowed_methods)] // the one place that connects
    let connecting = move || config.connect(postgres::NoTls);
    match bounded(limit, connecting) {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(error)) => Err(ConnectError::Driver {
            error,
            user,
            dbname,
            password,
        }),
        Err(TimedOut { after }) => Err(ConnectError::TimedOut { after }),
    }
}

/// How long [`connect`] waits to connect with `config`: `--connect-timeout`, else the
/// configuration's `connect_timeout`, else [`DEFAULT_CONNECT_TIMEOUT`].
pub fn connect_limit(config: &postgres::Config) -> Duration {
    timeouts()
        .connect
        .or(config.get_connect_timeout().copied())
        .filter(|d| !d.is_zero())
        .unwrap_or(DEFAULT_CONNECT_TIMEOUT)
}

/// Why [`connect`] failed. Displays as what went wrong and what to try, without the server's
/// name (the caller says which server).
#[derive(Debug)]
pub enum ConnectError {
    /// Nothing usable came back in time.
    TimedOut { after: Duration },
    /// The driver gave up (refused, rejected, no such database, ...).
    Driver {
        error: postgres::Error,
        user: String,
        dbname: String,
        /// Where the password came from, if there was one.
        password: Option<Source>,
    },
}

impl ConnectError {
    /// True when the server was never reached in time.
    pub fn timed_out(&self) -> bool {
        matches!(self, ConnectError::TimedOut { .. })
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, hint) = match self {
            ConnectError::TimedOut { after } => (
                format!("no answer within {}", seconds(*after)),
                "the server accepted no connection or never answered it (stopped, overloaded, \
                 not PostgreSQL, or a firewall drops the packets); check the host and port, or \
                 wait longer with `--connect-timeout SECONDS`"
                    .to_owned(),
            ),
            ConnectError::Driver {
                error,
                user,
                dbname,
                password,
            } => driver_failure(error, user, dbname, password.as_ref()),
        };
        write!(f, "{what}; {hint}")
    }
}

impl std::error::Error for ConnectError {}

/// What the driver's failure means, and what to try.
fn driver_failure(
    e: &postgres::Error,
    user: &str,
    dbname: &str,
    password: Option<&Source>,
) -> (String, String) {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        let owned = |s: &str| s.to_owned();
        return if *code == SqlState::INVALID_PASSWORD {
            let hint = match password {
                Some(Source::Url) | None => owned("check the user and password in the URL"),
                Some(source) => {
                    format!("check the user, and the password in {source} (or give one in the URL)")
                }
            };
            (
                format!("password authentication failed for user `{user}`"),
                hint,
            )
        } else if *code == SqlState::INVALID_CATALOG_NAME {
            (
                format!("database `{dbname}` does not exist"),
                format!("create it (`createdb {dbname}`) or fix the database name in the URL"),
            )
        } else if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
            (
                owned(db.message()),
                owned("check the user name, and the server's `pg_hba.conf`"),
            )
        } else if *code == SqlState::CANNOT_CONNECT_NOW {
            (
                owned(db.message()),
                owned("the server is starting or stopping; try again in a moment"),
            )
        } else if *code == SqlState::TOO_MANY_CONNECTIONS {
            (
                owned(db.message()),
                owned("close other connections or raise `max_connections`"),
            )
        } else {
            (
                owned(db.message()),
                owned("check the URL and the server log"),
            )
        };
    }
    let chain = error_chain(e);
    let lower = chain.to_ascii_lowercase();
    let hint = if lower.contains("password missing") {
        "the server asks for a password and the URL has none: give it in the URL \
         (`postgres://user:password@host/db`), in `PGPASSWORD`, or in `~/.pgpass`"
    } else if lower.contains("refused") {
        "is PostgreSQL running there, and are the host and port right?"
    } else if lower.contains("timed out") || lower.contains("timeout") {
        "the server did not answer; check the host, the port and any firewall, or wait longer \
         with `--connect-timeout SECONDS`"
    } else if lower.contains("failed to lookup") || lower.contains("name or service") {
        "the host name does not resolve; check it"
    } else {
        "check the URL, and that the server is reachable"
    };
    (chain, hint.to_owned())
}

/// An error and its causes, `a: b: c`, without repeats.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_waits_at_most_the_limit() {
        assert_eq!(bounded(Duration::from_secs(5), || 7), Ok(7));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let started = std::time::Instant::now();
        // Blocks until the test ends and drops `tx`.
        let r = bounded(Duration::from_millis(100), move || rx.recv().is_ok());
        assert_eq!(
            r,
            Err(TimedOut {
                after: Duration::from_millis(100)
            })
        );
        // Only "did not wait forever": timing assertions are for benchmarks.
        assert!(started.elapsed() < Duration::from_secs(60));
        drop(tx);
    }

    #[test]
    fn a_panicking_worker_panics_the_caller() {
        let r = std::panic::catch_unwind(|| bounded(Duration::from_secs(5), || panic!("boom")));
        assert!(r.is_err());
    }

    #[test]
    fn timeouts_say_what_was_running() {
        let why = "the server may be stopped";
        assert_eq!(
            timed_out(
                "reading",
                Duration::from_secs(3),
                &[],
                why,
                "--read-timeout"
            ),
            "reading timed out: no answer within 3 s (the server may be stopped); check the \
             server, or wait longer with `--read-timeout SECONDS`"
        );
        let one = timed_out("x", Duration::from_secs(1), &["relations"], why, "--f");
        assert!(
            one.contains("within 1 s to query `relations` (the"),
            "{one}"
        );
        let three = timed_out("x", Duration::from_secs(1), &["a", "b", "c"], why, "--f");
        assert!(three.contains("to queries `a`, `b` and `c` ("), "{three}");
    }

    #[test]
    fn seconds_are_short() {
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(2500)), "2.5 s");
    }

    #[test]
    fn misspelt_schemes_are_named() {
        for url in [
            "postgres:/u:pw@h/db",
            "postgres//u:pw@h/db",
            "pgsql://u:pw@h/db",
        ] {
            let e = parse(url).unwrap_err();
            assert!(e.contains("starts with `postgres://`"), "{e}");
            assert!(!e.contains("pw"), "{e}");
        }
        assert!(parse("postgres://u:pw@h/db").is_ok());
        assert!(parse("host=h user=u password='a b'").is_ok());
    }
}
