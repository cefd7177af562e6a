//! Attribute parsing: `#[schemalock(...)]`, and the parts of `#[sqlx(...)]` and `#[postgres(...)]`
//! that decide which column or label a driver reads, so users never write a name twice.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Lit, LitStr, Token};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;

/// Keys `#[schemalock(...)]` accepts, per position; the unknown-key error lists them.
pub const TABLE_KEYS: &[&str] = &[
    "table",
    "schema",
    "rename_all",
    "snapshot",
    "insertable",
    "exhaustive",
    "crate",
];
pub const ENUM_KEYS: &[&str] = &[
    "type_name",
    "schema",
    "rename_all",
    "snapshot",
    "exhaustive",
    "crate",
];
pub const FIELD_KEYS: &[&str] = &["rename", "skip", "pg_type"];
pub const VARIANT_KEYS: &[&str] = &["rename"];

/// A name given by one of the attributes, with where it came from for conflict messages.
#[derive(Clone)]
pub struct Named {
    pub value: String,
    pub span: Span,
    pub origin: &'static str,
}

/// Settings of a `#[derive(Table)]` or `#[derive(PgEnum)]` item.
#[derive(Default)]
pub struct Container {
    /// `table` (Table) or `type_name` (PgEnum), from any of the three attributes.
    pub name: Option<Named>,
    pub schema: Option<LitStr>,
    pub rename_all: Option<(RenameRule, Span)>,
    pub snapshot: Option<LitStr>,
    pub insertable: bool,
    pub exhaustive: bool,
    pub krate: Option<syn::Path>,
    /// `#[sqlx(default)]`: a missing column reads as `Default::default()`.
    pub sqlx_default: bool,
}

impl Container {
    /// Where an item-level finding goes: the attribute that named the table, type or schema,
    /// else `item` (the item's name).
    pub fn span_of(&self, at: schemalock_runtime::check::At, item: Span) -> Span {
        use schemalock_runtime::check::At;
        match at {
            At::Name => self.name.as_ref().map_or(item, |n| n.span),
            At::Schema => self.schema.as_ref().map_or(item, LitStr::span),
            At::Item | At::Field(_) | At::Variant(_) => item,
        }
    }
}

/// Settings of one field or variant.
#[derive(Default)]
pub struct Member {
    pub rename: Option<Named>,
    pub skip: bool,
    pub pg_type: Option<LitStr>,
    pub flatten: bool,
    /// `#[sqlx(json)]`; `Some(true)` for `json(nullable)`.
    pub json: Option<bool>,
    pub sqlx_default: bool,
    /// `#[sqlx(try_from = "T")]`: the driver decodes `T`, then converts.
    pub try_from: Option<syn::Type>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Table,
    Enum,
    Field,
    Variant,
}

impl Position {
    fn keys(self) -> &'static [&'static str] {
        match self {
            Position::Table => TABLE_KEYS,
            Position::Enum => ENUM_KEYS,
            Position::Field => FIELD_KEYS,
            Position::Variant => VARIANT_KEYS,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Position::Table => "on a `#[derive(Table)]` struct",
            Position::Enum => "on a `#[derive(PgEnum)]` enum",
            Position::Field => "on a field",
            Position::Variant => "on a variant",
        }
    }
}

fn key_of(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| {
            let path = &meta.path;
            quote::quote!(#path).to_string().replace(' ', "")
        })
}

/// Reads `= "string"`, with a message that shows the expected form.
fn string_value(meta: &ParseNestedMeta, key: &str) -> syn::Result<LitStr> {
    let expr: Expr = meta.value()?.parse()?;
    match &expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s.clone()),
        other => Err(syn::Error::new_spanned(
            other,
            format!(
                "expected a string literal, found `{}`; write `{key} = \"...\"`",
                quote::quote!(#other)
            ),
        )),
    }
}

/// Skips the value of a key we do not own in a foreign attribute: `k`, `k = v` or `k(...)`.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _: TokenStream = content.parse()?;
    }
    Ok(())
}

fn set_once<T>(cx: &Ctxt, slot: &mut Option<T>, value: T, key: &str, span: Span) {
    if slot.is_some() {
        cx.error_at(span, format!("duplicate schemalock attribute `{key}`"));
    } else {
        *slot = Some(value);
    }
}

fn set_flag(cx: &Ctxt, slot: &mut bool, key: &str, meta: &ParseNestedMeta) -> syn::Result<()> {
    if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        return Err(meta.error(format!(
            "`{key}` takes no value; write `#[schemalock({key})]`"
        )));
    }
    if *slot {
        cx.error_at(
            meta.path.span(),
            format!("duplicate schemalock attribute `{key}`"),
        );
    }
    *slot = true;
    Ok(())
}

