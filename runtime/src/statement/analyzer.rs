//! The analyser's state while it walks one statement: scopes, parameters, findings, and the
//! typed value every expression yields.

use std::ops::Range;

use sqlparser::ast::Spanned;

use super::catalog::CastContext;
use super::env::Env;
use super::findings::{self, Finding, FindingKind};
use super::params::Params;
use super::scope::{Miss, Origin, Scopes};
use super::source::Source;
use super::types::{ArgTy, Base, Ty};
use crate::types::Nullability;

/// What is known of a value's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypeState<'a> {
    Known(Ty<'a>),
    /// PostgreSQL's `unknown`: the context decides.
    Unknown(Unk),
    /// The engine cannot tell: never judged.
    Untyped,
}

/// What an unknown-typed value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unk {
    /// A string literal, with its text.
    Literal(String),
    Null,
    /// `$n`, not typed yet.
    Param(usize),
}

/// An analysed expression.
#[derive(Debug, Clone)]
pub(crate) struct Typed<'a> {
    pub ty: TypeState<'a>,
    pub null: Nullability,
    /// The column name PostgreSQL derives (`FigureColname`), with its strength: 2 for a column
    /// or function name, 1 for a fallback such as `case` or a cast's type name.
    pub name: Option<(String, u8)>,
    pub origin: Option<Origin<'a>>,
    /// Set when the value is the parameter `$n` itself (maybe parenthesized).
    pub param: Option<usize>,
    pub span: Range<usize>,
}

impl<'a> Typed<'a> {
    pub fn new(ty: TypeState<'a>, null: Nullability, span: Range<usize>) -> Typed<'a> {
        Typed {
            ty,
            null,
            name: None,
            origin: None,
            param: None,
            span,
        }
    }

    pub fn known(ty: Ty<'a>, null: Nullability, span: Range<usize>) -> Typed<'a> {
        Typed::new(TypeState::Known(ty), null, span)
    }

    pub fn untyped(span: Range<usize>) -> Typed<'a> {
        Typed::new(TypeState::Untyped, Nullability::Unknown, span)
    }

    pub fn named(mut self, name: &str, strength: u8) -> Typed<'a> {
        self.name = Some((name.to_owned(), strength));
        self
    }

    pub fn ty(&self) -> Option<Ty<'a>> {
        match self.ty {
            TypeState::Known(t) => Some(t),
            _ => None,
        }
    }

    /// The argument as overload resolution sees it; `None` when untyped.
    pub fn arg(&self) -> Option<ArgTy<'a>> {
        match self.ty {
            TypeState::Known(t) => Some(ArgTy::Known(t)),
            TypeState::Unknown(_) => Some(ArgTy::Unknown),
            TypeState::Untyped => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.ty, TypeState::Unknown(_))
    }
}

pub(crate) struct Analyzer<'a> {
    pub env: &'a Env<'a>,
    pub src: &'a Source<'a>,
    pub findings: Vec<Finding>,
    pub params: Params<'a>,
    pub scopes: Scopes<'a>,
    /// Cleared when a `*` expands over columns the engine does not all know.
    pub columns_known: bool,
    /// The table columns the statement names.
    pub references: Vec<Origin<'a>>,
    /// An `ON CONFLICT` target of expressions, which the parser did not read.
    pub conflict_target: Option<super::prepass::ConflictTarget>,
}

