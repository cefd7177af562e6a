//! `#[derive(PgEnum)]`: attributes → model → label checks against the snapshot → generated code.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use schemalock_runtime::check::{self, At};
use syn::{Data, DeriveInput, Fields, Ident};

use crate::attr::{self, Container, Position};
use crate::ctxt::Ctxt;
use crate::snapshot;

struct Variant<'a> {
    ident: &'a Ident,
    label: String,
    /// The rename attribute's literal, else the variant's name.
    span: Span,
}

struct Model<'a> {
    input: &'a DeriveInput,
    attrs: Container,
    schema: String,
    type_name: String,
    variants: Vec<Variant<'a>>,
    krate: syn::Path,
}

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let model = parse(&cx, input)?;
    let track = match snapshot::load(model.attrs.snapshot.as_ref(), input.ident.span()) {
        Ok(loaded) => {
            check(&cx, &model, &loaded.snapshot);
            loaded.track
        }
        Err(err) => {
            cx.syn_error(err);
            TokenStream::new()
        }
    };
    let generated = generate(&model, track);
    Ok(cx.finish(generated))
}

fn parse<'a>(cx: &Ctxt, input: &'a DeriveInput) -> syn::Result<Model<'a>> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "`#[derive(PgEnum)]` expects an enum with unit variants; for a table use `#[derive(Table)]`",
        ));
    };
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "`#[derive(PgEnum)]` does not support generic parameters",
        );
    }
    let attrs = attr::container(cx, &input.attrs, Position::Enum);
    let schema = attrs
        .schema
        .as_ref()
        .map_or_else(|| "public".to_owned(), syn::LitStr::value);
    // Like sqlx and postgres-derive: without a name, the type is named as the Rust enum is.
    let type_name = attrs
        .name
        .as_ref()
        .map_or_else(|| input.ident.to_string(), |n| n.value.clone());
    let krate = attrs
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::schemalock));
    let mut variants = Vec::new();
    for v in &data.variants {
        let m = attr::member(cx, &v.attrs, Position::Variant);
        if !matches!(v.fields, Fields::Unit) {
            cx.error_spanned_by(
                &v.fields,
                format!(
                    "variant `{}` has fields, but a PostgreSQL enum label carries no data; make it a unit variant",
                    v.ident
                ),
            );
        }
        let name = v.ident.to_string();
        let (label, span) = match m.rename {
            Some(r) => (r.value, r.span),
            None => (
                attrs
                    .rename_all
                    .map_or_else(|| name.clone(), |(rule, _)| rule.apply(&name)),
                v.ident.span(),
            ),
        };
        variants.push(Variant {
            ident: &v.ident,
            label,
            span,
        });
    }
    Ok(Model {
        input,
        attrs,
        schema,
        type_name,
        variants,
        krate,
    })
}

fn check(cx: &Ctxt, model: &Model<'_>, snapshot: &schemalock_runtime::Snapshot) {
    let variant_names: Vec<String> = model.variants.iter().map(|v| v.ident.to_string()).collect();
    let rust_name = model.input.ident.to_string();
    let engine_model = check::EnumModel {
        rust_name: &rust_name,
        schema: &model.schema,
        type_name: &model.type_name,
        variants: variant_names
            .iter()
            .zip(&model.variants)
            .map(|(name, v)| (name.as_str(), v.label.as_str()))
            .collect(),
    };
    for finding in check::check_enum(snapshot, &engine_model) {
        let span = match finding.at {
            At::Variant(i) => model.variants[i].span,
            At::Name | At::Schema | At::Item | At::Field(_) => {
                model.attrs.span_of(finding.at, model.input.ident.span())
            }
        };
        cx.error_at(span, finding.message);
    }
}

fn generate(model: &Model<'_>, track: TokenStream) -> TokenStream {
    let krate = &model.krate;
    let private = quote!(#krate::__private);
    let ident = &model.input.ident;
    let rust_name = ident.to_string();
    let (schema, type_name) = (&model.schema, &model.type_name);
    let exhaustive = model.attrs.exhaustive;
    let pairs = model.variants.iter().map(|v| {
        let variant = v.ident.to_string();
        let label = &v.label;
        quote!((#variant, #label))
    });
    quote! {
        #[automatically_derived]
        impl #private::PgCompatible for #ident {
            const ACCEPTS: #private::Accepts = #private::Accepts::Enum {
                schema: #schema,
                name: #type_name,
            };
        }

        #[automatically_derived]
        impl #private::PgEnum for #ident {
            const META: &'static #private::EnumMeta = &#private::EnumMeta {
                rust_name: #rust_name,
                module_path: ::core::module_path!(),
                schema: #schema,
                type_name: #type_name,
                variants: &[#(#pairs),*],
                exhaustive: #exhaustive,
            };
        }

        const _: () = {
            #track
            #private::inventory::submit! {
                #private::Registration::Enum(<#ident as #private::PgEnum>::META)
            }
        };
    }
}
