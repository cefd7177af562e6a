//! `#[derive(Row)]`'s code, and the `Row` impl `#[derive(Table)]` adds: the fields a statement's
//! result columns are read into, which `sql_as!` checks ([`schemalock_runtime::check::row`]).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{self, Field, Flattened, Item};

/// `#[derive(Row)]`: the `Row` impl, its fields' metadata built as the `Table` derive builds it.
pub fn generate(model: &ast::Row<'_>) -> TokenStream {
    let model = &model.0;
    let krate = &model.item.krate;
    let columns = model.fields.iter().map(super::table::column_meta);
    let imp = row_impl(
        &model.item,
        quote!(&[#(#columns),*]),
        &model.fields,
        &model.flattened,
    );
    quote! {
        const _: () = {
            use #krate::__private as __sl;
            #imp
        };
    }
}

/// `impl Row`, with `columns` the expression of its `&'static [ColumnMeta]`. Inside a block
/// where `__sl` is the private module.
pub fn row_impl(
    item: &Item<'_>,
    columns: TokenStream,
    fields: &[Field<'_>],
    flattened: &[Flattened<'_>],
) -> TokenStream {
    let ident = &item.input.ident;
    let (impl_generics, ty_generics, where_clause) = item.input.generics.split_for_impl();
    let rust_name = item.rust_name();
    let parts = flattened.iter().map(|p| {
        let ty = &p.ty;
        quote!(<#ty as __sl::Row>::ROW)
    });
    let defaulted = fields
        .iter()
        .filter(|f| f.attrs.sqlx_default || item.attrs.sqlx_default)
        .map(|f| &f.column);
    quote! {
        #[automatically_derived]
        impl #impl_generics __sl::Row for #ident #ty_generics #where_clause {
            const ROW: &'static __sl::RowMeta = &__sl::RowMeta {
                rust_name: #rust_name,
                columns: #columns,
                flattened: &[#(#parts),*],
                defaulted: &[#(#defaulted),*],
            };
        }
    }
}
