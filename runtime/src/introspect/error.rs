//! Why introspection failed.

use std::fmt;
use std::time::Duration;

/// Why introspection failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A query's result was not the JSON this crate expects (a bug, or an unsupported server).
    Json {
        /// The query's name ([`Query::name`](super::Query::name)).
        query: &'static str,
        /// What serde_json said.
        source: serde_json::Error,
    },
    /// [`Results::catalog`](super::Results::catalog) did not have one entry per query.
    ResultCount {
        /// How many queries there are.
        expected: usize,
        /// How many results were given.
        found: usize,
    },
    /// Schemas that were asked for do not exist.
    MissingSchemas(Vec<String>),
    /// The catalogs hold something this crate does not understand.
    Unexpected(String),
    /// Another session held a lock the read needed for longer than
    /// [`Options::lock_timeout`](super::Options::lock_timeout) (a migration running, say).
    Locked {
        /// The relations of the schemas read that other sessions hold `ACCESS EXCLUSIVE`, looked
        /// up after the read gave up; empty when the lock was gone by then.
        relations: Vec<LockedRelation>,
        /// The lock timeout that ran out.
        timeout: Duration,
    },
    /// A statement was canceled: it ran longer than
    /// [`Options::statement_timeout`](super::Options::statement_timeout), or someone canceled it.
    Canceled {
        /// The server's message, which says which of the two.
        message: String,
        /// The statement timeout that was set.
        timeout: Duration,
    },
    /// Objects were dropped or changed while they were being read, on every attempt.
    SchemaChanged {
        /// How many times the whole read was tried.
        attempts: u32,
        /// What the last attempt ran into, e.g. the server's `cache lookup failed for relation
        /// 16384`.
        detail: String,
    },
    /// The database driver failed.
    #[cfg(feature = "postgres")]
    Postgres(::postgres::Error),
}

/// A relation another session holds a lock on: who holds it, in what mode, and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedRelation {
    /// The relation's schema.
    pub schema: String,
    /// The relation's name.
    pub name: String,
    /// What the relation is: `table`, `index`, `view`, ...
    pub kind: &'static str,
    /// The lock mode, as `pg_locks` names it: `AccessExclusiveLock`.
    pub mode: String,
    /// The process holding it; `None` for a prepared transaction.
    pub pid: Option<i32>,
    /// How long the holder's transaction has been open, when the role may see it.
    pub held_for: Option<Duration>,
}

impl fmt::Display for LockedRelation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}.{}` is locked (`{}`",
            self.kind, self.schema, self.name, self.mode
        )?;
        match self.pid {
            Some(pid) => write!(f, " by pid {pid}")?,
            None => write!(f, " by a prepared transaction")?,
        }
        if let Some(held) = self.held_for {
            write!(f, " for {}", seconds(held))?;
        }
        write!(f, ")")
    }
}

/// `5 s`, `1.5 s`, `250 ms`.
pub(crate) fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Json { query, source } => {
                write!(
                    f,
                    "unexpected result from introspection query `{query}`: {source}"
                )
            }
            Error::ResultCount { expected, found } => write!(
                f,
                "introspection needs {expected} query results, but {found} were given"
            ),
            Error::MissingSchemas(names) => {
                write!(f, "schema")?;
                if names.len() > 1 {
                    write!(f, "s")?;
                }
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                write!(f, " {} not found in the database", quoted.join(", "))
            }
            Error::Unexpected(msg) => write!(f, "unexpected catalog contents: {msg}"),
            Error::Locked { relations, timeout } => {
                let timeout = seconds(*timeout);
                if relations.is_empty() {
                    write!(
                        f,
                        "a relation was locked by another session for longer than the lock \
                         timeout ({timeout}), and the lock was gone before it could be named"
                    )
                } else {
                    let locked: Vec<String> = relations.iter().map(ToString::to_string).collect();
                    write!(
                        f,
                        "{}; the read gave up after the lock timeout ({timeout})",
                        locked.join(", ")
                    )
                }
            }
            Error::Canceled { message, timeout } => write!(
                f,
                "a catalog query was canceled ({message}); the statement timeout was {}",
                seconds(*timeout)
            ),
            Error::SchemaChanged { attempts, detail } => write!(
                f,
                "the schema changed while it was being read ({attempts} attempt{}, the last one \
                 ran into: {detail})",
                crate::text::plural(*attempts as usize, "", "s")
            ),
            #[cfg(feature = "postgres")]
            Error::Postgres(e) => {
                use super::driver::DriverError;
                write!(f, "introspection query failed: {}", e.message())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Json { source, .. } => Some(source),
            #[cfg(feature = "postgres")]
            Error::Postgres(e) => Some(e),
            _ => None,
        }
    }
}
