//! The generated code, from the item model and what the check resolved. Hygienic: everything
//! sits in a `const _` block or an impl, and names the runtime only through
//! `<crate>::__private`.

mod pg_enum;
mod row;
pub mod statement;
mod table;

use proc_macro2::TokenStream;
use syn::{DeriveInput, LitStr};

use crate::ast;
use crate::ctxt::Ctxt;
use crate::snapshot::{self, Loaded};

/// `#[derive(Table)]`: parse → check against the snapshot → generated code, every error of the
/// item reported together.
pub fn derive_table(input: &DeriveInput) -> syn::Result<TokenStream> {
    derive::<ast::Table>(input, |cx, model, loaded| {
        let checked = loaded.map(|l| crate::check::table(cx, model, &l.snapshot));
        table::generate(model, checked.as_ref(), track(loaded))
    })
}

/// `#[derive(Row)]`: parse → generated code. A row reads a statement's result, not a table: no
/// snapshot; `sql_as!` checks it against each statement.
pub fn derive_row(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let model = <ast::Row as ast::Model>::parse(&cx, input)?;
    Ok(cx.finish(row::generate(&model)))
}

/// `#[derive(PgEnum)]`: parse → check against the snapshot → generated code.
pub fn derive_pg_enum(input: &DeriveInput) -> syn::Result<TokenStream> {
    derive::<ast::PgEnum>(input, |cx, model, loaded| {
        if let Some(l) = loaded {
            crate::check::pg_enum(cx, model, &l.snapshot);
        }
        pg_enum::generate(model, track(loaded))
    })
}

/// The phases every derive runs. The code is generated even when the item has errors, so uses
/// of the derived items elsewhere do not add a cascade of unrelated errors to the real ones.
fn derive<'a, M: ast::Model<'a>>(
    input: &'a DeriveInput,
    expand: impl FnOnce(&Ctxt, &M, Option<&Loaded>) -> TokenStream,
) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let model = M::parse(&cx, input)?;
    let explicit: Option<&LitStr> = model.item().attrs.snapshot.as_ref();
    let loaded = snapshot::load(explicit, input.ident.span())
        .map_err(|err| cx.syn_error(err))
        .ok();
    let generated = expand(&cx, &model, loaded.as_ref());
    Ok(cx.finish(generated))
}

/// The tokens that make cargo rebuild when the snapshot changes, once it loaded.
fn track(loaded: Option<&Loaded>) -> TokenStream {
    loaded.map(|l| l.track.clone()).unwrap_or_default()
}
