//! Compound queries: `WITH` (recursive too), set operations, `VALUES` and `TABLE`.

use sqlparser::ast::{SetExpr, SetOperator, Values, With};

use super::analyzer::{Analyzer, Typed};
use super::catalog::CastContext;
use super::findings::FindingKind;
use super::query::{Unknowns, out_col, typed_of};
use super::scope::{Col, CteDef};
use super::typename::fold;
use crate::types::Nullability;

impl<'a> Analyzer<'a> {
    pub(super) fn with_clause(&mut self, with: &With) {
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
                    out
                }
            };
            let (has, named) = (cols.len(), cte.alias.columns.len());
            if named > has {
                let span = self.ident_span(&cte.alias.name);
                let message =
                    format!("WITH query `{name}` has {has} columns but its alias names {named}");
                self.arity(span, message);
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
        let mut cols: Vec<Col<'a>> = base_out.iter().cloned().map(out_col).collect();
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
            let (step_n, base_n) = (step_out.len(), base_out.len());
            if step_n != base_n {
                let message = format!(
                    "the recursive term of `{name}` returns {step_n} columns but its base term {base_n}"
                );
                self.arity(self.span_of(step), message);
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

    pub(super) fn set_expr(&mut self, e: &SetExpr, unknowns: Unknowns) -> Vec<Typed<'a>> {
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
                let (l_n, r_n) = (l.len(), r.len());
                if l_n != r_n {
                    let what = "each side of a set operation must return as many columns";
                    self.arity(self.span_of(e), format!("{what}: {l_n} and {r_n}"));
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
                    name.split('.')
                        .map(sqlparser::ast::Ident::new)
                        .collect::<Vec<_>>(),
                );
                let item = self.relation_item(&object, None, span.clone());
                item.star().map(|c| typed_of(c, span.clone())).collect()
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
                    format!(
                        "VALUES rows must all have {width} values, this one has {}",
                        row.len()
                    ),
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
}
