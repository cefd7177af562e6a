//! writeros, a story-knowledge service: vaults of documents, split into chunks, from which
//! entities, scenes, events and facts are extracted. This crate holds its database models, checked
//! by schemalock against the committed schema snapshot `schemalock.json`, and its hand-written SQL
//! (`queries`), checked against the same snapshot by `sql!` and `sql_as!`.

pub mod models;
pub mod queries;

/// The README's code, compiled by the crate's tests (`cargo test` builds the library with
/// `cfg(test)`), so its models stay out of the service's registry.
#[cfg(test)]
#[rustfmt::skip]
mod readme;

/// The models from before the April migration; they fail to compile, on purpose.
#[cfg(feature = "stale-models")]
pub mod stale;
