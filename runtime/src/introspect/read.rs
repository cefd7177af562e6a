//! The protocol run once for every driver: a driver says how to start a transaction and run a
//! statement ([`Connection`], [`Transaction`]); [`read`] does the rest: the timeouts, the
//! migration head, the catalog queries, trying again when the schema changes under it, and
//! naming the table when a lock held it up.
//!
//! Written as `async` so that tokio-postgres and sqlx implement it directly; the blocking
//! `postgres` client implements it with futures that never wait, run by [`ready`].

use std::time::Duration;

use serde::Deserialize;

use super::assemble::{Missing, assemble_results, parse};
use super::driver::DriverError;
use super::error::LockedRelation;
use super::migration::{Notice, Probe, Step};
use super::{
    Error, MIGRATION_PROBE, Options, QUERIES, Results, SESSION_SETTINGS, Steps, TRANSACTION_MODE,
    sql,
};
use crate::snapshot::Snapshot;

/// A snapshot read from a live database, with what the read could not see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// What was read.
    pub snapshot: Snapshot,
    /// Things the caller should know about: a migration head the role may not read, say.
    pub notices: Vec<Notice>,
}

impl Read {
    /// True when the database may have a migration head that was not read: the snapshot's
    /// `migration_head` is unknown rather than absent, and must not be compared.
    pub fn migration_head_unread(&self) -> bool {
        self.notices
            .iter()
            .any(|n| matches!(n, Notice::MigrationHeadUnread { .. }))
    }
}

impl From<Snapshot> for Read {
    /// A snapshot with nothing to add (from a file, say).
    fn from(snapshot: Snapshot) -> Self {
        Read {
            snapshot,
            notices: Vec::new(),
        }
    }
}

/// A connection that is not inside a transaction.
pub(crate) trait Connection {
    type Error: DriverError;
    type Tx<'a>: Transaction<Error = Self::Error>
    where
        Self: 'a;

    /// Starts a transaction (a plain `BEGIN`, through the driver's transaction guard when it has
    /// one, so that a dropped future still rolls back) and runs `setup`, which starts with
    /// [`TRANSACTION_MODE`], in it, as one batch.
    async fn begin(&mut self, setup: &[String]) -> Result<Self::Tx<'_>, Self::Error>;
}

/// A transaction started by [`Connection::begin`].
pub(crate) trait Transaction {
    type Error: DriverError;

    async fn execute(&mut self, sql: &str) -> Result<(), Self::Error>;

    /// Runs a statement without parameters returning one row with one nullable `text` column.
    async fn text(&mut self, sql: &'static str) -> Result<Option<String>, Self::Error>;

    /// Like [`Transaction::text`], with the schema list as `$1::text[]`.
    async fn text_for(
        &mut self,
        sql: &'static str,
        schemas: Option<&[String]>,
    ) -> Result<Option<String>, Self::Error>;

    /// The results of [`QUERIES`], in order, after [`SESSION_SETTINGS`] ran, each marked in
    /// `steps` while it runs.
    async fn catalog(
        &mut self,
        schemas: Option<&[String]>,
        steps: &Steps,
    ) -> Result<Vec<Option<String>>, Self::Error> {
        let mut catalog = Vec::with_capacity(QUERIES.len());
        for q in QUERIES {
            catalog.push(steps.during(q.name, self.text_for(q.sql, schemas)).await?);
        }
        Ok(catalog)
    }

    async fn rollback(self) -> Result<(), Self::Error>;
}

/// Why [`read`] failed: introspection's own reasons, or the driver's error as it was.
#[derive(Debug)]
pub(crate) enum Failure<E> {
    Introspect(Error),
    Driver(E),
}

impl<E> From<Error> for Failure<E> {
    fn from(e: Error) -> Self {
        Failure::Introspect(e)
    }
}

/// Whether to read the migration head: verification does not compare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Head {
    // Only the `postgres` reader reads a snapshot with its head.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Read,
    Skip,
}

