//! Verification over `tokio-postgres`.

use ::tokio_postgres::Client;

use super::{Error, Models, Options, Report, verify};

entry_points! {
    /// Against the database `client` is connected to. Takes `&mut` because it runs a
    /// transaction: no other statement may interleave.
    async fn tokio_postgres, tokio_postgres_only, tokio_postgres_with(client: &mut Client) =>
        verify
}
