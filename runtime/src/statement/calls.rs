//! Function calls (aggregates and window functions too), the special forms PostgreSQL types
//! itself (`COALESCE`, `GREATEST`/`LEAST`, `NULLIF`, `ROW`, `ARRAY[...]`, `CASE`) and
//! subqueries used as values.

use std::ops::Range;

use sqlparser::ast::{
    CaseWhen, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentClause,
    FunctionArguments, Query, TrimWhereField, WindowType,
};

use super::analyzer::{Analyzer, TypeState, Typed};
use super::catalog::{CastContext, FuncKind};
use super::findings::FindingKind;
use super::overload::CallShape;
use super::scope::Col;
use super::typename::{fold, name_parts};
use super::types::{ArgTy, Ty};
use crate::types::Nullability;

/// Built-in functions that can return NULL for non-NULL arguments; every other strict built-in
/// returns a value for values.
const MAY_RETURN_NULL: &[&str] = &[
    "array_length",
    "array_lower",
    "array_upper",
    "array_dims",
    "array_ndims",
    "array_position",
    "regexp_match",
    "regexp_substr",
    "json_extract_path",
    "json_extract_path_text",
    "jsonb_extract_path",
    "jsonb_extract_path_text",
    "jsonb_path_query_first",
    "jsonb_path_query_first_tz",
    "json_object_field",
    "json_object_field_text",
    "jsonb_object_field",
    "jsonb_object_field_text",
    "json_array_element",
    "json_array_element_text",
    "jsonb_array_element",
    "jsonb_array_element_text",
    "current_setting",
    "nullif",
    "txid_status",
    "unnest",
    "jsonb_each_text",
    "json_each_text",
    "jsonb_array_elements_text",
    "json_array_elements_text",
    "string_to_table",
];

/// Functions that never return NULL, even for NULL arguments.
const NEVER_NULL: &[&str] = &[
    "concat",
    "concat_ws",
    "format",
    "json_build_object",
    "jsonb_build_object",
    "json_build_array",
    "jsonb_build_array",
    "num_nulls",
    "num_nonnulls",
    "now",
    "random",
    "gen_random_uuid",
    "clock_timestamp",
    "statement_timestamp",
    "transaction_timestamp",
    "timeofday",
    "version",
    "pg_backend_pid",
];

/// Window functions whose value exists for every row.
const WINDOW_NOT_NULL: &[&str] = &[
    "row_number",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
    "ntile",
];

