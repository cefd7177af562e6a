//! A Rust enum against its PostgreSQL enum type: the type, each variant's label, and the labels
//! no variant maps.

use super::{At, EnumModel, Finding, Kind, find_schema, short_list};
use crate::ident;
use crate::snapshot::{RelationKind, Snapshot};
use crate::text::{did_you_mean, one_of, plural};

/// Checks a Rust enum against its PostgreSQL enum type.
pub fn check_enum(snapshot: &Snapshot, model: &EnumModel<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some(schema) = find_schema(snapshot, model.schema, &mut findings) else {
        return findings;
    };
    let name = ident::type_name(model.schema, model.type_name);
    let Some(found) = schema.enums.get(model.type_name) else {
        let other = if schema.domains.contains_key(model.type_name) {
            Some("a domain")
        } else if schema.composites.contains_key(model.type_name) {
            Some("a composite type")
        } else {
            schema.tables.get(model.type_name).map(|t| match t.kind {
                RelationKind::Table | RelationKind::PartitionedTable => "a table",
                RelationKind::View | RelationKind::MaterializedView => "a view",
            })
        };
        let message = match other {
            Some(kind) => format!(
                "`{name}` is {kind}, not an enum; `{}` needs a PostgreSQL enum type",
                model.rust_name
            ),
            None => {
                let enums: Vec<&str> = schema.enums.keys().map(String::as_str).collect();
                let mut hint = did_you_mean(model.type_name, enums.iter().copied());
                if hint.is_empty() {
                    hint = match short_list(&enums) {
                        Some(list) => format!("; it has {list}"),
                        None => "; it has no enum types".to_owned(),
                    };
                }
                format!(
                    "enum type `{}` not found in schema `{}`{hint}",
                    model.type_name, model.schema
                )
            }
        };
        let kind = if other.is_some() {
            Kind::NotAnEnum
        } else {
            Kind::TypeMissing
        };
        findings.push(Finding::new(At::Name, kind, message));
        return findings;
    };

    let labels: Vec<&str> = found.labels.iter().map(String::as_str).collect();
    for (i, (variant, label)) in model.variants.iter().enumerate() {
        if let Some(j) = model.variants[..i].iter().position(|(_, l)| l == label) {
            findings.push(Finding::new(
                At::Variant(i),
                Kind::DuplicateLabel,
                format!(
                    "variants `{}` and `{variant}` both map to label `{label}`; rename one of them",
                    model.variants[j].0
                ),
            ));
            continue;
        }
        if !labels.contains(label) {
            let hint = did_you_mean(label, labels.iter().copied());
            let found = labels.join(", ");
            findings.push(Finding::new(
                At::Variant(i),
                Kind::LabelMissing,
                format!(
                    "variant `{variant}` maps to label `{label}`, which enum `{name}` does not have; it has {}{hint}",
                    if labels.is_empty() { "no labels".to_owned() } else { labels.join(", ") }
                ),
            ).with(format!("label `{label}`"), found));
        }
    }
    let unmapped: Vec<&str> = labels
        .iter()
        .copied()
        .filter(|l| !model.variants.iter().any(|(_, v)| v == l))
        .collect();
    if !unmapped.is_empty() {
        findings.push(Finding::new(
            At::Item,
            Kind::UnmappedLabels,
            format!(
                "enum `{name}` has {} {} that no variant of `{}` maps to; a row holding {} would fail to decode; add {}",
                plural(unmapped.len(), "label", "labels"),
                one_of(&unmapped),
                model.rust_name,
                plural(unmapped.len(), "it", "one"),
                plural(unmapped.len(), "a variant for it", "variants for them"),
            ),
        ));
    }
    findings
}
