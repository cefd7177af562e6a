//! Runs the check engine on an item and reports each finding on the token it concerns. Writes no
//! code: what the engine resolved (each field's column facts, the relation) goes on to
//! [`crate::expand`] as it is.

use proc_macro2::Span;
use schemalock_runtime::check::{self, At, FieldType, Kind, TableCheck};
use schemalock_runtime::snapshot::Snapshot;
use syn::LitStr;
use syn::spanned::Spanned;

use crate::ast::{self, Item};
use crate::ctxt::Ctxt;

/// Checks a struct against its table; the findings go to `cx`.
pub fn table<'s>(cx: &Ctxt, model: &ast::Table<'_>, snapshot: &'s Snapshot) -> TableCheck<'s> {
    let item = &model.item;
    let rust_name = item.rust_name();
    let pg_types: Vec<Option<String>> = model
        .fields
        .iter()
        .map(|f| f.attrs.pg_type.as_ref().map(LitStr::value))
        .collect();
    let engine_model = check::Model {
        rust_name: &rust_name,
        schema: &item.schema,
        table: &item.name,
        fields: model
            .fields
            .iter()
            .zip(&pg_types)
            .map(|(f, pg_type)| check::Field {
                name: &f.name,
                column: &f.column,
                ty: match pg_type {
                    Some(pg_type) => FieldType::Declared {
                        pg_type,
                        nullable: ast::ty::is_option(f.ty),
                        rust: &f.rust,
                    },
                    None => FieldType::Deferred,
                },
            })
            .collect(),
        insertable: item.attrs.insertable,
        exhaustive: item.attrs.exhaustive,
        partial: !model.flattened.is_empty(),
    };
    let checked = TableCheck::run(snapshot, &engine_model);
    for finding in &checked.findings {
        let span = match finding.at {
            At::Field(i) => {
                let field = &model.fields[i];
                if finding.kind == Kind::ColumnMissing {
                    // `#[sqlx(default)]`: the driver reads a missing column as the default.
                    if field.attrs.sqlx_default || item.attrs.sqlx_default {
                        continue;
                    }
                    field.column_span
                } else {
                    field.ty.span()
                }
            }
            at => item_span(item, at),
        };
        cx.error_at(span, &finding.message);
    }
    checked
}

/// Checks an enum against its enum type; the findings go to `cx`.
pub fn pg_enum(cx: &Ctxt, model: &ast::PgEnum<'_>, snapshot: &Snapshot) {
    let item = &model.item;
    let rust_name = item.rust_name();
    let variant_names: Vec<String> = model.variants.iter().map(|v| v.ident.to_string()).collect();
    let engine_model = check::EnumModel {
        rust_name: &rust_name,
        schema: &item.schema,
        type_name: &item.name,
        variants: variant_names
            .iter()
            .zip(&model.variants)
            .map(|(name, v)| (name.as_str(), v.label.as_str()))
            .collect(),
    };
    for finding in check::check_enum(snapshot, &engine_model) {
        let span = match finding.at {
            At::Variant(i) => model.variants[i].span,
            at => item_span(item, at),
        };
        cx.error_at(span, finding.message);
    }
}

/// Where an item-level finding goes: the attribute that named the table, type or schema, else
/// the item's name.
fn item_span(item: &Item<'_>, at: At) -> Span {
    let ident = item.input.ident.span();
    match at {
        At::Name => item.attrs.name.as_ref().map_or(ident, |n| n.span),
        At::Schema => item.attrs.schema.as_ref().map_or(ident, LitStr::span),
        At::Item | At::Field(_) | At::Variant(_) => ident,
    }
}
