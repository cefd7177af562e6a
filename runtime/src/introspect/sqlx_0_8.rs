//! sqlx 0.8 as a driver of the read (see [`super::read`]), for services not yet on 0.9: the
//! same statements as [`super::sqlx`], through 0.8's API (no `AssertSqlSafe` there).

use ::sqlx_0_8::{Error, PgConnection, Postgres};

use super::read::{Connection, Transaction};

super::driver::sqlx_driver_error!(Error);

impl Connection for PgConnection {
    type Error = Error;
    type Tx<'a> = ::sqlx_0_8::Transaction<'a, Postgres>;

    async fn begin(&mut self, setup: &[String]) -> Result<Self::Tx<'_>, Error> {
        // Dropped before it ends, the transaction rolls back, so the connection goes back to a
        // pool clean.
        let mut tx = ::sqlx_0_8::Connection::begin(self).await?;
        let setup = setup.join("; ");
        ::sqlx_0_8::raw_sql(&setup).execute(&mut *tx).await?;
        Ok(tx)
    }
}

impl Transaction for ::sqlx_0_8::Transaction<'_, Postgres> {
    type Error = Error;

    async fn execute(&mut self, sql: &str) -> Result<(), Error> {
        ::sqlx_0_8::raw_sql(sql).execute(&mut **self).await?;
        Ok(())
    }

    async fn text(&mut self, sql: &'static str) -> Result<Option<String>, Error> {
        ::sqlx_0_8::query_scalar(sql).fetch_one(&mut **self).await
    }

    async fn text_for(
        &mut self,
        sql: &'static str,
        schemas: Option<&[String]>,
    ) -> Result<Option<String>, Error> {
        ::sqlx_0_8::query_scalar(sql)
            .bind(schemas)
            .fetch_one(&mut **self)
            .await
    }

    async fn rollback(self) -> Result<(), Error> {
        ::sqlx_0_8::Transaction::rollback(self).await
    }
}
