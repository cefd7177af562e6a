//! `#[derive(Table)]`'s code: the `Table` impl and its metadata, the column-name constants, the
//! compile-time checks the engine leaves to the compiler, and the registration.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use schemalock_runtime::check::TableCheck;
use schemalock_runtime::check::derive::fact_flags;
use schemalock_runtime::ident;
use schemalock_runtime::types::{Nullability, rule};
use syn::spanned::Spanned;

use crate::ast::ty::Decided;
use crate::ast::{self, Field};

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
    // A field's doc says only what its name does not: a field named as its column, which SQL
    // takes unquoted, has none (500 models' worth of such docs cost about 40 ms of `cargo check`;
    // BENCHMARKS.md, "Issue 11, third round").
    let column_fields = model.fields.iter().map(|f| {
        let id = f.ident;
        let sql = ident::quote_ident(&f.column);
        if sql == id.to_string().trim_start_matches("r#") {
            return quote!(pub #id: &'static str);
        }
        let doc = format!("Column `{}`, as SQL: `{sql}`", f.column);
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
    let struct_doc = format!(
        "Column names of `{rust_name}` as SQL needs them, one field per mapped field (a field \
         named as its column, unquoted, holds that name)."
    );

    let registration = super::registration(&quote!(__sl), quote!(__sl::Registration::Table(__M)));
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
                // The inherent constants hold the values: naming them here is what keeps
                // `dead_code` quiet about them without an `allow` (which a crate's
                // `#![forbid(dead_code)]` rejects).
                const TABLE: &'static str = <#ident #ty_generics>::TABLE;
                const COLUMN_LIST: &'static str = <#ident #ty_generics>::COLUMN_LIST;
                type Columns = #columns_struct;
                const COLUMNS: #columns_struct = <#ident #ty_generics>::COLUMNS;
            }

            // No derives: 500 models would otherwise cost as much as 500 plain structs again.
            #[doc = #struct_doc]
            pub struct #columns_struct {
                #(#column_fields,)*
            }

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
            #registration
        };
    }
}

