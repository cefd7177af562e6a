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
