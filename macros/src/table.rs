//! `#[derive(Table)]`: attributes → model → checks against the snapshot → generated code.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use schemalock_runtime::check::derive::fact_flags;
use schemalock_runtime::check::{self, At, FieldType, TableCheck};
use schemalock_runtime::ident;
use schemalock_runtime::snapshot::Snapshot;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident};

use crate::attr::{self, Container, Member, Position};
use crate::ctxt::Ctxt;
use crate::snapshot;
use crate::typestr;

/// A field that reads a column.
struct Field<'a> {
    ident: &'a Ident,
    /// The field's name without `r#`.
    name: String,
    column: String,
    /// Where a wrong column name is reported: the rename attribute, else the field's name.
    column_span: Span,
    ty: &'a syn::Type,
    /// The type the driver decodes (`try_from` or the field's), lifetimes made `'static`.
    check_ty: syn::Type,
    attrs: Member,
}

/// A `#[sqlx(flatten)]` field: its struct reads the same table.
struct Flattened<'a> {
    ident: &'a Ident,
    ty: syn::Type,
}

struct Model<'a> {
    input: &'a DeriveInput,
    attrs: Container,
    schema: String,
    table: String,
    fields: Vec<Field<'a>>,
    flattened: Vec<Flattened<'a>>,
    krate: syn::Path,
}

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let model = parse(&cx, input)?;
    let loaded = snapshot::load(model.attrs.snapshot.as_ref(), input.ident.span());
    let (checks, track) = match loaded {
        Ok(loaded) => (check(&cx, &model, &loaded.snapshot), loaded.track),
        Err(err) => {
            cx.syn_error(err);
            (TokenStream::new(), TokenStream::new())
        }
    };
    let generated = generate(&model, checks, track);
    Ok(cx.finish(generated))
}

fn parse<'a>(cx: &Ctxt, input: &'a DeriveInput) -> syn::Result<Model<'a>> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "`#[derive(Table)]` expects a struct with named fields; for a PostgreSQL enum use `#[derive(PgEnum)]`",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            data.fields.span(),
            "`#[derive(Table)]` expects named fields, found a tuple or unit struct; name each field after its column",
        ));
    };
    if let Some(param) = input.generics.type_params().next() {
        return Err(syn::Error::new_spanned(
            param,
            "`#[derive(Table)]` does not support generic type parameters; a model's column types must be known when it is checked",
        ));
    }
    if let Some(param) = input.generics.const_params().next() {
        return Err(syn::Error::new_spanned(
            param,
            "`#[derive(Table)]` does not support const parameters",
        ));
    }

    let attrs = attr::container(cx, &input.attrs, Position::Table);
    let schema = attrs
        .schema
        .as_ref()
        .map_or_else(|| "public".to_owned(), syn::LitStr::value);
    let table = attrs.name.as_ref().map_or_else(
        || heck::ToSnakeCase::to_snake_case(input.ident.to_string().as_str()),
        |n| n.value.clone(),
    );
    let krate = attrs
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::schemalock));

    let mut fields = Vec::new();
    let mut flattened = Vec::new();
    for f in &named.named {
        let ident = f.ident.as_ref().expect("named fields have idents");
        let m = attr::member(cx, &f.attrs, Position::Field);
        if m.skip {
            continue;
        }
        if m.flatten {
            flattened.push(Flattened {
                ident,
                ty: typestr::with_static_lifetimes(&f.ty),
            });
            continue;
        }
        let name = ident.to_string().trim_start_matches("r#").to_owned();
        let (column, column_span) = match &m.rename {
            Some(r) => (r.value.clone(), r.span),
            None => (
                attrs
                    .rename_all
                    .map_or_else(|| name.clone(), |(rule, _)| rule.apply(&name)),
                ident.span(),
            ),
        };
        let check_ty = typestr::with_static_lifetimes(m.try_from.as_ref().unwrap_or(&f.ty));
        fields.push(Field {
            ident,
            name,
            column,
            column_span,
            ty: &f.ty,
            check_ty,
            attrs: m,
        });
    }
    Ok(Model {
        input,
        attrs,
        schema,
        table,
        fields,
        flattened,
        krate,
    })
}

