//! Rust types as text for messages, the small type rewrites the generated code needs, and what a
//! field's type accepts when the derive can name the type with certainty.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use schemalock_runtime::types::{Accepts, known};
use syn::visit_mut::VisitMut;

/// What the derive knows of a field's type from its tokens alone.
pub enum Decided {
    /// A type it names with certainty ([`known`]): what it accepts, whether it holds NULL, and
    /// the tokens of its `Accepts`, naming `__sl::known`'s constants.
    Known {
        accepts: &'static Accepts,
        nullable: bool,
        tokens: TokenStream,
    },
    /// A type with no PostgreSQL type at all (`u32`): the type as written, and why.
    Unmappable { leaf: String, why: &'static str },
    /// Only the compiler knows: an alias, a newtype, an enum, a type imported under a short name.
    Compiler,
}

/// What `ty` accepts, when the derive can tell. Wrappers are read as the runtime's impls read
/// them: `Option` holds NULL, `Vec<u8>` and `[u8]` are `bytea`, other `Vec`s arrays, `&`, `Box`,
/// `Arc`, `Rc` and `Cow` forward. `Option`, `Vec` and the others are taken by name, as serde and
/// sqlx's derives take them.
pub fn decide(ty: &syn::Type) -> Decided {
    match ty {
        syn::Type::Group(g) => decide(&g.elem),
        syn::Type::Paren(p) => decide(&p.elem),
        syn::Type::Reference(r) => decide(&r.elem),
        syn::Type::Slice(s) => array(&s.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let segments: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let path = segments.join("::");
            let last = p.path.segments.last();
            let arg = || {
                let syn::PathArguments::AngleBracketed(args) = &last?.arguments else {
                    return None;
                };
                args.args.iter().find_map(|a| match a {
                    syn::GenericArgument::Type(t) => Some(t),
                    _ => None,
                })
            };
            match path.as_str() {
                "Option" | "std::option::Option" | "core::option::Option" => {
                    match arg().map(decide) {
                        Some(Decided::Known {
                            accepts, tokens, ..
                        }) => Decided::Known {
                            accepts,
                            nullable: true,
                            tokens,
                        },
                        Some(other) => other,
                        None => Decided::Compiler,
                    }
                }
                "Vec" | "std::vec::Vec" | "alloc::vec::Vec" => {
                    arg().map_or(Decided::Compiler, array)
                }
                "Box" | "std::boxed::Box" | "alloc::boxed::Box" | "Arc" | "std::sync::Arc"
                | "alloc::sync::Arc" | "Rc" | "std::rc::Rc" | "alloc::rc::Rc" | "Cow"
                | "std::borrow::Cow" | "alloc::borrow::Cow" => {
                    arg().map_or(Decided::Compiler, decide)
                }
                _ => {
                    if let Some(k) = known::by_path(&path) {
                        let konst = format_ident!("{}", k.konst);
                        return Decided::Known {
                            accepts: k.accepts,
                            nullable: false,
                            tokens: quote!(__sl::known::#konst),
                        };
                    }
                    match known::UNMAPPABLE.iter().find(|(name, _)| *name == path) {
                        Some((leaf, why)) => Decided::Unmappable {
                            leaf: (*leaf).to_owned(),
                            why,
                        },
                        None => Decided::Compiler,
                    }
                }
            }
        }
        _ => Decided::Compiler,
    }
}

/// An array of `elem`, or `bytea` for `u8`.
fn array(elem: &syn::Type) -> Decided {
    match decide(elem) {
        Decided::Known {
            accepts: Accepts::Byte,
            ..
        } => Decided::Known {
            accepts: &known::BYTES,
            nullable: false,
            tokens: quote!(__sl::known::BYTES),
        },
        Decided::Known {
            accepts, tokens, ..
        } => Decided::Known {
            // A proc-macro's process is short-lived and an array type is a few bytes.
            accepts: Box::leak(Box::new(Accepts::Array(accepts))),
            nullable: false,
            tokens: quote!(__sl::Accepts::Array(&#tokens)),
        },
        other => other,
    }
}

/// `Vec<Option<String>>` rather than `Vec < Option < String > >`.
pub fn display(ty: &syn::Type) -> String {
    let raw = ty.to_token_stream().to_string();
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != ' ' {
            out.push(c);
            continue;
        }
        let prev = out.chars().last();
        let next = chars.peek().copied();
        let tight_before = matches!(prev, Some('<' | ':' | '&' | '(' | '[' | '\''));
        let tight_after = matches!(next, Some('<' | '>' | ':' | ',' | ')' | ']' | ';'));
        // Keep `&'a str`, `dyn Trait`, `[u8; 4]` readable.
        if !(tight_before || tight_after) || prev == Some(';') {
            out.push(' ');
        }
    }
    out.replace(',', ", ").replace(",  ", ", ")
}

/// True when the outermost type is `Option<..>` (used where no trait impl can tell).
pub fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last().is_some_and(|s| {
            s.ident == "Option" && matches!(s.arguments, syn::PathArguments::AngleBracketed(_))
        }),
        syn::Type::Group(g) => is_option(&g.elem),
        syn::Type::Paren(p) => is_option(&p.elem),
        _ => false,
    }
}

/// Replaces every lifetime with `'static`, so a field type can be named in a `const`.
pub fn with_static_lifetimes(ty: &syn::Type) -> syn::Type {
    struct Static;
    impl VisitMut for Static {
        fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
            *l = syn::Lifetime::new("'static", l.span());
        }
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            if r.lifetime.is_none() {
                r.lifetime = Some(syn::Lifetime::new("'static", r.and_token.span));
            }
            syn::visit_mut::visit_type_reference_mut(self, r);
        }
    }
    let mut ty = ty.clone();
    Static.visit_type_mut(&mut ty);
    ty
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn displays_like_source() {
        let cases: Vec<(syn::Type, &str)> = vec![
            (parse_quote!(Vec<Option<String>>), "Vec<Option<String>>"),
            (
                parse_quote!(Option<pgvector::Vector>),
                "Option<pgvector::Vector>",
            ),
            (parse_quote!(&'a str), "&'a str"),
            (parse_quote!(HashMap<String, i32>), "HashMap<String, i32>"),
            (parse_quote!([u8; 16]), "[u8; 16]"),
            (
                parse_quote!(chrono::DateTime<chrono::Utc>),
                "chrono::DateTime<chrono::Utc>",
            ),
        ];
        for (ty, want) in cases {
            assert_eq!(display(&ty), want);
        }
    }

    fn decided(ty: syn::Type) -> Option<(Accepts, bool)> {
        match decide(&ty) {
            Decided::Known {
                accepts, nullable, ..
            } => Some((*accepts, nullable)),
            _ => None,
        }
    }

    #[test]
    fn types_named_with_certainty_are_decided() {
        assert_eq!(decided(parse_quote!(i64)), Some((known::I64, false)));
        assert_eq!(decided(parse_quote!(Option<i64>)), Some((known::I64, true)));
        assert_eq!(
            decided(parse_quote!(Option<Vec<Option<String>>>)),
            Some((Accepts::Array(&known::TEXT), true))
        );
        assert_eq!(decided(parse_quote!(Vec<u8>)), Some((known::BYTES, false)));
        assert_eq!(decided(parse_quote!(&'a [u8])), Some((known::BYTES, false)));
        assert_eq!(decided(parse_quote!(Box<str>)), Some((known::TEXT, false)));
        assert_eq!(
            decided(parse_quote!(::chrono::DateTime<chrono::Utc>)),
            Some((known::TIMESTAMPTZ, false))
        );
        assert_eq!(
            decided(parse_quote!(sqlx::types::Uuid)),
            Some((known::UUID, false))
        );
        // Imported under a short name, aliased or user-defined: the compiler decides.
        for ty in [
            parse_quote!(Uuid),
            parse_quote!(Status),
            parse_quote!(Option<DateTime<Utc>>),
        ] {
            assert!(matches!(decide(&ty), Decided::Compiler));
        }
        assert!(matches!(
            decide(&parse_quote!(Option<u32>)),
            Decided::Unmappable { ref leaf, .. } if leaf == "u32"
        ));
    }

    #[test]
    fn option_detection_and_lifetimes() {
        assert!(is_option(&parse_quote!(Option<i32>)));
        assert!(is_option(&parse_quote!(std::option::Option<i32>)));
        assert!(!is_option(&parse_quote!(Vec<Option<i32>>)));
        let t = with_static_lifetimes(&parse_quote!(Cow<'a, &str>));
        assert_eq!(display(&t), "Cow<'static, &'static str>");
    }
}
