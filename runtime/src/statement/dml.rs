//! `INSERT`, `UPDATE` and `DELETE`: target relations, written columns (listed, existing,
//! writable, each given a value of a type it takes), rows that cannot be inserted, `RETURNING`,
//! `UPDATE ... FROM` and `DELETE ... USING`. `ON CONFLICT` is in `conflict.rs`.

use std::ops::Range;

use sqlparser::ast::{
    Assignment, AssignmentTarget, Delete, Expr, FromTable, Insert, ObjectName, SelectItem, SetExpr,
    Statement, TableFactor, TableObject, Update, UpdateTableFromKind,
};

use super::analyzer::{Analyzer, Typed};
use super::catalog::CastContext;
use super::env::RelRef;
use super::findings::FindingKind;
use super::query::Unknowns;
use super::scope::{Item, ItemKind, Origin};
use super::typename::{fold, name_parts};
use super::types::{Qn, Ty};
use crate::snapshot::{Column, Generated, Identity, Table};

/// Whether an INSERT lists its columns (then each row must give them all) or writes the
/// table's columns in order (then a row may stop early).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnList {
    Listed,
    Implicit,
}

/// How a statement writes a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    Insert,
    /// `INSERT ... OVERRIDING SYSTEM VALUE`: `GENERATED ALWAYS` identities may be written.
    InsertOverridingSystem,
    Update,
}

/// The relation a statement writes.
pub(crate) struct Target<'a> {
    /// The table in the snapshot, when it exists.
    pub table: Option<&'a Table>,
    /// Its schema and name in the snapshot.
    pub qn: Option<Qn<'a>>,
    /// The name it is known by in the statement (alias or name).
    pub name: String,
    /// Where the statement names it.
    pub span: Range<usize>,
}

