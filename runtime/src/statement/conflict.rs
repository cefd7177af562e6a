//! `INSERT ... ON CONFLICT`: the conflict target must match a unique index or constraint (else
//! PostgreSQL fails when it plans the statement: "there is no unique or exclusion constraint
//! matching the ON CONFLICT specification"), a named constraint must exist, and `DO UPDATE`
//! reads the proposed row through `EXCLUDED`.

use sqlparser::ast::{ConflictTarget, OnConflict, OnConflictAction};

use super::analyzer::Analyzer;
use super::dml::{Target, Write};
use super::findings::FindingKind;
use super::typename::{fold, name_parts};
use crate::snapshot::Table;
use crate::text as suggest;

/// A unique key of a table: its columns, and whether it holds only for some rows.
struct UniqueKey<'a> {
    columns: Vec<&'a str>,
    partial: bool,
}

fn unique_keys(t: &Table) -> Vec<UniqueKey<'_>> {
    let mut keys: Vec<UniqueKey<'_>> = Vec::new();
    let constraints = t.primary_key.iter().chain(&t.unique_constraints);
    keys.extend(constraints.map(|k| UniqueKey {
        columns: k.columns.iter().map(String::as_str).collect(),
        partial: false,
    }));
    for index in t.indexes.iter().filter(|i| i.unique || i.primary) {
        let columns: Option<Vec<&str>> = index.keys.iter().map(|k| k.column.as_deref()).collect();
        if let Some(columns) = columns {
            keys.push(UniqueKey {
                columns,
                partial: index.predicate.is_some(),
            });
        }
    }
    // A constraint and the index behind it are one key.
    let mut seen: Vec<(Vec<&str>, bool)> = Vec::new();
    keys.retain(|k| {
        let id = (k.columns.clone(), k.partial);
        let new = !seen.contains(&id);
        seen.push(id);
        new
    });
    keys
}

impl<'a> Analyzer<'a> {
    pub fn on_conflict(&mut self, target: &Target<'a>, oc: &OnConflict) {
        match &oc.conflict_target {
            Some(ConflictTarget::Columns { columns, predicate }) => {
                let mut names = Vec::new();
                let mut all_found = true;
                for c in columns {
                    let name = fold(c);
                    let span = self.ident_span(c);
                    if let Some(t) = target.table {
                        all_found &= self.target_column(t, target, &name, span).is_some();
                    }
                    names.push(name);
                }
                if let Some(p) = predicate {
                    self.condition(p);
                }
                if let (Some(t), true) = (target.table, all_found) {
                    self.arbiter(t, target, &names, predicate.as_ref(), columns);
                }
            }
            Some(ConflictTarget::OnConstraint(name)) => {
                let span = self.span_of(name);
                let wanted = name_parts(name)
                    .and_then(|p| p.last().cloned())
                    .unwrap_or_default();
                if let Some(t) = target.table {
                    // A constraint and the index behind it share a name: list it once.
                    let mut known: Vec<&str> = t
                        .primary_key
                        .iter()
                        .chain(&t.unique_constraints)
                        .map(|k| k.name.as_str())
                        .chain(t.indexes.iter().map(|i| i.name.as_str()))
                        .collect();
                    known.sort_unstable();
                    known.dedup();
                    if !known.contains(&wanted.as_str()) {
                        self.report(
                            FindingKind::OnConflict,
                            span,
                            format!(
                                "`{}` has no constraint `{wanted}`{}",
                                target.name,
                                suggest::did_you_mean(&wanted, known.iter().copied())
                            ),
                        );
                    }
                }
            }
            None if self.conflict_target.is_some() => self.expression_target(target),
            None => {
                if matches!(oc.action, OnConflictAction::DoUpdate(_)) {
                    self.report(
                        FindingKind::Syntax,
                        target.span.clone(),
                        "ON CONFLICT DO UPDATE needs a conflict target: name the unique columns \
                         (`ON CONFLICT (a, b)`) or the constraint (`ON CONFLICT ON CONSTRAINT x`)"
                            .to_owned(),
                    );
                }
            }
        }
        if let OnConflictAction::DoUpdate(up) = &oc.action {
            let excluded = self.excluded_item(target);
            let pushed = excluded.is_some();
            if let Some(item) = excluded {
                self.scopes.top().items.push(item);
            }
            self.assignments(target, &up.assignments, Write::Update);
            if let Some(w) = &up.selection {
                self.condition(w);
            }
            if pushed {
                self.scopes.top().items.pop();
            }
        }
    }

