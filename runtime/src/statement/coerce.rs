//! PostgreSQL's coercion rules (`parse_coerce.c`): which casts apply in which context, the common
//! type of `CASE`/`UNION`/`COALESCE` branches, and how polymorphic signatures (`anyelement`,
//! `anyarray`, `anycompatible`, ...) bind to actual argument types.

use super::catalog::{CTy, CastContext, TypeId};
use super::env::Env;
use super::types::{ArgTy, Base, Ty};

/// The polymorphic pseudo-types, by family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Poly {
    /// `anyelement`, `anynonarray`, `anyenum`: the element type.
    Element { nonarray: bool, is_enum: bool },
    /// `anyarray`.
    Array,
    /// `anycompatible`, `anycompatiblenonarray`.
    Compatible { nonarray: bool },
    /// `anycompatiblearray`.
    CompatibleArray,
    /// Ranges and multiranges, which the engine does not resolve.
    Range,
}

/// Two types `select_common_type` cannot reconcile.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mismatch<'s>(pub Ty<'s>, pub Ty<'s>);

impl<'s> Env<'s> {
    pub fn poly(&self, ty: CTy) -> Option<Poly> {
        if ty.array {
            return None;
        }
        let k = &self.cat.known;
        let id = ty.id;
        Some(match id {
            _ if id == k.anyelement => Poly::Element {
                nonarray: false,
                is_enum: false,
            },
            _ if id == k.anynonarray => Poly::Element {
                nonarray: true,
                is_enum: false,
            },
            _ if id == k.anyenum => Poly::Element {
                nonarray: false,
                is_enum: true,
            },
            _ if id == k.anyarray => Poly::Array,
            _ if id == k.anycompatible => Poly::Compatible { nonarray: false },
            _ if id == k.anycompatiblenonarray => Poly::Compatible { nonarray: true },
            _ if id == k.anycompatiblearray => Poly::CompatibleArray,
            _ => {
                let t = self.cat.ty(id);
                if t.kind == b'p' && t.name.starts_with("any") && t.name.contains("range") {
                    Poly::Range
                } else {
                    return None;
                }
            }
        })
    }

    fn cty(&self, ty: Ty<'s>) -> Option<CTy> {
        match ty.base {
            Base::Cat(id) => Some(CTy {
                id,
                array: ty.array,
            }),
            _ => None,
        }
    }

    fn is_cat(&self, ty: Ty<'s>, id: TypeId) -> bool {
        ty.is_cat(id)
    }

    /// Whether a value of `from` converts to `to` in `context` (`find_coercion_pathway`).
    pub fn coerces(&self, from: Ty<'s>, to: Ty<'s>, context: CastContext) -> bool {
        if from == to {
            return true;
        }
        let (from, to) = (self.base_type(from), self.base_type(to));
        if from == to {
            return true;
        }
        let record = self.cat.known.record;
        if self.is_cat(to, record) && !from.array && matches!(from.base, Base::Composite(_)) {
            return true;
        }
        if let (Some(f), Some(t)) = (self.cty(from), self.cty(to)) {
            if let Some(c) = self.cat.cast(f, t) {
                return c <= context;
            }
        }
        if from.array && to.array {
            return self.coerces(from.elem(), to.elem(), context);
        }
        // Automatic I/O conversion: anything to a string type on assignment, a string to
        // anything when asked explicitly.
        (context >= CastContext::Assignment && self.category(to) == b'S')
            || (context == CastContext::Explicit && self.category(from) == b'S')
    }