/// Records a name from `origin`, or reports a conflict with a name another attribute gave.
fn set_name(cx: &Ctxt, slot: &mut Option<Named>, lit: &LitStr, origin: &'static str, key: &str) {
    let named = Named {
        value: lit.value(),
        span: lit.span(),
        origin,
    };
    match slot {
        None => *slot = Some(named),
        Some(prev) if prev.origin == origin => {
            cx.error_at(lit.span(), format!("duplicate {origin} attribute `{key}`"));
        }
        Some(prev) if prev.value != named.value => cx.error_at(
            lit.span(),
            format!(
                "conflicting names: `#[{}]` says `{}`, `#[{origin}]` says `{}`; keep one",
                prev.origin, prev.value, named.value
            ),
        ),
        Some(_) => {}
    }
}

fn set_rule(cx: &Ctxt, slot: &mut Option<(RenameRule, Span)>, lit: &LitStr) {
    match RenameRule::parse(&lit.value()) {
        Ok(rule) => match slot {
            Some((prev, _)) if *prev != rule => cx.error_at(
                lit.span(),
                "conflicting `rename_all` rules between attributes; keep one",
            ),
            Some(_) => {}
            None => *slot = Some((rule, lit.span())),
        },
        Err(message) => cx.error_at(lit.span(), message),
    }
}

fn unknown_key(cx: &Ctxt, meta: &ParseNestedMeta, pos: Position) -> syn::Result<()> {
    let key = key_of(meta);
    let valid: Vec<&str> = pos.keys().to_vec();
    let hint = schemalock_runtime::text::did_you_mean(&key, valid.iter().copied());
    let list: Vec<String> = valid.iter().map(|k| format!("`{k}`")).collect();
    cx.error_at(
        meta.path.span(),
        format!(
            "unknown schemalock attribute `{key}` {}; expected one of {}{hint}",
            pos.what(),
            list.join(", ")
        ),
    );
    skip_value(meta)
}

/// Parses the container attributes of a `Table` (`pos = Table`) or `PgEnum` (`pos = Enum`).
pub fn container(cx: &Ctxt, attrs: &[Attribute], pos: Position) -> Container {
    let mut c = Container::default();
    let name_key = if pos == Position::Table {
        "table"
    } else {
        "type_name"
    };
    for attr in attrs {
        let result = if attr.path().is_ident("schemalock") {
            attr.parse_nested_meta(|meta| {
                let key = key_of(&meta);
                if !pos.keys().contains(&key.as_str()) {
                    return unknown_key(cx, &meta, pos);
                }
                match key.as_str() {
                    "table" | "type_name" => {
                        set_name(cx, &mut c.name, &string_value(&meta, &key)?, "schemalock", &key)
                    }
                    "schema" => {
                        let lit = string_value(&meta, &key)?;
                        set_once(cx, &mut c.schema, lit, &key, meta.path.span());
                    }
                    "rename_all" => {
                        let lit = string_value(&meta, &key)?;
                        if c.rename_all.is_some() {
                            cx.error_at(meta.path.span(), "duplicate schemalock attribute `rename_all`");
                        } else {
                            set_rule(cx, &mut c.rename_all, &lit);
                        }
                    }
                    "snapshot" => {
                        let lit = string_value(&meta, &key)?;
                        set_once(cx, &mut c.snapshot, lit, &key, meta.path.span());
                    }
                    "insertable" => set_flag(cx, &mut c.insertable, &key, &meta)?,
                    "exhaustive" => set_flag(cx, &mut c.exhaustive, &key, &meta)?,
                    "crate" => {
                        let lit = string_value(&meta, &key)?;
                        match lit.parse::<syn::Path>() {
                            Ok(path) => set_once(cx, &mut c.krate, path, &key, meta.path.span()),
                            Err(_) => cx.error_at(
                                lit.span(),
                                format!("expected a path such as `crate = \"::schemalock\"`, found `{}`", lit.value()),
                            ),
                        }
                    }
                    _ => unreachable!("key listed in {:?}", pos.keys()),
                }
                Ok(())
            })
        } else if attr.path().is_ident("sqlx") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename_all") {
                    let lit = string_value(&meta, "rename_all")?;
                    set_rule(cx, &mut c.rename_all, &lit);
                } else if pos == Position::Enum && meta.path.is_ident("type_name") {
                    let lit = string_value(&meta, "type_name")?;
                    set_name(cx, &mut c.name, &lit, "sqlx", name_key);
                } else if pos == Position::Table && meta.path.is_ident("default") {
                    c.sqlx_default = true;
                } else {
                    skip_value(&meta)?;
                }
                Ok(())
            })
        } else if attr.path().is_ident("postgres") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename_all") {
                    let lit = string_value(&meta, "rename_all")?;
                    set_rule(cx, &mut c.rename_all, &lit);
                } else if pos == Position::Enum && meta.path.is_ident("name") {
                    let lit = string_value(&meta, "name")?;
                    set_name(cx, &mut c.name, &lit, "postgres", name_key);
                } else {
                    skip_value(&meta)?;
                }
                Ok(())
            })
        } else {
            Ok(())
        };
        if let Err(err) = result {
            cx.syn_error(err);
        }
    }
    c
}

