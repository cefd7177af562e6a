//! Verification over sqlx: through a pool of sqlx 0.9 (feature `sqlx`) or 0.8 (feature
//! `sqlx-0_8`), on one connection taken from it for the duration; or on a 0.9 connection.

use super::{Error, Models, Options, Report, verify};

/// A sqlx pool schemalock can verify through: `sqlx::PgPool` of sqlx 0.9 (feature `sqlx`) or of
/// sqlx 0.8 (feature `sqlx-0_8`), so [`sqlx()`]`(&pool)` takes either. Sealed.
pub trait SqlxPool: sealed::Sealed {
    #[doc(hidden)]
    fn verify_on_one<'a>(
        &'a self,
        models: &'a Models,
        options: &'a Options,
    ) -> impl Future<Output = Result<Report, Error>> + 'a;
}

/// The future of [`sqlx`] over a 0.9 pool is `Send` (a health check in a multi-threaded server
/// awaits it): the impl's future is, and a caller with a concrete pool sees through to it.
#[cfg(all(test, feature = "sqlx"))]
#[allow(dead_code)]
fn sqlx_0_9_future_is_send(pool: &::sqlx::PgPool) {
    fn send<T: Send>(_: T) {}
    send(sqlx(pool));
}

mod sealed {
    pub trait Sealed {}
}

#[cfg(feature = "sqlx")]
mod v0_9 {
    use super::*;

    impl From<::sqlx::Error> for Error {
        fn from(e: ::sqlx::Error) -> Self {
            Error::Sqlx(e)
        }
    }

    impl sealed::Sealed for ::sqlx::PgPool {}

    impl SqlxPool for ::sqlx::PgPool {
        async fn verify_on_one(&self, models: &Models, options: &Options) -> Result<Report, Error> {
            let mut conn = self.acquire().await?;
            verify(&mut *conn, models, options).await
        }
    }

    /// Verifies the given types on a connection (not inside a transaction), with the default
    /// [`Options`].
    pub async fn sqlx_connection(
        conn: &mut ::sqlx::PgConnection,
        models: &Models,
    ) -> Result<Report, Error> {
        verify(conn, models, &Options::default()).await
    }

    /// [`sqlx_connection`] with `options`.
    pub async fn sqlx_connection_with(
        conn: &mut ::sqlx::PgConnection,
        models: &Models,
        options: &Options,
    ) -> Result<Report, Error> {
        verify(conn, models, options).await
    }
}

#[cfg(feature = "sqlx")]
pub use v0_9::{sqlx_connection, sqlx_connection_with};

#[cfg(feature = "sqlx-0_8")]
mod v0_8 {
    use super::*;

    impl From<::sqlx_0_8::Error> for Error {
        fn from(e: ::sqlx_0_8::Error) -> Self {
            Error::Sqlx0_8(e)
        }
    }

    impl sealed::Sealed for ::sqlx_0_8::PgPool {}

    impl SqlxPool for ::sqlx_0_8::PgPool {
        async fn verify_on_one(&self, models: &Models, options: &Options) -> Result<Report, Error> {
            let mut conn = self.acquire().await?;
            verify(&mut *conn, models, options).await
        }
    }
}

entry_points! {
    /// Against the pool's database (sqlx 0.9 or 0.8), on one connection taken from the pool for
    /// the duration.
    async fn sqlx, sqlx_only, sqlx_with(pool: &impl SqlxPool) => sqlx_pool
}

async fn sqlx_pool(
    pool: &impl SqlxPool,
    models: &Models,
    options: &Options,
) -> Result<Report, Error> {
    pool.verify_on_one(models, options).await
}
