//! Queries: `WITH` (recursive too), `SELECT` with its clauses, set operations, `VALUES`,
//! `TABLE`, and the output columns with their names (`parse_clause.c`, `parse_target.c`).

use std::ops::Range;

use sqlparser::ast::{
    Expr, GroupByExpr, GroupByWithModifier, LimitClause, OrderBy, OrderByKind, Query,
    SelectItem, SelectItemQualifiedWildcardKind, SetExpr, SetOperator, Value, Values, With,
};

use super::analysis::Nullability;
use super::analyzer::{Analyzer, TypeState, Typed};
use super::catalog::CastContext;
use super::findings::FindingKind;
use super::scope::{Col, CteDef, Origin};
use super::typename::{fold, name_parts};
use super::types::Ty;

/// An output column of a query.
#[derive(Debug, Clone)]
pub(crate) struct OutCol<'a> {
    pub name: String,
    pub ty: Option<Ty<'a>>,
    pub null: Nullability,
    pub origin: Option<Origin<'a>>,
    pub span: Range<usize>,
}

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
    pub fn query(&mut self, q: &Query) -> Vec<OutCol<'a>> {
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
        let mut limit = |this: &mut Self, e: &Expr| {
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

    fn with_clause(&mut self, with: &With) {
        for cte in &with.cte_tables {
            let name = fold(&cte.alias.name);
            let mut cols = match (&*cte.query.body, with.recursive) {
                (
                    SetExpr::SetOperation {
                        op: SetOperator::Union,
                        left,
                        right,
                        ..
                    },
                    true,
                ) => self.recursive_cte(&name, &cte.alias, left, right),
                _ => {
                    self.scopes.push();
                    let out = self.query(&cte.query);
                    self.scopes.pop();
                    out.into_iter().map(col_of).collect()
                }
            };
            if cte.alias.columns.len() > cols.len() {
                let span = self.ident_span(&cte.alias.name);
                self.report(
                    FindingKind::Arity,
                    span,
                    format!(
                        "WITH query `{name}` has {} columns but its alias names {}",
                        cols.len(),
                        cte.alias.columns.len()
                    ),
                );
            }
            for (c, a) in cols.iter_mut().zip(&cte.alias.columns) {
                c.name = fold(&a.name);
            }
            self.scopes.top().ctes.push(CteDef { name, cols });
        }
    }

    /// `WITH RECURSIVE x AS (base UNION [ALL] step)`: the base term fixes the types; a column
    /// is NOT NULL only if it is in both terms, the step term seeing the CTE as it stands
    /// (repeated until that no longer changes).
    fn recursive_cte(
        &mut self,
        name: &str,
        alias: &sqlparser::ast::TableAlias,
        base: &SetExpr,
        step: &SetExpr,
    ) -> Vec<Col<'a>> {
        let mut base_out = self.branch(base, Unknowns::Keep);
        for t in &mut base_out {
            self.settle_text(t);
        }
        let mut cols: Vec<Col<'a>> = base_out.iter().cloned().map(out_col).map(col_of).collect();
        for (c, a) in cols.iter_mut().zip(&alias.columns) {
            c.name = fold(&a.name);
        }
        let mark = self.findings.len();
        for _ in 0..4 {
            self.findings.truncate(mark);
            self.scopes.top().ctes.push(CteDef {
                name: name.to_owned(),
                cols: cols.clone(),
            });
            let step_out = self.branch(step, Unknowns::Keep);
            self.scopes.top().ctes.pop();
            if step_out.len() != base_out.len() {
                let span = self.span_of(step);
                self.report(
                    FindingKind::Arity,
                    span,
                    format!(
                        "the recursive term of `{name}` returns {} columns but its base term {}",
                        step_out.len(),
                        base_out.len()
                    ),
                );
                return cols;
            }
            let mut changed = false;
            for (c, s) in cols.iter_mut().zip(&step_out) {
                let n = Nullability::strict([c.null, s.null]);
                if n != c.null {
                    c.null = n;
                    changed = true;
                }
                if let Some(t) = c.ty {
                    self.coerce(s, t, CastContext::Assignment);
                }
            }
            if !changed {
                break;
            }
        }
        cols
    }

    /// A branch of a set operation (or a CTE term): its own query level.
    fn branch(&mut self, e: &SetExpr, unknowns: Unknowns) -> Vec<Typed<'a>> {
        match e {
            SetExpr::SetOperation { .. } => self.set_expr(e, unknowns),
            _ => {
                self.scopes.push();
                let out = self.set_expr(e, unknowns);
                self.scopes.pop();
                out
            }
        }
    }

    fn set_expr(&mut self, e: &SetExpr, unknowns: Unknowns) -> Vec<Typed<'a>> {
        match e {
            SetExpr::Select(s) => self.select(s, None, unknowns),
            SetExpr::Query(q) => {
                self.scopes.push();
                let out = self.query_typed(q, unknowns);
                self.scopes.pop();
                out
            }
            SetExpr::SetOperation { left, right, .. } => {
                let l = self.branch(left, Unknowns::Keep);
                let r = self.branch(right, Unknowns::Keep);
                if l.len() != r.len() {
                    let span = self.span_of(e);
                    self.report(
                        FindingKind::Arity,
                        span,
                        format!(
                            "each side of a set operation must return as many columns: {} and {}",
                            l.len(),
                            r.len()
                        ),
                    );
                    return l;
                }
                let mut out = Vec::with_capacity(l.len());
                for (a, b) in l.into_iter().zip(r) {
                    let span = a.span.clone();
                    let mut t = self.common(&[a.clone(), b.clone()], span);
                    t.null = Nullability::strict([a.null, b.null]);
                    t.name = a.name.clone();
                    out.push(t);
                }
                out
            }
            SetExpr::Values(v) => self.values(v),
            SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) => self.dml(s),
            SetExpr::Table(t) => {
                let span = self.span_of(e);
                let name = match (&t.schema_name, &t.table_name) {
                    (Some(s), Some(n)) => format!("{s}.{n}"),
                    (None, Some(n)) => n.to_string(),
                    _ => return Vec::new(),
                };
                let object = sqlparser::ast::ObjectName::from(
                    name.split('.').map(sqlparser::ast::Ident::new).collect::<Vec<_>>(),
                );
                let item = self.relation_item(&object, None, span.clone());
                item.star()
                    .map(|c| typed_of(c, span.clone()))
                    .collect()
            }
            SetExpr::Merge(_) => Vec::new(),
        }
    }

    /// `VALUES (...), (...)`: columns `column1..n` of each position's common type.
    fn values(&mut self, v: &Values) -> Vec<Typed<'a>> {
        let rows: Vec<Vec<Typed<'a>>> = v
            .rows
            .iter()
            .map(|r| r.content.iter().map(|e| self.expr(e)).collect())
            .collect();
        let width = rows.first().map_or(0, Vec::len);
        for (row, r) in rows.iter().zip(&v.rows) {
            if row.len() != width {
                let span = match (r.content.first(), r.content.last()) {
                    (Some(a), Some(b)) => self.span_of(a).start..self.span_of(b).end,
                    _ => self.src.whole(),
                };
                self.report(
                    FindingKind::Arity,
                    span,
                    format!("VALUES rows must all have {width} values, this one has {}", row.len()),
                );
                return Vec::new();
            }
        }
        (0..width)
            .map(|i| {
                let column: Vec<Typed<'a>> = rows.iter().map(|r| r[i].clone()).collect();
                let span = column[0].span.clone();
                let t = self.common(&column, span);
                t.named(&format!("column{}", i + 1), 2)
            })
            .collect()
    }

    fn select(
        &mut self,
        s: &sqlparser::ast::Select,
        order_by: Option<&OrderBy>,
        unknowns: Unknowns,
    ) -> Vec<Typed<'a>> {
        self.from_clause(&s.from);
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
            Ok((_, item)) => {
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
                        format!("ORDER BY `{name}` is ambiguous: two output columns have that name"),
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
                if !targets.iter().any(|t| t.name.as_ref().is_some_and(|(n, _)| *n == name)) {
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

/// The output column of a typed target.
pub(crate) fn out_col(t: Typed<'_>) -> OutCol<'_> {
    OutCol {
        name: t.name.map_or_else(|| "?column?".to_owned(), |(n, _)| n),
        ty: match t.ty {
            TypeState::Known(ty) => Some(ty),
            _ => None,
        },
        null: t.null,
        origin: t.origin,
        span: t.span,
    }
}

pub(crate) fn col_of(o: OutCol<'_>) -> Col<'_> {
    Col {
        name: o.name,
        ty: o.ty,
        null: o.null,
        origin: o.origin,
        hidden: false,
        qualifier: None,
    }
}

fn typed_of<'a>(c: &Col<'a>, span: Range<usize>) -> Typed<'a> {
    let ty = c.ty.map_or(TypeState::Untyped, TypeState::Known);
    let mut t = Typed::new(ty, c.null, span).named(&c.name, 2);
    t.origin = c.origin;
    t
}
