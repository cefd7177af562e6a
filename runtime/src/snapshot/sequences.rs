//! Sequences (format version 2): standalone sequences with their options and owner column, and
//! the options of an identity column's sequence.
//!
//! Options are written only when they differ from what `CREATE SEQUENCE` with no options gives
//! for the sequence's type and direction, so the usual sequence is one line in review.

use serde::{Deserialize, Serialize};

use super::is_false;

format_struct! {
    /// A sequence that is not an identity column's (those are described by [`IdentitySequence`] on
    /// their column), keyed by name in [`super::Schema::sequences`].
    pub struct Sequence {
        /// `CACHE`, when not the default.
        cache: Option<i64> = "Option::is_none",
        /// `CYCLE`.
        cycle: bool = "is_false",
        /// `INCREMENT BY`, when not the default.
        increment: Option<i64> = "Option::is_none",
        /// `MAXVALUE`, when not the default.
        max: Option<i64> = "Option::is_none",
        /// `MINVALUE`, when not the default.
        min: Option<i64> = "Option::is_none",
        /// The column the sequence belongs to (`OWNED BY`, as `serial` columns make).
        owned_by: Option<SequenceOwner> = "Option::is_none",
        /// `START WITH`, when not the default.
        start: Option<i64> = "Option::is_none",
        /// `smallint`, `integer` or `bigint`.
        #[serde(rename = "type")]
        type_display: String,
    }
}

format_struct! {
    /// The column a sequence is owned by.
    pub struct SequenceOwner {
        /// The owning column.
        column: String,
        /// The owning table's schema.
        schema: String,
        /// The owning table.
        table: String,
    }
}

format_struct! {
    /// The sequence behind an identity column, written only when something differs from the
    /// default: its name (PostgreSQL names it `<table>_<column>_seq`) or an option.
    #[derive(Default)]
    pub struct IdentitySequence {
        /// `CACHE`, when not the default.
        cache: Option<i64> = "Option::is_none",
        /// `CYCLE`.
        cycle: bool = "is_false",
        /// `INCREMENT BY`, when not the default.
        increment: Option<i64> = "Option::is_none",
        /// `MAXVALUE`, when not the default.
        max: Option<i64> = "Option::is_none",
        /// `MINVALUE`, when not the default.
        min: Option<i64> = "Option::is_none",
        /// The sequence's name, when not `<table>_<column>_seq`.
        name: Option<String> = "Option::is_none",
        /// `START WITH`, when not the default.
        start: Option<i64> = "Option::is_none",
    }
}

/// A sequence's options as the catalog holds them, every one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SequenceOptions {
    /// `START WITH`.
    pub start: i64,
    /// `INCREMENT BY`.
    pub increment: i64,
    /// `MINVALUE`.
    pub min: i64,
    /// `MAXVALUE`.
    pub max: i64,
    /// `CACHE`.
    pub cache: i64,
    /// `CYCLE`.
    pub cycle: bool,
}

impl SequenceOptions {
    /// The clauses of `ALTER SEQUENCE` that take these options to `to`, in the order
    /// PostgreSQL documents them: `INCREMENT BY 5`, `NO CYCLE`.
    pub fn changes_to(&self, to: &SequenceOptions) -> Vec<String> {
        let numbers = [
            ("INCREMENT BY", self.increment, to.increment),
            ("MINVALUE", self.min, to.min),
            ("MAXVALUE", self.max, to.max),
            ("START WITH", self.start, to.start),
            ("CACHE", self.cache, to.cache),
        ];
        let mut out: Vec<String> = numbers
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .map(|(word, _, b)| format!("{word} {b}"))
            .collect();
        if self.cycle != to.cycle {
            out.push(if to.cycle { "CYCLE" } else { "NO CYCLE" }.to_owned());
        }
        out
    }
}

/// The smallest and largest value of a sequence type (`smallint`, `integer`, `bigint`).
pub fn type_range(type_display: &str) -> (i64, i64) {
    match type_display {
        "smallint" => (i16::MIN.into(), i16::MAX.into()),
        "integer" => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

impl SequenceOptions {
    /// What `CREATE SEQUENCE` gives for `type_display` and `increment` when nothing else is said.
    pub fn defaults(type_display: &str, increment: i64) -> SequenceOptions {
        let (low, high) = type_range(type_display);
        let (min, max) = if increment < 0 { (low, -1) } else { (1, high) };
        SequenceOptions {
            start: if increment < 0 { max } else { min },
            increment,
            min,
            max,
            cache: 1,
            cycle: false,
        }
    }

    /// The options that differ from the defaults, each `Some`: `(start, increment, min, max,
    /// cache)`.
    #[allow(clippy::type_complexity)]
    fn sparse(
        &self,
        type_display: &str,
    ) -> (
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    ) {
        let d = SequenceOptions::defaults(type_display, self.increment);
        let differs = |a: i64, b: i64| (a != b).then_some(a);
        // Without START, a sequence starts at its own minimum (or maximum, counting down).
        let start = if self.increment < 0 {
            self.max
        } else {
            self.min
        };
        (
            differs(self.start, start),
            differs(self.increment, 1),
            differs(self.min, d.min),
            differs(self.max, d.max),
            differs(self.cache, d.cache),
        )
    }
}

impl Sequence {
    /// A sequence of `type_display` with these options, the defaults left out.
    pub fn new(type_display: String, options: SequenceOptions) -> Sequence {
        let (start, increment, min, max, cache) = options.sparse(&type_display);
        Sequence {
            cache,
            cycle: options.cycle,
            increment,
            max,
            min,
            owned_by: None,
            start,
            type_display,
        }
    }

    /// Every option, the defaults filled in.
    pub fn options(&self) -> SequenceOptions {
        full(
            &self.type_display,
            self.start,
            self.increment,
            self.min,
            self.max,
            self.cache,
            self.cycle,
        )
    }
}

impl IdentitySequence {
    /// The options of an identity column of `type_display`, or `None` when every one is the
    /// default and the name is `default_name`.
    pub fn new(
        type_display: &str,
        name: &str,
        default_name: &str,
        options: SequenceOptions,
    ) -> Option<IdentitySequence> {
        let (start, increment, min, max, cache) = options.sparse(type_display);
        let s = IdentitySequence {
            cache,
            cycle: options.cycle,
            increment,
            max,
            min,
            name: (name != default_name).then(|| name.to_owned()),
            start,
        };
        (s != IdentitySequence::default()).then_some(s)
    }

    /// Every option for a column of `type_display`, the defaults filled in.
    pub fn options(&self, type_display: &str) -> SequenceOptions {
        full(
            type_display,
            self.start,
            self.increment,
            self.min,
            self.max,
            self.cache,
            self.cycle,
        )
    }
}

fn full(
    type_display: &str,
    start: Option<i64>,
    increment: Option<i64>,
    min: Option<i64>,
    max: Option<i64>,
    cache: Option<i64>,
    cycle: bool,
) -> SequenceOptions {
    let d = SequenceOptions::defaults(type_display, increment.unwrap_or(1));
    let min = min.unwrap_or(d.min);
    let max = max.unwrap_or(d.max);
    let increment = increment.unwrap_or(1);
    SequenceOptions {
        // PostgreSQL starts at the minimum (ascending) or maximum (descending) given.
        start: start.unwrap_or(if increment < 0 { max } else { min }),
        increment,
        min,
        max,
        cache: cache.unwrap_or(1),
        cycle,
    }
}
