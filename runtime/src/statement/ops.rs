//! Operators: arithmetic, comparison, concatenation, JSON and array operators by PostgreSQL's
//! operator resolution; `AND`/`OR`/`NOT`; `IN`, `BETWEEN`, `LIKE`, `= ANY(...)`.

use std::ops::Range;

use sqlparser::ast::{BinaryOperator, Expr, Query, UnaryOperator};

use super::analyzer::{Analyzer, TypeState, Typed};
use super::catalog::CastContext;
use super::findings::FindingKind;
use super::overload::NoMatch;
use super::types::{ArgTy, Ty};
use crate::types::Nullability;

/// Operators that can yield NULL from non-NULL operands (a missing key or path).
const MAY_YIELD_NULL: &[&str] = &["->", "->>", "#>", "#>>"];

/// PostgreSQL's name for a binary operator `sqlparser` parsed.
fn operator_name(op: &BinaryOperator) -> Option<String> {
    use BinaryOperator as B;
    let s = match op {
        B::Plus => "+",
        B::Minus => "-",
        B::Multiply => "*",
        B::Divide => "/",
        B::Modulo => "%",
        B::StringConcat => "||",
        B::Gt => ">",
        B::Lt => "<",
        B::GtEq => ">=",
        B::LtEq => "<=",
        B::Spaceship => "<=>",
        B::Eq => "=",
        B::NotEq => "<>",
        B::BitwiseOr => "|",
        B::BitwiseAnd => "&",
        B::BitwiseXor | B::PGBitwiseXor => "#",
        B::PGBitwiseShiftLeft => "<<",
        B::PGBitwiseShiftRight => ">>",
        B::PGExp => "^",
        B::PGOverlap => "&&",
        B::PGRegexMatch => "~",
        B::PGRegexIMatch => "~*",
        B::PGRegexNotMatch => "!~",
        B::PGRegexNotIMatch => "!~*",
        B::PGLikeMatch => "~~",
        B::PGILikeMatch => "~~*",
        B::PGNotLikeMatch => "!~~",
        B::PGNotILikeMatch => "!~~*",
        B::PGStartsWith => "^@",
        B::Arrow => "->",
        B::LongArrow => "->>",
        B::HashArrow => "#>",
        B::HashLongArrow => "#>>",
        B::AtAt => "@@",
        B::AtArrow => "@>",
        B::ArrowAt => "<@",
        B::HashMinus => "#-",
        B::AtQuestion => "@?",
        B::Question => "?",
        B::QuestionAnd => "?&",
        B::QuestionPipe => "?|",
        B::DoubleHash => "##",
        B::LtDashGt => "<->",
        B::AndLt => "&<",
        B::AndGt => "&>",
        B::LtLtPipe => "<<|",
        B::PipeGtGt => "|>>",
        B::AndLtPipe => "&<|",
        B::PipeAndGt => "|&>",
        B::LtCaret => "<^",
        B::GtCaret => ">^",
        B::QuestionHash => "?#",
        B::QuestionDash => "?-",
        B::QuestionDashPipe => "?-|",
        B::QuestionDoublePipe => "?||",
        B::TildeEq => "~=",
        B::At => "@",
        B::Custom(s) => return Some(s.clone()),
        B::PGCustomBinaryOperator(parts) => return parts.last().cloned(),
        _ => return None,
    };
    Some(s.to_owned())
}

/// The operands of a binary operator, `left op right`.
pub(super) struct Operands<'e> {
    pub left: &'e Expr,
    pub op: &'e BinaryOperator,
    pub right: &'e Expr,
}

