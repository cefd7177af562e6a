//! `tokio-postgres` as a driver of the read (see [`super::read`]); startup verification uses it.

use ::tokio_postgres::{Client, Error};

use super::read::{Connection, Transaction};

impl Connection for Client {
    type Error = Error;
    type Tx<'a> = ::tokio_postgres::Transaction<'a>;

    async fn begin(&mut self, setup: &[String]) -> Result<Self::Tx<'_>, Error> {
        // Dropped before it ends, the transaction rolls back.
        let tx = self.transaction().await?;
        tx.batch_execute(&setup.join("; ")).await?;
        Ok(tx)
    }
}

impl Transaction for ::tokio_postgres::Transaction<'_> {
    type Error = Error;

    async fn execute(&mut self, sql: &str) -> Result<(), Error> {
        self.batch_execute(sql).await
    }

    async fn text(&mut self, sql: &'static str) -> Result<Option<String>, Error> {
        Ok(self.query_one(sql, &[]).await?.get(0))
    }

    async fn text_for(
        &mut self,
        sql: &'static str,
        schemas: Option<&[String]>,
    ) -> Result<Option<String>, Error> {
        Ok(self.query_one(sql, &[&schemas]).await?.get(0))
    }

    async fn rollback(self) -> Result<(), Error> {
        ::tokio_postgres::Transaction::rollback(self).await
    }
}