/// Parses the attributes of a field (`pos = Field`) or variant (`pos = Variant`).
pub fn member(cx: &Ctxt, attrs: &[Attribute], pos: Position) -> Member {
    let mut m = Member::default();
    for attr in attrs {
        let result = if attr.path().is_ident("schemalock") {
            attr.parse_nested_meta(|meta| {
                let key = key_of(&meta);
                if !pos.keys().contains(&key.as_str()) {
                    return unknown_key(cx, &meta, pos);
                }
                match key.as_str() {
                    "rename" => set_name(
                        cx,
                        &mut m.rename,
                        &string_value(&meta, &key)?,
                        "schemalock",
                        &key,
                    ),
                    "skip" => set_flag(cx, &mut m.skip, &key, &meta)?,
                    "pg_type" => {
                        let lit = string_value(&meta, &key)?;
                        set_once(cx, &mut m.pg_type, lit, &key, meta.path.span());
                    }
                    _ => unreachable!("key listed in {:?}", pos.keys()),
                }
                Ok(())
            })
        } else if attr.path().is_ident("sqlx") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit = string_value(&meta, "rename")?;
                    set_name(cx, &mut m.rename, &lit, "sqlx", "rename");
                } else if pos == Position::Field && meta.path.is_ident("skip") {
                    m.skip = true;
                } else if pos == Position::Field && meta.path.is_ident("flatten") {
                    m.flatten = true;
                } else if pos == Position::Field && meta.path.is_ident("default") {
                    m.sqlx_default = true;
                } else if pos == Position::Field && meta.path.is_ident("json") {
                    let mut nullable = false;
                    if meta.input.peek(syn::token::Paren) {
                        meta.parse_nested_meta(|inner| {
                            if inner.path.is_ident("nullable") {
                                nullable = true;
                            }
                            skip_value(&inner)
                        })?;
                    }
                    m.json = Some(nullable);
                } else if pos == Position::Field && meta.path.is_ident("try_from") {
                    let lit = string_value(&meta, "try_from")?;
                    m.try_from = Some(lit.parse()?);
                } else {
                    skip_value(&meta)?;
                }
                Ok(())
            })
        } else if attr.path().is_ident("postgres") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("name") {
                    let lit = string_value(&meta, "name")?;
                    set_name(cx, &mut m.rename, &lit, "postgres", "name");
                } else {
                    skip_value(&meta)?;
                }
                Ok(())
            })
        } else {
            Ok(())
        };
        if let Err(err) = result {
            cx.syn_error(err);
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn errors(cx: Ctxt) -> Vec<String> {
        match cx.check() {
            Ok(()) => vec![],
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn table_container_keys() {
        let attrs: Vec<Attribute> = vec![
            parse_quote!(#[schemalock(table = "entities", schema = "story", insertable)]),
            parse_quote!(#[schemalock(exhaustive, snapshot = "db/s.json", crate = "::sl")]),
            parse_quote!(#[sqlx(rename_all = "camelCase", default)]),
        ];
        let cx = Ctxt::new();
        let c = container(&cx, &attrs, Position::Table);
        assert!(errors(cx).is_empty());
        assert_eq!(c.name.unwrap().value, "entities");
        assert_eq!(c.schema.unwrap().value(), "story");
        assert_eq!(c.snapshot.unwrap().value(), "db/s.json");
        assert!(c.insertable && c.exhaustive && c.sqlx_default);
        assert_eq!(c.rename_all.unwrap().0, RenameRule::Camel);
        let krate = c.krate.unwrap();
        assert_eq!(quote::quote!(#krate).to_string(), ":: sl");
    }

    #[test]
    fn unknown_and_duplicate_keys_are_reported_together() {
        let attrs: Vec<Attribute> =
            vec![parse_quote!(#[schemalock(tabel = "x", table = "a", table = "b", skip)])];
        let cx = Ctxt::new();
        container(&cx, &attrs, Position::Table);
        assert_eq!(
            errors(cx),
            [
                "unknown schemalock attribute `tabel` on a `#[derive(Table)]` struct; expected one of `table`, `schema`, `rename_all`, `snapshot`, `insertable`, `exhaustive`, `crate`; did you mean `table`?",
                "duplicate schemalock attribute `table`",
                "unknown schemalock attribute `skip` on a `#[derive(Table)]` struct; expected one of `table`, `schema`, `rename_all`, `snapshot`, `insertable`, `exhaustive`, `crate`",
            ]
        );
    }

    #[test]
    fn enum_names_from_sqlx_and_postgres() {
        let cx = Ctxt::new();
        let c = container(
            &cx,
            &[parse_quote!(#[sqlx(type_name = "canonlayer", rename_all = "UPPERCASE")])],
            Position::Enum,
        );
        assert_eq!(c.name.as_ref().unwrap().value, "canonlayer");
        assert_eq!(c.rename_all.unwrap().0, RenameRule::Upper);
        let c = container(
            &cx,
            &[parse_quote!(#[postgres(name = "mood")])],
            Position::Enum,
        );
        assert_eq!(c.name.unwrap().value, "mood");
        assert!(errors(cx).is_empty());
    }

    #[test]
    fn conflicting_names_between_attributes() {
        let cx = Ctxt::new();
        member(
            &cx,
            &[
                parse_quote!(#[sqlx(rename = "kind")]),
                parse_quote!(#[schemalock(rename = "entity_type")]),
            ],
            Position::Field,
        );
        assert_eq!(
            errors(cx),
            [
                "conflicting names: `#[sqlx]` says `kind`, `#[schemalock]` says `entity_type`; keep one"
            ]
        );
        let cx = Ctxt::new();
        let m = member(
            &cx,
            &[
                parse_quote!(#[sqlx(rename = "kind")]),
                parse_quote!(#[schemalock(rename = "kind")]),
            ],
            Position::Field,
        );
        assert!(errors(cx).is_empty());
        assert_eq!(m.rename.unwrap().value, "kind");
    }

    #[test]
    fn field_keys_and_foreign_keys() {
        let cx = Ctxt::new();
        let m = member(
            &cx,
            &[
                parse_quote!(#[sqlx(json(nullable), default, try_from = "i64")]),
                parse_quote!(#[sqlx(flatten)]),
                parse_quote!(#[schemalock(pg_type = "ltree")]),
                parse_quote!(#[postgres(name = "path")]),
                parse_quote!(#[serde(rename = "ignored")]),
            ],
            Position::Field,
        );
        assert!(errors(cx).is_empty());
        assert_eq!(m.json, Some(true));
        assert!(m.sqlx_default && m.flatten && !m.skip);
        assert_eq!(m.pg_type.unwrap().value(), "ltree");
        assert_eq!(m.rename.unwrap().value, "path");
        assert!(m.try_from.is_some());
        let cx = Ctxt::new();
        let m = member(&cx, &[parse_quote!(#[sqlx(skip)])], Position::Field);
        assert!(m.skip);
    }

    #[test]
    fn values_must_be_strings_and_flags_bare() {
        let cx = Ctxt::new();
        container(
            &cx,
            &[
                parse_quote!(#[schemalock(table = entities)]),
                parse_quote!(#[schemalock(insertable = true)]),
            ],
            Position::Table,
        );
        assert_eq!(
            errors(cx),
            [
                "expected a string literal, found `entities`; write `table = \"...\"`",
                "`insertable` takes no value; write `#[schemalock(insertable)]`",
            ]
        );
        let cx = Ctxt::new();
        container(
            &cx,
            &[parse_quote!(#[schemalock(rename_all = "Snake")])],
            Position::Enum,
        );
        assert!(errors(cx)[0].starts_with("unknown rename rule `Snake`; expected one of"));
    }

    #[test]
    fn variant_keys() {
        let cx = Ctxt::new();
        let m = member(
            &cx,
            &[parse_quote!(#[schemalock(rename = "RETCONNED", skip)])],
            Position::Variant,
        );
        assert_eq!(m.rename.unwrap().value, "RETCONNED");
        assert_eq!(
            errors(cx),
            ["unknown schemalock attribute `skip` on a variant; expected one of `rename`"]
        );
    }
}
