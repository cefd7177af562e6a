//! Verification over `tokio-postgres`.

use ::tokio_postgres::Client;

use super::{Error, Models, Options, Report, verify};

/// Verifies every derived type linked into the binary against the database `client` is
/// connected to, with the default [`Options`]. Takes `&mut` because it runs a transaction: no
/// other statement may interleave.
pub async fn tokio_postgres(client: &mut Client) -> Result<Report, Error> {
    tokio_postgres_only(client, &Models::all()).await
}

/// Verifies the given types only.
pub async fn tokio_postgres_only(client: &mut Client, models: &Models) -> Result<Report, Error> {
    tokio_postgres_with(client, models, &Options::default()).await
}

/// Verifies the given types, waiting for locks and statements as `options` says.
pub async fn tokio_postgres_with(
    client: &mut Client,
    models: &Models,
    options: &Options,
) -> Result<Report, Error> {
    verify(client, models, options).await
}
