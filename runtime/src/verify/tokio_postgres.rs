//! Verification over `tokio-postgres`.

use ::tokio_postgres::{Client, IsolationLevel};

use super::{Error, Models, Report, assemble};
use crate::introspect::{QUERIES, SESSION_SETTINGS};

/// Verifies every derived type linked into the binary against the database `client` is
/// connected to. Takes `&mut` because it runs a transaction: no other statement may interleave.
pub async fn tokio_postgres(client: &mut Client) -> Result<Report, Error> {
    tokio_postgres_only(client, &Models::all()).await
}

/// Verifies the given types only.
pub async fn tokio_postgres_only(client: &mut Client, models: &Models) -> Result<Report, Error> {
    let schemas = models.schemas();
    let tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    for statement in SESSION_SETTINGS {
        tx.batch_execute(statement).await?;
    }
    let mut catalog = Vec::with_capacity(QUERIES.len());
    for q in QUERIES {
        let row = tx.query_one(q.sql, &[&schemas]).await?;
        catalog.push(row.get::<_, Option<String>>(0));
    }
    tx.rollback().await?;
    Ok(models.check(&assemble(catalog)?))
}
