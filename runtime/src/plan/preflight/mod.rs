//! Pre-flight checks: `DO` blocks for the steps existing data can make fail. Each looks for the
//! rows that would make its step fail and, when there are any, stops the script with an
//! exception naming the table, the column and a few offending values. A script runs them all
//! before its first step (in a transaction it rolls back), each against the table as it will be
//! when its step runs: columns renamed and converted by the steps before are read through a
//! projection of the table as it is ([`Projections`]), so a failing check stops the script
//! before anything changed, and the same script runs again once the data is fixed. Every check
//! reads its table (`ACCESS SHARE`) and takes time in proportion to it.

use std::collections::BTreeMap;

use crate::ident::{quote_ident, quote_literal};
use crate::snapshot::{Check, ForeignKey, Index, Snapshot};

use super::render::qualified;
use super::step::Preflight;

mod checks;

use checks::{
    Q, check_holds, conversion, empty, keeps_labels, no_duplicates, no_nulls, no_orphans,
};

/// How many offending values a message names.
const SHOWN: usize = 5;

/// What a failed check does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Raises an exception: the script stops there.
    Stop,
    /// Raises a warning and records the failure, so that every check runs and reports; a
    /// last block ([`verdict`]) stops the script when one failed.
    Collect,
}

/// The setting failed checks record themselves in, for [`verdict`].
const FAILED: &str = "schemalock.preflight_failed";

/// A `DO` block around `body` (PL/pgSQL statements, with `bad text[]` and `n bigint`
/// declared), reporting `message` when `n > 0`: a `format()` pattern whose `%s` take `args`
/// (user text in it escaped with [`pct`]), with `hint`.
fn block(
    mode: Mode,
    what: &str,
    declare: &str,
    body: &str,
    message: &str,
    args: &str,
    hint: &str,
) -> String {
    debug_assert!(!body.contains("$preflight$"));
    let message = quote_literal(&format!("schemalock pre-flight: {message}"));
    let hint = quote_literal(hint);
    match mode {
        Mode::Stop => format!(
            "DO $preflight$\nDECLARE\n    bad text[] := '{{}}';\n    n bigint := 0;\n{declare}BEGIN\n{body}\n    IF n > 0 THEN\n        RAISE EXCEPTION USING\n            MESSAGE = format({message}, {args}),\n            HINT = {hint};\n    END IF;\nEND\n$preflight$"
        ),
        Mode::Collect => format!(
            "DO $preflight$\nDECLARE\n    bad text[] := '{{}}';\n    n bigint := 0;\n{declare}BEGIN\n    BEGIN\n{body}\n    EXCEPTION WHEN undefined_function OR undefined_table OR undefined_object THEN\n        RAISE NOTICE 'schemalock pre-flight: cannot check before the plan that % (%): the step checks it itself', {what}, SQLERRM;\n        RETURN;\n    WHEN OTHERS THEN\n        RAISE WARNING 'schemalock pre-flight: could not check that %: %', {what}, SQLERRM;\n        PERFORM set_config('{FAILED}', 'true', true);\n        RETURN;\n    END;\n    IF n > 0 THEN\n        RAISE WARNING USING\n            MESSAGE = format({message}, {args}),\n            HINT = {hint};\n        PERFORM set_config('{FAILED}', 'true', true);\n    END IF;\nEND\n$preflight$",
            what = quote_literal(what)
        ),
    }
}

/// The block after the collected checks: stops the script when one of them failed.
pub(crate) fn verdict() -> String {
    format!(
        "DO $preflight$\nBEGIN\n    IF current_setting('{FAILED}', true) = 'true' THEN\n        RAISE EXCEPTION 'schemalock pre-flight: the data is not ready for this plan; nothing was changed'\n            USING HINT = 'fix what the warnings above name, then run the script again';\n    END IF;\nEND\n$preflight$"
    )
}

/// `n` with its noun (`1 value`, `2 values`) and the offending values, for a message with two
/// `%s`.
fn count_and_values(noun: &str) -> String {
    format!("{}, array_to_string(bad, ', ')", count(noun))
}

/// `n` with its noun: `1 row`, `2 rows`.
fn count(noun: &str) -> String {
    format!("n || CASE WHEN n = 1 THEN ' {noun}' ELSE ' {noun}s' END")
}

/// Text put in a `format()` pattern as is.
fn pct(text: &str) -> String {
    text.replace('%', "%%")
}

/// `quote_nullable(x::text)`: how a value is shown in a message.
fn shown(expr: &str) -> String {
    format!("quote_nullable(({expr})::text)")
}

/// What a step needs of the existing data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Condition {
    /// Every value of `column` converts with `using` to `target_type` (and not to NULL when
    /// `not_null`).
    Converts {
        schema: String,
        table: String,
        column: String,
        using: String,
        target_type: String,
        not_null: bool,
        /// The columns `using` reads.
        read: Vec<String>,
    },
    NoNulls {
        schema: String,
        table: String,
        column: String,
    },
    NoDuplicates {
        schema: String,
        table: String,
        index: Index,
    },
    NoOrphans {
        schema: String,
        table: String,
        fk: ForeignKey,
    },
    Holds {
        schema: String,
        table: String,
        check: Check,
    },
    Empty {
        schema: String,
        table: String,
        why: String,
    },
    /// No column of enum `name` holds a label it loses.
    KeepsLabels {
        name: String,
        labels: Vec<String>,
        /// `(schema, table, column, array)`.
        columns: Vec<(String, String, String, bool)>,
    },
}

