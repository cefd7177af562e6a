//! Attribute parsing: `#[schemalock(...)]`, and the keys of `#[sqlx(...)]` and `#[postgres(...)]`
//! that decide which column or label a driver reads, so users never write a name twice.
//!
//! Each key is declared once, in [`keys`], with what it sets; [`container`] and [`member`] apply
//! the settings. Every error of an item is collected in the [`Ctxt`], spanned on the key or value.

pub mod keys;

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Lit, LitStr, Token};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use keys::{ContainerSetting, ItemKeys, Key, MemberSetting, Sets};

/// The attribute a setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Schemalock,
    Sqlx,
    Postgres,
}

impl Origin {
    fn name(self) -> &'static str {
        match self {
            Origin::Schemalock => "schemalock",
            Origin::Sqlx => "sqlx",
            Origin::Postgres => "postgres",
        }
    }
}

/// A name given by one of the attributes, with where it came from for conflict messages.
#[derive(Clone)]
pub struct Named {
    pub value: String,
    pub span: Span,
    pub origin: Origin,
}

/// Settings of a `#[derive(Table)]` or `#[derive(PgEnum)]` item.
#[derive(Default)]
pub struct Container {
    /// `table` (Table) or `type_name` (PgEnum), from any of the three attributes.
    pub name: Option<Named>,
    pub schema: Option<LitStr>,
    pub rename_all: Option<(RenameRule, Span, Origin)>,
    pub snapshot: Option<LitStr>,
    pub insertable: bool,
    pub exhaustive: bool,
    pub krate: Option<syn::Path>,
    /// `#[sqlx(default)]`: a missing column reads as `Default::default()`.
    pub sqlx_default: bool,
}

/// Settings of one field or variant.
#[derive(Default)]
pub struct Member {
    pub rename: Option<Named>,
    pub skip: bool,
    pub pg_type: Option<LitStr>,
    pub flatten: bool,
    /// `#[sqlx(json)]`: how `NULL` reads.
    pub json: Option<Json>,
    pub sqlx_default: bool,
    /// `#[sqlx(try_from = "T")]`: the driver decodes `T`, then converts.
    pub try_from: Option<syn::Type>,
}

/// How a `#[sqlx(json)]` field reads SQL NULL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Json {
    /// `#[sqlx(json)]`: as the field's own type reads it (an `Option` field reads `None`).
    AsField,
    /// `#[sqlx(json(nullable))]`: as `None`, whatever the field's type.
    Nullable,
}

/// Parses the container attributes of a `Table` (`I = OnTable`) or `PgEnum` (`I = OnEnum`).
pub fn container<I: ItemKeys>(cx: &Ctxt, attrs: &[Attribute]) -> Container
where
    I::Ours: Sets<ContainerSetting>,
    I::Sqlx: Sets<ContainerSetting>,
    I::Postgres: Sets<ContainerSetting>,
{
    let mut c = Container::default();
    each_key::<I, _>(cx, attrs, |key, origin, meta| {
        set_container(cx, &mut c, key, origin, meta)
    });
    c
}

/// Parses the attributes of a field (`I = OnField`) or variant (`I = OnVariant`).
pub fn member<I: ItemKeys>(cx: &Ctxt, attrs: &[Attribute]) -> Member
where
    I::Ours: Sets<MemberSetting>,
    I::Sqlx: Sets<MemberSetting>,
    I::Postgres: Sets<MemberSetting>,
{
    let mut m = Member::default();
    each_key::<I, _>(cx, attrs, |key, origin, meta| {
        set_member(cx, &mut m, key, origin, meta)
    });
    m
}

/// A key found in one of the three attributes: what it sets, and as written.
struct Found<S> {
    setting: S,
    name: &'static str,
}

/// Calls `f` for every key of the three attributes: our unknown keys are reported (with the
/// keys we know), foreign keys we do not honour are skipped. An error `f` returns ends that
/// attribute, as `syn` does.
fn each_key<I: ItemKeys, S>(
    cx: &Ctxt,
    attrs: &[Attribute],
    mut f: impl FnMut(Found<S>, Origin, &ParseNestedMeta) -> syn::Result<()>,
) where
    I::Ours: Sets<S>,
    I::Sqlx: Sets<S>,
    I::Postgres: Sets<S>,
{
    for attr in attrs {
        let result = if attr.path().is_ident("schemalock") {
            attr.parse_nested_meta(|meta| match found::<I::Ours, S>(&meta) {
                Some(key) => f(key, Origin::Schemalock, &meta),
                None => unknown_key::<I::Ours>(cx, &meta),
            })
        } else if attr.path().is_ident("sqlx") {
            attr.parse_nested_meta(|meta| match found::<I::Sqlx, S>(&meta) {
                Some(key) => f(key, Origin::Sqlx, &meta),
                None => skip_value(&meta),
            })
        } else if attr.path().is_ident("postgres") {
            attr.parse_nested_meta(|meta| match found::<I::Postgres, S>(&meta) {
                Some(key) => f(key, Origin::Postgres, &meta),
                None => skip_value(&meta),
            })
        } else {
            Ok(())
        };
        if let Err(err) = result {
            cx.syn_error(err);
        }
    }
}

