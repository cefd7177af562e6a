//! Derives for schemalock. Thin by design: parsing and code generation live here; what a model
//! must satisfy lives in `schemalock-runtime`'s check engine, shared with the CLI and startup
//! verification.
//!
//! Phases, each in its own module: attributes (`attr`, `case`) → model and checks (`table`,
//! `pg_enum`, against the snapshot from `snapshot`) → generated code (same modules' `generate`).
#![forbid(unsafe_code)]

mod attr;
mod case;
mod ctxt;
mod pg_enum;
mod snapshot;
mod table;
mod typestr;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Checks a struct against its table in the schema snapshot at compile time.
///
/// See the `schemalock` crate for the attributes and the checks.
#[proc_macro_derive(Table, attributes(schemalock, sqlx, postgres))]
pub fn derive_table(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    table::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Maps a Rust enum to a PostgreSQL enum type and checks its labels at compile time.
///
/// See the `schemalock` crate for the attributes and the checks.
#[proc_macro_derive(PgEnum, attributes(schemalock, sqlx, postgres))]
pub fn derive_pg_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    pg_enum::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
