//! Relations as FROM items: tables, views, sequences, system relations and CTEs by name (also
//! the target of INSERT/UPDATE/DELETE), their columns with types and nullability, and aliases.

use std::ops::Range;

use sqlparser::ast::{ObjectName, TableAlias};

use super::analyzer::Analyzer;
use super::catalog::CTy;
use super::env::RelRef;
use super::findings::{self, FindingKind};
use super::scope::{Col, Item, ItemKind, Origin};
use super::typename::{fold, name_parts};
use crate::types::Nullability;

const SEQUENCE_COLUMNS: &[(&str, &str)] = &[
    ("last_value", "int8"),
    ("log_cnt", "int8"),
    ("is_called", "bool"),
];

/// System columns every table has, found by name only.
const SYSTEM_COLUMNS: &[(&str, &str)] = &[
    ("tableoid", "oid"),
    ("xmin", "xid"),
    ("cmin", "cid"),
    ("xmax", "xid"),
    ("cmax", "cid"),
    ("ctid", "tid"),
];

impl<'a> Analyzer<'a> {
    /// A relation or CTE by name, as a FROM item (also the target of INSERT/UPDATE/DELETE).
    pub fn relation_item(
        &mut self,
        name: &ObjectName,
        alias: Option<&TableAlias>,
        span: Range<usize>,
    ) -> Item<'a> {
        let parts = name_parts(name).unwrap_or_default();
        let (schema, rel) = match parts.as_slice() {
            [r] => (None, r.clone()),
            [s, r] => (Some(s.clone()), r.clone()),
            [_, s, r] => (Some(s.clone()), r.clone()),
            _ => (None, String::new()),
        };
        let mut item = match (schema.as_deref(), self.scopes.cte(&rel)) {
            (None, Some(cte)) => Item::new(
                Some(rel.clone()),
                ItemKind::Cte,
                cte.cols.clone(),
                span.clone(),
            ),
            _ => self.named_relation(schema.as_deref(), &rel, span.clone()),
        };
        if alias.is_some() {
            item.hidden_name = item.name.clone();
            item.schema = None;
        }
        self.apply_alias(&mut item, alias);
        item
    }

    fn named_relation(&mut self, schema: Option<&str>, rel: &str, span: Range<usize>) -> Item<'a> {
        let env = self.env;
        let found = match schema {
            Some(s) => env.relation_in(s, rel),
            None => env.relation(rel),
        };
        let open_item = |cols: Vec<Col<'a>>| {
            let mut item = Item::new(Some(rel.to_owned()), ItemKind::Relation, cols, span.clone());
            item.open = true;
            item
        };
        let Some(found) = found else {
            if rel.ends_with("_seq") {
                // A sequence the snapshot cannot list: its columns are always these.
                return open_item(self.fixed_cols(SEQUENCE_COLUMNS));
            }
            match schema {
                Some(s) if !env.has_schema(s) => self.report(
                    FindingKind::UnknownSchema,
                    span.clone(),
                    format!(
                        "schema `{s}` does not exist{}",
                        crate::text::did_you_mean(s, env.snap.schemas.keys().map(String::as_str))
                    ),
                ),
                Some(s) => {
                    let message = findings::unknown_relation(
                        &format!("{s}.{rel}"),
                        env.relation_names_in(s),
                        &[],
                    );
                    self.report(FindingKind::UnknownRelation, span.clone(), message);
                }
                None => {
                    let mut candidates = env.visible_relation_names();
                    candidates.extend(self.scopes.cte_names());
                    let elsewhere = env.schemas_with_relation(rel);
                    let message = findings::unknown_relation(rel, candidates, &elsewhere);
                    self.report(FindingKind::UnknownRelation, span.clone(), message);
                }
            }
            return open_item(Vec::new());
        };
        let qn = found.qn();
        let (cols, open) = match found {
            RelRef::Table(q, t) => {
                let tracks = t.kind.tracks_nullability();
                let mut cols: Vec<Col<'a>> = t
                    .columns
                    .iter()
                    .map(|c| Col {
                        name: c.name.clone(),
                        ty: Some(env.declared_type(&c.type_schema, &c.type_name, c.array)),
                        null: match (tracks, c.nullable) {
                            (false, _) => Nullability::Unknown,
                            (true, true) => Nullability::Nullable,
                            (true, false) => Nullability::NotNull,
                        },
                        origin: Some(Origin {
                            schema: q.schema,
                            table: q.name,
                            column: &c.name,
                        }),
                        hidden: false,
                        qualifier: None,
                    })
                    .collect();
                if !matches!(t.kind, crate::snapshot::RelationKind::View) {
                    let mut system = self.fixed_cols(SYSTEM_COLUMNS);
                    for c in &mut system {
                        c.hidden = true;
                    }
                    cols.extend(system);
                }
                (cols, false)
            }
            RelRef::Sequence(_) => (self.fixed_cols(SEQUENCE_COLUMNS), false),
            RelRef::System(_, r) => {
                let cols = r
                    .columns
                    .iter()
                    .map(|c| self.cat_col(c.name, c.ty, c.not_null))
                    .collect();
                (cols, true)
            }
        };
        let mut item = Item::new(Some(qn.name.to_owned()), ItemKind::Relation, cols, span);
        item.schema = Some(qn.schema);
        item.open = open;
        item
    }

    fn fixed_cols(&self, cols: &[(&str, &str)]) -> Vec<Col<'a>> {
        cols.iter()
            .filter_map(|(n, t)| {
                let id = self.env.cat.type_named(0, t)?;
                Some(self.cat_col(n, CTy { id, array: false }, true))
            })
            .collect()
    }

    fn cat_col(&self, name: &str, ty: CTy, not_null: bool) -> Col<'a> {
        Col {
            name: name.to_owned(),
            ty: Some(ty.into()),
            null: if not_null {
                Nullability::NotNull
            } else {
                Nullability::Nullable
            },
            origin: None,
            hidden: false,
            qualifier: None,
        }
    }

    /// Renames an item (and its first columns) as `AS alias(a, b)` says.
    pub fn apply_alias(&mut self, item: &mut Item<'a>, alias: Option<&TableAlias>) {
        let Some(alias) = alias else { return };
        item.name = Some(fold(&alias.name));
        for c in &mut item.cols {
            c.qualifier = item.name.clone();
        }
        let visible = item.cols.iter().filter(|c| !c.hidden).count();
        if alias.columns.len() > visible && !item.open {
            let span = self.ident_span(&alias.name);
            let name = item.name.clone().unwrap_or_default();
            self.report(
                FindingKind::Arity,
                span,
                format!(
                    "`{name}` has {visible} columns but the alias names {}",
                    alias.columns.len()
                ),
            );
        }
        let mut cols = item.cols.iter_mut().filter(|c| !c.hidden);
        for a in &alias.columns {
            match cols.next() {
                Some(c) => {
                    c.name = fold(&a.name);
                    if let Some(dt) = &a.data_type {
                        if let super::typename::TypeName::Found { ty, .. } = self.env.type_name(dt)
                        {
                            c.ty = Some(ty);
                        }
                    }
                }
                None => break,
            }
        }
    }
}
