//! Which function or operator a call resolves to, by PostgreSQL's rules (`parse_func.c`,
//! `parse_oper.c`): exact matches first, then implicit coercions, then the heuristics of
//! `func_select_candidate` (most exact matches, preferred types, the string bias of unknown
//! literals, and "unknowns are the type of the known arguments").
//!
//! Only the embedded catalog is searched, so a user-defined function or operator is never found:
//! the call is then left untyped, never an error.

use super::catalog::{CTy, Func, Oper};
use super::coerce::Binding;
use super::env::Env;
use super::types::{ArgTy, Ty};

/// A chosen function or operator, with its polymorphic types resolved.
#[derive(Debug, Clone)]
pub(crate) struct Resolved<'s> {
    pub ret: Ty<'s>,
    /// The type each input is coerced to, in the order of the inputs; `None` for an `"any"`
    /// argument, which takes the input as it is (an unknown stays unknown).
    pub args: Vec<Option<Ty<'s>>>,
    pub func: Option<&'static Func>,
}

/// Why no function or operator was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoMatch {
    /// No candidate takes these argument types, even with implicit casts.
    NoCandidate,
    /// Several do and the rules cannot choose, or a polymorphic type stays open.
    Undecided,
}

/// How a function is called: positional arguments, then named ones.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallShape<'n> {
    pub names: &'n [Option<String>],
}

struct Candidate<'c> {
    args: Vec<CTy>,
    ret: CTy,
    func: Option<&'c Func>,
}

impl<'s> Env<'s> {
    /// Resolves `name(inputs)` against the built-in and extension functions.
    pub fn resolve_function(
        &self,
        name: &str,
        inputs: &[ArgTy<'s>],
        shape: CallShape<'_>,
    ) -> Option<Resolved<'s>> {
        let cat = self.cat;
        let funcs: &'static [Func] = cat.funcs(name);
        let candidates: Vec<Candidate<'static>> = funcs
            .iter()
            .filter(|f| self.section_active(f.section))
            .filter_map(|f| fit_call(f, inputs.len(), shape).map(|args| (f, args)))
            .map(|(f, args)| Candidate {
                args,
                ret: f.ret,
                func: Some(f),
            })
            .collect();
        let chosen = self.choose(inputs, candidates).ok()?;
        self.finish(inputs, chosen)
    }

