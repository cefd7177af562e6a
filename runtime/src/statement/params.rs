//! Parameters `$1..$n`: where each is used, and the type the first context that fixes it gives
//! (PostgreSQL types a parameter at its first coercion; later uses see that type).

use std::ops::Range;

use super::analysis::Param;
use super::env::Env;
use super::findings::{Finding, FindingKind};
use super::types::Ty;

#[derive(Debug, Default)]
struct Slot<'a> {
    ty: Option<Ty<'a>>,
    first: Option<Range<usize>>,
}

#[derive(Debug, Default)]
pub(crate) struct Params<'a> {
    slots: Vec<Slot<'a>>,
}

/// Parameters past this are refused: PostgreSQL's own limit is 65535.
pub(crate) const MAX_PARAMS: usize = 65_535;

impl<'a> Params<'a> {
    /// Records a use of `$n` (1-based); its type so far.
    pub fn use_param(&mut self, n: usize, span: Range<usize>) -> Option<Ty<'a>> {
        if n == 0 || n > MAX_PARAMS {
            return None;
        }
        if self.slots.len() < n {
            self.slots.resize_with(n, Slot::default);
        }
        let slot = &mut self.slots[n - 1];
        if slot.first.is_none() {
            slot.first = Some(span);
        }
        slot.ty
    }

    /// Fixes the type of `$n` unless a context already did.
    pub fn fix(&mut self, n: usize, ty: Ty<'a>) {
        if let Some(slot) = n.checked_sub(1).and_then(|i| self.slots.get_mut(i)) {
            slot.ty.get_or_insert(ty);
        }
    }

    /// The public parameters, and a finding for each gap in the numbering.
    pub fn finish(self, env: &Env<'a>) -> (Vec<Param>, Vec<Finding>) {
        let mut findings = Vec::new();
        let mut params = Vec::with_capacity(self.slots.len());
        let next_used = |from: usize| {
            self.slots[from..]
                .iter()
                .enumerate()
                .find_map(|(k, s)| s.first.clone().map(|sp| (from + k + 1, sp)))
        };
        for (i, slot) in self.slots.iter().enumerate() {
            if slot.first.is_none() {
                if let Some((n, span)) = next_used(i) {
                    findings.push(Finding::new(
                        FindingKind::ParamGap,
                        span,
                        format!(
                            "`${n}` is used but `${}` is not: PostgreSQL cannot type a parameter \
                             the statement never uses; number the parameters from `$1` without \
                             gaps",
                            i + 1
                        ),
                    ));
                }
            }
            params.push(Param {
                ty: slot.ty.map(|t| env.sql_type(t)),
                span: slot.first.clone().unwrap_or(0..0),
            });
        }
        // One finding per gap run is enough: drop repeats pointing at the same use.
        findings.dedup_by(|a, b| a.span == b.span);
        (params, findings)
    }
}
