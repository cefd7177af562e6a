//! `sql!` and `sql_as!`: parse the arguments (`args`) → load the snapshot as the derives do
//! (`crate::snapshot`, one parse per compiler process, shared with them) → check the statement
//! with the statement engine (`check`) → expand (`crate::expand::statement`): the literal itself,
//! after a `const` block that registers the statement for startup verification and, for
//! `sql_as!`, has the compiler compare the row type's fields with the result columns.

mod args;
mod check;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;
use crate::expand::statement as expand;
use crate::snapshot;

pub use args::{Sql, SqlAs};

/// `sql!`.
pub fn sql(input: Sql) -> TokenStream {
    run(&input.options, &input.sql, None)
}

/// `sql_as!`.
pub fn sql_as(input: SqlAs) -> TokenStream {
    run(&input.options, &input.sql, Some(&input.row))
}

fn run(options: &args::Options, sql: &syn::LitStr, row: Option<&syn::Type>) -> TokenStream {
    let cx = Ctxt::new();
    // A statement may name any table, so it reads the whole snapshot (parsed once per process).
    let loaded = snapshot::load(options.snapshot.as_ref(), sql.span()).and_then(|loaded| {
        let full = loaded
            .snapshot
            .full()
            .map_err(|e| Some(syn::Error::new(sql.span(), e.to_string())))?;
        Ok((full, loaded.track))
    });
    let inner = match loaded {
        Ok((full, track)) => {
            let analysis = check::statement(&cx, sql, &full, options.search_path());
            let checked = expand::checked(&options.krate(), sql, &analysis, row);
            quote!(#track #checked)
        }
        // Already reported by another derive or statement of this crate.
        Err(None) => TokenStream::new(),
        Err(Some(err)) => {
            cx.syn_error(err);
            TokenStream::new()
        }
    };
    let inner = cx.finish(inner);
    quote!({ #inner #sql })
}