impl<'a> Analyzer<'a> {
    pub(super) fn binary(&mut self, operands: Operands<'_>, span: Range<usize>) -> Typed<'a> {
        let Operands { left, op, right } = operands;
        if matches!(op, BinaryOperator::And | BinaryOperator::Or) {
            let (l, r) = (self.expr(left), self.expr(right));
            self.coerce_bool(&l);
            self.coerce_bool(&r);
            return self.boolean(Nullability::strict([l.null, r.null]), span);
        }
        let (l, r) = (self.expr(left), self.expr(right));
        match operator_name(op) {
            Some(name) => self.operator(&name, Some(&l), &r, span),
            None => Typed::untyped(span),
        }
    }

    pub(super) fn unary(
        &mut self,
        op: &UnaryOperator,
        expr: &Expr,
        span: Range<usize>,
    ) -> Typed<'a> {
        let t = self.expr(expr);
        let name = match op {
            UnaryOperator::Not => {
                self.coerce_bool(&t);
                return self.boolean(t.null, span);
            }
            UnaryOperator::Minus => "-",
            UnaryOperator::Plus => "+",
            UnaryOperator::PGAbs => "@",
            UnaryOperator::BitwiseNot => "~",
            UnaryOperator::PGSquareRoot => "|/",
            UnaryOperator::PGCubeRoot => "||/",
            UnaryOperator::AtDashAt => "@-@",
            UnaryOperator::DoubleAt => "@@",
            UnaryOperator::Hash => "#",
            _ => return Typed::untyped(span),
        };
        self.operator(name, None, &t, span)
    }