impl<'a> Analyzer<'a> {
    pub(super) fn function(&mut self, f: &Function, span: Range<usize>) -> Typed<'a> {
        let parts = name_parts(&f.name).unwrap_or_default();
        let name = parts.last().cloned().unwrap_or_default();
        let schema = (parts.len() == 2).then(|| parts[0].clone());
        let plain = schema.is_none() || schema.as_deref() == Some("pg_catalog");
        if plain && matches!(f.args, FunctionArguments::None) {
            if let Some(t) = self.keyword_function(&name, span.clone()) {
                return t;
            }
        }
        if let FunctionArguments::Subquery(q) = &f.args {
            // `ARRAY(SELECT ...)`, and the rare `f(SELECT ...)`.
            let cols = self.sublink(q);
            if plain && name == "array" {
                return match cols.as_slice() {
                    [c] => {
                        let ty = c.ty.map_or(TypeState::Untyped, |t| {
                            let b = self.env.base_type(t);
                            TypeState::Known(if b.array { b } else { t.array_of() })
                        });
                        Typed::new(ty, Nullability::NotNull, span).named("array", 2)
                    }
                    _ => {
                        self.subquery_columns(q, cols.len());
                        Typed::untyped(span).named("array", 2)
                    }
                };
            }
            return Typed::untyped(span).named(&name, 2);
        }
        let (args, names, star) = self.call_args(f);
        if let Some(filter) = &f.filter {
            self.condition(filter);
        }
        for o in &f.within_group {
            self.expr(&o.expr);
        }
        self.window(f.over.as_ref());
        if plain {
            if let Some(t) = self.special_form(&name, &args, span.clone()) {
                return t;
            }
        }
        let typed = if !plain || (star && name != "count") {
            Typed::untyped(span.clone())
        } else {
            self.call_resolved(&name, &args, &names, span.clone())
        };
        typed.named(&name, 2)
    }

    /// Arguments, their names, and whether `*` was passed; ORDER BY and WHERE inside the
    /// parentheses are analysed on the way.
    fn call_args(&mut self, f: &Function) -> (Vec<Typed<'a>>, Vec<Option<String>>, bool) {
        let FunctionArguments::List(list) = &f.args else {
            return (Vec::new(), Vec::new(), false);
        };
        let mut args = Vec::new();
        let mut names = Vec::new();
        let mut star = false;
        for a in &list.args {
            let (name, arg) = split_arg(a);
            match arg {
                FunctionArgExpr::Expr(e) => {
                    args.push(self.expr(e));
                    names.push(name);
                }
                _ => star = true,
            }
        }
        for c in &list.clauses {
            match c {
                FunctionArgumentClause::OrderBy(items) => {
                    for o in items {
                        self.expr(&o.expr);
                    }
                }
                FunctionArgumentClause::Where(e) => self.condition(e),
                _ => {}
            }
        }
        (args, names, star)
    }

    fn window(&mut self, over: Option<&WindowType>) {
        if let Some(WindowType::WindowSpec(w)) = over {
            for p in &w.partition_by {
                self.expr(p);
            }
            for o in &w.order_by {
                self.expr(&o.expr);
            }
        }
    }

    /// A catalog function; untyped when none fits (a user-defined function, say).
    fn call_resolved(
        &mut self,
        name: &str,
        args: &[Typed<'a>],
        names: &[Option<String>],
        span: Range<usize>,
    ) -> Typed<'a> {
        let Some(inputs) = args
            .iter()
            .map(Typed::arg)
            .collect::<Option<Vec<ArgTy<'a>>>>()
        else {
            return Typed::untyped(span);
        };
        let shape = CallShape { names };
        let Some(res) = self.env.resolve_function(name, &inputs, shape) else {
            return self.type_function(name, args, span);
        };
        for (t, target) in args.iter().zip(&res.args) {
            if let Some(target) = target {
                self.coerce(t, *target, CastContext::Implicit);
            }
        }
        let Some(func) = res.func else {
            return Typed::known(res.ret, Nullability::Unknown, span);
        };
        if func.retset {
            // A set-returning function in a select list: its rows, each a value.
            let null = if may_return_null(func) {
                Nullability::Nullable
            } else {
                Nullability::strict(args.iter().map(|a| a.null))
            };
            return Typed::known(res.ret, null, span);
        }
        let null = match func.kind {
            FuncKind::Aggregate if name == "count" => Nullability::NotNull,
            FuncKind::Aggregate => Nullability::Nullable,
            FuncKind::Window if WINDOW_NOT_NULL.contains(&name) => Nullability::NotNull,
            FuncKind::Window => Nullability::Nullable,
            FuncKind::Normal if NEVER_NULL.contains(&name) => Nullability::NotNull,
            FuncKind::Normal if may_return_null(func) => Nullability::Nullable,
            FuncKind::Normal if func.strict => Nullability::strict(args.iter().map(|a| a.null)),
            FuncKind::Normal => Nullability::Unknown,
        };
        Typed::known(res.ret, null, span)
    }

    /// A call by a type's name with one argument is a cast (`text(x)`, `int4(x)`).
    fn type_function(&mut self, name: &str, args: &[Typed<'a>], span: Range<usize>) -> Typed<'a> {
        if let ([one], Some(id)) = (args, self.env.cat.type_named(0, name)) {
            let ty = Ty::cat(id);
            self.coerce(one, ty, CastContext::Explicit);
            return Typed::known(ty, one.null, span);
        }
        Typed::untyped(span)
    }

    /// `now`, `current_date`, ... written without parentheses.
    fn keyword_function(&mut self, name: &str, span: Range<usize>) -> Option<Typed<'a>> {
        let ty = match name {
            "current_date" => "date",
            "current_time" => "timetz",
            "current_timestamp" => "timestamptz",
            "localtime" => "time",
            "localtimestamp" => "timestamp",
            "current_user" | "current_role" | "session_user" | "user" | "current_catalog"
            | "current_schema" => "name",
            _ => return None,
        };
        let id = self.env.cat.type_named(0, ty)?;
        Some(Typed::known(Ty::cat(id), Nullability::NotNull, span).named(name, 2))
    }

    /// Calls of syntax (`EXTRACT`, `POSITION`, `AT TIME ZONE`, ...) that PostgreSQL turns into
    /// function calls.
    pub(super) fn special_call(
        &mut self,
        name: &str,
        args: &[&Expr],
        span: Range<usize>,
    ) -> Typed<'a> {
        let typed: Vec<Typed<'a>> = args.iter().map(|e| self.expr(e)).collect();
        self.resolved_call(name, typed, span)
    }

    pub(super) fn resolved_call(
        &mut self,
        name: &str,
        args: Vec<Typed<'a>>,
        span: Range<usize>,
    ) -> Typed<'a> {
        let names = vec![None; args.len()];
        self.call_resolved(name, &args, &names, span).named(name, 2)
    }

    pub(super) fn substring(
        &mut self,
        expr: &Expr,
        from: Option<&Expr>,
        count: Option<&Expr>,
        span: Range<usize>,
    ) -> Typed<'a> {
        let mut args = vec![self.expr(expr)];
        match from {
            Some(f) => args.push(self.expr(f)),
            None => {
                let one = Ty::cat(self.env.cat.known.int4);
                args.push(Typed::known(one, Nullability::NotNull, span.clone()));
            }
        }
        if let Some(c) = count {
            args.push(self.expr(c));
        }
        self.resolved_call("substring", args, span)
    }

    pub(super) fn trim(
        &mut self,
        place: Option<&TrimWhereField>,
        what: Option<&Expr>,
        expr: &Expr,
        chars: Option<&[Expr]>,
        span: Range<usize>,
    ) -> Typed<'a> {
        let name = match place {
            Some(TrimWhereField::Leading) => "ltrim",
            Some(TrimWhereField::Trailing) => "rtrim",
            _ => "btrim",
        };
        let mut args = vec![self.expr(expr)];
        if let Some(w) = what {
            args.push(self.expr(w));
        }
        for c in chars.unwrap_or_default() {
            args.push(self.expr(c));
        }
        self.resolved_call(name, args, span)
    }

    /// `COALESCE`, `GREATEST`, `LEAST`, `NULLIF`, `ROW`: typed by PostgreSQL itself, not by
    /// `pg_proc`.
    fn special_form(
        &mut self,
        name: &str,
        args: &[Typed<'a>],
        span: Range<usize>,
    ) -> Option<Typed<'a>> {
        match name {
            "coalesce" | "greatest" | "least" => {
                let t = self.common(args, span.clone());
                let null = Nullability::any_not_null(args.iter().map(|a| a.null));
                Some(Typed { null, ..t }.named(name, 2))
            }
            "nullif" if args.len() == 2 => {
                self.operator("=", Some(&args[0]), &args[1], span.clone());
                let mut first = args[0].clone();
                self.settle_text(&mut first);
                let ty = first.ty.clone();
                Some(Typed::new(ty, Nullability::Nullable, span).named("nullif", 2))
            }
            "row" => {
                for a in args {
                    let mut a = a.clone();
                    self.settle_text(&mut a);
                }
                let ty = Ty::cat(self.env.cat.known.record);
                Some(Typed::known(ty, Nullability::NotNull, span).named("row", 2))
            }
            _ => None,
        }
    }

    /// The common type of values that become one (`select_common_type`), with unknowns
    /// coerced to it; reports types PostgreSQL cannot reconcile.
    pub(super) fn common(&mut self, values: &[Typed<'a>], span: Range<usize>) -> Typed<'a> {
        let null = Nullability::strict(values.iter().map(|v| v.null));
        let Some(args) = values.iter().map(Typed::arg).collect::<Option<Vec<_>>>() else {
            return Typed::new(TypeState::Untyped, null, span);
        };
        match self.env.common_type(&args) {
            Ok(ty) => {
                for v in values {
                    self.coerce(v, ty, CastContext::Implicit);
                }
                Typed::known(ty, null, span)
            }
            Err(m) => {
                if self.judgeable(m.0) && self.judgeable(m.1) {
                    let message = format!(
                        "types `{}` and `{}` cannot be matched: PostgreSQL needs one type here; \
                         cast one side",
                        self.env.display(m.0),
                        self.env.display(m.1)
                    );
                    self.report(FindingKind::TypeMismatch, span.clone(), message);
                }
                Typed::new(TypeState::Untyped, null, span)
            }
        }
    }

    pub(super) fn case(
        &mut self,
        operand: Option<&Expr>,
        conditions: &[CaseWhen],
        else_result: Option<&Expr>,
        span: Range<usize>,
    ) -> Typed<'a> {
        let subject = operand.map(|o| self.expr(o));
        for w in conditions {
            let c = self.expr(&w.condition);
            match &subject {
                Some(s) => {
                    self.operator("=", Some(s), &c, c.span.clone());
                }
                None => self.coerce_bool(&c),
            }
        }
        // PostgreSQL puts ELSE first when it chooses the common type.
        let mut results: Vec<Typed<'a>> = Vec::new();
        let else_typed = else_result.map(|e| self.expr(e));
        if let Some(e) = &else_typed {
            results.push(e.clone());
        }
        for w in conditions {
            results.push(self.expr(&w.result));
        }
        let mut t = self.common(&results, span.clone());
        t.null = match &else_typed {
            Some(_) => Nullability::strict(results.iter().map(|r| r.null)),
            None => Nullability::Nullable,
        };
        match else_typed.and_then(|e| e.name).filter(|(_, s)| *s >= 2) {
            Some((n, s)) => t.named(&n, s),
            None => t.named("case", 1),
        }
    }

    /// `ARRAY[a, b]`: an array of the elements' common type (of their element type when the
    /// elements are arrays themselves).
    pub(super) fn array_constructor(&mut self, elems: &[Expr], span: Range<usize>) -> Typed<'a> {
        let items: Vec<Typed<'a>> = elems.iter().map(|e| self.expr(e)).collect();
        if items.is_empty() {
            return Typed::untyped(span).named("array", 2);
        }
        let nested = elems.iter().all(|e| matches!(e, Expr::Array(_)));
        let t = self.common(&items, span.clone());
        let ty = match t.ty() {
            Some(ty) if nested => TypeState::Known(ty),
            Some(ty) if !self.env.base_type(ty).array => TypeState::Known(ty.array_of()),
            _ => TypeState::Untyped,
        };
        Typed::new(ty, Nullability::NotNull, span).named("array", 2)
    }

    /// A subquery used as a value: it must return one column; NULL when it finds no row.
    /// PostgreSQL names it after that column.
    pub(super) fn scalar_subquery(&mut self, q: &Query, span: Range<usize>) -> Typed<'a> {
        let cols = self.sublink(q);
        match cols.as_slice() {
            [c] => Typed::new(
                c.ty.map_or(TypeState::Untyped, TypeState::Known),
                Nullability::Nullable,
                span,
            )
            .named(&c.name, 2),
            _ => {
                self.subquery_columns(q, cols.len());
                Typed::untyped(span)
            }
        }
    }

    /// Analyses a subquery used in an expression, one query level down; its output columns.
    pub(super) fn sublink(&mut self, q: &Query) -> Vec<Col<'a>> {
        self.scopes.push();
        let cols = self.query(q);
        self.scopes.pop();
        cols
    }
}

/// An argument's name (`f(x => 1)`) and expression.
pub(super) fn split_arg(a: &FunctionArg) -> (Option<String>, &FunctionArgExpr) {
    match a {
        FunctionArg::Named { name, arg, .. } => (Some(fold(name)), arg),
        FunctionArg::ExprNamed { name, arg, .. } => match name {
            Expr::Identifier(id) => (Some(fold(id)), arg),
            _ => (None, arg),
        },
        FunctionArg::Unnamed(arg) => (None, arg),
    }
}

/// Whether a built-in can return NULL for non-NULL arguments: the listed ones, the bounds of a
/// range (`lower(range)` of an unbounded range), and `substring` by pattern.
pub(super) fn may_return_null(f: &super::catalog::Func) -> bool {
    let cat = super::catalog::catalog();
    let ranged = f.args.iter().any(|a| {
        let t = cat.ty(a.id);
        matches!(t.kind, b'r' | b'm') || t.name.contains("range")
    });
    let by_pattern = f.name == "substring" && f.args.get(1).is_some_and(|a| a.id == cat.known.text);
    MAY_RETURN_NULL.contains(&f.name) || ranged || by_pattern
}
