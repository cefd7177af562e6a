//! Introspection over the `postgres` crate's blocking client.

use ::postgres::Client;

use super::assemble::Missing;
use super::read::{self, Connection, Failure, Head, Read, Request, Transaction, ready};
use super::{Error, Options, QUERIES, SESSION_SETTINGS, Steps};
use crate::snapshot::Snapshot;

impl From<::postgres::Error> for Error {
    fn from(e: ::postgres::Error) -> Self {
        Error::Postgres(e)
    }
}

impl From<Failure<::postgres::Error>> for Error {
    fn from(f: Failure<::postgres::Error>) -> Self {
        match f {
            Failure::Introspect(e) => e,
            Failure::Driver(e) => Error::Postgres(e),
        }
    }
}

/// Reads a snapshot of `schemas` (default: every non-system schema not owned by an extension)
/// from the database `client` is connected to, inside one repeatable-read, read-only
/// transaction, with the waits and attempts of `options` (see the [module
/// documentation](super#locks-and-schemas-changing-during-the-read)). The connection must not be
/// inside a transaction already; it keeps its own settings.
///
/// The [`Read`] says what could not be seen, such as a migration head the role may not read.
pub fn read(
    client: &mut Client,
    schemas: Option<&[String]>,
    options: &Options,
) -> Result<Read, Error> {
    run(&mut Blocking::new(client, None), schemas, options)
}

/// Like [`read`], with the catalog queries split over two connections that read the same
/// state: `client` opens the transaction and exports its snapshot, `helper` imports it
/// (`SET TRANSACTION SNAPSHOT`) as the first statement of its own read-only transaction, and the
/// server answers the largest query on one connection while it answers the others on the other.
/// The result is the same snapshot, read about a third faster on a large schema. When the helper
/// cannot join (a server that refuses to export snapshots), everything runs on `client`.
pub fn read_parallel(
    client: &mut Client,
    helper: &mut Client,
    schemas: Option<&[String]>,
    options: &Options,
) -> Result<Read, Error> {
    run(&mut Blocking::new(client, Some(helper)), schemas, options)
}

/// [`read`] with the default [`Options`], for the snapshot alone: a migration head the role may
/// not read is left out without a word (use [`read`] to hear about it).
pub fn snapshot(client: &mut Client, schemas: Option<&[String]>) -> Result<Snapshot, Error> {
    Ok(read(client, schemas, &Options::default())?.snapshot)
}

/// [`read_parallel`] with the default [`Options`], for the snapshot alone.
pub fn snapshot_parallel(
    client: &mut Client,
    helper: &mut Client,
    schemas: Option<&[String]>,
) -> Result<Snapshot, Error> {
    Ok(read_parallel(client, helper, schemas, &Options::default())?.snapshot)
}

fn run(
    conn: &mut Blocking<'_>,
    schemas: Option<&[String]>,
    options: &Options,
) -> Result<Read, Error> {
    let request = Request {
        schemas,
        missing: Missing::Fail,
        head: Head::Read,
    };
    Ok(ready(read::read(conn, request, options))?)
}

/// The blocking client as a [`Connection`], with an optional second connection for
/// [`read_parallel`].
pub(crate) struct Blocking<'c> {
    client: &'c mut Client,
    helper: Option<&'c mut Client>,
    /// Cleared when the server would not export a snapshot: the helper is not tried again.
    exports: bool,
}

impl<'c> Blocking<'c> {
    pub(crate) fn new(client: &'c mut Client, helper: Option<&'c mut Client>) -> Self {
        Blocking {
            client,
            helper,
            exports: true,
        }
    }
}

/// `BEGIN` and `setup` in one round trip, rolled back if a statement fails.
fn start(client: &mut Client, setup: &[String]) -> Result<(), ::postgres::Error> {
    let result = client.batch_execute(&format!("BEGIN; {}", setup.join("; ")));
    if result.is_err() {
        let _ = client.batch_execute("ROLLBACK");
    }
    result
}

impl Connection for Blocking<'_> {
    type Error = ::postgres::Error;
    type Tx<'a>
        = BlockingTx<'a>
    where
        Self: 'a;

    async fn begin(&mut self, setup: &[String]) -> Result<BlockingTx<'_>, ::postgres::Error> {
        start(self.client, setup)?;
        let mut exported = None;
        if self.helper.is_some() && self.exports {
            match self
                .client
                .query_one("SELECT pg_catalog.pg_export_snapshot()", &[])
            {
                // SET TRANSACTION SNAPSHOT takes no parameters; the id comes from the server
                // and is only hex digits and dashes, checked here all the same.
                Ok(row) => {
                    exported = Some(row.get::<_, String>(0)).filter(|id| {
                        !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
                    });
                }
                // The failed statement broke the transaction: start again, on one connection.
                Err(_) => {
                    self.exports = false;
                    let _ = self.client.batch_execute("ROLLBACK");
                    start(self.client, setup)?;
                }
            }
        }
        let helper = match exported {
            Some(_) => self.helper.as_deref_mut(),
            None => None,
        };
        Ok(BlockingTx {
            client: &mut *self.client,
            helper,
            exported,
            setup: setup.to_vec(),
            open: true,
        })
    }
}

