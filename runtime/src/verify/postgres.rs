//! Verification over the `postgres` crate's blocking client.

use ::postgres::Client;

use super::{Error, Models, Options, Report, verify};
use crate::introspect::postgres::Blocking;
use crate::introspect::read::ready;

/// Verifies every derived type linked into the binary against the database `client` is
/// connected to, with the default [`Options`]. The client must not be inside a transaction.
pub fn postgres(client: &mut Client) -> Result<Report, Error> {
    postgres_only(client, &Models::all())
}

/// Verifies the given types only.
pub fn postgres_only(client: &mut Client, models: &Models) -> Result<Report, Error> {
    postgres_with(client, models, &Options::default())
}

/// Verifies the given types, waiting for locks and statements as `options` says.
pub fn postgres_with(
    client: &mut Client,
    models: &Models,
    options: &Options,
) -> Result<Report, Error> {
    ready(verify(&mut Blocking::new(client, None), models, options))
}
