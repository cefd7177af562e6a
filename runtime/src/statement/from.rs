//! The FROM clause: relations, CTE references, subqueries, set-returning functions, `UNNEST`,
//! `VALUES`, joins with `ON`/`USING`/`NATURAL`, LATERAL, and what outer joins do to
//! nullability (`parse_clause.c`).

use std::ops::Range;

use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, Join, JoinConstraint, JoinOperator, ObjectName, Query,
    TableAlias, TableFactor, TableWithJoins,
};

use super::analyzer::{Analyzer, Typed};
use super::findings::FindingKind;
use super::scope::{Col, Item, ItemKind};
use super::typename::{fold, name_parts};
use super::types::Ty;
use crate::types::Nullability;

/// Which side of a join an outer join can fill with NULLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outer {
    None,
    Left,
    Right,
    Full,
}

/// Whether a function in FROM has `WITH ORDINALITY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ordinality {
    With,
    Without,
}

impl Ordinality {
    fn of(with: bool) -> Ordinality {
        if with {
            Ordinality::With
        } else {
            Ordinality::Without
        }
    }
}

impl<'a> Analyzer<'a> {
    /// Reads a FROM list into the current query level.
    pub fn read_from(&mut self, from: &[TableWithJoins]) {
        let start = self.scopes.top().items.len();
        for twj in from {
            let ns = self.joined_item(twj);
            for mut item in ns {
                item.lateral_only = true;
                self.scopes.top().items.push(item);
            }
        }
        let level = self.scopes.top();
        for item in &mut level.items[start..] {
            item.lateral_only = false;
        }
        self.check_duplicate_names(start);
    }

    fn check_duplicate_names(&mut self, start: usize) {
        let items = &self.scopes.top().items[start..];
        let mut dups: Vec<(String, Range<usize>)> = Vec::new();
        for (i, a) in items.iter().enumerate() {
            let Some(name) = a.name.as_deref().filter(|_| a.rel_visible) else {
                continue;
            };
            let clash = items[..i].iter().any(|b| {
                b.rel_visible
                    && b.name.as_deref() == Some(name)
                    && !(a.schema.is_some() && b.schema.is_some() && a.schema != b.schema)
            });
            if clash {
                dups.push((name.to_owned(), a.span.clone()));
            }
        }
        for (name, span) in dups {
            self.report(
                FindingKind::DuplicateAlias,
                span,
                format!("table name `{name}` is used twice in FROM; give one of them an alias"),
            );
        }
    }

