//! Verification over the `postgres` crate's blocking client.

use ::postgres::{Client, IsolationLevel};

use super::{Error, Models, Report, assemble};
use crate::introspect::{QUERIES, SESSION_SETTINGS};

/// Verifies every derived type linked into the binary against the database `client` is
/// connected to. The client must not be inside a transaction.
pub fn postgres(client: &mut Client) -> Result<Report, Error> {
    postgres_only(client, &Models::all())
}

/// Verifies the given types only.
pub fn postgres_only(client: &mut Client, models: &Models) -> Result<Report, Error> {
    let schemas = models.schemas();
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    for statement in SESSION_SETTINGS {
        tx.batch_execute(statement)?;
    }
    let mut catalog = Vec::with_capacity(QUERIES.len());
    for q in QUERIES {
        catalog.push(
            tx.query_one(q.sql, &[&schemas])?
                .get::<_, Option<String>>(0),
        );
    }
    tx.rollback()?;
    Ok(models.check(&assemble(catalog)?))
}