    /// Resolves an operator and types its result; unknown operands take the operator's
    /// argument types. An operator the catalog does not have leaves the result untyped.
    pub(super) fn operator(
        &mut self,
        name: &str,
        left: Option<&Typed<'a>>,
        right: &Typed<'a>,
        span: Range<usize>,
    ) -> Typed<'a> {
        let null = Nullability::strict(left.map(|l| l.null).into_iter().chain([right.null]));
        let (Some(r), l) = (right.arg(), left.map(Typed::arg)) else {
            return Typed::new(TypeState::Untyped, null, span);
        };
        let l = match l {
            Some(None) => return Typed::new(TypeState::Untyped, null, span),
            Some(Some(l)) => Some(l),
            None => None,
        };
        match self.env.resolve_operator(name, l, r) {
            Ok(res) => {
                let operands: Vec<&Typed<'a>> = left.into_iter().chain([right]).collect();
                for (t, target) in operands.into_iter().zip(&res.args) {
                    if let Some(target) = target {
                        self.coerce(t, *target, CastContext::Implicit);
                    }
                }
                let null = if MAY_YIELD_NULL.contains(&name) {
                    Nullability::Nullable
                } else {
                    null
                };
                Typed::known(res.ret, null, span)
            }
            Err(NoMatch::NoCandidate) => {
                let param = left.is_some_and(|l| self.param_mismatch(name, l, right));
                if !param {
                    self.no_operator(name, left, right, span.clone());
                }
                Typed::new(TypeState::Untyped, null, span)
            }
            Err(NoMatch::Undecided) => Typed::new(TypeState::Untyped, null, span),
        }
    }

    /// An operator no built-in fits, between plain built-in types (or enums): PostgreSQL fails
    /// with "operator does not exist". Anything else (a composite, a range, a type of an
    /// extension the engine does not know) may have an operator the snapshot does not show.
    fn no_operator(
        &mut self,
        name: &str,
        left: Option<&Typed<'a>>,
        right: &Typed<'a>,
        span: Range<usize>,
    ) {
        if !self.env.unknown_extensions.is_empty() {
            return;
        }
        let operands: Vec<&Typed<'a>> = left.into_iter().chain([right]).collect();
        let mut shown = Vec::new();
        for t in &operands {
            match &t.ty {
                TypeState::Known(ty) if self.plain(*ty) => {
                    shown.push(format!("`{}`", self.env.display(*ty)))
                }
                TypeState::Unknown(_) => shown.push("an untyped literal".to_owned()),
                _ => return,
            }
        }
        let takes = shown.join(" and ");
        self.report(
            FindingKind::TypeMismatch,
            span,
            format!(
                "no operator `{name}` takes {takes}: PostgreSQL fails with \"operator does not \
                 exist\"; cast an operand so the types match"
            ),
        );
    }

    /// A comparison with no operator because a parameter already has another type: PostgreSQL
    /// rejects it ("operator does not exist: text = integer"). True when reported.
    fn param_mismatch(&mut self, name: &str, l: &Typed<'a>, r: &Typed<'a>) -> bool {
        if !matches!(name, "=" | "<>" | "<" | ">" | "<=" | ">=") {
            return false;
        }
        let (Some(lt), Some(rt)) = (l.ty(), r.ty()) else {
            return false;
        };
        let (param, this, other) = match (l.param, r.param) {
            (Some(n), _) => (n, lt, rt),
            (_, Some(n)) => (n, rt, lt),
            _ => return false,
        };
        if !(self.judgeable(this) && self.judgeable(other)) {
            return false;
        }
        let env = self.env;
        let (a, b) = (env.base_type(this), env.base_type(other));
        if env.category(a) == env.category(b)
            || env.coerces(a, b, CastContext::Implicit)
            || env.coerces(b, a, CastContext::Implicit)
        {
            return false;
        }
        let message = format!(
            "parameter `${param}` is `{}` (from its first use) but is compared with `{}` here; \
             PostgreSQL gives a parameter one type",
            env.display(this),
            env.display(other)
        );
        let span = if l.param.is_some() {
            l.span.clone()
        } else {
            r.span.clone()
        };
        self.report(FindingKind::ParamConflict, span, message);
        true
    }

    /// `x IN (a, b, ...)` (`transformAExprIn`): the items without column references are
    /// compared as one array of their common type; the others one by one.
    pub(super) fn in_list(&mut self, expr: &Expr, list: &[Expr], span: Range<usize>) -> Typed<'a> {
        let l = self.expr(expr);
        let items: Vec<(Typed<'a>, bool)> = list
            .iter()
            .map(|e| {
                let t = self.expr(e);
                (t, has_column_ref(e))
            })
            .collect();
        let mut null = vec![l.null];
        let consts: Vec<&Typed<'a>> = items.iter().filter(|(_, v)| !v).map(|(t, _)| t).collect();
        let mut one_by_one: Vec<&Typed<'a>> =
            items.iter().filter(|(_, v)| *v).map(|(t, _)| t).collect();
        if consts.len() > 1 {
            let args: Option<Vec<ArgTy<'a>>> = std::iter::once(&l)
                .chain(consts.iter().copied())
                .map(Typed::arg)
                .collect();
            match args.map(|a| self.env.common_type(&a)) {
                Some(Ok(common)) => {
                    for c in &consts {
                        self.coerce(c, common, CastContext::Implicit);
                        null.push(c.null);
                    }
                    let element = Typed::known(common, Nullability::NotNull, span.clone());
                    self.operator("=", Some(&l), &element, span.clone());
                }
                _ => one_by_one.extend(consts),
            }
        } else {
            one_by_one.extend(consts);
        }
        for t in one_by_one {
            null.push(t.null);
            self.operator("=", Some(&l), t, span.clone());
        }
        self.boolean(Nullability::strict(null), span)
    }

    pub(super) fn in_subquery(&mut self, expr: &Expr, q: &Query, span: Range<usize>) -> Typed<'a> {
        let l = self.expr(expr);
        let cols = self.sublink(q);
        let mut null = l.null;
        match cols.as_slice() {
            [one] => {
                let r = Typed::new(
                    one.ty.map_or(TypeState::Untyped, TypeState::Known),
                    one.null,
                    span.clone(),
                );
                null = Nullability::strict([l.null, one.null]);
                self.operator("=", Some(&l), &r, span.clone());
            }
            _ if matches!(expr, Expr::Tuple(t) if t.len() == cols.len()) => {}
            _ => self.subquery_columns(q, cols.len()),
        }
        self.boolean(null, span)
    }

    pub(super) fn subquery_columns(&mut self, q: &Query, found: usize) {
        let span = self.span_of(q);
        self.report(
            FindingKind::SubqueryColumns,
            span,
            format!("the subquery returns {found} columns where one is expected"),
        );
    }

    pub(super) fn between(
        &mut self,
        expr: &Expr,
        low: &Expr,
        high: &Expr,
        span: Range<usize>,
    ) -> Typed<'a> {
        let x = self.expr(expr);
        let lo = self.expr(low);
        let hi = self.expr(high);
        self.operator(">=", Some(&x), &lo, span.clone());
        self.operator("<=", Some(&x), &hi, span.clone());
        self.boolean(Nullability::strict([x.null, lo.null, hi.null]), span)
    }

    /// `x LIKE p [ESCAPE e]` and friends, as the operator `op` (`~~`, `!~~*`, ...).
    pub(super) fn like(
        &mut self,
        op: &str,
        expr: &Expr,
        pattern: &Expr,
        escape: Option<&Expr>,
        span: Range<usize>,
    ) -> Typed<'a> {
        let x = self.expr(expr);
        let mut p = self.expr(pattern);
        if let Some(e) = escape {
            let e = self.expr(e);
            let text = Ty::cat(self.env.cat.known.text);
            self.coerce(&p, text, CastContext::Implicit);
            self.coerce(&e, text, CastContext::Implicit);
            p = Typed::known(text, Nullability::strict([p.null, e.null]), p.span.clone());
        }
        let t = self.operator(op, Some(&x), &p, span.clone());
        self.boolean(t.null, span)
    }

    /// `x op ANY (array)`, `x op ALL (array)`, or the same with a subquery.
    pub(super) fn quantified(&mut self, operands: Operands<'_>, span: Range<usize>) -> Typed<'a> {
        let Operands { left, op, right } = operands;
        let l = self.expr(left);
        if let Expr::Subquery(q) = right {
            let cols = self.sublink(q);
            if let [one] = cols.as_slice() {
                let r = Typed::new(
                    one.ty.map_or(TypeState::Untyped, TypeState::Known),
                    one.null,
                    span.clone(),
                );
                if let Some(name) = operator_name(op) {
                    self.operator(&name, Some(&l), &r, span.clone());
                }
            } else {
                self.subquery_columns(q, cols.len());
            }
            return self.boolean(Nullability::Nullable, span);
        }
        let r = self.expr(right);
        let Some(name) = operator_name(op) else {
            return self.boolean(Nullability::Nullable, span);
        };
        self.scalar_array_op(&name, &l, &r, span.clone());
        self.boolean(Nullability::strict([l.null, r.null]).max_nullable(), span)
    }

    /// `make_scalar_array_op`: the operator between the left type and the array's element
    /// type; an unknown array takes the array type of the operator's right argument.
    fn scalar_array_op(&mut self, name: &str, l: &Typed<'a>, r: &Typed<'a>, span: Range<usize>) {
        let Some(la) = l.arg() else { return };
        let element = match &r.ty {
            TypeState::Known(t) => {
                let b = self.env.base_type(*t);
                if !b.array {
                    return;
                }
                ArgTy::Known(b.elem())
            }
            TypeState::Unknown(_) => ArgTy::Unknown,
            TypeState::Untyped => return,
        };
        let Ok(res) = self.env.resolve_operator(name, Some(la), element) else {
            return;
        };
        if let Some(target) = res.args[0] {
            self.coerce(l, target, CastContext::Implicit);
        }
        if let (true, Some(elem)) = (r.is_unknown(), res.args[1]) {
            let _ = span;
            self.coerce(r, elem.array_of(), CastContext::Implicit);
        }
    }
}

impl Nullability {
    /// An `ANY`/`ALL` over an array may meet NULL elements.
    fn max_nullable(self) -> Nullability {
        match self {
            Nullability::NotNull => Nullability::Nullable,
            other => other,
        }
    }
}

/// Whether an expression reads a column (PostgreSQL's `contain_vars_of_level`, roughly): such
/// `IN` items are compared one by one rather than as an array.
fn has_column_ref(e: &Expr) -> bool {
    match e {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => true,
        Expr::Value(_) => false,
        Expr::Nested(x) | Expr::UnaryOp { expr: x, .. } | Expr::Cast { expr: x, .. } => {
            has_column_ref(x)
        }
        Expr::BinaryOp { left, right, .. } => has_column_ref(left) || has_column_ref(right),
        _ => true,
    }
}