    /// Resolves a binary (`left` is `Some`) or prefix operator.
    pub fn resolve_operator(
        &self,
        name: &str,
        left: Option<ArgTy<'s>>,
        right: ArgTy<'s>,
    ) -> Result<Resolved<'s>, NoMatch> {
        let ops: Vec<&'static Oper> = self
            .cat
            .opers(name)
            .iter()
            .filter(|o| self.section_active(o.section) && o.left.is_some() == left.is_some())
            .collect();
        if ops.is_empty() {
            return Err(NoMatch::NoCandidate);
        }
        let inputs: Vec<ArgTy<'s>> = left.into_iter().chain([right]).collect();
        let chosen = match self.exact_operator(&ops, left, right) {
            Some(op) => op_candidate(op),
            None => self.choose(&inputs, ops.into_iter().map(op_candidate).collect())?,
        };
        self.finish(&inputs, chosen).ok_or(NoMatch::Undecided)
    }

    /// `binary_oper_exact`: an unknown side is assumed to be the other side's type (or its base
    /// type, for a domain).
    fn exact_operator(
        &self,
        ops: &[&'static Oper],
        left: Option<ArgTy<'s>>,
        right: ArgTy<'s>,
    ) -> Option<&'static Oper> {
        let find = |l: Option<Ty<'s>>, r: Ty<'s>| {
            ops.iter().copied().find(|o| {
                r.matches(o.right)
                    && match (l, o.left) {
                        (Some(l), Some(ol)) => l.matches(ol),
                        (None, None) => true,
                        _ => false,
                    }
            })
        };
        match (left, right) {
            (None, ArgTy::Known(r)) => find(None, r),
            (Some(ArgTy::Known(l)), ArgTy::Known(r)) => find(Some(l), r),
            (Some(ArgTy::Known(k)), ArgTy::Unknown) | (Some(ArgTy::Unknown), ArgTy::Known(k)) => {
                find(Some(k), k).or_else(|| {
                    let b = self.base_type(k);
                    (b != k).then(|| find(Some(b), b)).flatten()
                })
            }
            _ => None,
        }
    }

    fn choose<'c>(
        &self,
        inputs: &[ArgTy<'s>],
        candidates: Vec<Candidate<'c>>,
    ) -> Result<Candidate<'c>, NoMatch> {
        // An exact match wins outright.
        if let Some(i) = candidates.iter().position(|c| {
            c.args
                .iter()
                .zip(inputs)
                .all(|(d, i)| i.known().is_some_and(|t| t.matches(*d)))
        }) {
            return candidates.into_iter().nth(i).ok_or(NoMatch::Undecided);
        }
        let mut fitting: Vec<Candidate<'c>> = candidates
            .into_iter()
            .filter(|c| self.can_coerce(inputs, &c.args))
            .collect();
        match fitting.len() {
            0 => Err(NoMatch::NoCandidate),
            1 => fitting.pop().ok_or(NoMatch::Undecided),
            _ => self
                .select_candidate(inputs, fitting)
                .ok_or(NoMatch::Undecided),
        }
    }

    /// `func_select_candidate`.
    fn select_candidate<'c>(
        &self,
        inputs: &[ArgTy<'s>],
        candidates: Vec<Candidate<'c>>,
    ) -> Option<Candidate<'c>> {
        let base: Vec<Option<Ty<'s>>> = inputs
            .iter()
            .map(|i| i.known().map(|t| self.base_type(t)))
            .collect();
        let unknowns = base.iter().filter(|b| b.is_none()).count();

        // Most exact matches on known inputs.
        let exact = |c: &Candidate<'c>| {
            c.args
                .iter()
                .zip(&base)
                .filter(|(d, b)| b.is_some_and(|b| b.matches(**d)))
                .count()
        };
        let mut candidates = keep_best(candidates, exact);
        if candidates.len() == 1 {
            return candidates.pop();
        }
        // Exact or preferred types (of the input's own category) where coercion is needed.
        let preferred = |c: &Candidate<'c>| {
            c.args
                .iter()
                .zip(&base)
                .filter(|(d, b)| {
                    b.is_some_and(|b| {
                        let d: Ty<'s> = (**d).into();
                        b == d || (self.preferred(d) && self.category(d) == self.category(b))
                    })
                })
                .count()
        };
        let mut candidates = keep_best(candidates, preferred);
        if candidates.len() == 1 {
            return candidates.pop();
        }
        if unknowns == 0 {
            return None;
        }
        // At each unknown position: the string category if any candidate takes it, else the
        // one category all candidates agree on.
        let mut slots: Vec<Option<(u8, bool)>> = vec![None; inputs.len()];
        let mut resolved = true;
        for (i, b) in base.iter().enumerate() {
            if b.is_some() {
                continue;
            }
            let mut slot: Option<(u8, bool)> = None;
            let mut conflict = false;
            for c in &candidates {
                let d: Ty<'s> = c.args[i].into();
                let (cat, pref) = (self.category(d), self.preferred(d));
                match slot {
                    None => slot = Some((cat, pref)),
                    Some((sc, sp)) if sc == cat => slot = Some((sc, sp || pref)),
                    Some(_) if cat == b'S' => slot = Some((cat, pref)),
                    Some(_) => conflict = true,
                }
            }
            if conflict && slot.map(|s| s.0) != Some(b'S') {
                resolved = false;
                break;
            }
            slots[i] = slot;
        }
        if resolved {
            let keep: Vec<bool> = candidates
                .iter()
                .map(|c| {
                    slots.iter().enumerate().all(|(i, slot)| match slot {
                        None => true,
                        Some((cat, has_pref)) => {
                            let d: Ty<'s> = c.args[i].into();
                            self.category(d) == *cat && (!has_pref || self.preferred(d))
                        }
                    })
                })
                .collect();
            if keep.iter().any(|k| *k) {
                let mut kept: Vec<Candidate<'c>> = candidates
                    .into_iter()
                    .zip(keep)
                    .filter_map(|(c, k)| k.then_some(c))
                    .collect();
                if kept.len() == 1 {
                    return kept.pop();
                }
                candidates = kept;
            }
        }
        // Last: if the known inputs all have one type, assume the unknowns have it too.
        if unknowns < inputs.len() {
            let mut known = base.iter().flatten();
            let first = *known.next()?;
            if known.all(|t| *t == first) {
                let assumed = vec![ArgTy::Known(first); inputs.len()];
                let mut fits = candidates
                    .into_iter()
                    .filter(|c| self.can_coerce(&assumed, &c.args));
                let one = fits.next()?;
                if fits.next().is_none() {
                    return Some(one);
                }
            }
        }
        None
    }

    fn finish(&self, inputs: &[ArgTy<'s>], c: Candidate<'static>) -> Option<Resolved<'s>> {
        let text = Ty::cat(self.cat.known.text);
        let binding = self
            .bind_polymorphic(inputs, &c.args)
            .map(|b| b.settle(text))
            .unwrap_or(Binding {
                elem: None,
                array: None,
                compatible: None,
            });
        let ret = self.resolve_poly(c.ret, &binding)?;
        // A polymorphic argument the binding leaves open (all its inputs unknown) is an error
        // in PostgreSQL ("could not determine polymorphic type"): leave the call untyped.
        let args = c
            .args
            .iter()
            .map(|d| {
                if d.id == self.cat.known.any && !d.array {
                    Some(None)
                } else {
                    self.resolve_poly(*d, &binding).map(Some)
                }
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Resolved {
            ret,
            args,
            func: c.func,
        })
    }
}

