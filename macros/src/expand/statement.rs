//! The code `sql!` and `sql_as!` put before their literal: the statement's registration (startup
//! verification prepares it) and, for `sql_as!`, the row check the compiler evaluates, since only
//! it sees the row type's fields ([`schemalock_runtime::check::row`]).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use schemalock_runtime::check::derive::fact_flags;
use schemalock_runtime::ident;
use schemalock_runtime::statement::{Analysis, ResultColumn, SqlType, StatementKind};
use syn::LitStr;
use syn::spanned::Spanned;

/// A `const _` block holding the registration and, with a row type, the row check.
pub fn checked(
    krate: &syn::Path,
    sql: &LitStr,
    analysis: &Analysis,
    row: Option<&syn::Type>,
) -> TokenStream {
    let preparable = analysis.kind != StatementKind::Utility;
    let row_check = row.map(|row| row_check(row, analysis));
    let registration = super::registration(
        &quote!(__sl),
        quote!(__sl::Registration::Statement(&__sl::StatementMeta {
            sql: #sql,
            file: ::core::file!(),
            line: ::core::line!(),
            column: ::core::column!(),
            preparable: #preparable,
        })),
    );
    quote! {
        const _: () = {
            use #krate::__private as __sl;
            #row_check
            #registration
        };
    }
}

/// The result columns as the row check takes them, and the `const` that runs it, spanned on the
/// row type so the compiler's error names it.
fn row_check(row: &syn::Type, analysis: &Analysis) -> TokenStream {
    let columns = analysis.columns.iter().map(result_column);
    let known = if analysis.columns_known {
        quote!(Complete)
    } else {
        quote!(Partial)
    };
    let row_ty = crate::ast::ty::with_static_lifetimes(row);
    let check = quote_spanned! {row.span()=>
        const _: () = __sl::require_row(<#row_ty as __sl::Row>::ROW, __C, __sl::Columns::#known);
    };
    quote! {
        const __C: &[__sl::ResultColumn] = &[#(#columns),*];
        #check
    }
}

fn result_column(c: &ResultColumn) -> TokenStream {
    let name = &c.name;
    let facts = match &c.ty {
        Some(ty) => {
            let qualified = match &c.origin {
                Some(o) => ident::column(&o.schema, &o.table, &o.column),
                None => c.name.clone(),
            };
            let display = display(ty);
            let flags = fact_flags(&ty.decoded, c.nullability);
            let (schema, tname) = (&ty.decoded.schema, &ty.decoded.name);
            quote!(::core::option::Option::Some(
                __sl::facts(#qualified, #display, #schema, #tname, #flags)
            ))
        }
        None => quote!(::core::option::Option::None),
    };
    quote!(__sl::result_column(#name, #facts))
}

/// How the type reads in a message, as the derives word a column's type.
fn display(ty: &SqlType) -> String {
    let d = &ty.decoded;
    if d.is_enum && !d.array {
        format!("enum `{}`", ident::type_name(&d.schema, &d.name))
    } else {
        format!("`{}`", ty.display)
    }
}
