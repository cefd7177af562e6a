//! The generated code, from the item model and what the check resolved. Hygienic: everything
//! sits in a `const _` block or an impl, and names the runtime only through
//! `<crate>::__private`.

mod pg_enum;
mod row;
pub mod statement;
mod table;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, LitStr};

use crate::ast;
use crate::ctxt::Ctxt;
use crate::snapshot::{self, Loaded};

/// `#[derive(Table)]`: parse → check against the snapshot → generated code, every error of the
/// item reported together.
pub fn derive_table(input: &DeriveInput) -> syn::Result<TokenStream> {
    derive::<ast::Table>(input, |cx, model, loaded| {
        let item = &model.item;
        // Only this table is parsed (the whole snapshot when it is missing, for suggestions).
        let snapshot = loaded.and_then(|l| {
            l.snapshot
                .for_table(&item.schema, &item.name)
                .map_err(|e| cx.error_at(item.input.ident.span(), e))
                .ok()
        });
        let checked = snapshot.as_ref().map(|s| crate::check::table(cx, model, s));
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
            let item = &model.item;
            // Every object but the tables is parsed; a missing enum type's error may suggest
            // a table of that name, so it reads the whole snapshot.
            let skeleton = l.snapshot.skeleton();
            let found = skeleton
                .schema(&item.schema)
                .is_some_and(|s| s.enums.contains_key(&item.name));
            match if found {
                Ok(std::sync::Arc::clone(skeleton))
            } else {
                l.snapshot.full()
            } {
                Ok(snapshot) => crate::check::pg_enum(cx, model, &snapshot),
                Err(e) => cx.error_at(item.input.ident.span(), e),
            }
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
        .map_err(|err| err.map(|err| cx.syn_error(err)))
        .ok();
    let generated = expand(&cx, &model, loaded.as_ref());
    Ok(cx.finish(generated))
}

/// The tokens that make cargo rebuild when the snapshot changes, once it loaded.
fn track(loaded: Option<&Loaded>) -> TokenStream {
    loaded.map(|l| l.track.clone()).unwrap_or_default()
}

/// The registration of one model, enum or statement, which startup verification lists
/// (`schemalock_runtime::registry`): on Linux a `#[used]` static in the registry's section, one
/// item for the compiler to check; elsewhere `inventory::submit!`. Both are emitted and `cfg`
/// keeps the target's, so the choice follows the target, not the host the macro runs on; the
/// other is removed before it is expanded. `private` is the path of `__private`.
fn registration(private: &TokenStream, value: TokenStream) -> TokenStream {
    let section = schemalock_runtime::registry::SECTION;
    quote! {
        const __REGISTRATION: #private::Registration = #value;
        #[cfg(target_os = "linux")]
        #[used]
        #[unsafe(link_section = #section)]
        static __REGISTERED: #private::Registration = __REGISTRATION;
        #[cfg(not(target_os = "linux"))]
        #private::inventory::submit! { __REGISTRATION }
    }
}
