//! Expressions: column references, literals, parameters, casts, subscripts; the dispatcher to
//! operators (`ops.rs`) and calls (`calls.rs`).

use std::ops::Range;

use sqlparser::ast::{AccessExpr, CastKind, DataType, Expr, Ident, InTarget, Subscript, Value};

use super::analyzer::{Analyzer, TypeState, Typed, Unk};
use super::catalog::CastContext;
use super::findings::FindingKind;
use super::ops::Operands;
use super::scope::Miss;
use super::typename::{TypeName, fold};
use super::types::{Base, Ty};
use crate::types::Nullability;

/// Keywords PostgreSQL reads as functions without parentheses, with their result types.
const SQL_VALUE_FUNCTIONS: &[(&str, &str)] = &[
    ("current_date", "date"),
    ("current_time", "timetz"),
    ("current_timestamp", "timestamptz"),
    ("localtime", "time"),
    ("localtimestamp", "timestamp"),
    ("current_user", "name"),
    ("current_role", "name"),
    ("session_user", "name"),
    ("user", "name"),
    ("current_catalog", "name"),
    ("current_schema", "name"),
];

impl<'a> Analyzer<'a> {
    pub fn expr(&mut self, e: &Expr) -> Typed<'a> {
        let span = self.span_of(e);
        match e {
            Expr::Identifier(id) => self.column_ref(std::slice::from_ref(id), span),
            Expr::CompoundIdentifier(ids) => self.column_ref(ids, span),
            Expr::Value(v) => self.literal(&v.value, span),
            Expr::Nested(inner) => {
                let mut t = self.expr(inner);
                t.span = span;
                t
            }
            Expr::Cast {
                kind,
                expr,
                data_type,
                ..
            } => {
                let inner = self.expr(expr);
                let context = match kind {
                    CastKind::DoubleColon | CastKind::Cast => CastContext::Explicit,
                    _ => return Typed::untyped(span),
                };
                self.cast(inner, data_type, context, span)
            }
            Expr::TypedString(ts) => {
                let inner = self.literal(&ts.value.value, span.clone());
                self.cast(inner, &ts.data_type, CastContext::Explicit, span)
            }
            Expr::Interval(iv) => {
                self.expr(&iv.value);
                let ty = Ty::cat(self.env.cat.known.interval);
                Typed::known(ty, Nullability::NotNull, span).named("interval", 1)
            }
            Expr::Collate { expr, .. } => {
                let mut t = self.expr(expr);
                t.span = span;
                t
            }
            Expr::CompoundFieldAccess { root, access_chain } => {
                self.field_access(root, access_chain, span)
            }
            Expr::IsNull(x) | Expr::IsNotNull(x) => {
                self.expr(x);
                self.boolean(Nullability::NotNull, span)
            }
            Expr::IsTrue(x)
            | Expr::IsNotTrue(x)
            | Expr::IsFalse(x)
            | Expr::IsNotFalse(x)
            | Expr::IsUnknown(x)
            | Expr::IsNotUnknown(x) => {
                let t = self.expr(x);
                self.coerce_bool(&t);
                self.boolean(Nullability::NotNull, span)
            }
            Expr::Exists { subquery, .. } => {
                self.sublink(subquery);
                self.boolean(Nullability::NotNull, span).named("exists", 2)
            }
            Expr::Subquery(q) => self.scalar_subquery(q, span),
            Expr::Tuple(items) => {
                let mut null = Vec::new();
                for i in items {
                    let mut t = self.expr(i);
                    self.settle_text(&mut t);
                    null.push(t.null);
                }
                let ty = Ty::cat(self.env.cat.known.record);
                Typed::known(ty, Nullability::NotNull, span).named("row", 2)
            }
            Expr::Array(arr) => self.array_constructor(&arr.elem, span),
            Expr::Function(f) => self.function(f, span),
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.case(operand.as_deref(), conditions, else_result.as_deref(), span),
            Expr::BinaryOp { left, op, right } => self.binary(Operands { left, op, right }, span),
            Expr::UnaryOp { op, expr } => self.unary(op, expr, span),
            Expr::IsDistinctFrom(l, r) | Expr::IsNotDistinctFrom(l, r) => {
                let (l, r) = (self.expr(l), self.expr(r));
                self.operator("=", Some(&l), &r, span.clone());
                self.boolean(Nullability::NotNull, span)
            }
            Expr::In { expr, target, .. } => match target {
                InTarget::List(list) => self.in_list(expr, list, span),
                InTarget::Subquery(q) => self.in_subquery(expr, q, span),
                _ => {
                    self.expr(expr);
                    self.boolean(Nullability::Unknown, span)
                }
            },
            Expr::Between {
                expr, low, high, ..
            } => self.between(expr, low, high, span),
            Expr::Like {
                any: true,
                expr,
                pattern,
                ..
            }
            | Expr::ILike {
                any: true,
                expr,
                pattern,
                ..
            } => {
                self.expr(expr);
                self.expr(pattern);
                self.boolean(Nullability::Unknown, span)
            }
            Expr::Like {
                negated,
                expr,
                pattern,
                escape_char,
                ..
            }
            | Expr::ILike {
                negated,
                expr,
                pattern,
                escape_char,
                ..
            }
            | Expr::SimilarTo {
                negated,
                expr,
                pattern,
                escape_char,
            } => {
                let op = match (e, *negated) {
                    (Expr::Like { .. }, false) => "~~",
                    (Expr::Like { .. }, true) => "!~~",
                    (Expr::ILike { .. }, false) => "~~*",
                    (Expr::ILike { .. }, true) => "!~~*",
                    (_, false) => "~",
                    (_, true) => "!~",
                };
                self.like(op, expr, pattern, escape_char.as_deref(), span)
            }
            Expr::AnyOp {
                left,
                compare_op,
                right,
                ..
            }
            | Expr::AllOp {
                left,
                compare_op,
                right,
            } => {
                let op = compare_op;
                self.quantified(Operands { left, op, right }, span)
            }
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => self.special_call("timezone", &[time_zone, timestamp], span),
            Expr::Extract { field, expr, .. } => {
                let f = self.field_literal(&field.to_string(), span.clone());
                let x = self.expr(expr);
                self.resolved_call("extract", vec![f, x], span)
            }
            Expr::Ceil { expr, .. } => self.special_call("ceil", &[expr], span),
            Expr::Floor { expr, .. } => self.special_call("floor", &[expr], span),
            Expr::Position { expr, r#in } => self.special_call("position", &[r#in, expr], span),
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => self.substring(
                expr,
                substring_from.as_deref(),
                substring_for.as_deref(),
                span,
            ),
            Expr::Trim {
                trim_where,
                trim_what,
                expr,
                trim_characters,
            } => self.trim(
                trim_where.as_ref(),
                trim_what.as_deref(),
                expr,
                trim_characters.as_deref(),
                span,
            ),
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                let mut args: Vec<&Expr> = vec![expr, overlay_what, overlay_from];
                args.extend(overlay_for.as_deref());
                self.special_call("overlay", &args, span)
            }
            other => {
                // Syntax of other SQL dialects that the PostgreSQL dialect still accepts: walk
                // nothing, judge nothing.
                let _ = other;
                Typed::untyped(span)
            }
        }
    }

    pub fn boolean(&self, null: Nullability, span: Range<usize>) -> Typed<'a> {
        Typed::known(Ty::cat(self.env.cat.known.bool), null, span)
    }

    /// Coerces a condition to `boolean` (`WHERE`, `AND`, `CASE WHEN`, ...).
    pub fn coerce_bool(&mut self, t: &Typed<'a>) {
        let b = Ty::cat(self.env.cat.known.bool);
        self.coerce(t, b, CastContext::Implicit);
    }

    pub fn condition(&mut self, e: &Expr) {
        let t = self.expr(e);
        self.coerce_bool(&t);
    }

    fn literal(&mut self, v: &Value, span: Range<usize>) -> Typed<'a> {
        let k = self.env.cat.known;
        let known = |id| Typed::known(Ty::cat(id), Nullability::NotNull, span.clone());
        match v {
            Value::Number(n, _) => known(number_type(n, k.int4, k.int8, k.numeric)),
            Value::Boolean(_) => known(k.bool),
            Value::Null => Typed::new(TypeState::Unknown(Unk::Null), Nullability::Nullable, span),
            Value::SingleQuotedString(s)
            | Value::EscapedStringLiteral(s)
            | Value::UnicodeStringLiteral(s) => self.string_literal(s.clone(), span),
            Value::DollarQuotedString(d) => self.string_literal(d.value.clone(), span),
            Value::HexStringLiteral(_) | Value::SingleQuotedByteStringLiteral(_) => known(k.bit),
            Value::NationalStringLiteral(_) => known(k.bpchar),
            Value::Placeholder(p) => self.param(p, span),
            _ => Typed::untyped(span),
        }
    }

    pub fn string_literal(&self, text: String, span: Range<usize>) -> Typed<'a> {
        Typed::new(
            TypeState::Unknown(Unk::Literal(text)),
            Nullability::NotNull,
            span,
        )
    }

    /// An `EXTRACT` field, which PostgreSQL passes as a string.
    fn field_literal(&self, field: &str, span: Range<usize>) -> Typed<'a> {
        self.string_literal(field.to_lowercase(), span)
    }

    fn param(&mut self, p: &str, span: Range<usize>) -> Typed<'a> {
        let Some(n) = p.strip_prefix('$').and_then(|d| d.parse::<usize>().ok()) else {
            return Typed::untyped(span);
        };
        if n == 0 || n > super::params::MAX_PARAMS {
            self.report(
                FindingKind::Syntax,
                span.clone(),
                format!("there is no parameter `{p}`: parameters are numbered from `$1`"),
            );
            return Typed::untyped(span);
        }
        let ty = match self.params.use_param(n, span.clone()) {
            Some(t) => TypeState::Known(t),
            None => TypeState::Unknown(Unk::Param(n)),
        };
        let mut t = Typed::new(ty, Nullability::Nullable, span);
        t.param = Some(n);
        t
    }

    /// `CAST(x AS t)`, `x::t`, `t 'literal'`.
    fn cast(
        &mut self,
        inner: Typed<'a>,
        dt: &DataType,
        context: CastContext,
        span: Range<usize>,
    ) -> Typed<'a> {
        let (strength_in, name_in) = match &inner.name {
            Some((n, s)) => (*s, n.clone()),
            None => (0, String::new()),
        };
        let named = |t: Typed<'a>, colname: &str| {
            if strength_in >= 2 {
                t.named(&name_in, strength_in)
            } else {
                t.named(colname, 1)
            }
        };
        match self.env.type_name(dt) {
            TypeName::Found { ty, colname } => {
                self.coerce(&inner, ty, context);
                let mut t = Typed::known(ty, inner.null, span);
                t.origin = None;
                named(t, &colname)
            }
            TypeName::Missing { name, candidates } => {
                let hint = crate::text::did_you_mean(&name, candidates.iter().map(String::as_str));
                let at = self.type_span(dt).unwrap_or(span.clone());
                self.report(
                    FindingKind::UnknownType,
                    at,
                    format!("type `{name}` does not exist{hint}"),
                );
                named(Typed::untyped(span), &name)
            }
            TypeName::Opaque { colname } => {
                let mut t = Typed::untyped(span);
                t.null = inner.null;
                named(t, &colname)
            }
        }
    }

    fn type_span(&self, dt: &DataType) -> Option<Range<usize>> {
        match dt {
            DataType::Custom(name, _) => Some(self.span_of(name)),
            DataType::Array(sqlparser::ast::ArrayElemTypeDef::SquareBracket(t, _)) => {
                self.type_span(t)
            }
            _ => None,
        }
    }

    /// `a`, `t.a`, `s.t.a`, or `c.field` of a composite column.
    fn column_ref(&mut self, parts: &[Ident], span: Range<usize>) -> Typed<'a> {
        let names: Vec<String> = parts.iter().map(fold).collect();
        let result = match names.as_slice() {
            [one] => {
                if parts[0].quote_style.is_none() {
                    if let Some((_, ty)) = SQL_VALUE_FUNCTIONS.iter().find(|(k, _)| k == one) {
                        return self.value_function(one, ty, span);
                    }
                }
                match self.scopes.column(one) {
                    Err(Miss::NoColumn { candidates }) => {
                        // A FROM item's name alone is its whole row.
                        if self.scopes.item(None, one).is_ok() {
                            return Typed::untyped(span).named(one, 2);
                        }
                        Err(Miss::NoColumn { candidates })
                    }
                    other => other,
                }
            }
            [t, c] => match self.scopes.qualified(None, t, c) {
                Err(Miss::NoTable { .. }) if self.scopes.column(t).is_ok() => {
                    return Typed::untyped(span).named(c, 2);
                }
                other => other,
            },
            [s, t, c] => match self.scopes.qualified(Some(s), t, c) {
                Err(Miss::NoTable { .. }) if self.scopes.qualified(None, s, t).is_ok() => {
                    return Typed::untyped(span).named(c, 2);
                }
                other => other,
            },
            _ => return Typed::untyped(span).named(names.last().map_or("", |n| n), 2),
        };
        let column = names.last().cloned().unwrap_or_default();
        match result {
            Ok(col) => {
                self.references.extend(col.origin);
                let ty = match col.ty {
                    Some(t) => TypeState::Known(t),
                    None => TypeState::Untyped,
                };
                let mut t = Typed::new(ty, col.null, span).named(&column, 2);
                t.origin = col.origin;
                t
            }
            Err(miss) => {
                let table = (names.len() >= 2).then(|| names[names.len() - 2].as_str());
                self.report_miss(miss, span.clone(), table, &column);
                Typed::untyped(span).named(&column, 2)
            }
        }
    }

    fn value_function(&self, name: &str, ty: &str, span: Range<usize>) -> Typed<'a> {
        match self.env.cat.type_named(0, ty) {
            Some(id) => Typed::known(Ty::cat(id), Nullability::NotNull, span).named(name, 2),
            None => Typed::untyped(span).named(name, 2),
        }
    }

    /// `a[i]`, `a[i:j]`, `(c).field`.
    fn field_access(&mut self, root: &Expr, chain: &[AccessExpr], span: Range<usize>) -> Typed<'a> {
        let mut t = self.expr(root);
        let int4 = Ty::cat(self.env.cat.known.int4);
        for access in chain {
            match access {
                AccessExpr::Subscript(Subscript::Index { index }) => {
                    let i = self.expr(index);
                    self.subscript_index(&i, int4);
                    t.ty = match t.ty() {
                        Some(a) if self.env.base_type(a).array => {
                            TypeState::Known(self.env.base_type(a).elem())
                        }
                        _ => TypeState::Untyped,
                    };
                    t.null = Nullability::Nullable;
                }
                AccessExpr::Subscript(Subscript::Slice {
                    lower_bound,
                    upper_bound,
                    stride,
                }) => {
                    for b in [lower_bound, upper_bound, stride].into_iter().flatten() {
                        let i = self.expr(b);
                        self.subscript_index(&i, int4);
                    }
                    t.ty = match t.ty() {
                        Some(a) if self.env.base_type(a).array => {
                            TypeState::Known(self.env.base_type(a))
                        }
                        _ => TypeState::Untyped,
                    };
                    t.null = Nullability::Nullable;
                }
                AccessExpr::Dot(field) => {
                    let name = match field {
                        Expr::Identifier(id) => fold(id),
                        _ => String::new(),
                    };
                    self.check_composite(&t, &name);
                    t = self.composite_field(t, &name);
                }
            }
        }
        t.span = span;
        t.origin = None;
        t
    }

    fn subscript_index(&mut self, i: &Typed<'a>, int4: Ty<'a>) {
        if i.is_unknown() {
            self.coerce(i, int4, CastContext::Implicit);
        }
    }

    /// `(x).field` on a value of a plain type: PostgreSQL fails with "column notation applied
    /// to type ..., which is not a composite type".
    fn check_composite(&mut self, t: &Typed<'a>, field: &str) {
        let Some(ty) = t.ty() else { return };
        if self.plain(ty) || self.env.base_type(ty).array {
            let message = format!(
                "`.{field}` reads a field of a composite value, but this is `{}`",
                self.env.display(ty)
            );
            self.report(FindingKind::TypeMismatch, t.span.clone(), message);
        }
    }

    /// A field of a composite value: typed when the composite is in the snapshot.
    fn composite_field(&self, t: Typed<'a>, field: &str) -> Typed<'a> {
        let span = t.span.clone();
        let found = t.ty().and_then(|ty| match self.env.base_type(ty).base {
            Base::Composite(q) if !ty.array => {
                let schema = self.env.snap.schemas.get(q.schema)?;
                if let Some(c) = schema.composites.get(q.name) {
                    let a = c.attributes.iter().find(|a| a.name == field)?;
                    Some(
                        self.env
                            .declared_type(&a.type_schema, &a.type_name, a.array),
                    )
                } else {
                    let col = schema.tables.get(q.name)?.column(field)?;
                    Some(
                        self.env
                            .declared_type(&col.type_schema, &col.type_name, col.array),
                    )
                }
            }
            _ => None,
        });
        let ty = found.map_or(TypeState::Untyped, TypeState::Known);
        Typed::new(ty, Nullability::Nullable, span).named(field, 2)
    }
}

/// The type of a numeric literal: `int4` if it fits, else `int8`, else `numeric`; anything
/// with a point or exponent is `numeric`.
fn number_type(
    n: &str,
    int4: super::catalog::TypeId,
    int8: super::catalog::TypeId,
    numeric: super::catalog::TypeId,
) -> super::catalog::TypeId {
    let digits: String = n.chars().filter(|c| *c != '_').collect();
    if digits.chars().all(|c| c.is_ascii_digit()) {
        if digits.parse::<i32>().is_ok() {
            return int4;
        }
        if digits.parse::<i64>().is_ok() {
            return int8;
        }
    }
    numeric
}