    /// `can_coerce_type`: every input converts to its target implicitly, polymorphic targets
    /// binding consistently.
    pub fn can_coerce(&self, inputs: &[ArgTy<'s>], targets: &[CTy]) -> bool {
        let mut generic = false;
        for (input, &target) in inputs.iter().zip(targets) {
            if target.id == self.cat.known.any && !target.array {
                continue;
            }
            if self.poly(target).is_some() {
                generic = true;
                continue;
            }
            let Some(input) = input.known() else { continue };
            if !self.coerces(input, target.into(), CastContext::Implicit) {
                return false;
            }
        }
        !generic || self.bind_polymorphic(inputs, targets).is_some()
    }

    /// The types the polymorphic families bind to (`check_generic_type_consistency`), or `None`
    /// when the arguments do not fit.
    pub fn bind_polymorphic(&self, inputs: &[ArgTy<'s>], declared: &[CTy]) -> Option<Binding<'s>> {
        let mut elem: Option<Ty<'s>> = None;
        let mut array: Option<Ty<'s>> = None;
        let (mut nonarray, mut is_enum, mut compatible_nonarray) = (false, false, false);
        let mut compatible: Vec<Ty<'s>> = Vec::new();
        let mut uses_compatible = false;
        for (input, &decl) in inputs.iter().zip(declared) {
            let Some(p) = self.poly(decl) else { continue };
            let actual = input.known();
            match p {
                Poly::Element {
                    nonarray: na,
                    is_enum: en,
                } => {
                    nonarray |= na;
                    is_enum |= en;
                    if let Some(a) = actual {
                        if elem.is_some_and(|e| e != a) {
                            return None;
                        }
                        elem = Some(a);
                    }
                }
                Poly::Array => {
                    if let Some(a) = actual {
                        let a = self.base_type(a);
                        if array.is_some_and(|e| e != a) {
                            return None;
                        }
                        array = Some(a);
                    }
                }
                Poly::Compatible { nonarray: na } => {
                    uses_compatible = true;
                    compatible_nonarray |= na;
                    if let Some(a) = actual {
                        compatible.push(a);
                    }
                }
                Poly::CompatibleArray => {
                    uses_compatible = true;
                    if let Some(a) = actual {
                        let a = self.base_type(a);
                        if !a.array {
                            return None;
                        }
                        compatible.push(a.elem());
                    }
                }
                Poly::Range => return None,
            }
        }
        if let Some(a) = array {
            if !a.array {
                return None;
            }
            if elem.is_some_and(|e| self.base_type(e) != a.elem() && e != a.elem()) {
                return None;
            }
            elem = Some(a.elem());
        }
        if let Some(e) = elem {
            if nonarray && self.base_type(e).array {
                return None;
            }
            if is_enum && !self.is_enum(e) {
                return None;
            }
        }
        let common = if uses_compatible {
            let args: Vec<ArgTy<'s>> = compatible.iter().map(|t| ArgTy::Known(*t)).collect();
            let c = if args.is_empty() {
                None
            } else {
                Some(self.common_type(&args).ok()?)
            };
            if compatible_nonarray && c.is_some_and(|c| c.array) {
                return None;
            }
            Some(c)
        } else {
            None
        };
        Some(Binding {
            elem,
            array,
            compatible: common,
        })
    }

    /// `select_common_type`: the type `CASE`, `UNION`, `COALESCE`, `VALUES` and `IN` lists
    /// resolve their branches to. All-unknown inputs resolve to `text`.
    pub fn common_type(&self, inputs: &[ArgTy<'s>]) -> Result<Ty<'s>, Mismatch<'s>> {
        let text = Ty::cat(self.cat.known.text);
        let Some(first) = inputs.first() else {
            return Ok(text);
        };
        if let ArgTy::Known(t) = first {
            if inputs.iter().all(|i| *i == *first) {
                return Ok(*t);
            }
        }
        let mut ptype: Option<Ty<'s>> = None;
        for input in inputs {
            let Some(n) = input.known().map(|t| self.base_type(t)) else {
                continue;
            };
            match ptype {
                None => ptype = Some(n),
                Some(p) if p == n => {}
                Some(p) => {
                    if self.category(n) != self.category(p) {
                        return Err(Mismatch(p, n));
                    }
                    if !self.preferred(p)
                        && self.coerces(p, n, CastContext::Implicit)
                        && !self.coerces(n, p, CastContext::Implicit)
                    {
                        ptype = Some(n);
                    }
                }
            }
        }
        Ok(ptype.unwrap_or(text))
    }

    /// What a polymorphic declared type stands for under `binding`; a non-polymorphic one is
    /// itself. `None` when the binding leaves it undetermined.
    pub fn resolve_poly(&self, decl: CTy, binding: &Binding<'s>) -> Option<Ty<'s>> {
        let Some(p) = self.poly(decl) else {
            return Some(decl.into());
        };
        match p {
            Poly::Element { .. } => binding.elem.or(binding.array.map(Ty::elem)),
            Poly::Array => binding
                .array
                .or(binding.elem.filter(|e| !e.array).map(Ty::array_of)),
            Poly::Compatible { .. } => binding.compatible.flatten(),
            Poly::CompatibleArray => binding
                .compatible
                .flatten()
                .filter(|c| !c.array)
                .map(Ty::array_of),
            Poly::Range => None,
        }
    }
}

/// What the polymorphic families of one call bound to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Binding<'s> {
    pub elem: Option<Ty<'s>>,
    pub array: Option<Ty<'s>>,
    /// `Some(None)`: the call uses the `anycompatible` family but every such input is unknown
    /// (they resolve to `text`).
    pub compatible: Option<Option<Ty<'s>>>,
}

impl<'s> Binding<'s> {
    /// The `anycompatible` family resolves all-unknown inputs to `text`.
    pub fn settle(mut self, text: Ty<'s>) -> Binding<'s> {
        if let Some(None) = self.compatible {
            self.compatible = Some(Some(text));
        }
        self
    }
}