/// What to read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    /// The schemas, or `None` for every user schema.
    pub schemas: Option<&'a [String]>,
    pub missing: Missing,
    pub head: Head,
}

/// Reads a snapshot in one read-only repeatable-read transaction, trying again (up to
/// [`Options::attempts`] times in all) when objects were dropped while it ran.
pub(crate) async fn read<C: Connection>(
    conn: &mut C,
    request: Request<'_>,
    options: &Options,
) -> Result<Read, Failure<C::Error>> {
    let attempts = options.attempts.max(1);
    let mut attempt = 1;
    loop {
        let detail = match read_once(conn, request, options).await {
            Ok(read) => return Ok(read),
            Err(Failure::Driver(e)) => match classify(&e) {
                Class::Changed => e.message(),
                Class::LockTimeout => {
                    // Whatever the locks query runs into, the lock timeout is the news.
                    let relations = locked(conn, request.schemas, options)
                        .await
                        .unwrap_or_default();
                    return Err(Failure::Introspect(Error::Locked {
                        relations,
                        timeout: options.lock_timeout,
                    }));
                }
                Class::Canceled => {
                    return Err(Failure::Introspect(Error::Canceled {
                        message: e.message(),
                        timeout: options.statement_timeout,
                    }));
                }
                Class::Other => return Err(Failure::Driver(e)),
            },
            Err(Failure::Introspect(Error::SchemaChanged { detail, .. })) => detail,
            Err(e) => return Err(e),
        };
        if attempt >= attempts {
            return Err(Failure::Introspect(Error::SchemaChanged {
                attempts: attempt,
                detail,
            }));
        }
        attempt += 1;
    }
}

/// The statements every transaction of the read starts with.
pub(crate) fn setup(options: &Options) -> Vec<String> {
    let mut setup = vec![TRANSACTION_MODE.to_owned()];
    setup.extend(options.statements());
    setup
}

async fn read_once<C: Connection>(
    conn: &mut C,
    request: Request<'_>,
    options: &Options,
) -> Result<Read, Failure<C::Error>> {
    let steps = options.steps.clone().unwrap_or_default();
    let mut tx = steps
        .during("transaction setup", conn.begin(&setup(options)))
        .await
        .map_err(Failure::Driver)?;
    let result = statements(&mut tx, request, &steps).await;
    // Read-only: rolling back loses nothing and also undoes the SET LOCALs. If the transaction
    // broke, the rollback error is less interesting than the first one.
    let end = steps.during("rollback", tx.rollback()).await;
    let (results, notices) = result?;
    end.map_err(Failure::Driver)?;
    Ok(Read {
        snapshot: assemble_results(&results, request.missing)?,
        notices,
    })
}

/// The results, and what the migration head walk could not see.
async fn statements<T: Transaction>(
    tx: &mut T,
    request: Request<'_>,
    steps: &Steps,
) -> Result<(Results, Vec<Notice>), Failure<T::Error>> {
    let (migration_head, notices) = match request.head {
        Head::Skip => (None, Vec::new()),
        Head::Read => {
            let probe = Probe::parse(
                steps
                    .during("migration probe", tx.text(MIGRATION_PROBE))
                    .await
                    .map_err(Failure::Driver)?
                    .as_deref(),
            )?;
            let mut answers = Vec::new();
            while let Step::Query(sql) = probe.step(&answers) {
                let answer = steps.during("migration head", tx.text(sql)).await;
                answers.push(answer.map_err(Failure::Driver)?);
            }
            probe.outcome(&answers)
        }
    };
    // One round trip: the sooner the catalog queries run, the fewer objects can be dropped
    // between the snapshot and the printing.
    let settings = SESSION_SETTINGS.join("; ");
    steps
        .during("session settings", tx.execute(&settings))
        .await
        .map_err(Failure::Driver)?;
    let catalog = tx
        .catalog(request.schemas, steps)
        .await
        .map_err(Failure::Driver)?;
    Ok((
        Results {
            catalog,
            migration_head,
        },
        notices,
    ))
}

