//! `#[derive(Table)]`'s code: the `Table` impl and its metadata, the column-name constants, the
//! compile-time checks the engine leaves to the compiler, and the registration.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use schemalock_runtime::check::TableCheck;
use schemalock_runtime::check::derive::fact_flags;
use schemalock_runtime::ident;
use syn::spanned::Spanned;

use crate::ast::{self, Field};
use crate::attr::Json;

pub fn generate(
    model: &ast::Table<'_>,
    checked: Option<&TableCheck<'_>>,
    track: TokenStream,
) -> TokenStream {
    let item = &model.item;
    let krate = &item.krate;
    let ident = &item.input.ident;
    let (impl_generics, ty_generics, where_clause) = item.input.generics.split_for_impl();
    let static_args = item.input.generics.lifetimes().map(|_| quote!('static));
    let static_self = quote!(#ident<#(#static_args),*>);

    let (schema, table) = (&item.schema, &item.name);
    let rust_name = item.rust_name();
    let (insertable, exhaustive) = (item.attrs.insertable, item.attrs.exhaustive);
    let columns = model.fields.iter().map(column_meta);
    let flattened = model.flattened.iter().map(|p| {
        let ty = &p.ty;
        quote!(<#ty as __sl::Table>::META)
    });
    let checks = checked.map(|c| checks(model, c)).unwrap_or_default();
    let row = super::row::row_impl(item, quote!(__M.columns), &model.fields, &model.flattened);

    let columns_struct = format_ident!("{}Columns", ident);
    let column_fields = model.fields.iter().map(|f| {
        let id = f.ident;
        let doc = format!(
            "Column `{}`, as SQL: `{}`",
            f.column,
            ident::quote_ident(&f.column)
        );
        quote!(#[doc = #doc] pub #id: &'static str)
    });
    let column_values = model.fields.iter().map(|f| {
        let id = f.ident;
        let column = ident::quote_ident(&f.column);
        quote!(#id: #column)
    });
    let column_list = model
        .fields
        .iter()
        .map(|f| ident::quote_ident(&f.column))
        .collect::<Vec<_>>()
        .join(", ");
    let qualified_table = ident::qualified(schema, table);
    let struct_doc = format!("Column names of `{rust_name}`, one field per mapped field.");

    quote! {
        const _: () = {
            use #krate::__private as __sl;

            #[automatically_derived]
            impl #impl_generics __sl::Table for #ident #ty_generics #where_clause {
                const META: &'static __sl::TableMeta = &__sl::TableMeta {
                    rust_name: #rust_name,
                    module_path: ::core::module_path!(),
                    schema: #schema,
                    table: #table,
                    columns: &[#(#columns),*],
                    flattened: &[#(#flattened),*],
                    insertable: #insertable,
                    exhaustive: #exhaustive,
                };
            }

            // No derives: 500 models would otherwise cost as much as 500 plain structs again.
            #[doc = #struct_doc]
            pub struct #columns_struct {
                #(#column_fields,)*
            }

            #[automatically_derived]
            #[allow(dead_code)]
            impl #impl_generics #ident #ty_generics #where_clause {
                /// Column names written as SQL needs them (quoted where PostgreSQL requires), for
                /// hand-written SQL: a renamed column breaks the build at each use.
                pub const COLUMNS: #columns_struct = #columns_struct { #(#column_values,)* };
                /// The table, schema-qualified outside `public`, quoted where SQL needs it.
                pub const TABLE: &'static str = #qualified_table;
                /// Every mapped column, comma-separated, for `SELECT` lists.
                pub const COLUMN_LIST: &'static str = #column_list;
            }

            #row

            const __M: &__sl::TableMeta = <#static_self as __sl::Table>::META;
            #track
            #checks
            __sl::inventory::submit! {
                __sl::Registration::Table(__M)
            }
        };
    }
}

/// A field's `ColumnMeta`. The mapping type (the field's, `try_from`'s, or `JsonColumn` for
/// `#[sqlx(json)]`) is named once, so a type without a mapping is one error.
pub(super) fn column_meta(f: &Field<'_>) -> TokenStream {
    let (field, column, rust) = (&f.name, &f.column, &f.rust);
    let nullable = ast::ty::is_option(f.ty);
    let ty = &f.check_ty;
    let mapped = match f.attrs.json {
        Some(Json::Nullable) => quote!(::core::option::Option<__sl::JsonColumn>),
        Some(Json::AsField) if nullable => quote!(::core::option::Option<__sl::JsonColumn>),
        Some(Json::AsField) => quote!(__sl::JsonColumn),
        None => quote!(#ty),
    };
    match &f.attrs.pg_type {
        Some(pg) => quote!(__sl::ColumnMeta::declared(#field, #column, #rust, #pg, #nullable)),
        None => quote! {
            __sl::ColumnMeta::mapped(
                #field, #column, #rust, &<#mapped as __sl::PgCompatible>::MAPPING,
            )
        },
    }
}

/// The checks the compiler evaluates, from what the engine resolved. Inside the generated
/// `const _` block, `__sl` is the private module and `__M` the model's metadata. The facts of
/// every checked column go in one array; each field gets a `const` calling `require`, which
/// builds a message only when the field does not fit, and is `#[track_caller]`, so the
/// compiler's error lands on that field.
fn checks(model: &ast::Table<'_>, checked: &TableCheck<'_>) -> TokenStream {
    let Some(relation) = &checked.relation else {
        return TokenStream::new();
    };
    let mut facts = Vec::new();
    let mut out = TokenStream::new();
    for (i, (field, column)) in model.fields.iter().zip(&checked.columns).enumerate() {
        // A missing column was reported; a `pg_type` field was checked by the engine.
        let Some(f) = column.as_ref().filter(|_| field.attrs.pg_type.is_none()) else {
            continue;
        };
        let flags = fact_flags(&f.ty, f.nullability);
        let (q, d, ts, tn) = (&f.qualified, &f.display, &f.ty.schema, &f.ty.name);
        let j = facts.len();
        facts.push(quote!(__sl::facts(#q, #d, #ts, #tn, #flags)));
        // The field's name: a type's span covers only its first token on stable Rust.
        out.extend(quote_spanned! {field.ident.span()=>
            const _: () = __sl::require(&__M.columns[#i], &__F[#j]);
        });
    }
    if !facts.is_empty() {
        out.extend(quote! {
            const __F: &[__sl::Facts] = &[#(#facts),*];
        });
    }

    let item = &model.item;
    let (what, qualified) = (relation.what, &relation.qualified);
    let (schema, table) = (&item.schema, &item.name);
    for part in &model.flattened {
        let ty = &part.ty;
        let field = part.ident.to_string();
        let rust = ast::ty::display(ty);
        out.extend(quote_spanned! {ty.span()=>
            const _: () = {
                let verdict = __sl::check_flatten(
                    <#ty as __sl::Table>::META, #rust, #field, #schema, #table,
                );
                if verdict.failed() {
                    ::core::panic!("{}", verdict.as_str());
                }
            };
        });
    }
    if model.flattened.is_empty() {
        return out;
    }
    // With flattened parts, only the compiler sees every column the model reads.
    let columns = relation.columns.iter().map(|c| {
        let (name, required) = (c.name, c.required);
        quote!(__sl::TableColumn { name: #name, required: #required })
    });
    let columns = quote!(&[#(#columns),*]);
    let own: Vec<&str> = model.fields.iter().map(|f| f.column.as_str()).collect();
    let parts: Vec<&syn::Type> = model.flattened.iter().map(|p| &p.ty).collect();
    let rust_name = item.rust_name();
    for (enabled, rule) in [
        (item.attrs.insertable, quote!(Insertable)),
        (item.attrs.exhaustive, quote!(Exhaustive)),
    ] {
        if !enabled {
            continue;
        }
        out.extend(quote_spanned! {item.input.ident.span()=>
            const _: () = {
                let verdict = __sl::check_coverage(
                    __sl::Rule::#rule, #rust_name, #what, #qualified, #columns,
                    &[#(#own),*], &[#(<#parts as __sl::Table>::META),*],
                );
                if verdict.failed() {
                    ::core::panic!("{}", verdict.as_str());
                }
            };
        });
    }
    out
}