/// Whether a condition is on the data before its step or after it (the keys of a unique index
/// a conversion rebuilds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    Before,
    After,
}

/// How a step changes what the checks after it see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    RenameTable {
        schema: String,
        from: String,
        to: String,
    },
    RenameColumn {
        schema: String,
        table: String,
        from: String,
        to: String,
    },
    /// The column's values become `using` of the columns before.
    Convert {
        schema: String,
        table: String,
        column: String,
        using: String,
    },
    AddColumn {
        schema: String,
        table: String,
        column: String,
        value: String,
    },
    DropColumn {
        schema: String,
        table: String,
        column: String,
    },
}

/// A table as a check reads it: `SELECT <expression> AS <name>, ... FROM <from>`.
#[derive(Debug, Clone)]
struct Projection {
    from: String,
    columns: Vec<(String, String)>,
    /// Whether every column is itself and `from` the table: read it directly.
    plain: bool,
}

/// The tables of the source as each check sees them, following the steps' effects.
#[derive(Debug, Clone)]
pub(crate) struct Projections {
    tables: BTreeMap<(String, String), Projection>,
}

impl Projections {
    /// The tables as they are, from the source before any rename.
    pub(crate) fn new(source: &Snapshot) -> Projections {
        let mut tables = BTreeMap::new();
        for (s, sch) in &source.schemas {
            for (n, t) in &sch.tables {
                if t.kind.is_view() {
                    continue;
                }
                tables.insert(
                    (s.clone(), n.clone()),
                    Projection {
                        from: qualified(s, n),
                        columns: t
                            .columns
                            .iter()
                            .map(|c| (c.name.clone(), quote_ident(&c.name).into_owned()))
                            .collect(),
                        plain: true,
                    },
                );
            }
        }
        Projections { tables }
    }

    /// The table `schema.table` (its name at the step) as a FROM item named `alias`.
    pub(crate) fn from(&self, schema: &str, table: &str, alias: &str) -> String {
        match self.tables.get(&(schema.to_owned(), table.to_owned())) {
            Some(p) if !p.plain => {
                let cols: Vec<String> = p
                    .columns
                    .iter()
                    .map(|(n, e)| {
                        let name = quote_ident(n);
                        if *e == name {
                            e.clone()
                        } else {
                            format!("{e} AS {name}")
                        }
                    })
                    .collect();
                format!("(SELECT {} FROM {}) {alias}", cols.join(", "), p.from)
            }
            _ => format!("{} {alias}", qualified(schema, table)),
        }
    }

    pub(crate) fn apply(&mut self, effect: &Effect) {
        match effect {
            Effect::RenameTable { schema, from, to } => {
                if let Some(p) = self.tables.remove(&(schema.clone(), from.clone())) {
                    self.tables.insert((schema.clone(), to.clone()), p);
                }
            }
            Effect::RenameColumn {
                schema,
                table,
                from,
                to,
            } => {
                if let Some(p) = self.tables.get_mut(&(schema.clone(), table.clone())) {
                    for (n, _) in &mut p.columns {
                        if n == from {
                            *n = to.clone();
                            p.plain = false;
                        }
                    }
                }
            }
            Effect::Convert {
                schema,
                table,
                column,
                using,
            } => {
                let alias = quote_ident(table).into_owned();
                let from = self.from(schema, table, &alias);
                if let Some(p) = self.tables.get_mut(&(schema.clone(), table.clone())) {
                    p.from = from;
                    for (n, e) in &mut p.columns {
                        *e = if n == column {
                            format!("({using})")
                        } else {
                            quote_ident(n).into_owned()
                        };
                    }
                    p.plain = false;
                }
            }
            Effect::AddColumn {
                schema,
                table,
                column,
                value,
            } => {
                if let Some(p) = self.tables.get_mut(&(schema.clone(), table.clone())) {
                    p.columns.push((column.clone(), format!("({value})")));
                    p.plain = false;
                }
            }
            Effect::DropColumn {
                schema,
                table,
                column,
            } => {
                if let Some(p) = self.tables.get_mut(&(schema.clone(), table.clone())) {
                    p.columns.retain(|(n, _)| n != column);
                    p.plain = false;
                }
            }
        }
    }
}

impl Condition {
    /// The check, reading tables through `q.from(schema, table, alias)`.
    pub(crate) fn preflight(
        &self,
        mode: Mode,
        from: &dyn Fn(&str, &str, &str) -> String,
    ) -> Preflight {
        let q = Q { mode, from };
        match self {
            Condition::Converts {
                schema,
                table,
                column,
                using,
                target_type,
                not_null,
                read,
            } => conversion(
                &q,
                schema,
                table,
                column,
                using,
                target_type,
                *not_null,
                read,
            ),
            Condition::NoNulls {
                schema,
                table,
                column,
            } => no_nulls(&q, schema, table, column),
            Condition::NoDuplicates {
                schema,
                table,
                index,
            } => no_duplicates(&q, schema, table, index),
            Condition::NoOrphans { schema, table, fk } => no_orphans(&q, schema, table, fk),
            Condition::Holds {
                schema,
                table,
                check,
            } => check_holds(&q, schema, table, check),
            Condition::Empty { schema, table, why } => empty(&q, schema, table, why),
            Condition::KeepsLabels {
                name,
                labels,
                columns,
            } => keeps_labels(&q, name, labels, columns),
        }
    }

    /// The check as it runs right before its step, reading the tables as they are then.
    pub(crate) fn at_step(&self) -> Preflight {
        self.preflight(Mode::Stop, &|s, t, alias| {
            format!("{} {alias}", qualified(s, t))
        })
    }
}
