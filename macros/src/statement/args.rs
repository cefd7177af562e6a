//! The arguments of `sql!` and `sql_as!`: leading `key = value` options, the row type for
//! `sql_as!`, then the statement as one string literal.

use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// The options both macros take, each once.
#[derive(Default)]
pub struct Options {
    /// `snapshot = "path"`: the snapshot, as the derives' `snapshot` attribute names it.
    pub snapshot: Option<LitStr>,
    /// `search_path = "app, public"`: schemas searched for unqualified names.
    pub search_path: Option<LitStr>,
    /// `crate = "path"`: where `schemalock` is, when re-exported.
    pub krate: Option<syn::Path>,
}

const KEYS: &str = "`snapshot`, `search_path` or `crate`";

/// `sql!(options..., "SQL")`.
pub struct Sql {
    pub options: Options,
    pub sql: LitStr,
}

/// `sql_as!(options..., T, "SQL")`.
pub struct SqlAs {
    pub options: Options,
    pub row: syn::Type,
    pub sql: LitStr,
}

impl Options {
    /// Schemas for unqualified names: the option's, else `public`.
    pub fn search_path(&self) -> Vec<String> {
        match &self.search_path {
            Some(lit) => lit
                .value()
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            None => vec!["public".to_owned()],
        }
    }

    /// Where `schemalock` is.
    pub fn krate(&self) -> syn::Path {
        self.krate
            .clone()
            .unwrap_or_else(|| syn::parse_quote!(::schemalock))
    }

    fn parse_leading(input: ParseStream) -> syn::Result<Options> {
        let mut options = Options::default();
        while (input.peek(Ident) || input.peek(Token![crate])) && input.peek2(Token![=]) {
            let key: Ident = if input.peek(Token![crate]) {
                let k: Token![crate] = input.parse()?;
                Ident::new("crate", k.span)
            } else {
                input.parse()?
            };
            input.parse::<Token![=]>()?;
            let value: LitStr = input.parse()?;
            let slot = match key.to_string().as_str() {
                "snapshot" => &mut options.snapshot,
                "search_path" => {
                    if value.value().trim().is_empty() {
                        return Err(syn::Error::new(
                            value.span(),
                            "expected schema names separated by commas, such as `search_path = \"app, public\"`",
                        ));
                    }
                    &mut options.search_path
                }
                "crate" => {
                    let path = value.parse::<syn::Path>().map_err(|_| {
                        syn::Error::new(
                            value.span(),
                            format!(
                                "expected a path such as `crate = \"::schemalock\"`, found `{}`",
                                value.value()
                            ),
                        )
                    })?;
                    if options.krate.replace(path).is_some() {
                        return Err(duplicate(&key));
                    }
                    input.parse::<Token![,]>()?;
                    continue;
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown option `{other}`; expected {KEYS}"),
                    ));
                }
            };
            if slot.replace(value).is_some() {
                return Err(duplicate(&key));
            }
            input.parse::<Token![,]>()?;
        }
        Ok(options)
    }
}

fn duplicate(key: &Ident) -> syn::Error {
    syn::Error::new(key.span(), format!("duplicate option `{key}`"))
}

/// The statement literal, then an optional trailing comma and nothing else.
fn statement(input: ParseStream, shape: &str) -> syn::Result<LitStr> {
    let sql: LitStr = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("expected the statement as one string literal: `{shape}`"),
        )
    })?;
    if input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
    }
    if !input.is_empty() {
        return Err(input.error(format!(
            "unexpected tokens after the statement; expected `{shape}` (the statement is one \
             literal: bind values with the driver's parameters `$1`, `$2`, ...)"
        )));
    }
    Ok(sql)
}

impl Parse for Sql {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let options = Options::parse_leading(input)?;
        let sql = statement(input, "sql!(\"SELECT ...\")")?;
        Ok(Sql { options, sql })
    }
}

impl Parse for SqlAs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        const SHAPE: &str = "sql_as!(RowType, \"SELECT ...\")";
        let options = Options::parse_leading(input)?;
        if input.peek(LitStr) {
            return Err(input.error(format!(
                "expected the row type first: `{SHAPE}`; without one, use `sql!`"
            )));
        }
        let row: syn::Type = input.parse()?;
        input.parse::<Token![,]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected `,` after the row type: `{SHAPE}`"),
            )
        })?;
        let sql = statement(input, SHAPE)?;
        Ok(SqlAs { options, row, sql })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_then_type_then_literal() {
        let a: SqlAs = syn::parse_str(
            r#"snapshot = "db.json", search_path = "app, public", Hit, "SELECT 1","#,
        )
        .unwrap();
        assert_eq!(a.options.snapshot.as_ref().unwrap().value(), "db.json");
        assert_eq!(a.options.search_path(), ["app", "public"]);
        assert_eq!(a.sql.value(), "SELECT 1");
        let s: Sql = syn::parse_str(r#""SELECT 1""#).unwrap();
        assert_eq!(s.options.search_path(), ["public"]);
    }

    #[test]
    fn bad_shapes_say_what_to_write() {
        let err = |src: &str| match syn::parse_str::<Sql>(src) {
            Ok(_) => panic!("{src} parsed"),
            Err(e) => e.to_string(),
        };
        assert!(
            err(r#"snapshot = "a", snapshot = "b", "x""#).contains("duplicate option `snapshot`")
        );
        assert!(err(r#"schema = "a", "x""#).contains("unknown option `schema`"));
        assert!(err(r#""x", 1"#).contains("unexpected tokens after the statement"));
        assert!(err("x").contains("expected the statement as one string literal"));
        assert!(syn::parse_str::<SqlAs>(r#""SELECT 1""#).is_err());
    }
}