/// Runs the engine, reports its findings on the right tokens, and returns the per-field `const`
/// checks the compiler evaluates (types need the compiler: only it knows their impls).
fn check(cx: &Ctxt, model: &Model<'_>, snapshot: &Snapshot) -> TokenStream {
    let rust_types: Vec<String> = model
        .fields
        .iter()
        .map(|f| typestr::display(f.attrs.try_from.as_ref().unwrap_or(f.ty)))
        .collect();
    let pg_types: Vec<Option<String>> = model
        .fields
        .iter()
        .map(|f| f.attrs.pg_type.as_ref().map(syn::LitStr::value))
        .collect();
    let rust_name = model.input.ident.to_string();
    let engine_model = check::Model {
        rust_name: &rust_name,
        schema: &model.schema,
        table: &model.table,
        fields: model
            .fields
            .iter()
            .zip(rust_types.iter().zip(&pg_types))
            .map(|(f, (rust, pg_type))| check::Field {
                name: &f.name,
                column: &f.column,
                ty: match pg_type {
                    Some(pg_type) => FieldType::Declared {
                        pg_type,
                        nullable: typestr::is_option(f.ty),
                        rust,
                    },
                    None => FieldType::Deferred,
                },
            })
            .collect(),
        insertable: model.attrs.insertable,
        exhaustive: model.attrs.exhaustive,
        partial: !model.flattened.is_empty(),
    };
    let checked = TableCheck::run(snapshot, &engine_model);
    for finding in &checked.findings {
        let span = match finding.at {
            At::Field(i) => {
                let field = &model.fields[i];
                if finding.kind == check::Kind::ColumnMissing {
                    // `#[sqlx(default)]`: the driver reads a missing column as the default.
                    if field.attrs.sqlx_default || model.attrs.sqlx_default {
                        continue;
                    }
                    field.column_span
                } else {
                    field.ty.span()
                }
            }
            At::Name | At::Schema | At::Item | At::Variant(_) => {
                model.attrs.span_of(finding.at, model.input.ident.span())
            }
        };
        cx.error_at(span, &finding.message);
    }
    let Some(relation) = &checked.relation else {
        return TokenStream::new();
    };

    // Inside the generated `const _` block, `__sl` is the private module and `__M` the model's
    // metadata (see `generate`). The facts of every checked column go in one array; each field
    // gets a `const` calling `require`, which builds a message only when the field does not fit,
    // and is `#[track_caller]`, so the compiler's error lands on that field.
    let mut facts = Vec::new();
    let mut out = TokenStream::new();
    for (i, (field, column)) in model.fields.iter().zip(&checked.columns).enumerate() {
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
            const __F: &[__sl::ColumnFacts<&'static str>] = &[#(#facts),*];
        });
    }

    let (what, qualified) = (relation.what, &relation.qualified);
    let (schema, table_name) = (&model.schema, &model.table);
    for part in &model.flattened {
        let ty = &part.ty;
        let field = part.ident.to_string();
        let rust = typestr::display(ty);
        out.extend(quote_spanned! {ty.span()=>
            const _: () = {
                let verdict = __sl::check_flatten(
                    <#ty as __sl::Table>::META, #rust, #field, #schema, #table_name,
                );
                if verdict.failed() {
                    ::core::panic!("{}", verdict.as_str());
                }
            };
        });
    }
    if !model.flattened.is_empty() {
        let columns = relation.columns.iter().map(|c| {
            let (name, required) = (c.name, c.required);
            quote!(__sl::TableColumn { name: #name, required: #required })
        });
        let columns = quote!(&[#(#columns),*]);
        let own: Vec<&str> = model.fields.iter().map(|f| f.column.as_str()).collect();
        let parts: Vec<&syn::Type> = model.flattened.iter().map(|p| &p.ty).collect();
        let rust_name = model.input.ident.to_string();
        for (enabled, rule) in [
            (model.attrs.insertable, quote!(Insertable)),
            (model.attrs.exhaustive, quote!(Exhaustive)),
        ] {
            if !enabled {
                continue;
            }
            out.extend(quote_spanned! {model.input.ident.span()=>
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
    }
    out
}

/// The struct with every lifetime parameter `'static`, nameable from a `const`.
fn static_self(model: &Model<'_>) -> TokenStream {
    let ident = &model.input.ident;
    let static_args = model.input.generics.lifetimes().map(|_| quote!('static));
    quote!(#ident<#(#static_args),*>)
}

fn generate(model: &Model<'_>, checks: TokenStream, track: TokenStream) -> TokenStream {
    let krate = &model.krate;
    let ident = &model.input.ident;
    let (impl_generics, ty_generics, where_clause) = model.input.generics.split_for_impl();
    let static_self = static_self(model);

    let schema = &model.schema;
    let table = &model.table;
    let rust_name = ident.to_string();
    let (insertable, exhaustive) = (model.attrs.insertable, model.attrs.exhaustive);
    let columns = model.fields.iter().map(|f| {
        let field = &f.name;
        let column = &f.column;
        let rust = typestr::display(f.attrs.try_from.as_ref().unwrap_or(f.ty));
        let ty = &f.check_ty;
        // The mapping type: the field's, `try_from`'s, or `JsonColumn` for `#[sqlx(json)]`.
        // Named once, so a type without a mapping is one error.
        let mapped = match f.attrs.json {
            Some(nullable) if nullable || typestr::is_option(f.ty) => {
                quote!(::core::option::Option<__sl::JsonColumn>)
            }
            Some(_) => quote!(__sl::JsonColumn),
            None => quote!(#ty),
        };
        match &f.attrs.pg_type {
            Some(pg) => {
                let nullable = typestr::is_option(f.ty);
                quote!(__sl::ColumnMeta::declared(#field, #column, #rust, #pg, #nullable))
            }
            None => quote! {
                __sl::ColumnMeta::mapped(
                    #field, #column, #rust, &<#mapped as __sl::PgCompatible>::MAPPING,
                )
            },
        }
    });
    let flattened = model.flattened.iter().map(|p| {
        let ty = &p.ty;
        quote!(<#ty as __sl::Table>::META)
    });

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

            const __M: &__sl::TableMeta = <#static_self as __sl::Table>::META;
            #track
            #checks
            __sl::inventory::submit! {
                __sl::Registration::Table(__M)
            }
        };
    }
}
