//! Rust types as text for messages, and the small type rewrites the generated code needs.

use quote::ToTokens;
use syn::visit_mut::VisitMut;

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

    #[test]
    fn option_detection_and_lifetimes() {
        assert!(is_option(&parse_quote!(Option<i32>)));
        assert!(is_option(&parse_quote!(std::option::Option<i32>)));
        assert!(!is_option(&parse_quote!(Vec<Option<i32>>)));
        let t = with_static_lifetimes(&parse_quote!(Cow<'a, &str>));
        assert_eq!(display(&t), "Cow<'static, &'static str>");
    }
}