fn found<K: Sets<S>, S>(meta: &ParseNestedMeta) -> Option<Found<S>> {
    let key = K::parse(&key_of(meta))?;
    Some(Found {
        setting: key.sets(),
        name: key.name(),
    })
}

fn set_container(
    cx: &Ctxt,
    c: &mut Container,
    key: Found<ContainerSetting>,
    origin: Origin,
    meta: &ParseNestedMeta,
) -> syn::Result<()> {
    let k = key.name;
    match key.setting {
        ContainerSetting::Name => set_name(cx, &mut c.name, &string_value(meta, k)?, origin, k),
        ContainerSetting::Schema => set_once(cx, &mut c.schema, string_value(meta, k)?, meta),
        ContainerSetting::RenameAll => {
            let lit = string_value(meta, k)?;
            match c.rename_all {
                Some((_, _, Origin::Schemalock)) if origin == Origin::Schemalock => cx.error_at(
                    meta.path.span(),
                    "duplicate schemalock attribute `rename_all`",
                ),
                _ => set_rule(cx, &mut c.rename_all, &lit, origin),
            }
        }
        ContainerSetting::Snapshot => set_once(cx, &mut c.snapshot, string_value(meta, k)?, meta),
        ContainerSetting::Insertable => set_flag(cx, &mut c.insertable, origin, meta)?,
        ContainerSetting::Exhaustive => set_flag(cx, &mut c.exhaustive, origin, meta)?,
        ContainerSetting::ReadsDefault => set_flag(cx, &mut c.sqlx_default, origin, meta)?,
        ContainerSetting::Crate => {
            let lit = string_value(meta, k)?;
            match lit.parse::<syn::Path>() {
                Ok(path) => set_once(cx, &mut c.krate, path, meta),
                Err(_) => cx.error_at(
                    lit.span(),
                    format!(
                        "expected a path such as `crate = \"::schemalock\"`, found `{}`",
                        lit.value()
                    ),
                ),
            }
        }
    }
    Ok(())
}

fn set_member(
    cx: &Ctxt,
    m: &mut Member,
    key: Found<MemberSetting>,
    origin: Origin,
    meta: &ParseNestedMeta,
) -> syn::Result<()> {
    let k = key.name;
    match key.setting {
        MemberSetting::Rename => set_name(cx, &mut m.rename, &string_value(meta, k)?, origin, k),
        MemberSetting::Skip => set_flag(cx, &mut m.skip, origin, meta)?,
        MemberSetting::PgType => set_once(cx, &mut m.pg_type, string_value(meta, k)?, meta),
        MemberSetting::Flatten => set_flag(cx, &mut m.flatten, origin, meta)?,
        MemberSetting::ReadsDefault => set_flag(cx, &mut m.sqlx_default, origin, meta)?,
        MemberSetting::Json => {
            let mut json = Json::AsField;
            if meta.input.peek(syn::token::Paren) {
                meta.parse_nested_meta(|inner| {
                    if inner.path.is_ident("nullable") {
                        json = Json::Nullable;
                    }
                    skip_value(&inner)
                })?;
            }
            m.json = Some(json);
        }
        MemberSetting::TryFrom => m.try_from = Some(string_value(meta, k)?.parse()?),
    }
    Ok(())
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

fn duplicate(cx: &Ctxt, meta: &ParseNestedMeta) {
    cx.error_at(
        meta.path.span(),
        format!("duplicate schemalock attribute `{}`", key_of(meta)),
    );
}

fn set_once<T>(cx: &Ctxt, slot: &mut Option<T>, value: T, meta: &ParseNestedMeta) {
    if slot.is_some() {
        duplicate(cx, meta);
    } else {
        *slot = Some(value);
    }
}

/// A bare key: ours takes no value and is set once; a driver's is taken as the driver reads it.
fn set_flag(cx: &Ctxt, slot: &mut bool, origin: Origin, meta: &ParseNestedMeta) -> syn::Result<()> {
    if origin == Origin::Schemalock {
        if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
            let key = key_of(meta);
            return Err(meta.error(format!(
                "`{key}` takes no value; write `#[schemalock({key})]`"
            )));
        }
        if *slot {
            duplicate(cx, meta);
        }
    }
    *slot = true;
    Ok(())
}

/// Records a name from `origin`, or reports a conflict with a name another attribute gave.
fn set_name(cx: &Ctxt, slot: &mut Option<Named>, lit: &LitStr, origin: Origin, key: &str) {
    let named = Named {
        value: lit.value(),
        span: lit.span(),
        origin,
    };
    match slot {
        None => *slot = Some(named),
        Some(prev) if prev.origin == origin => cx.error_at(
            lit.span(),
            format!("duplicate {} attribute `{key}`", origin.name()),
        ),
        Some(prev) if prev.value != named.value => cx.error_at(
            lit.span(),
            format!(
                "conflicting names: `#[{}]` says `{}`, `#[{}]` says `{}`; keep one",
                prev.origin.name(),
                prev.value,
                origin.name(),
                named.value
            ),
        ),
        Some(_) => {}
    }
}

