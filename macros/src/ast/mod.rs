//! The item model both derives work on: the struct or enum with its attributes resolved
//! (defaults applied, renames done), each field or variant with the name it is known by in the
//! database and where to report about it. Parsing only; nothing here reads the snapshot.

pub mod ty;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident};

use crate::attr::keys::{ContainerSetting, ItemKeys, OnEnum, OnField, OnRow, OnTable, OnVariant};
use crate::attr::{self, Container, Json, Member, Settings};
use crate::ctxt::Ctxt;

/// What both derives resolve from the container attributes.
pub struct Item<'a> {
    pub input: &'a DeriveInput,
    pub attrs: Container,
    /// The schema: `schema = "..."`, else `public`.
    pub schema: String,
    /// The table or enum type: from the attributes, else `default_name` of the item's name.
    pub name: String,
    /// Where `schemalock` is: `crate = "..."`, else `::schemalock`.
    pub krate: syn::Path,
}

impl<'a> Item<'a> {
    fn new(input: &'a DeriveInput, attrs: Container, default_name: fn(&str) -> String) -> Self {
        let schema = attrs
            .schema
            .as_ref()
            .map_or_else(|| "public".to_owned(), syn::LitStr::value);
        let name = attrs.name.as_ref().map_or_else(
            || default_name(&input.ident.to_string()),
            |n| n.value.clone(),
        );
        let krate = attrs
            .krate
            .clone()
            .unwrap_or_else(|| syn::parse_quote!(::schemalock));
        Item {
            input,
            attrs,
            schema,
            name,
            krate,
        }
    }

    /// The database name of a field or variant called `name`, and where a wrong one is
    /// reported: the rename attribute's literal, else `ident`.
    fn db_name(&self, rename: Option<&attr::Named>, name: &str, ident: &Ident) -> (String, Span) {
        match rename {
            Some(r) => (r.value.clone(), r.span),
            None => (
                self.attrs
                    .rename_all
                    .map_or_else(|| name.to_owned(), |(rule, _, _)| rule.apply(name)),
                ident.span(),
            ),
        }
    }

    /// The item's name as written.
    pub fn rust_name(&self) -> String {
        self.input.ident.to_string()
    }
}

/// An item a derive is on, parsed.
pub trait Model<'a>: Sized {
    /// Parses the item; an item of the wrong shape is one error, the rest go to `cx`.
    fn parse(cx: &Ctxt, input: &'a DeriveInput) -> syn::Result<Self>;
    /// What both derives resolve.
    fn item(&self) -> &Item<'a>;
}

/// The error for an item of the wrong shape, on its name.
fn wrong_shape(input: &DeriveInput, message: &str) -> syn::Error {
    syn::Error::new(input.ident.span(), message)
}

/// A `#[derive(Table)]` struct.
pub struct Table<'a> {
    pub item: Item<'a>,
    /// The fields that read a column, in declaration order.
    pub fields: Vec<Field<'a>>,
    /// The `#[sqlx(flatten)]` fields.
    pub flattened: Vec<Flattened<'a>>,
}

/// A field that reads a column.
pub struct Field<'a> {
    pub ident: &'a Ident,
    /// The field's name without `r#`.
    pub name: String,
    pub column: String,
    /// Where a wrong column name is reported: the rename attribute, else the field's name.
    pub column_span: Span,
    pub ty: &'a syn::Type,
    /// The type the driver decodes (`try_from`'s, else the field's), lifetimes made `'static`.
    pub check_ty: syn::Type,
    /// The decoded type as written, for messages.
    pub rust: String,
    /// What the derive knows of the decoded type without the compiler.
    pub decided: ty::Decided,
    pub attrs: Member,
}

/// A `#[sqlx(flatten)]` field: its struct reads the same table.
pub struct Flattened<'a> {
    pub ident: &'a Ident,
    pub ty: syn::Type,
}

/// A `#[derive(PgEnum)]` enum.
pub struct PgEnum<'a> {
    pub item: Item<'a>,
    pub variants: Vec<Variant<'a>>,
}

/// A variant and its label.
pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub label: String,
    /// The rename attribute's literal, else the variant's name.
    pub span: Span,
    /// True when an attribute names the label (`rename_all` does not apply to it).
    pub renamed: bool,
}

const NOT_AN_ENUM: &str =
    "`#[derive(PgEnum)]` expects an enum with unit variants; for a table use `#[derive(Table)]`";

impl<'a> Model<'a> for Table<'a> {
    fn item(&self) -> &Item<'a> {
        &self.item
    }

    fn parse(cx: &Ctxt, input: &'a DeriveInput) -> syn::Result<Self> {
        parse_struct::<OnTable>(cx, input, "Table")
    }
}