impl<'a> Analyzer<'a> {
    pub fn new(env: &'a Env<'a>, src: &'a Source<'a>) -> Analyzer<'a> {
        Analyzer {
            env,
            src,
            findings: Vec::new(),
            params: Params::default(),
            scopes: Scopes::default(),
            columns_known: true,
            references: Vec::new(),
            conflict_target: None,
        }
    }

    pub fn span_of<T: Spanned + ?Sized>(&self, node: &T) -> Range<usize> {
        self.src.range(node.span())
    }

    pub fn ident_span(&self, id: &sqlparser::ast::Ident) -> Range<usize> {
        self.src.range(id.span)
    }

    pub fn report(&mut self, kind: FindingKind, span: Range<usize>, message: String) {
        self.findings.push(Finding::new(kind, span, message));
    }

    /// A list of the wrong length: a [`FindingKind::Arity`] finding.
    pub fn arity(&mut self, span: Range<usize>, message: String) {
        self.report(FindingKind::Arity, span, message);
    }

    pub fn text(&self, span: &Range<usize>) -> &'a str {
        self.src.text.get(span.clone()).unwrap_or("")
    }

    /// Reports a reference that did not resolve.
    pub fn report_miss(
        &mut self,
        miss: Miss,
        span: Range<usize>,
        table: Option<&str>,
        column: &str,
    ) {
        let (kind, message) = match miss {
            Miss::NoColumn { candidates } => (
                FindingKind::UnknownColumn,
                findings::unknown_column(column, None, candidates.iter().map(String::as_str)),
            ),
            Miss::NoSuchColumn { table, candidates } => (
                FindingKind::UnknownColumn,
                findings::unknown_column(
                    column,
                    Some(&table),
                    candidates.iter().map(String::as_str),
                ),
            ),
            Miss::Ambiguous { items } => (
                FindingKind::AmbiguousColumn,
                findings::ambiguous_column(column, &items),
            ),
            Miss::NoTable { candidates } => {
                let t = table.unwrap_or(column);
                (
                    FindingKind::InvalidReference,
                    format!(
                        "`{t}` is not in the FROM clause{}",
                        crate::text::did_you_mean(t, candidates.iter().map(String::as_str))
                    ),
                )
            }
            Miss::HiddenByAlias { alias } => {
                let t = table.unwrap_or(column);
                (
                    FindingKind::InvalidReference,
                    format!("`{t}` is named `{alias}` in this query; write `{alias}.{column}`"),
                )
            }
            Miss::NotVisible => {
                let t = table.unwrap_or(column);
                (
                    FindingKind::InvalidReference,
                    format!(
                        "`{t}` cannot be referenced from here: a subquery in FROM sees the other \
                         FROM items only when it is LATERAL"
                    ),
                )
            }
            Miss::AmbiguousTable => {
                let t = table.unwrap_or(column);
                (
                    FindingKind::AmbiguousColumn,
                    format!("table reference `{t}` is ambiguous; give the tables distinct aliases"),
                )
            }
        };
        self.report(kind, span, message);
    }

    /// Fixes an unknown value's type to `target`: a literal must then be a valid value (an enum
    /// label), a parameter takes the type. A known parameter is checked against `target`.
    pub fn coerce(&mut self, t: &Typed<'a>, target: Ty<'a>, context: CastContext) {
        match &t.ty {
            TypeState::Unknown(Unk::Literal(text)) => {
                self.check_literal(text, target, t.span.clone())
            }
            TypeState::Unknown(Unk::Param(n)) => self.params.fix(*n, target),
            TypeState::Known(p)
                if t.param.is_some()
                    && self.judgeable(*p)
                    && self.judgeable(target)
                    && !self.env.coerces(*p, target, context) =>
            {
                let n = t.param.unwrap_or(0);
                let message = format!(
                    "parameter `${n}` is used as `{}` elsewhere in the statement but as `{}` \
                     here; PostgreSQL gives a parameter one type",
                    self.env.display(*p),
                    self.env.display(target)
                );
                self.report(FindingKind::ParamConflict, t.span.clone(), message);
            }
            _ => {}
        }
    }

    /// A built-in base type, an enum, or an array of one (through domains): types whose
    /// operators the catalog lists completely.
    pub fn plain(&self, ty: Ty<'a>) -> bool {
        match self.env.base_type(ty).base {
            Base::Cat(id) => self.env.cat.ty(id).kind == b'b',
            Base::Enum(_) => true,
            _ => false,
        }
    }

    /// Types the engine reasons about (not known only by name).
    pub fn judgeable(&self, ty: Ty<'a>) -> bool {
        !matches!(
            self.env.base_type(ty).base,
            Base::Other(_) | Base::Composite(_)
        )
    }

    /// A string literal coerced to `target` is read as a value of it when PostgreSQL prepares
    /// the statement: an enum label must exist, an integer must parse, ... (`literal.rs`).
    fn check_literal(&mut self, text: &str, target: Ty<'a>, span: Range<usize>) {
        let base = self.env.base_type(target);
        let values: Vec<String> = if base.array {
            match super::literal::array_elements(text) {
                Some(v) => v,
                None => return,
            }
        } else {
            vec![text.to_owned()]
        };
        match base.base {
            Base::Enum(q) => {
                let Some(labels) = self.env.enum_labels(q) else {
                    return;
                };
                for v in values.iter().filter(|v| !labels.contains(v)) {
                    let hint = crate::text::did_you_mean(v, labels.iter().map(String::as_str));
                    let hint = if hint.is_empty() {
                        let all: Vec<&str> = labels.iter().map(String::as_str).collect();
                        format!("; its labels are {}", crate::text::one_of(&all))
                    } else {
                        hint
                    };
                    let message = format!("`{v}` is not a label of enum `{}`{hint}", q.display());
                    self.report(FindingKind::EnumLabel, span.clone(), message);
                }
            }
            Base::Cat(id) => {
                let name = self.env.cat.ty(id).name;
                for v in &values {
                    if super::literal::valid(name, v) == Some(false) {
                        let message = format!(
                            "`{v}` is not a valid `{}` value",
                            self.env.display(base.elem())
                        );
                        self.report(FindingKind::InvalidLiteral, span.clone(), message);
                    }
                }
            }
            _ => {}
        }
    }

    /// Resolves an unknown value as PostgreSQL finally does where nothing fixed its type: as
    /// `text` (select lists, `UNION` of unknowns).
    pub fn settle_text(&mut self, t: &mut Typed<'a>) {
        if t.is_unknown() {
            let text = Ty::cat(self.env.cat.known.text);
            self.coerce(t, text, CastContext::Implicit);
            t.ty = TypeState::Known(text);
        }
    }
}