fn set_rule(
    cx: &Ctxt,
    slot: &mut Option<(RenameRule, Span, Origin)>,
    lit: &LitStr,
    origin: Origin,
) {
    match RenameRule::parse(&lit.value()) {
        Ok(rule) => match slot {
            Some((prev, _, _)) if *prev != rule => cx.error_at(
                lit.span(),
                "conflicting `rename_all` rules between attributes; keep one",
            ),
            Some(_) => {}
            None => *slot = Some((rule, lit.span(), origin)),
        },
        Err(message) => cx.error_at(lit.span(), message),
    }
}

fn unknown_key<K: Key>(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<()> {
    let key = key_of(meta);
    let valid = || K::ALL.iter().map(|k| k.name());
    let hint = schemalock_runtime::text::did_you_mean(&key, valid());
    cx.error_at(
        meta.path.span(),
        format!(
            "unknown schemalock attribute `{key}` {}; expected one of {}{hint}",
            K::WHERE,
            schemalock_runtime::text::quoted_list(valid())
        ),
    );
    skip_value(meta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::keys::{OnEnum, OnField, OnTable, OnVariant};
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
        let c = container::<OnTable>(&cx, &attrs);
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
        container::<OnTable>(&cx, &attrs);
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
        let c = container::<OnEnum>(
            &cx,
            &[parse_quote!(#[sqlx(type_name = "canonlayer", rename_all = "UPPERCASE")])],
        );
        assert_eq!(c.name.as_ref().unwrap().value, "canonlayer");
        assert_eq!(c.rename_all.unwrap().0, RenameRule::Upper);
        let c = container::<OnEnum>(&cx, &[parse_quote!(#[postgres(name = "mood")])]);
        assert_eq!(c.name.unwrap().value, "mood");
        assert!(errors(cx).is_empty());
    }

    #[test]
    fn conflicting_names_between_attributes() {
        let cx = Ctxt::new();
        member::<OnField>(
            &cx,
            &[
                parse_quote!(#[sqlx(rename = "kind")]),
                parse_quote!(#[schemalock(rename = "entity_type")]),
            ],
        );
        assert_eq!(
            errors(cx),
            [
                "conflicting names: `#[sqlx]` says `kind`, `#[schemalock]` says `entity_type`; keep one"
            ]
        );
        let cx = Ctxt::new();
        let m = member::<OnField>(
            &cx,
            &[
                parse_quote!(#[sqlx(rename = "kind")]),
                parse_quote!(#[schemalock(rename = "kind")]),
            ],
        );
        assert!(errors(cx).is_empty());
        assert_eq!(m.rename.unwrap().value, "kind");
    }

    #[test]
    fn field_keys_and_foreign_keys() {
        let cx = Ctxt::new();
        let m = member::<OnField>(
            &cx,
            &[
                parse_quote!(#[sqlx(json(nullable), default, try_from = "i64")]),
                parse_quote!(#[sqlx(flatten)]),
                parse_quote!(#[schemalock(pg_type = "ltree")]),
                parse_quote!(#[postgres(name = "path")]),
                parse_quote!(#[serde(rename = "ignored")]),
            ],
        );
        assert!(errors(cx).is_empty());
        assert_eq!(m.json, Some(Json::Nullable));
        assert!(m.sqlx_default && m.flatten && !m.skip);
        assert_eq!(m.pg_type.unwrap().value(), "ltree");
        assert_eq!(m.rename.unwrap().value, "path");
        assert!(m.try_from.is_some());
        let cx = Ctxt::new();
        let m = member::<OnField>(&cx, &[parse_quote!(#[sqlx(skip)])]);
        assert!(m.skip);
    }

    #[test]
    fn values_must_be_strings_and_flags_bare() {
        let cx = Ctxt::new();
        container::<OnTable>(
            &cx,
            &[
                parse_quote!(#[schemalock(table = entities)]),
                parse_quote!(#[schemalock(insertable = true)]),
            ],
        );
        assert_eq!(
            errors(cx),
            [
                "expected a string literal, found `entities`; write `table = \"...\"`",
                "`insertable` takes no value; write `#[schemalock(insertable)]`",
            ]
        );
        let cx = Ctxt::new();
        container::<OnEnum>(&cx, &[parse_quote!(#[schemalock(rename_all = "Snake")])]);
        assert!(errors(cx)[0].starts_with("unknown rename rule `Snake`; expected one of"));
    }

    #[test]
    fn variant_keys() {
        let cx = Ctxt::new();
        let m = member::<OnVariant>(
            &cx,
            &[parse_quote!(#[schemalock(rename = "RETCONNED", skip)])],
        );
        assert_eq!(m.rename.unwrap().value, "RETCONNED");
        assert_eq!(
            errors(cx),
            ["unknown schemalock attribute `skip` on a variant; expected one of `rename`"]
        );
    }
}
