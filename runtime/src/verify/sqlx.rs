//! Verification over sqlx.

use ::sqlx::{PgConnection, PgPool};

use super::{Error, Models, Options, Report, verify};

impl From<::sqlx::Error> for Error {
    fn from(e: ::sqlx::Error) -> Self {
        Error::Sqlx(e)
    }
}

/// Verifies every derived type linked into the binary against the pool's database, on one
/// connection taken from the pool for the duration, with the default [`Options`].
pub async fn sqlx(pool: &PgPool) -> Result<Report, Error> {
    sqlx_only(pool, &Models::all()).await
}

/// Verifies the given types only.
pub async fn sqlx_only(pool: &PgPool, models: &Models) -> Result<Report, Error> {
    sqlx_with(pool, models, &Options::default()).await
}

/// Verifies the given types, waiting for locks and statements as `options` says.
pub async fn sqlx_with(pool: &PgPool, models: &Models, options: &Options) -> Result<Report, Error> {
    let mut conn = pool.acquire().await?;
    sqlx_connection_with(&mut conn, models, options).await
}

/// Verifies the given types on a connection (not inside a transaction).
pub async fn sqlx_connection(conn: &mut PgConnection, models: &Models) -> Result<Report, Error> {
    sqlx_connection_with(conn, models, &Options::default()).await
}

/// [`sqlx_connection`] with `options`.
pub async fn sqlx_connection_with(
    conn: &mut PgConnection,
    models: &Models,
    options: &Options,
) -> Result<Report, Error> {
    verify(conn, models, options).await
}
