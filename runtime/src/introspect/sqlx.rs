//! sqlx as a driver of the read (see [`super::read`]); startup verification uses it.

use ::sqlx::{AssertSqlSafe, Error, PgConnection, Postgres};

use super::read::{Connection, Transaction};

impl Connection for PgConnection {
    type Error = Error;
    type Tx<'a> = ::sqlx::Transaction<'a, Postgres>;

    async fn begin(&mut self, setup: &[String]) -> Result<Self::Tx<'_>, Error> {
        // Dropped before it ends, the transaction rolls back, so the connection goes back to a
        // pool clean.
        let mut tx = ::sqlx::Connection::begin(self).await?;
        ::sqlx::raw_sql(AssertSqlSafe(setup.join("; ")))
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

impl Transaction for ::sqlx::Transaction<'_, Postgres> {
    type Error = Error;

    async fn execute(&mut self, sql: &str) -> Result<(), Error> {
        ::sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&mut **self)
            .await?;
        Ok(())
    }

    async fn text(&mut self, sql: &'static str) -> Result<Option<String>, Error> {
        ::sqlx::query_scalar(sql).fetch_one(&mut **self).await
    }

    async fn text_for(
        &mut self,
        sql: &'static str,
        schemas: Option<&[String]>,
    ) -> Result<Option<String>, Error> {
        ::sqlx::query_scalar(sql)
            .bind(schemas)
            .fetch_one(&mut **self)
            .await
    }

    async fn rollback(self) -> Result<(), Error> {
        ::sqlx::Transaction::rollback(self).await
    }
}