/// A transaction on the blocking client, rolled back on drop if [`Transaction::rollback`] was
/// not reached (a panic).
pub(crate) struct BlockingTx<'a> {
    client: &'a mut Client,
    helper: Option<&'a mut Client>,
    /// The snapshot `client` exported for the helper.
    exported: Option<String>,
    /// What started the transaction, for the helper's to start the same way.
    setup: Vec<String>,
    open: bool,
}

impl Drop for BlockingTx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }
}

impl Transaction for BlockingTx<'_> {
    type Error = ::postgres::Error;

    async fn execute(&mut self, sql: &str) -> Result<(), ::postgres::Error> {
        self.client.batch_execute(sql)
    }

    async fn text(&mut self, sql: &'static str) -> Result<Option<String>, ::postgres::Error> {
        Ok(self.client.query_one(sql, &[])?.get(0))
    }

    async fn text_for(
        &mut self,
        sql: &'static str,
        schemas: Option<&[String]>,
    ) -> Result<Option<String>, ::postgres::Error> {
        Ok(self.client.query_one(sql, &[&schemas])?.get(0))
    }

    async fn catalog(
        &mut self,
        schemas: Option<&[String]>,
        steps: &Steps,
    ) -> Result<Vec<Option<String>>, ::postgres::Error> {
        let (Some(helper), Some(id)) = (self.helper.as_deref_mut(), self.exported.as_deref())
        else {
            return sequential(self.client, schemas, steps);
        };
        let joined = steps.during_blocking("transaction setup", || join(helper, &self.setup, id));
        if joined.is_err() {
            let _ = helper.batch_execute("ROLLBACK");
            return sequential(self.client, schemas, steps);
        }
        let result = parallel(self.client, helper, schemas, steps);
        let _ = helper.batch_execute("ROLLBACK");
        result
    }

    async fn rollback(mut self) -> Result<(), ::postgres::Error> {
        self.open = false;
        self.client.batch_execute("ROLLBACK")
    }
}

/// Runs catalog query `i` on `client`, marked in `steps`.
fn query(
    client: &mut Client,
    i: usize,
    schemas: Option<&[String]>,
    steps: &Steps,
) -> Result<Option<String>, ::postgres::Error> {
    let q = QUERIES[i];
    steps.during_blocking(q.name, || Ok(client.query_one(q.sql, &[&schemas])?.get(0)))
}

fn sequential(
    client: &mut Client,
    schemas: Option<&[String]>,
    steps: &Steps,
) -> Result<Vec<Option<String>>, ::postgres::Error> {
    (0..QUERIES.len())
        .map(|i| query(client, i, schemas, steps))
        .collect()
}

/// Starts the helper's transaction on the exported snapshot, set up like the client's:
/// `SET TRANSACTION SNAPSHOT` must follow the isolation level and precede every query.
fn join(helper: &mut Client, setup: &[String], id: &str) -> Result<(), ::postgres::Error> {
    let (mode, rest) = setup
        .split_first()
        .map_or((None, setup), |(m, r)| (Some(m), r));
    helper.batch_execute("BEGIN")?;
    if let Some(mode) = mode {
        helper.batch_execute(mode)?;
    }
    helper.batch_execute(&format!("SET TRANSACTION SNAPSHOT '{id}'"))?;
    for statement in rest
        .iter()
        .map(String::as_str)
        .chain(SESSION_SETTINGS.iter().copied())
    {
        helper.batch_execute(statement)?;
    }
    Ok(())
}

fn parallel(
    client: &mut Client,
    helper: &mut Client,
    schemas: Option<&[String]>,
    steps: &Steps,
) -> Result<Vec<Option<String>>, ::postgres::Error> {
    // The relations query is the largest by far; the rest together are about half of it.
    const LARGEST: usize = 1;
    let run = |c: &mut Client, i: usize| query(c, i, schemas, steps);
    let (largest, rest) = std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            (0..QUERIES.len())
                .filter(|&i| i != LARGEST)
                .map(|i| run(helper, i))
                .collect::<Result<Vec<_>, _>>()
        });
        let largest = run(client, LARGEST);
        (largest, other.join())
    });
    let mut rest = match rest {
        Ok(rest) => rest?.into_iter(),
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let mut largest = Some(largest?);
    Ok((0..QUERIES.len())
        .map(|i| {
            if i == LARGEST {
                largest.take().flatten()
            } else {
                rest.next().flatten()
            }
        })
        .collect())
}
