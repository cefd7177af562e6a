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

use crate::ctxt::Ctxt;
use keys::{ContainerSetting, ItemKeys, Key, MemberSetting, Sets};
use schemalock_runtime::text::case::RenameRule;

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

/// What an item's attributes set: [`Container`] or [`Member`].
pub trait Settings: Default {
    /// What one key sets.
    type Setting;

    /// Parses the attributes of an item of kind `I`: `OnTable` or `OnEnum` for a
    /// [`Container`], `OnField` or `OnVariant` for a [`Member`].
    fn parse<I: ItemKeys<Setting = Self::Setting>>(cx: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut settings = Self::default();
        each_key::<I>(cx, attrs, |key, at| settings.set(key, at));
        settings
    }

    /// Applies one key; an error ends that attribute.
    fn set(&mut self, key: Found<Self::Setting>, at: &At<'_, '_>) -> syn::Result<()>;
}

/// Where a key was found: the attribute, and the key with its value, still to be read.
pub struct At<'c, 'm> {
    cx: &'c Ctxt,
    origin: Origin,
    meta: &'m ParseNestedMeta<'m>,
}

/// A key found in one of the three attributes: what it sets, and as written.
pub struct Found<S> {
    setting: S,
    name: &'static str,
}

/// Calls `f` for every key of the three attributes: our unknown keys are reported (with the
/// keys we know), foreign keys we do not honour are skipped. An error `f` returns ends that
/// attribute, as `syn` does.
fn each_key<I: ItemKeys>(
    cx: &Ctxt,
    attrs: &[Attribute],
    mut f: impl FnMut(Found<I::Setting>, &At<'_, '_>) -> syn::Result<()>,
) {
    let mut on = |key, origin, meta: &ParseNestedMeta| f(key, &At { cx, origin, meta });
    for attr in attrs {
        let result = if attr.path().is_ident("schemalock") {
            attr.parse_nested_meta(|meta| match found::<I::Ours, _>(&meta) {
                Some(key) => on(key, Origin::Schemalock, &meta),
                None => unknown_key::<I::Ours>(cx, &meta),
            })
        } else if attr.path().is_ident("sqlx") {
            attr.parse_nested_meta(|meta| match found::<I::Sqlx, _>(&meta) {
                Some(key) => on(key, Origin::Sqlx, &meta),
                None => skip_value(&meta),
            })
        } else if attr.path().is_ident("postgres") {
            attr.parse_nested_meta(|meta| match found::<I::Postgres, _>(&meta) {
                Some(key) => on(key, Origin::Postgres, &meta),
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

impl Settings for Container {
    type Setting = ContainerSetting;

    fn set(&mut self, key: Found<ContainerSetting>, at: &At<'_, '_>) -> syn::Result<()> {
        let (cx, origin, meta, k) = (at.cx, at.origin, at.meta, key.name);
        match key.setting {
            ContainerSetting::Name => set_name(at, &mut self.name, k)?,
            ContainerSetting::Schema => set_once(at, &mut self.schema, string_value(meta, k)?),
            ContainerSetting::RenameAll => {
                let lit = string_value(meta, k)?;
                match self.rename_all {
                    Some((_, _, Origin::Schemalock)) if origin == Origin::Schemalock => {
                        duplicate(at)
                    }
                    _ => set_rule(cx, &mut self.rename_all, &lit, origin),
                }
            }
            ContainerSetting::Snapshot => set_once(at, &mut self.snapshot, string_value(meta, k)?),
            ContainerSetting::Insertable => set_flag(at, &mut self.insertable)?,
            ContainerSetting::Exhaustive => set_flag(at, &mut self.exhaustive)?,
            ContainerSetting::ReadsDefault => set_flag(at, &mut self.sqlx_default)?,
            ContainerSetting::Crate => {
                let lit = string_value(meta, k)?;
                match lit.parse::<syn::Path>() {
                    Ok(path) => set_once(at, &mut self.krate, path),
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
}

impl Settings for Member {
    type Setting = MemberSetting;

    fn set(&mut self, key: Found<MemberSetting>, at: &At<'_, '_>) -> syn::Result<()> {
        let (meta, k) = (at.meta, key.name);
        match key.setting {
            MemberSetting::Rename => set_name(at, &mut self.rename, k)?,
            MemberSetting::Skip => set_flag(at, &mut self.skip)?,
            MemberSetting::PgType => set_once(at, &mut self.pg_type, string_value(meta, k)?),
            MemberSetting::Flatten => set_flag(at, &mut self.flatten)?,
            MemberSetting::ReadsDefault => set_flag(at, &mut self.sqlx_default)?,
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
                self.json = Some(json);
            }
            MemberSetting::TryFrom => self.try_from = Some(string_value(meta, k)?.parse()?),
        }
        Ok(())
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

fn duplicate(at: &At<'_, '_>) {
    at.cx.error_at(
        at.meta.path.span(),
        format!("duplicate schemalock attribute `{}`", key_of(at.meta)),
    );
}

fn set_once<T>(at: &At<'_, '_>, slot: &mut Option<T>, value: T) {
    if slot.is_some() {
        duplicate(at);
    } else {
        *slot = Some(value);
    }
}

/// A bare key: ours takes no value and is set once; a driver's is taken as the driver reads it.
fn set_flag(at: &At<'_, '_>, slot: &mut bool) -> syn::Result<()> {
    if at.origin == Origin::Schemalock {
        let meta = at.meta;
        if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
            let key = key_of(meta);
            return Err(meta.error(format!(
                "`{key}` takes no value; write `#[schemalock({key})]`"
            )));
        }
        if *slot {
            duplicate(at);
        }
    }
    *slot = true;
    Ok(())
}

/// Records the name `key` gives, or reports a conflict with a name another attribute gave.
fn set_name(at: &At<'_, '_>, slot: &mut Option<Named>, key: &str) -> syn::Result<()> {
    let (cx, origin) = (at.cx, at.origin);
    let lit = &string_value(at.meta, key)?;
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
    Ok(())
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
        let c = Container::parse::<OnTable>(&cx, &attrs);
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
        Container::parse::<OnTable>(&cx, &attrs);
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
        let c = Container::parse::<OnEnum>(
            &cx,
            &[parse_quote!(#[sqlx(type_name = "canonlayer", rename_all = "UPPERCASE")])],
        );
        assert_eq!(c.name.as_ref().unwrap().value, "canonlayer");
        assert_eq!(c.rename_all.unwrap().0, RenameRule::Upper);
        let c = Container::parse::<OnEnum>(&cx, &[parse_quote!(#[postgres(name = "mood")])]);
        assert_eq!(c.name.unwrap().value, "mood");
        assert!(errors(cx).is_empty());
    }

    #[test]
    fn conflicting_names_between_attributes() {
        let cx = Ctxt::new();
        Member::parse::<OnField>(
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
        let m = Member::parse::<OnField>(
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
        let m = Member::parse::<OnField>(
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
        let m = Member::parse::<OnField>(&cx, &[parse_quote!(#[sqlx(skip)])]);
        assert!(m.skip);
    }

    #[test]
    fn values_must_be_strings_and_flags_bare() {
        let cx = Ctxt::new();
        Container::parse::<OnTable>(
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
        Container::parse::<OnEnum>(&cx, &[parse_quote!(#[schemalock(rename_all = "Snake")])]);
        assert!(errors(cx)[0].starts_with("unknown rename rule `Snake`; expected one of"));
    }

    #[test]
    fn variant_keys() {
        let cx = Ctxt::new();
        let m = Member::parse::<OnVariant>(
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
