//! Verification over sqlx: through a pool (on one connection taken from it for the duration), or
//! on a connection.

use ::sqlx::{PgConnection, PgPool};

use super::{Error, Models, Options, Report, verify};

impl From<::sqlx::Error> for Error {
    fn from(e: ::sqlx::Error) -> Self {
        Error::Sqlx(e)
    }
}

entry_points! {
    /// Against the pool's database, on one connection taken from the pool for the duration.
    async fn sqlx, sqlx_only, sqlx_with(pool: &PgPool) => sqlx_pool
}

/// Verifies the given types on a connection (not inside a transaction), with the default
/// [`Options`].
pub async fn sqlx_connection(conn: &mut PgConnection, models: &Models) -> Result<Report, Error> {
    verify(conn, models, &Options::default()).await
}

/// [`sqlx_connection`] with `options`.
pub async fn sqlx_connection_with(
    conn: &mut PgConnection,
    models: &Models,
    options: &Options,
) -> Result<Report, Error> {
    verify(conn, models, options).await
}

async fn sqlx_pool(pool: &PgPool, models: &Models, options: &Options) -> Result<Report, Error> {
    let mut conn = pool.acquire().await?;
    verify(&mut *conn, models, options).await
}
