//! Queries: `WITH` (recursive too), `SELECT` with its clauses, set operations, `VALUES`,
//! `TABLE`, and the output columns with their names (`parse_clause.c`, `parse_target.c`).

use std::ops::Range;

use sqlparser::ast::{
    Expr, GroupByExpr, GroupByWithModifier, LimitClause, OrderBy, OrderByKind, Query, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, Value,
};

use super::analyzer::{Analyzer, TypeState, Typed};
use super::catalog::CastContext;
use super::findings::FindingKind;
use super::scope::Col;
use super::typename::{fold, name_parts};
use super::types::Ty;
use crate::types::Nullability;

/// Whether a query resolves its unknown-typed outputs as `text` when it ends. PostgreSQL does,
/// except in the branches of a set operation and the `SELECT` of `INSERT ... SELECT`, where the
/// enclosing statement types them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unknowns {
    Text,
    Keep,
}

/// Where ORDER BY items are looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortScope {
    /// A plain SELECT: output names, positions, or expressions over the FROM clause.
    Select,
    /// The result of a set operation: output names and positions only.
    SetOperation,
}

impl<'a> Analyzer<'a> {
    /// A query at the current level, unknown outputs resolved as text.
    pub fn query(&mut self, q: &Query) -> Vec<Col<'a>> {
        self.query_typed(q, Unknowns::Text)
            .into_iter()
            .map(out_col)
            .collect()
    }

    /// A query at the current level; each output with its output name as `name`.
    pub fn query_typed(&mut self, q: &Query, unknowns: Unknowns) -> Vec<Typed<'a>> {
        if let Some(with) = &q.with {
            self.with_clause(with);
        }
        let outs = match &*q.body {
            SetExpr::Select(s) => self.select(s, q.order_by.as_ref(), unknowns),
            other => {
                let outs = self.set_expr(other, unknowns);
                if let Some(o) = &q.order_by {
                    self.order_by(o, &outs, SortScope::SetOperation);
                }
                outs
            }
        };
        self.limits(q);
        outs
    }

    fn limits(&mut self, q: &Query) {
        let int8 = Ty::cat(self.env.cat.known.int8);
        let limit = |this: &mut Self, e: &Expr| {
            let t = this.expr(e);
            this.coerce(&t, int8, CastContext::Implicit);
        };
        match &q.limit_clause {
            Some(LimitClause::LimitOffset {
                limit: l, offset, ..
            }) => {
                if let Some(o) = offset {
                    limit(self, &o.value);
                }
                if let Some(l) = l {
                    limit(self, l);
                }
            }
            Some(LimitClause::OffsetCommaLimit { offset, limit: l }) => {
                limit(self, offset);
                limit(self, l);
            }
            None => {}
        }
        if let Some(f) = &q.fetch {
            if let Some(e) = &f.quantity {
                limit(self, e);
            }
        }
    }

    pub(super) fn select(
        &mut self,
        s: &sqlparser::ast::Select,
        order_by: Option<&OrderBy>,
        unknowns: Unknowns,
    ) -> Vec<Typed<'a>> {
        self.read_from(&s.from);
        let mut targets = self.select_list(&s.projection);
        if let Some(w) = &s.selection {
            self.condition(w);
        }
        if let Some(h) = &s.having {
            self.condition(h);
        }
        if let Some(o) = order_by {
            self.order_by(o, &targets, SortScope::Select);
        }
        let grouping_sets = self.group_by(&s.group_by, &targets);
        if let Some(sqlparser::ast::Distinct::On(exprs)) = &s.distinct {
            for e in exprs {
                self.sort_item(e, &targets, SortScope::Select);
            }
        }
        for w in &s.named_window {
            if let sqlparser::ast::NamedWindowExpr::WindowSpec(spec) = &w.1 {
                for p in &spec.partition_by {
                    self.expr(p);
                }
                for o in &spec.order_by {
                    self.expr(&o.expr);
                }
            }
        }
        if unknowns == Unknowns::Text {
            for t in &mut targets {
                self.settle_text(t);
            }
        }
        if grouping_sets {
            // Super-aggregate rows of ROLLUP/CUBE/GROUPING SETS hold NULL in grouped columns.
            for t in &mut targets {
                t.null = Nullability::Nullable;
            }
        }
        targets
    }

    pub fn select_list(&mut self, items: &[SelectItem]) -> Vec<Typed<'a>> {
        let mut out = Vec::new();
        for item in items {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let mut t = self.expr(e);
                    if t.name.is_none() {
                        t.name = Some(("?column?".to_owned(), 0));
                    }
                    out.push(t);
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let t = self.expr(expr);
                    out.push(t.named(&fold(alias), 3));
                }
                SelectItem::ExprWithAliases { expr, .. } => {
                    self.expr(expr);
                    out.push(Typed::untyped(self.span_of(expr)));
                }
                SelectItem::Wildcard(opts) => {
                    let span = self.src.range(opts.wildcard_token.0.span);
                    out.extend(self.star(span));
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    let span = self.span_of(item);
                    match kind {
                        SelectItemQualifiedWildcardKind::ObjectName(name) => {
                            out.extend(self.qualified_star(name, span));
                        }
                        SelectItemQualifiedWildcardKind::Expr(e) => {
                            self.expr(e);
                            self.columns_known = false;
                        }
                    }
                }
            }
        }
        out
    }

    /// `*`: the columns of every FROM item visible for columns, in order.
    pub fn star(&mut self, span: Range<usize>) -> Vec<Typed<'a>> {
        let level = self.scopes.top();
        let items: Vec<_> = level
            .items
            .iter()
            .filter(|i| i.cols_visible && !i.lateral_only)
            .collect();
        if items.is_empty() {
            self.report(
                FindingKind::InvalidReference,
                span,
                "`*` with no FROM clause selects nothing; name the columns".to_owned(),
            );
            return Vec::new();
        }
        let open = items.iter().any(|i| i.open);
        let out = items
            .iter()
            .flat_map(|i| i.star())
            .map(|c| typed_of(c, span.clone()))
            .collect();
        if open {
            self.columns_known = false;
        }
        out
    }

    pub fn qualified_star(
        &mut self,
        name: &sqlparser::ast::ObjectName,
        span: Range<usize>,
    ) -> Vec<Typed<'a>> {
        let parts = name_parts(name).unwrap_or_default();
        let (schema, table) = match parts.as_slice() {
            [t] => (None, t.as_str()),
            [s, t] => (Some(s.as_str()), t.as_str()),
            _ => return Vec::new(),
        };
        match self.scopes.item(schema, table) {
            Ok(item) => {
                if item.open {
                    self.columns_known = false;
                }
                let cols: Vec<Col<'a>> = item.star().cloned().collect();
                cols.iter().map(|c| typed_of(c, span.clone())).collect()
            }
            Err(miss) => {
                self.report_miss(miss, span, Some(table), "*");
                self.columns_known = false;
                Vec::new()
            }
        }
    }

    fn order_by(&mut self, o: &OrderBy, targets: &[Typed<'a>], scope: SortScope) {
        if let OrderByKind::Expressions(items) = &o.kind {
            for item in items {
                self.sort_item(&item.expr, targets, scope);
            }
        }
    }

    /// One ORDER BY (or DISTINCT ON) item: an output position, an output name, or an
    /// expression over the FROM clause.
    fn sort_item(&mut self, e: &Expr, targets: &[Typed<'a>], scope: SortScope) {
        let span = self.span_of(e);
        if let Expr::Value(v) = e {
            if let Value::Number(n, _) = &v.value {
                self.position(n, targets.len(), span, "ORDER BY");
                return;
            }
        }
        if let Expr::Identifier(id) = e {
            let name = fold(id);
            let hits: Vec<&Typed<'a>> = targets
                .iter()
                .filter(|t| t.name.as_ref().is_some_and(|(n, _)| *n == name))
                .collect();
            if let Some(first) = hits.first() {
                let text = self.text(&first.span);
                if hits.iter().any(|h| self.text(&h.span) != text) {
                    self.report(
                        FindingKind::AmbiguousColumn,
                        span,
                        format!(
                            "ORDER BY `{name}` is ambiguous: two output columns have that name"
                        ),
                    );
                }
                return;
            }
        }
        if scope == SortScope::SetOperation {
            self.report(
                FindingKind::InvalidReference,
                span,
                "ORDER BY of a UNION, INTERSECT or EXCEPT can name only output columns or their \
                 positions; wrap the set operation in a subquery to sort by an expression"
                    .to_owned(),
            );
            return;
        }
        self.expr(e);
    }

    fn position(&mut self, n: &str, len: usize, span: Range<usize>, clause: &str) {
        match n.parse::<usize>() {
            Ok(p) if (1..=len).contains(&p) => {}
            _ => self.report(
                FindingKind::InvalidReference,
                span,
                format!("{clause} position {n} is not in the select list (it has {len} columns)"),
            ),
        }
    }

    /// GROUP BY items; true when it uses ROLLUP, CUBE or GROUPING SETS.
    fn group_by(&mut self, g: &GroupByExpr, targets: &[Typed<'a>]) -> bool {
        let GroupByExpr::Expressions(exprs, modifiers) = g else {
            return false;
        };
        let mut sets = modifiers.iter().any(|m| {
            matches!(
                m,
                GroupByWithModifier::Rollup
                    | GroupByWithModifier::Cube
                    | GroupByWithModifier::GroupingSets(_)
            )
        });
        for e in exprs {
            sets |= self.group_item(e, targets);
        }
        sets
    }

    fn group_item(&mut self, e: &Expr, targets: &[Typed<'a>]) -> bool {
        let span = self.span_of(e);
        match e {
            Expr::Value(v) if matches!(v.value, Value::Number(..)) => {
                if let Value::Number(n, _) = &v.value {
                    self.position(n, targets.len(), span, "GROUP BY");
                }
                false
            }
            // A FROM column wins over an output name of the same spelling.
            Expr::Identifier(id) if self.scopes.column(&fold(id)).is_err() => {
                let name = fold(id);
                if !targets
                    .iter()
                    .any(|t| t.name.as_ref().is_some_and(|(n, _)| *n == name))
                {
                    self.expr(e);
                }
                false
            }
            Expr::GroupingSets(sets) | Expr::Cube(sets) | Expr::Rollup(sets) => {
                for set in sets {
                    for x in set {
                        self.group_item(x, targets);
                    }
                }
                true
            }
            _ => {
                self.expr(e);
                false
            }
        }
    }
}

/// The output column of a typed target, as the columns of a subquery or CTE read it.
pub(crate) fn out_col(t: Typed<'_>) -> Col<'_> {
    Col {
        name: t.name.map_or_else(|| "?column?".to_owned(), |(n, _)| n),
        ty: match t.ty {
            TypeState::Known(ty) => Some(ty),
            _ => None,
        },
        null: t.null,
        origin: t.origin,
        hidden: false,
        qualifier: None,
    }
}

pub(super) fn typed_of<'a>(c: &Col<'a>, span: Range<usize>) -> Typed<'a> {
    let ty = c.ty.map_or(TypeState::Untyped, TypeState::Known);
    let mut t = Typed::new(ty, c.null, span).named(&c.name, 2);
    t.origin = c.origin;
    t
}
