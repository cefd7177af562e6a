//! Runs the check engine on an item and reports each finding on the token it concerns. Writes no
//! code: what the engine resolved (each field's column facts, the relation) goes on to
//! [`crate::expand`] as it is.

use proc_macro2::Span;
use schemalock_runtime::check::{self, At, FieldType, Finding, Kind, TableCheck};
use schemalock_runtime::snapshot::Snapshot;
use schemalock_runtime::types::known;
use syn::LitStr;

use crate::ast::ty::Decided;
use crate::ast::{self, Item};
use crate::case::RULES;
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
                ty: match (pg_type, &f.decided) {
                    (Some(pg_type), _) => FieldType::Declared {
                        pg_type,
                        nullable: ast::ty::is_option(f.ty),
                        rust: &f.rust,
                    },
                    (
                        None,
                        Decided::Known {
                            accepts, nullable, ..
                        },
                    ) => FieldType::Mapped {
                        accepts,
                        nullable: *nullable,
                        rust: &f.rust,
                    },
                    (None, Decided::Unmappable { .. } | Decided::Compiler) => FieldType::Deferred,
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
                    // The whole type, not its first token.
                    cx.error_spanned_by(field.ty, &finding.message);
                    continue;
                }
            }
            at => item_span(item, at),
        };
        cx.error_at(span, &finding.message);
    }
    // A type with no PostgreSQL type at all is reported here, beside the struct's other errors
    // (a trait error would stop the compiler before it reports the rest).
    for (field, column) in model.fields.iter().zip(&checked.columns) {
        if let Decided::Unmappable { leaf, why } = &field.decided {
            let fits = column
                .as_ref()
                .map(|c| {
                    let c = c.as_ref();
                    let nullable = ast::ty::is_option(field.ty);
                    let fitting = known::fitting(&c.ty, nullable);
                    match fitting.as_slice() {
                        [] => format!("; column `{}` is {}", c.qualified, c.display),
                        _ => format!(
                            "; column `{}` is {}: use {}",
                            c.qualified,
                            c.display,
                            alternatives(&fitting)
                        ),
                    }
                })
                .unwrap_or_default();
            cx.error_spanned_by(
                field.ty,
                format!("`{leaf}` has no PostgreSQL type ({why}){fits}"),
            );
        }
    }
    checked
}

/// `` `a` ``, `` `a` or `b` `` for phrases already quoted.
fn alternatives(items: &[String]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        out.push_str(schemalock_runtime::text::separator(i, items.len()));
        out.push_str(item);
    }
    out
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
    let findings = check::check_enum(snapshot, &engine_model);
    if let Some(rule) = fitting_rule(model, &engine_model, &findings, snapshot) {
        cx.error_at(rule.0, rule.1);
        return;
    }
    for finding in findings {
        let span = match finding.at {
            At::Variant(i) => model.variants[i].span,
            at => item_span(item, at),
        };
        cx.error_at(span, finding.message);
    }
}

/// When variants miss their labels and another `rename_all` rule would map every variant to a
/// label of the type, that is one mistake: one error, naming the rule, on the `rename_all`
/// attribute (or the enum's name), rather than one per variant.
fn fitting_rule(
    model: &ast::PgEnum<'_>,
    engine_model: &check::EnumModel<'_>,
    findings: &[Finding],
    snapshot: &Snapshot,
) -> Option<(Span, String)> {
    if !findings.iter().any(|f| f.kind == Kind::LabelMissing) {
        return None;
    }
    let item = &model.item;
    let current = item.attrs.rename_all.map(|(rule, _, _)| rule);
    let (name, rule) = RULES.iter().find(|(_, rule)| {
        Some(*rule) != current && {
            let labels: Vec<String> = model
                .variants
                .iter()
                .map(|v| {
                    if v.renamed {
                        v.label.clone()
                    } else {
                        rule.apply(&v.ident.to_string())
                    }
                })
                .collect();
            let mut trial = engine_model.clone();
            for (pair, label) in trial.variants.iter_mut().zip(&labels) {
                pair.1 = label.as_str();
            }
            check::check_enum(snapshot, &trial).is_empty()
        }
    })?;
    let example = model
        .variants
        .iter()
        .find(|v| !v.renamed && !rule.apply(&v.ident.to_string()).eq(&v.label))?;
    let wanted = rule.apply(&example.ident.to_string());
    let type_name = schemalock_runtime::ident::type_name(&item.schema, &item.name);
    Some(match item.attrs.rename_all {
        Some((_, span, origin)) => (
            span,
            format!(
                "enum `{type_name}` spells its labels in {name}: variant `{}` maps to `{}` under this rule, but the label is `{wanted}`; use `rename_all = \"{name}\"`{}",
                example.ident,
                example.label,
                match origin {
                    crate::attr::Origin::Schemalock => "",
                    _ => " (schemalock reads this attribute; fix it here)",
                }
            ),
        ),
        None => (
            item.input.ident.span(),
            format!(
                "enum `{type_name}` spells its labels in {name}: variant `{}` maps to `{}`, but the label is `{wanted}`; add `#[schemalock(rename_all = \"{name}\")]`",
                example.ident, example.label
            ),
        ),
    })
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
