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
    let inner = match snapshot::load(options.snapshot.as_ref(), sql.span()) {
        Ok(loaded) => {
            let analysis = check::statement(&cx, sql, &loaded.snapshot, options.search_path());
            let checked = expand::checked(&options.krate(), sql, &analysis, row);
            let track = loaded.track;
            quote!(#track #checked)
        }
        Err(err) => {
            cx.syn_error(err);
            TokenStream::new()
        }
    };
    let inner = cx.finish(inner);
    quote!({ #inner #sql })
}