/// A field's `ColumnMeta`. A type the derive decided is recorded as a `Mapping` literal, so the
/// compiler never selects its impl; any other type (`try_from`'s, or the field's) is named once,
/// in `<T as PgCompatible>::MAPPING`, so a type without a mapping is one error.
pub(super) fn column_meta(f: &Field<'_>) -> TokenStream {
    let (field, column, rust) = (&f.name, &f.column, &f.rust);
    let ty = &f.check_ty;
    if let Some(pg) = &f.attrs.pg_type {
        let nullable = ast::ty::is_option(f.ty);
        return quote!(__sl::ColumnMeta::declared(#field, #column, #rust, #pg, #nullable));
    }
    match &f.decided {
        Decided::Known {
            tokens, nullable, ..
        } => quote!(__sl::ColumnMeta::known(#field, #column, #rust, &#tokens, #nullable)),
        // Reported by the derive; the build fails on that error alone.
        Decided::Unmappable { .. } => quote!(__sl::ColumnMeta::known(
            #field, #column, #rust, &__sl::Accepts::Types(&[]), false
        )),
        Decided::Compiler => quote!(__sl::ColumnMeta::mapped(
            #field, #column, #rust, &<#ty as __sl::PgCompatible>::MAPPING
        )),
    }
}

/// The checks left to the compiler, from what the engine resolved. Inside the generated
/// `const _` block, `__sl` is the private module and `__M` the model's metadata.
///
/// Only fields whose type the derive could not name get one: the facts of their columns go in one
/// array, and each such field gets a trait of its own carrying the derive's message in
/// `#[diagnostic::on_unimplemented]`, implemented for `Fits<true>` alone, and a constant that
/// names it for `Fits<{ type_fits(..) }>`. A field that does not fit is then a trait error on the
/// field, in the derive's words. The nullability check is emitted only for a nullable column
/// read by a type not written as an `Option`.
fn checks(model: &ast::Table<'_>, checked: &TableCheck<'_>) -> TokenStream {
    let Some(relation) = &checked.relation else {
        return TokenStream::new();
    };
    let mut out = TokenStream::new();
    for (field, column) in model.fields.iter().zip(&checked.columns) {
        // A missing column was reported; the engine checked `pg_type` and decided types.
        let Some(f) = column.as_ref().filter(|_| {
            field.attrs.pg_type.is_none() && matches!(field.decided, Decided::Compiler)
        }) else {
            continue;
        };
        let flags = fact_flags(&f.ty, f.nullability);
        let (q, d, ts, tn) = (&f.qualified, &f.display, &f.ty.schema, &f.ty.name);
        // The type's mapping and the column's facts alone: the condition never evaluates the
        // model's metadata, so each check is one small constant.
        let mapping = {
            let ty = &field.check_ty;
            quote!(&<#ty as __sl::PgCompatible>::MAPPING)
        };
        let facts = quote!(&__sl::facts(#q, #d, #ts, #tn, #flags));
        let span = field.ident.span();
        let view = f.as_ref();
        let (message, label, note) = rule::deferred_type_message(&view, &field.rust);
        let name = &field.name;
        out.extend(fits_check(
            span,
            format_ident!("{name}_column_type_fits"),
            (&message, &label, &note),
            quote!(__sl::type_fits(#mapping, #facts)),
        ));
        if view.nullability == Nullability::Nullable && !ast::ty::is_option(field.ty) {
            let message = rule::nullability_message(&f.qualified, &field.rust);
            let label = format!("`{}` cannot hold NULL", field.rust);
            let note = format!(
                "if `{}` can hold NULL, its `PgCompatible` impl says so with `const NULLABLE: bool = true`",
                field.rust
            );
            out.extend(fits_check(
                span,
                format_ident!("{name}_column_nullability_fits"),
                (&message, &label, &note),
                quote!(__sl::null_fits(#mapping, #facts)),
            ));
        }
    }

    let item = &model.item;
    let (what, qualified) = (relation.what, &relation.qualified);
    let (schema, table) = (&item.schema, &item.name);
    for part in &model.flattened {
        let ty = &part.ty;
        let field = part.ident.to_string();
        let rust = ast::ty::display(ty);
        let qualified_here = ident::qualified(schema, table);
        let message = format!(
            "flattened field `{field}` has type `{rust}`, which reads another table than `{qualified_here}`, the table of this model"
        );
        let label = format!("`{rust}` reads another table");
        let note = format!(
            "give `{rust}` `#[schemalock(table = \"{table}\")]`, or flatten a part that reads `{qualified_here}`"
        );
        out.extend(fits_check(
            ty.span(),
            format_ident!("{field}_reads_this_table"),
            (&message, &label, &note),
            quote!(__sl::check_flatten(<#ty as __sl::Table>::META, #rust, #field, #schema, #table).is_ok()),
        ));
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
    let part_names: Vec<String> = parts
        .iter()
        .map(|p| format!("`{}`", ast::ty::display(p)))
        .collect();
    let rust_name = item.rust_name();
    for (enabled, rule, name, needs) in [
        (
            item.attrs.insertable,
            quote!(Insertable),
            "insertable",
            "every NOT NULL column without a default",
        ),
        (
            item.attrs.exhaustive,
            quote!(Exhaustive),
            "exhaustive",
            "every column",
        ),
    ] {
        if !enabled {
            continue;
        }
        // The columns the struct's own fields leave to its parts; the compiler knows which the
        // parts read.
        let left: Vec<&str> = relation
            .columns
            .iter()
            .filter(|c| (name == "exhaustive" || c.required) && !own.contains(&c.name))
            .map(|c| c.name)
            .collect();
        let columns_left = match left.as_slice() {
            [one] => format!("column `{one}`"),
            left => format!("some of columns {}", schemalock_runtime::text::one_of(left)),
        };
        let message = format!(
            "{name} model `{rust_name}` has no field, here or in {}, for {columns_left} of {what} `{qualified}`",
            part_names.join(" or "),
        );
        let label = format!("{name} models need a field for {needs}");
        let note = if name == "insertable" {
            "add fields for the NOT NULL columns without a default that no part reads".to_owned()
        } else {
            "add fields for the columns no part reads, or drop `exhaustive`".to_owned()
        };
        out.extend(fits_check(
            item.input.ident.span(),
            format_ident!("{name}_model_covers_its_columns"),
            (&message, &label, &note),
            quote!(__sl::check_coverage(
                __sl::Rule::#rule, #rust_name, #what, #qualified, #columns,
                &[#(#own),*], &[#(<#parts as __sl::Table>::META),*],
            ).is_ok()),
        ));
    }
    out
}

/// One condition the compiler checks, as a trait error in the derive's words when it is false.
fn fits_check(
    span: proc_macro2::Span,
    trait_name: proc_macro2::Ident,
    (message, label, note): (&str, &str, &str),
    condition: TokenStream,
) -> TokenStream {
    let trait_name = proc_macro2::Ident::new(&trait_name.to_string(), span);
    quote_spanned! {span=>
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        #[allow(non_camel_case_types)]
        trait #trait_name {
            const OK: () = ();
        }
        impl #trait_name for __sl::Fits<true> {}
        const _: () = <__sl::Fits<{ #condition }> as #trait_name>::OK;
    }
}
