//! The one way the CLI connects to PostgreSQL: a connection string parsed, the password found
//! ([`super::pgpass`]), the whole connect (every host, the startup, the authentication) within
//! the connect deadline ([`super::wait`]), and a failure explained with what to try.
//!
//! `postgres::Config::connect_timeout` bounds only the TCP connect of each host: a server that
//! accepts the connection and then says nothing (a stopped — SIGSTOP — server, a port that is not
//! PostgreSQL, a proxy with nothing behind it) would hang the startup forever, so the connect runs
//! through [`super::wait::bounded`].

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use postgres::error::SqlState;

use super::pgpass::{self, Source};
use super::url::{is_database_url, looks_like_url};
use super::wait::{DEFAULT_CONNECT_TIMEOUT, TimedOut, bounded, seconds, timeouts};

/// Parses a database URL or keyword/value string; the message says what is wrong without
/// quoting it (the caller names the URL, redacted).
pub(crate) fn parse(url: &str) -> Result<postgres::Config, String> {
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
pub(crate) fn connect(config: &postgres::Config) -> Result<postgres::Client, ConnectError> {
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
pub(crate) fn connect_limit(config: &postgres::Config) -> Duration {
    timeouts()
        .connect
        .or(config.get_connect_timeout().copied())
        .filter(|d| !d.is_zero())
        .unwrap_or(DEFAULT_CONNECT_TIMEOUT)
}

/// Why [`connect`] failed. Displays as what went wrong and what to try, without the server's
/// name (the caller says which server).
#[derive(Debug)]
pub(crate) enum ConnectError {
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
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
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