/// A `#[derive(Row)]` struct: the fields a statement's result columns are read into, read as a
/// `Table` is, with no table (`item.name` and `item.schema` are unused).
pub struct Row<'a>(pub Table<'a>);

impl<'a> Model<'a> for Row<'a> {
    fn item(&self) -> &Item<'a> {
        &self.0.item
    }

    fn parse(cx: &Ctxt, input: &'a DeriveInput) -> syn::Result<Self> {
        parse_struct::<OnRow>(cx, input, "Row").map(Row)
    }
}

/// A struct whose named fields read columns, as `#[derive(Table)]` and `#[derive(Row)]` read
/// it: the container keys of `K`, every field's keys, renames applied.
fn parse_struct<'a, K: ItemKeys<Setting = ContainerSetting>>(
    cx: &Ctxt,
    input: &'a DeriveInput,
    derive: &str,
) -> syn::Result<Table<'a>> {
    let Data::Struct(data) = &input.data else {
        return Err(wrong_shape(
            input,
            &format!(
                "`#[derive({derive})]` expects a struct with named fields; for a PostgreSQL enum use `#[derive(PgEnum)]`"
            ),
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            data.fields.span(),
            format!(
                "`#[derive({derive})]` expects named fields, found a tuple or unit struct; name each field after its column"
            ),
        ));
    };
    if let Some(param) = input.generics.type_params().next() {
        return Err(syn::Error::new_spanned(
            param,
            format!(
                "`#[derive({derive})]` does not support generic type parameters; a model's column types must be known when it is checked"
            ),
        ));
    }
    if let Some(param) = input.generics.const_params().next() {
        return Err(syn::Error::new_spanned(
            param,
            format!("`#[derive({derive})]` does not support const parameters"),
        ));
    }
    let attrs = Container::parse::<K>(cx, &input.attrs);
    let item = Item::new(input, attrs, heck::ToSnakeCase::to_snake_case);
    let mut fields = Vec::new();
    let mut flattened = Vec::new();
    for (f, ident) in named
        .named
        .iter()
        .filter_map(|f| Some((f, f.ident.as_ref()?)))
    {
        let m = Member::parse::<OnField>(cx, &f.attrs);
        if m.skip {
            continue;
        }
        if m.flatten {
            let ty = ty::with_static_lifetimes(&f.ty);
            flattened.push(Flattened { ident, ty });
            continue;
        }
        let name = ident.to_string().trim_start_matches("r#").to_owned();
        let (column, column_span) = item.db_name(m.rename.as_ref(), &name, ident);
        let decoded = m.try_from.as_ref().unwrap_or(&f.ty);
        let json = |nullable| ty::Decided::Known {
            accepts: &schemalock_runtime::types::known::JSON,
            nullable,
            tokens: quote::quote!(__sl::known::JSON),
        };
        let decided = match m.json {
            Some(Json::Nullable) => json(true),
            Some(Json::AsField) => json(ty::is_option(&f.ty)),
            None => ty::decide(decoded),
        };
        fields.push(Field {
            ident,
            name,
            column,
            column_span,
            ty: &f.ty,
            check_ty: ty::with_static_lifetimes(decoded),
            rust: ty::display(decoded),
            decided,
            attrs: m,
        });
    }
    Ok(Table {
        item,
        fields,
        flattened,
    })
}

impl<'a> Model<'a> for PgEnum<'a> {
    fn parse(cx: &Ctxt, input: &'a DeriveInput) -> syn::Result<Self> {
        let Data::Enum(data) = &input.data else {
            return Err(wrong_shape(input, NOT_AN_ENUM));
        };
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                "`#[derive(PgEnum)]` does not support generic parameters",
            );
        }
        let attrs = Container::parse::<OnEnum>(cx, &input.attrs);
        // Like sqlx and postgres-derive: without a name, the type is named as the Rust enum is.
        let item = Item::new(input, attrs, str::to_owned);
        let mut variants = Vec::new();
        for v in &data.variants {
            let m = Member::parse::<OnVariant>(cx, &v.attrs);
            if !matches!(v.fields, Fields::Unit) {
                cx.error_spanned_by(
                    &v.fields,
                    format!(
                        "variant `{}` has fields, but a PostgreSQL enum label carries no data; make it a unit variant",
                        v.ident
                    ),
                );
            }
            let (label, span) = item.db_name(m.rename.as_ref(), &v.ident.to_string(), &v.ident);
            variants.push(Variant {
                ident: &v.ident,
                label,
                span,
                renamed: m.rename.is_some(),
            });
        }
        Ok(PgEnum { item, variants })
    }

    fn item(&self) -> &Item<'a> {
        &self.item
    }
}
