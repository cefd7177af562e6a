//! Verification over the `postgres` crate's blocking client.

use ::postgres::Client;

use super::{Error, Models, Options, Report, verify};
use crate::introspect::postgres::Blocking;
use crate::introspect::read::ready;

entry_points! {
    /// Against the database `client` is connected to; the client must not be inside a
    /// transaction.
    fn postgres, postgres_only, postgres_with(client: &mut Client) =>
        |client: &mut Client, models: &Models, options: &Options| {
            ready(verify(&mut Blocking::new(client, None), models, options))
        }
}