/// What a driver error means for the read.
#[derive(Debug, PartialEq, Eq)]
enum Class {
    /// An object was dropped while it was being read: try again.
    Changed,
    /// `lock_timeout` ran out.
    LockTimeout,
    /// `statement_timeout` ran out, or someone canceled the query.
    Canceled,
    Other,
}

fn classify(e: &impl DriverError) -> Class {
    let Some(code) = e.sqlstate() else {
        return Class::Other;
    };
    match code.as_str() {
        "55P03" => Class::LockTimeout,
        "57014" => Class::Canceled,
        // The catalog functions look objects up by oid in the catalog cache, which sees
        // commits the transaction's snapshot does not: an object dropped after the read began
        // is still listed, but no longer there to print. The queries name nothing but catalogs
        // and the migration table the probe just found, so a missing relation or object can only
        // be one that was dropped since.
        "42P01" | "42704" => Class::Changed,
        // Internal errors are not translated, so their text can be matched.
        "XX000" => {
            let m = e.message();
            if m.starts_with("cache lookup failed for ")
                || m.starts_with("could not open relation with OID ")
                || m.contains("deleted while still in use")
            {
                Class::Changed
            } else {
                Class::Other
            }
        }
        // A hot standby replaying DDL cancels conflicting queries this way.
        "40001" => Class::Changed,
        _ => Class::Other,
    }
}

#[derive(Debug, Deserialize)]
struct RawLock {
    schema: String,
    name: String,
    kind: String,
    mode: String,
    pid: Option<i32>,
    seconds: Option<u64>,
}

/// The relations of the schemas read that other sessions hold `ACCESS EXCLUSIVE` (the one mode
/// that blocks a read), in a transaction of its own.
async fn locked<C: Connection>(
    conn: &mut C,
    schemas: Option<&[String]>,
    options: &Options,
) -> Result<Vec<LockedRelation>, Failure<C::Error>> {
    let steps = options.steps.clone().unwrap_or_default();
    let mut tx = conn.begin(&setup(options)).await.map_err(Failure::Driver)?;
    let text = steps
        .during("locks", tx.text_for(sql::LOCKS, schemas))
        .await;
    let _ = tx.rollback().await;
    let raw: Vec<RawLock> = parse("locks", text.map_err(Failure::Driver)?.as_deref())?;
    Ok(raw
        .into_iter()
        .map(|l| LockedRelation {
            kind: match l.kind.as_str() {
                "r" => "table",
                "p" => "partitioned table",
                "v" => "view",
                "m" => "materialized view",
                "i" | "I" => "index",
                "S" => "sequence",
                "f" => "foreign table",
                _ => "relation",
            },
            schema: l.schema,
            name: l.name,
            mode: l.mode,
            pid: l.pid,
            held_for: l.seconds.map(Duration::from_secs),
        })
        .collect())
}

/// Runs a future that never waits, as the blocking drivers' are: each statement runs to the end
/// inside the one poll.
#[cfg(feature = "postgres")]
pub(crate) fn ready<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("a blocking driver's future waited"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct E(&'static str, &'static str);
    impl DriverError for E {
        fn sqlstate(&self) -> Option<String> {
            Some(self.0.to_owned())
        }
        fn message(&self) -> String {
            self.1.to_owned()
        }
    }

    #[test]
    fn what_errors_mean() {
        let c = |code, message| classify(&E(code, message));
        assert_eq!(
            c("XX000", "cache lookup failed for relation 16384"),
            Class::Changed
        );
        assert_eq!(
            c("XX000", "could not open relation with OID 19100"),
            Class::Changed
        );
        assert_eq!(
            c("XX000", "invalid memory alloc request size"),
            Class::Other
        );
        assert_eq!(
            c("42P01", "relation with OID 5 does not exist"),
            Class::Changed
        );
        assert_eq!(
            c("55P03", "canceling statement due to lock timeout"),
            Class::LockTimeout
        );
        assert_eq!(
            c("57014", "canceling statement due to statement timeout"),
            Class::Canceled
        );
        assert_eq!(c("42501", "permission denied for table t"), Class::Other);
    }
}
