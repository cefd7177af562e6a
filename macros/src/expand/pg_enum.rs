//! `#[derive(PgEnum)]`'s code: `PgCompatible` (the enum accepts its enum type), `PgEnum` and
//! its metadata, and the registration.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast;

pub fn generate(model: &ast::PgEnum<'_>, track: TokenStream) -> TokenStream {
    let item = &model.item;
    let krate = &item.krate;
    let private = quote!(#krate::__private);
    let ident = &item.input.ident;
    let rust_name = item.rust_name();
    let (schema, type_name) = (&item.schema, &item.name);
    let exhaustive = item.attrs.exhaustive;
    let pairs = model.variants.iter().map(|v| {
        let variant = v.ident.to_string();
        let label = &v.label;
        quote!((#variant, #label))
    });
    let registration = super::registration(
        &private,
        quote!(#private::Registration::Enum(<#ident as #private::PgEnum>::META)),
    );
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
            #registration
        };
    }
}