    fn joined_item(&mut self, twj: &TableWithJoins) -> Vec<Item<'a>> {
        let mut ns = self.table_factor(&twj.relation);
        for j in &twj.joins {
            ns = self.join(ns, j);
        }
        ns
    }

    fn join(&mut self, left: Vec<Item<'a>>, j: &Join) -> Vec<Item<'a>> {
        use JoinOperator as J;
        let (outer, constraint) = match &j.join_operator {
            J::Join(c) | J::Inner(c) | J::CrossJoin(c) | J::StraightJoin(c) => {
                (Outer::None, Some(c))
            }
            J::Left(c) | J::LeftOuter(c) => (Outer::Left, Some(c)),
            J::Right(c) | J::RightOuter(c) => (Outer::Right, Some(c)),
            J::FullOuter(c) => (Outer::Full, Some(c)),
            _ => (Outer::None, None),
        };
        // The left side is visible to a LATERAL right side.
        let level_len = self.scopes.top().items.len();
        for item in &left {
            let mut item = item.clone();
            item.lateral_only = true;
            self.scopes.top().items.push(item);
        }
        let mut right = self.table_factor(&j.relation);
        self.scopes.top().items.truncate(level_len);
        let mut left = left;
        if matches!(outer, Outer::Right | Outer::Full) {
            null_extend(&mut left);
        }
        if matches!(outer, Outer::Left | Outer::Full) {
            null_extend(&mut right);
        }
        let using: Vec<(String, Range<usize>)> = match constraint {
            Some(JoinConstraint::On(on)) => {
                self.join_on(&left, &right, on);
                Vec::new()
            }
            Some(JoinConstraint::Using(names)) | Some(JoinConstraint::UsingAlias(names, _)) => {
                names
                    .iter()
                    .filter_map(|n| {
                        let parts = name_parts(n)?;
                        Some((parts.last()?.clone(), self.span_of(n)))
                    })
                    .collect()
            }
            Some(JoinConstraint::Natural) => {
                let l: Vec<String> = visible_cols(&left).map(|c| c.name.clone()).collect();
                visible_cols(&right)
                    .filter(|c| l.contains(&c.name))
                    .map(|c| (c.name.clone(), 0..0))
                    .collect()
            }
            _ => Vec::new(),
        };
        let join_item = self.join_item(&left, &right, &using, outer);
        let mut ns: Vec<Item<'a>> = left.into_iter().chain(right).collect();
        for item in &mut ns {
            item.cols_visible = false;
        }
        ns.push(join_item);
        ns
    }

    /// `ON` sees the two sides of its join only (and outer query levels).
    fn join_on(&mut self, left: &[Item<'a>], right: &[Item<'a>], on: &Expr) {
        let saved = std::mem::take(&mut self.scopes.top().items);
        self.scopes.top().items = left.iter().chain(right).cloned().collect();
        for item in &mut self.scopes.top().items {
            item.lateral_only = false;
        }
        self.condition(on);
        self.scopes.top().items = saved;
    }

    /// The join's own namespace item: merged `USING` columns, then the left's, then the
    /// right's.
    fn join_item(
        &mut self,
        left: &[Item<'a>],
        right: &[Item<'a>],
        using: &[(String, Range<usize>)],
        outer: Outer,
    ) -> Item<'a> {
        let mut cols = Vec::new();
        for (name, span) in using {
            let l: Vec<&Col<'a>> = visible_cols(left).filter(|c| c.name == *name).collect();
            let r: Vec<&Col<'a>> = visible_cols(right).filter(|c| c.name == *name).collect();
            let (l, r) = match (l.as_slice(), r.as_slice()) {
                ([l], [r]) => (*l, *r),
                (ls, rs) => {
                    let (side, found, items) = if ls.len() != 1 {
                        ("left", ls.len(), left)
                    } else {
                        ("right", rs.len(), right)
                    };
                    let message = if found == 0 {
                        let names: Vec<&str> =
                            visible_cols(items).map(|c| c.name.as_str()).collect();
                        format!(
                            "column `{name}` of USING does not exist on the {side} side of the join{}",
                            crate::text::did_you_mean_or_renamed(name, names)
                        )
                    } else {
                        format!(
                            "column `{name}` of USING is ambiguous on the {side} side of the join"
                        )
                    };
                    self.report(FindingKind::UnknownColumn, span.clone(), message);
                    continue;
                }
            };
            let ty = match (l.ty, r.ty) {
                (Some(a), Some(b)) => {
                    let lt = Typed::known(a, l.null, span.clone());
                    let rt = Typed::known(b, r.null, span.clone());
                    self.common(&[lt, rt], span.clone()).ty()
                }
                _ => None,
            };
            self.references.extend(l.origin.into_iter().chain(r.origin));
            let (null, origin) = match outer {
                // Equal values are not NULL.
                Outer::None => (Nullability::NotNull, l.origin),
                Outer::Left => (l.null, l.origin),
                Outer::Right => (r.null, r.origin),
                Outer::Full => (Nullability::any_not_null([l.null, r.null]), None),
            };
            cols.push(Col {
                name: name.clone(),
                ty,
                null,
                origin,
                hidden: false,
                qualifier: None,
            });
        }
        let merged = |c: &&Col<'a>| !using.iter().any(|(n, _)| *n == c.name);
        cols.extend(visible_cols(left).filter(merged).cloned());
        cols.extend(visible_cols(right).filter(merged).cloned());
        let mut item = Item::new(None, ItemKind::Join, cols, 0..0);
        item.rel_visible = false;
        item.open = left.iter().chain(right).any(|i| i.open && i.cols_visible);
        item
    }

    fn table_factor(&mut self, tf: &TableFactor) -> Vec<Item<'a>> {
        let span = self.span_of(tf);
        match tf {
            TableFactor::Table {
                name,
                alias,
                args,
                with_ordinality,
                ..
            } => match args {
                None => vec![self.relation_item(name, alias.as_ref(), span)],
                Some(a) => {
                    let ordinality = Ordinality::of(*with_ordinality);
                    self.function_table(name, &a.args, alias.as_ref(), ordinality, span)
                }
            },
            TableFactor::Function {
                name,
                args,
                with_ordinality,
                alias,
                ..
            } => {
                let ordinality = Ordinality::of(*with_ordinality);
                self.function_table(name, args, alias.as_ref(), ordinality, span)
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                ..
            } => {
                let saved = self.scopes.top().lateral_active;
                self.scopes.top().lateral_active = *lateral;
                let item = self.subquery_item(subquery, alias.as_ref(), span);
                self.scopes.top().lateral_active = saved;
                vec![item]
            }
            TableFactor::UNNEST {
                alias,
                array_exprs,
                with_ordinality,
                ..
            } => {
                let mut item = self.unnest_item(array_exprs, alias.as_ref(), span);
                if *with_ordinality {
                    self.add_ordinality(&mut item);
                }
                self.apply_alias(&mut item, alias.as_ref());
                vec![item]
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let ns = self.joined_item(table_with_joins);
                match alias {
                    None => ns,
                    Some(a) => {
                        let cols = ns
                            .iter()
                            .filter(|i| i.cols_visible)
                            .flat_map(|i| i.cols.iter().cloned())
                            .collect();
                        let mut item = Item::new(None, ItemKind::Join, cols, span);
                        self.apply_alias(&mut item, Some(a));
                        vec![item]
                    }
                }
            }
            _ => {
                // Other table syntax (JSON_TABLE, ...): an item whose columns are not known.
                let name = table_factor_alias(tf);
                let mut item = Item::new(name, ItemKind::Subquery, Vec::new(), span);
                item.open = true;
                vec![item]
            }
        }
    }

    /// A subquery in FROM; LATERAL or not as the level's `lateral_active` says.
    fn subquery_item(
        &mut self,
        q: &Query,
        alias: Option<&TableAlias>,
        span: Range<usize>,
    ) -> Item<'a> {
        let cols = self.sublink(q);
        let mut item = Item::new(None, ItemKind::Subquery, cols, span);
        self.apply_alias(&mut item, alias);
        item
    }

    /// A set-returning function in FROM, with the column `WITH ORDINALITY` adds and its alias.
    fn function_table(
        &mut self,
        name: &ObjectName,
        args: &[FunctionArg],
        alias: Option<&TableAlias>,
        ordinality: Ordinality,
        span: Range<usize>,
    ) -> Vec<Item<'a>> {
        let mut item = self.function_item(name, args, alias, span);
        if ordinality == Ordinality::With {
            self.add_ordinality(&mut item);
        }
        self.apply_alias(&mut item, alias);
        vec![item]
    }

    /// The column `WITH ORDINALITY` adds (before an alias renames the columns).
    fn add_ordinality(&self, item: &mut Item<'a>) {
        item.cols.push(Col {
            name: "ordinality".to_owned(),
            ty: Some(Ty::cat(self.env.cat.known.int8)),
            null: Nullability::NotNull,
            origin: None,
            hidden: false,
            qualifier: item.name.clone(),
        });
    }

    /// A set-returning function in FROM (implicitly LATERAL), before its alias applies.
    fn function_item(
        &mut self,
        name: &ObjectName,
        args: &[FunctionArg],
        alias: Option<&TableAlias>,
        span: Range<usize>,
    ) -> Item<'a> {
        let fname = name_parts(name)
            .and_then(|p| p.last().cloned())
            .unwrap_or_default();
        let saved = self.scopes.top().lateral_active;
        self.scopes.top().lateral_active = true;
        let mut typed = Vec::new();
        let mut names = Vec::new();
        for a in args {
            let (n, arg) = super::calls::split_arg(a);
            if let FunctionArgExpr::Expr(e) = arg {
                typed.push(self.expr(e));
                names.push(n);
            }
        }
        self.scopes.top().lateral_active = saved;
        let cols = self.srf_columns(&fname, &typed, &names, alias);
        let open = cols.is_none();
        let mut item = Item::new(
            Some(fname),
            ItemKind::Function,
            cols.unwrap_or_default(),
            span,
        );
        item.open = open;
        item
    }

    /// The columns a function in FROM yields, or `None` when unknown.
    fn srf_columns(
        &mut self,
        fname: &str,
        args: &[Typed<'a>],
        names: &[Option<String>],
        alias: Option<&TableAlias>,
    ) -> Option<Vec<Col<'a>>> {
        let inputs = args.iter().map(Typed::arg).collect::<Option<Vec<_>>>()?;
        let res =
            self.env
                .resolve_function(fname, &inputs, super::overload::CallShape { names })?;
        for (t, target) in args.iter().zip(&res.args) {
            if let Some(target) = target {
                self.coerce(t, *target, super::catalog::CastContext::Implicit);
            }
        }
        let func = res.func?;
        let null = if super::calls::may_return_null(func) {
            Nullability::Nullable
        } else {
            Nullability::strict(args.iter().map(|a| a.null))
        };
        if !func.out.is_empty() {
            return Some(
                func.out
                    .iter()
                    .map(|(n, t)| Col {
                        name: (*n).to_owned(),
                        ty: Some((*t).into()),
                        null,
                        origin: None,
                        hidden: false,
                        qualifier: None,
                    })
                    .collect(),
            );
        }
        if res.ret.is_cat(self.env.cat.known.record) {
            return None;
        }
        // A scalar result: one column named after the alias, else the function.
        let col = alias.map_or_else(|| fname.to_owned(), |a| fold(&a.name));
        Some(vec![Col {
            name: col,
            ty: Some(res.ret),
            null,
            origin: None,
            hidden: false,
            qualifier: None,
        }])
    }

    /// `UNNEST(a, b, ...)`: one column per array, padded with NULLs.
    fn unnest_item(
        &mut self,
        arrays: &[Expr],
        alias: Option<&TableAlias>,
        span: Range<usize>,
    ) -> Item<'a> {
        let saved = self.scopes.top().lateral_active;
        self.scopes.top().lateral_active = true;
        let typed: Vec<Typed<'a>> = arrays.iter().map(|e| self.expr(e)).collect();
        self.scopes.top().lateral_active = saved;
        let single = typed.len() == 1;
        let cols: Vec<Col<'a>> = typed
            .iter()
            .map(|t| {
                let ty = t
                    .ty()
                    .map(|ty| self.env.base_type(ty))
                    .filter(|b| b.array)
                    .map(Ty::elem);
                let name = match alias {
                    Some(a) if single => fold(&a.name),
                    _ => "unnest".to_owned(),
                };
                Col {
                    name,
                    ty,
                    null: Nullability::Nullable,
                    origin: None,
                    hidden: false,
                    qualifier: None,
                }
            })
            .collect();
        Item::new(Some("unnest".to_owned()), ItemKind::Function, cols, span)
    }
}

/// Every column of these items can be NULL: they are the nullable side of an outer join.
fn null_extend(items: &mut [Item<'_>]) {
    for item in items {
        for c in &mut item.cols {
            c.null = Nullability::Nullable;
        }
    }
}

fn visible_cols<'i, 'a>(items: &'i [Item<'a>]) -> impl Iterator<Item = &'i Col<'a>> {
    items
        .iter()
        .filter(|i| i.cols_visible)
        .flat_map(|i| i.star())
}

fn table_factor_alias(tf: &TableFactor) -> Option<String> {
    let alias = match tf {
        TableFactor::JsonTable { alias, .. }
        | TableFactor::OpenJsonTable { alias, .. }
        | TableFactor::TableFunction { alias, .. }
        | TableFactor::XmlTable { alias, .. } => alias.as_ref(),
        _ => None,
    };
    alias.map(|a| fold(&a.name))
}