impl<'a> Analyzer<'a> {
    /// A data-modifying statement; its `RETURNING` columns.
    pub fn dml(&mut self, s: &Statement) -> Vec<Typed<'a>> {
        match s {
            Statement::Insert(i) => self.insert(i),
            Statement::Update(u) => self.update(u),
            Statement::Delete(d) => self.delete(d),
            _ => Vec::new(),
        }
    }

    /// Resolves the written relation and puts it in scope.
    fn target(
        &mut self,
        name: &ObjectName,
        alias: Option<&sqlparser::ast::TableAlias>,
    ) -> Target<'a> {
        let span = self.span_of(name);
        let item = self.relation_item(name, alias, span.clone());
        let parts = name_parts(name).unwrap_or_default();
        let found = match parts.as_slice() {
            [t] if item.kind == ItemKind::Relation => self.env.relation(t),
            [s, t] if item.kind == ItemKind::Relation => self.env.relation_in(s, t),
            _ => None,
        };
        let mut qn = None;
        let table = match found {
            Some(RelRef::Table(q, t)) => {
                qn = Some(q);
                if !t.kind.writable() {
                    self.report(
                        FindingKind::NotWritable,
                        span.clone(),
                        format!(
                            "`{}` is a {}, which a statement cannot write; write its tables",
                            q.name,
                            t.kind.describe()
                        ),
                    );
                }
                Some(t)
            }
            _ => None,
        };
        let target = Target {
            table,
            qn,
            name: item.name.clone().unwrap_or_default(),
            span,
        };
        self.scopes.top().items.push(item);
        target
    }

    fn insert(&mut self, i: &Insert) -> Vec<Typed<'a>> {
        let TableObject::TableName(name) = &i.table else {
            return Vec::new();
        };
        let alias = i.table_alias.as_ref().map(|a| sqlparser::ast::TableAlias {
            explicit: a.explicit,
            name: a.alias.clone(),
            columns: Vec::new(),
            at: None,
        });
        let target = self.target(name, alias.as_ref());
        // The target is not visible to the VALUES or SELECT that feeds it.
        let target_item = self.scopes.top().items.pop();
        let columns = self.insert_columns(&target, &i.columns);
        let write = match i.overriding {
            Some(sqlparser::ast::InsertOverriding::System) => Write::InsertOverridingSystem,
            _ => Write::Insert,
        };
        let mut written: Vec<&'a Column> = Vec::new();
        match i.source.as_deref() {
            None => {}
            Some(q) => {
                let list = if i.columns.is_empty() {
                    ColumnList::Implicit
                } else {
                    ColumnList::Listed
                };
                written = self.insert_source(&target, &columns, q, write, list)
            }
        }
        // A listed column that does not exist already has its finding; the columns it may have
        // meant are not "left out".
        if let (Some(t), true) = (target.table, columns.iter().all(Option::is_some)) {
            self.missing_values(t, &written, &target);
        }
        if let Some(item) = target_item {
            self.scopes.top().items.push(item);
        }
        if let Some(sqlparser::ast::OnInsert::OnConflict(oc)) = &i.on {
            self.on_conflict(&target, oc);
        }
        self.returning(i.returning.as_deref())
    }

    /// The columns an INSERT writes: those listed, else all of the table in order.
    fn insert_columns(
        &mut self,
        target: &Target<'a>,
        listed: &[ObjectName],
    ) -> Vec<Option<&'a Column>> {
        let Some(table) = target.table else {
            return vec![None; listed.len()];
        };
        if listed.is_empty() {
            return table.columns.iter().map(Some).collect();
        }
        let mut out: Vec<Option<&'a Column>> = Vec::new();
        for name in listed {
            let span = self.span_of(name);
            let col = name_parts(name)
                .and_then(|p| p.first().cloned())
                .unwrap_or_default();
            let found = self.target_column(table, target, &col, span.clone());
            if found.is_some() && out.iter().flatten().any(|c| c.name == col) {
                self.report(
                    FindingKind::DuplicateColumn,
                    span,
                    format!("column `{col}` is listed twice"),
                );
            }
            out.push(found);
        }
        out
    }

    /// A column of the written table, or a finding.
    pub fn target_column(
        &mut self,
        table: &'a Table,
        target: &Target<'a>,
        name: &str,
        span: Range<usize>,
    ) -> Option<&'a Column> {
        let found = table.column(name);
        if let (Some(c), Some(q)) = (found, target.qn) {
            self.references.push(Origin {
                schema: q.schema,
                table: q.name,
                column: &c.name,
            });
        }
        if found.is_none() {
            let message = super::findings::unknown_column(
                name,
                Some(&target.name),
                table.columns.iter().map(|c| c.name.as_str()),
            );
            self.report(FindingKind::UnknownColumn, span, message);
        }
        found
    }

    /// The rows of VALUES, or the SELECT, coerced to the written columns; the columns that get
    /// a value.
    fn insert_source(
        &mut self,
        target: &Target<'a>,
        columns: &[Option<&'a Column>],
        q: &sqlparser::ast::Query,
        write: Write,
        list: ColumnList,
    ) -> Vec<&'a Column> {
        let plain_values = q.with.is_none() && q.order_by.is_none() && q.limit_clause.is_none();
        let rows: Vec<Vec<(Typed<'a>, bool)>> = match (&*q.body, plain_values) {
            (SetExpr::Values(v), true) => v
                .rows
                .iter()
                .map(|r| {
                    r.content
                        .iter()
                        .map(|e| (self.expr_or_default(e), is_default(e)))
                        .collect()
                })
                .collect(),
            _ => {
                self.scopes.push();
                let out = self.query_typed(q, Unknowns::Keep);
                self.scopes.pop();
                vec![out.into_iter().map(|t| (t, false)).collect()]
            }
        };
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        for row in &rows {
            let span = row
                .first()
                .map(|(t, _)| t.span.start..row.last().map_or(t.span.end, |l| l.0.span.end))
                .unwrap_or(target.span.clone());
            if row.len() > columns.len() {
                self.report(
                    FindingKind::Arity,
                    span,
                    format!(
                        "the INSERT gives {} values for {} columns",
                        row.len(),
                        columns.len()
                    ),
                );
            } else if list == ColumnList::Listed && row.len() < columns.len() {
                self.report(
                    FindingKind::Arity,
                    span,
                    format!(
                        "the INSERT lists {} columns but gives {} values",
                        columns.len(),
                        row.len()
                    ),
                );
            }
            for ((value, default), col) in row.iter().zip(columns) {
                if let (Some(col), false) = (col, *default) {
                    self.write_value(col, value, write);
                }
            }
        }
        columns.iter().take(width).flatten().copied().collect()
    }

    /// Analyses a value, where `DEFAULT` stands for the column's default.
    fn expr_or_default(&mut self, e: &Expr) -> Typed<'a> {
        if is_default(e) {
            Typed::untyped(self.span_of(e))
        } else {
            self.expr(e)
        }
    }

    /// A value (not `DEFAULT`) written to a column: the column must be writable and take the
    /// value's type.
    pub fn write_value(&mut self, col: &'a Column, value: &Typed<'a>, write: Write) {
        let span = value.span.clone();
        let blocked = match (col.generated, col.identity, write) {
            (Some(Generated::Stored | Generated::Virtual), _, _) => {
                Some("a generated column; PostgreSQL computes it: leave it out or write `DEFAULT`")
            }
            (_, Some(Identity::Always), Write::Insert) => Some(
                "`GENERATED ALWAYS AS IDENTITY`: leave it out, write `DEFAULT`, or add \
                 `OVERRIDING SYSTEM VALUE`",
            ),
            (_, Some(Identity::Always), Write::Update) => {
                Some("`GENERATED ALWAYS AS IDENTITY`: it can only be set to `DEFAULT`")
            }
            _ => None,
        };
        if let Some(why) = blocked {
            self.report(
                FindingKind::NotWritable,
                span.clone(),
                format!("column `{}` is {why}", col.name),
            );
        }
        let ty: Ty<'a> = self
            .env
            .declared_type(&col.type_schema, &col.type_name, col.array);
        if let Some(v) = value.ty() {
            if value.param.is_none()
                && self.judgeable(v)
                && self.judgeable(ty)
                && !self.env.coerces(v, ty, CastContext::Assignment)
            {
                let message = format!(
                    "column `{}` is `{}` but the value is `{}`; cast it or write a value of the \
                     column's type",
                    col.name,
                    self.env.display(ty),
                    self.env.display(v)
                );
                self.report(FindingKind::TypeMismatch, span, message);
                return;
            }
        }
        self.coerce(value, ty, CastContext::Assignment);
    }

    /// NOT NULL columns an INSERT leaves out and that have no default: the row cannot be
    /// inserted.
    fn missing_values(&mut self, table: &'a Table, written: &[&'a Column], target: &Target<'a>) {
        if !table.kind.tracks_nullability() {
            return;
        }
        for col in &table.columns {
            if col.nullable || col.has_default() || written.iter().any(|w| w.name == col.name) {
                continue;
            }
            self.report(
                FindingKind::MissingValue,
                target.span.clone(),
                format!(
                    "column `{}` is NOT NULL and has no default, but the INSERT gives it no \
                     value: every row would fail; add it to the column list",
                    col.name
                ),
            );
        }
    }

    fn update(&mut self, u: &Update) -> Vec<Typed<'a>> {
        let TableFactor::Table { name, alias, .. } = &u.table.relation else {
            return Vec::new();
        };
        let target = self.target(name, alias.as_ref());
        // FROM items do not see the target, even LATERAL ones.
        let idx = self.scopes.top().items.len() - 1;
        self.scopes.top().items[idx].lateral_only = true;
        match &u.from {
            Some(UpdateTableFromKind::BeforeSet(f)) | Some(UpdateTableFromKind::AfterSet(f)) => {
                self.read_from(f)
            }
            None => {}
        }
        self.scopes.top().items[idx].lateral_only = false;
        if let Some(w) = &u.selection {
            self.condition(w);
        }
        let out = self.returning(u.returning.as_deref());
        self.assignments(&target, &u.assignments, Write::Update);
        out
    }

    /// `SET a = x, (b, c) = (y, z)`.
    pub fn assignments(&mut self, target: &Target<'a>, assignments: &[Assignment], write: Write) {
        let mut seen: Vec<String> = Vec::new();
        for a in assignments {
            let names: Vec<&ObjectName> = match &a.target {
                AssignmentTarget::ColumnName(n) => vec![n],
                AssignmentTarget::Tuple(ns) => ns.iter().collect(),
            };
            let values: Vec<(Typed<'a>, bool)> = match (&a.value, names.len()) {
                (Expr::Tuple(vs), n) if n > 1 => vs
                    .iter()
                    .map(|e| (self.expr_or_default(e), is_default(e)))
                    .collect(),
                (e, 1) => vec![(self.expr_or_default(e), is_default(e))],
                (e, _) => {
                    self.expr(e);
                    Vec::new()
                }
            };
            for (i, n) in names.iter().enumerate() {
                let span = self.span_of(*n);
                let parts = name_parts(n).unwrap_or_default();
                let Some(col) = parts.first().cloned() else {
                    continue;
                };
                if seen.contains(&col) {
                    self.report(
                        FindingKind::DuplicateColumn,
                        span.clone(),
                        format!("column `{col}` is assigned twice"),
                    );
                }
                seen.push(col.clone());
                let Some(table) = target.table else { continue };
                let Some(column) = self.target_column(table, target, &col, span) else {
                    continue;
                };
                if parts.len() > 1 {
                    continue;
                }
                if let Some((v, false)) = values.get(i) {
                    self.write_value(column, v, write);
                }
            }
        }
    }

    fn delete(&mut self, d: &Delete) -> Vec<Typed<'a>> {
        let from = match &d.from {
            FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
        };
        let Some(first) = from.first() else {
            return Vec::new();
        };
        let TableFactor::Table { name, alias, .. } = &first.relation else {
            return Vec::new();
        };
        self.target(name, alias.as_ref());
        if let Some(using) = &d.using {
            self.read_from(using);
        }
        if let Some(w) = &d.selection {
            self.condition(w);
        }
        self.returning(d.returning.as_deref())
    }

    /// `RETURNING`: a select list over the target (and FROM/USING items).
    pub fn returning(&mut self, items: Option<&[SelectItem]>) -> Vec<Typed<'a>> {
        let Some(items) = items else {
            return Vec::new();
        };
        let mut out = self.select_list(items);
        for t in &mut out {
            self.settle_text(t);
        }
        out
    }

    /// The scope item a conflict clause reads the proposed row through.
    pub fn excluded_item(&self, target: &Target<'a>) -> Option<Item<'a>> {
        let table = target.table?;
        let cols = table
            .columns
            .iter()
            .map(|c| super::scope::Col {
                name: c.name.clone(),
                ty: Some(
                    self.env
                        .declared_type(&c.type_schema, &c.type_name, c.array),
                ),
                null: if c.nullable {
                    super::analysis::Nullability::Nullable
                } else {
                    super::analysis::Nullability::NotNull
                },
                origin: None,
                hidden: false,
                qualifier: None,
            })
            .collect();
        Some(Item::new(
            Some("excluded".to_owned()),
            ItemKind::Excluded,
            cols,
            target.span.clone(),
        ))
    }
}

/// `DEFAULT` as a value (sqlparser reads it as an identifier).
fn is_default(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(id) if id.quote_style.is_none() && fold(id) == "default")
}