fn op_candidate(op: &'static Oper) -> Candidate<'static> {
    Candidate {
        args: op.left.into_iter().chain([op.right]).collect(),
        ret: op.result,
        func: None,
    }
}

/// Keeps the candidates scoring best (all of them when none scores).
fn keep_best<'c, F: Fn(&Candidate<'c>) -> usize>(
    candidates: Vec<Candidate<'c>>,
    score: F,
) -> Vec<Candidate<'c>> {
    let best = candidates.iter().map(&score).max().unwrap_or(0);
    candidates
        .into_iter()
        .filter(|c| score(c) == best)
        .collect()
}

/// The declared types a call of `f` with `n` inputs (named as `shape` says) passes each input
/// to, or `None` when `f` cannot take such a call (`FuncnameGetCandidates`).
fn fit_call(f: &Func, n: usize, shape: CallShape<'_>) -> Option<Vec<CTy>> {
    let declared = f.args.len();
    let named = shape.names.iter().any(Option::is_some);
    if named {
        if f.arg_names.len() != declared {
            return None;
        }
        let mut used = vec![false; declared];
        let mut out = Vec::with_capacity(n);
        for (i, name) in shape.names.iter().enumerate() {
            let pos = match name {
                None => i,
                Some(name) => f.arg_names.iter().position(|a| a == name)?,
            };
            if pos >= declared || used[pos] {
                return None;
            }
            used[pos] = true;
            out.push(f.args[pos]);
        }
        let first_default = declared - f.defaults;
        return used
            .iter()
            .enumerate()
            .all(|(i, u)| *u || i >= first_default)
            .then_some(out);
    }
    if f.variadic && declared > 0 && n + 1 >= declared {
        let last = f.args[declared - 1];
        let elem = if last.array {
            CTy {
                id: last.id,
                array: false,
            }
        } else {
            last
        };
        let mut out: Vec<CTy> = f.args[..declared - 1].to_vec();
        out.resize(n, elem);
        return Some(out);
    }
    if n == declared || (n < declared && n + f.defaults >= declared) {
        return Some(f.args[..n].to_vec());
    }
    None
}
