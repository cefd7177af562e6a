//! Verification over sqlx.

use ::sqlx::{Connection, PgConnection, PgPool};

use super::{Error, Models, Report, SNAPSHOT_TRANSACTION, assemble};
use crate::introspect::{QUERIES, SESSION_SETTINGS};

impl From<::sqlx::Error> for Error {
    fn from(e: ::sqlx::Error) -> Self {
        Error::Sqlx(e)
    }
}

/// Verifies every derived type linked into the binary against the pool's database, on one
/// connection taken from the pool for the duration.
pub async fn sqlx(pool: &PgPool) -> Result<Report, Error> {
    sqlx_only(pool, &Models::all()).await
}

/// Verifies the given types only.
pub async fn sqlx_only(pool: &PgPool, models: &Models) -> Result<Report, Error> {
    let mut conn = pool.acquire().await?;
    sqlx_connection(&mut conn, models).await
}

/// Verifies the given types on a connection (not inside a transaction).
pub async fn sqlx_connection(conn: &mut PgConnection, models: &Models) -> Result<Report, Error> {
    let schemas = models.schemas();
    // Dropping the transaction on an error rolls it back, so the connection goes back to a pool
    // clean.
    let mut tx = conn.begin().await?;
    ::sqlx::raw_sql(SNAPSHOT_TRANSACTION)
        .execute(&mut *tx)
        .await?;
    for statement in SESSION_SETTINGS {
        ::sqlx::raw_sql(*statement).execute(&mut *tx).await?;
    }
    let mut catalog = Vec::with_capacity(QUERIES.len());
    for q in QUERIES {
        let text: Option<String> = ::sqlx::query_scalar(q.sql)
            .bind(&schemas)
            .fetch_one(&mut *tx)
            .await?;
        catalog.push(text);
    }
    tx.rollback().await?;
    Ok(models.check(&assemble(catalog)?))
}