    /// A conflict target with expressions (`ON CONFLICT (vault_id, lower(name))`), cut out of
    /// the text before parsing: its column references are checked; it must find a unique index
    /// with expression keys of its width (the expressions themselves are not compared).
    fn expression_target(&mut self, target: &Target<'a>) {
        let Some(ct) = self.conflict_target.take() else {
            return;
        };
        let span = match (
            ct.elements.first().and_then(|e| e.first()),
            ct.elements.last().and_then(|e| e.last()),
        ) {
            (Some(a), Some(b)) => self.src.range(a.span).start..self.src.range(b.span).end,
            _ => target.span.clone(),
        };
        for e in ct.elements.iter().filter_map(|tokens| parse_expr(tokens)) {
            self.expr(&e);
        }
        if let Some(p) = ct.predicate.as_deref().and_then(parse_expr) {
            self.condition(&p);
        }
        let Some(t) = target.table else { return };
        let width = ct.elements.len();
        let fits = t.indexes.iter().any(|i| {
            (i.unique || i.primary)
                && i.keys.len() == width
                && i.keys.iter().any(|k| k.expression.is_some())
        });
        if !fits {
            let keys = if width == 1 { "key" } else { "keys" };
            let message = format!(
                "no unique index of `{}` has {width} {keys} with expressions: PostgreSQL fails with \
                 \"there is no unique or exclusion constraint matching the ON CONFLICT \
                 specification\"; create the index, or name the columns of a unique key",
                target.name
            );
            self.report(FindingKind::OnConflict, span, message);
        }
    }

    /// PostgreSQL's `infer_arbiter_indexes`, for plain columns: some unique key has exactly
    /// these columns (a partial one only when the target has a WHERE the engine cannot weigh).
    fn arbiter(
        &mut self,
        t: &'a Table,
        target: &Target<'a>,
        names: &[String],
        predicate: Option<&sqlparser::ast::Expr>,
        columns: &[sqlparser::ast::Ident],
    ) {
        let keys = unique_keys(t);
        let same = |k: &UniqueKey<'_>| {
            k.columns.len() == names.len() && names.iter().all(|n| k.columns.contains(&n.as_str()))
        };
        if keys
            .iter()
            .any(|k| same(k) && (!k.partial || predicate.is_some()))
        {
            return;
        }
        let span = match (columns.first(), columns.last()) {
            (Some(a), Some(b)) => self.ident_span(a).start..self.ident_span(b).end,
            _ => target.span.clone(),
        };
        let listed: Vec<String> = keys
            .iter()
            .filter(|k| !k.partial)
            .map(|k| format!("({})", k.columns.join(", ")))
            .collect();
        let have = if listed.is_empty() {
            format!("`{}` has no unique key", target.name)
        } else {
            let refs: Vec<&str> = listed.iter().map(String::as_str).collect();
            format!("its unique keys are {}", suggest::one_of(&refs))
        };
        let partial = if keys.iter().any(|k| same(k) && k.partial) {
            "; the unique index on these columns is partial: repeat its WHERE after the columns"
        } else {
            ""
        };
        let message = format!(
            "no unique index or constraint of `{}` is on exactly ({}): PostgreSQL fails with \
             \"there is no unique or exclusion constraint matching the ON CONFLICT \
             specification\"; {have}{partial}",
            target.name,
            names.join(", ")
        );
        self.report(FindingKind::OnConflict, span, message);
    }
}

/// One expression from its tokens (an index element may go on with a collation or operator
/// class, which is left unread).
fn parse_expr(tokens: &[sqlparser::tokenizer::TokenWithSpan]) -> Option<sqlparser::ast::Expr> {
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    sqlparser::parser::Parser::new(&dialect)
        .with_tokens_with_locations(tokens.to_vec())
        .parse_expr()
        .ok()
}
