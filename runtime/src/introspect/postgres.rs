//! Introspection over the `postgres` crate's blocking client.

use super::{
    BEGIN, END, Error, MIGRATION_PROBE, QUERIES, Results, SESSION_SETTINGS, assemble,
    migration_head,
};
use crate::snapshot::Snapshot;

impl From<::postgres::Error> for Error {
    fn from(e: ::postgres::Error) -> Self {
        Error::Postgres(e)
    }
}

/// Reads a snapshot of `schemas` (default: every non-system schema not owned by an extension)
/// from the database `client` is connected to, inside one repeatable-read, read-only
/// transaction. The connection must not be inside a transaction already.
pub fn snapshot(
    client: &mut ::postgres::Client,
    schemas: Option<&[String]>,
) -> Result<Snapshot, Error> {
    client.batch_execute(BEGIN)?;
    let result = read(client, schemas);
    // Read-only: rolling back loses nothing and also undoes the SET LOCALs. If the transaction
    // broke, the rollback error is less interesting than the first one.
    let end = client.batch_execute(END);
    let results = result?;
    end?;
    assemble(&results)
}

fn read(client: &mut ::postgres::Client, schemas: Option<&[String]>) -> Result<Results, Error> {
    let probe: Option<String> = client.query_one(MIGRATION_PROBE, &[])?.get(0);
    let migration_head = migration_head(probe.as_deref(), |sql| -> Result<_, Error> {
        Ok(client.query_one(sql, &[])?.get::<_, Option<String>>(0))
    })?;
    for statement in SESSION_SETTINGS {
        client.batch_execute(statement)?;
    }
    let mut catalog = Vec::with_capacity(QUERIES.len());
    for q in QUERIES {
        let text: Option<String> = client.query_one(q.sql, &[&schemas])?.get(0);
        catalog.push(text);
    }
    Ok(Results {
        catalog,
        migration_head,
    })
}

/// Like [`snapshot`], with the catalog queries split over two connections that read the same
/// state: `client` opens the transaction and exports its snapshot, `helper` imports it
/// (`SET TRANSACTION SNAPSHOT`) as the first statement of its own read-only transaction, and the
/// server answers the largest query on one connection while it answers the others on the other.
/// The result is the same snapshot, read about a third faster on a large schema. When the helper
/// cannot join (a server that refuses to export snapshots), everything runs on `client`.
pub fn snapshot_parallel(
    client: &mut ::postgres::Client,
    helper: &mut ::postgres::Client,
    schemas: Option<&[String]>,
) -> Result<Snapshot, Error> {
    client.batch_execute(BEGIN)?;
    let result = read_parallel(client, helper, schemas);
    let end = client.batch_execute(END);
    let results = match result? {
        Some(results) => results,
        None => {
            end?;
            return snapshot(client, schemas);
        }
    };
    end?;
    assemble(&results)
}

/// `None` when the helper could not join the transaction's snapshot.
fn read_parallel(
    client: &mut ::postgres::Client,
    helper: &mut ::postgres::Client,
    schemas: Option<&[String]>,
) -> Result<Option<Results>, Error> {
    let probe: Option<String> = client.query_one(MIGRATION_PROBE, &[])?.get(0);
    let migration_head = migration_head(probe.as_deref(), |sql| -> Result<_, Error> {
        Ok(client.query_one(sql, &[])?.get::<_, Option<String>>(0))
    })?;
    for statement in SESSION_SETTINGS {
        client.batch_execute(statement)?;
    }
    let Ok(row) = client.query_one("SELECT pg_catalog.pg_export_snapshot()", &[]) else {
        return Ok(None);
    };
    let id: String = row.get(0);
    // SET TRANSACTION SNAPSHOT takes no parameters; the id comes from the server and is only
    // hex digits and dashes, checked here all the same.
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Ok(None);
    }
    let joined = helper
        .batch_execute(&format!("{BEGIN}; SET TRANSACTION SNAPSHOT '{id}'"))
        .and_then(|()| {
            SESSION_SETTINGS
                .iter()
                .try_for_each(|s| helper.batch_execute(s))
        });
    if joined.is_err() {
        let _ = helper.batch_execute(END);
        return Ok(None);
    }

    // The relations query is the largest by far; the rest together are about half of it.
    const LARGEST: usize = 1;
    let run = |c: &mut ::postgres::Client, i: usize| -> Result<Option<String>, Error> {
        Ok(c.query_one(QUERIES[i].sql, &[&schemas])?.get(0))
    };
    let (largest, rest) = std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            (0..QUERIES.len())
                .filter(|&i| i != LARGEST)
                .map(|i| run(helper, i))
                .collect::<Result<Vec<_>, Error>>()
        });
        let largest = run(client, LARGEST);
        (largest, other.join())
    });
    let _ = helper.batch_execute(END);
    let mut rest = match rest {
        Ok(rest) => rest?.into_iter(),
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let mut largest = Some(largest?);
    let catalog = (0..QUERIES.len())
        .map(|i| {
            if i == LARGEST {
                largest.take().flatten()
            } else {
                rest.next().flatten()
            }
        })
        .collect();
    Ok(Some(Results {
        catalog,
        migration_head,
    }))
}
