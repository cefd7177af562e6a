//! Plans: the statements that take a database from one schema (`from`) to another (`to`),
//! ordered, in online-safe forms, each with the lock it takes and the hazards it runs, with
//! pre-flight checks in front of every step existing data can make fail.
//!
//! The planner is an engine of its own beside the schema ↔ schema comparison: it consumes the
//! comparison's [`SchemaDiff`](crate::diff::SchemaDiff) (`diff(to, from)`: what `to` has that `from`
//! lacks is created, the other way round dropped, every changed aspect altered) and looks the
//! objects up in the two snapshots for their definitions. It does not compare anything itself,
//! except to pair up renamed indexes and constraints among the report's missing and extra ones.
//!
//! - `order`: the phases a plan runs in and ranking by dependency;
//! - `step`, `hazard`: the data a plan is made of;
//! - `render`: SQL text of objects (`CREATE ...`), through [`crate::ident`] for every name;
//! - `create`: whole objects (a schema, a table with its keys and indexes, a function, ...);
//! - `change`: the report's differences, one by one;
//! - `rename`: `--rename`, renames found among missing and extra indexes and constraints, and
//!   the suggestions for columns and tables;
//! - `preflight`: the `DO` blocks that stop a script before a step data would make fail;
//! - `script`: the plan as one script for psql, or as chunks for a migration tool's files;
//! - `deps`: the names an SQL text mentions, for ordering views, domains and partitions.
//!
//! Tables of migration tools (`_sqlx_migrations`, ...) belong to their tool: plans leave them
//! out on both sides, and the migration head is not planned.

mod change;
mod create;
mod deps;
pub mod hazard;
mod members;
mod order;
mod preflight;
mod rename;
mod render;
mod script;
pub mod step;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

pub use self::hazard::{Allowed, Hazard, HazardKind};
pub use self::rename::{Rename, Using};
pub use self::script::{Chunk, ScriptOptions};
pub use self::step::{Duration, Lock, LockLevel, Object, Preflight, Step, Transaction};

use self::order::Phase;
use crate::diff::diff;
use crate::introspect::MIGRATION_TABLES;
use crate::snapshot::{Column, Snapshot};

/// What a plan is asked for besides the two schemas.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--rename`: objects renamed rather than dropped and added.
    pub renames: Vec<Rename>,
    /// `--using`: the conversion of a column whose type changes.
    pub using: Vec<Using>,
}

/// Something the plan says besides its steps: a rename it suggests, a difference it cannot
/// make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// What kind of note it is.
    pub kind: NoteKind,
    /// The note, one sentence or more.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
/// What a [`Note`] is about.
pub enum NoteKind {
    /// "if `type` was renamed `entity_type`, pass `--rename entities.type=entity_type`".
    RenameSuggestion,
    /// A difference no statement can make (column order), left as it is.
    Unplanned,
}

/// A plan: steps in the order they run, the checks of the data they need, and notes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The steps, in the order they run.
    pub steps: Vec<Step>,
    /// Every step's check of the data, each reading the tables as its step will find them
    /// (through the renames and conversions of the steps before), to run before the first
    /// step: a failing one stops the script before anything changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub preflight: Vec<Preflight>,
    /// The types the checks need that do not exist yet (or lack labels), to create in a
    /// scratch schema ([`PREFLIGHT_SCHEMA`]) for the checks' transaction.
    #[serde(skip)]
    pub scratch_types: Vec<String>,
    /// What the plan could not do, or suggests (renames), for people to read.
    pub notes: Vec<Note>,
}

/// The schema the pre-flight checks create the types they need in, inside a transaction that
/// is rolled back (or, in a migration file, dropped before the steps).
pub const PREFLIGHT_SCHEMA: &str = "schemalock_preflight";

impl Plan {
    /// True when there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Every hazard kind the plan runs, each once, in the docs' order.
    pub fn hazard_kinds(&self) -> Vec<HazardKind> {
        let kinds: BTreeSet<HazardKind> = self
            .steps
            .iter()
            .flat_map(|s| s.hazards.iter().map(|h| h.kind))
            .collect();
        kinds.into_iter().collect()
    }

    /// `12 steps; hazards: rewrites-table,cast-may-fail`, or `...; no hazards`.
    pub fn summary(&self) -> String {
        let kinds = self.hazard_kinds();
        let hazards = if kinds.is_empty() {
            "no hazards".to_owned()
        } else {
            format!("hazards: {}", hazard::names(&kinds))
        };
        format!("{} steps; {hazards}", self.steps.len())
    }

    /// The hazard kinds the plan runs that `allowed` does not allow.
    pub fn refused(&self, allowed: &Allowed) -> Vec<HazardKind> {
        self.hazard_kinds()
            .into_iter()
            .filter(|k| !allowed.allows(*k))
            .collect()
    }
}

/// Why no plan could be made: a `--rename` or `--using` that names nothing, or names
/// something ambiguously.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// A snapshot without the tables migration tools own, and without a migration head: what a
/// plan plans (the tools keep their own tables), and what its verification compares.
pub fn without_tool_tables(s: &Snapshot) -> Snapshot {
    let mut s = s.clone();
    s.migration_head = None;
    for schema in s.schemas.values_mut() {
        for t in MIGRATION_TABLES {
            schema.tables.remove(t);
        }
    }
    s
}

/// The plan from `from` to `to`.
pub fn plan(from: &Snapshot, to: &Snapshot, options: &Options) -> Result<Plan, Error> {
    let target = without_tool_tables(to);
    let mut source = without_tool_tables(from);
    let mut planner = Planner::new(&target, source.clone(), options);
    for r in &options.renames {
        rename::explicit(&mut planner, &mut source, r)?;
    }
    let mut report = diff(&target, &source);
    if rename::implicit(&mut planner, &mut source, &report) {
        report = diff(&target, &source);
    }
    rename::suggest(&mut planner, &source, &report);
    planner.source = Some(source);
    change::plan_report(&mut planner, &report)?;
    Ok(planner.finish())
}

/// The state of one planning: the two schemas, the steps so far, and what was created.
pub(crate) struct Planner<'a> {
    pub(crate) target: &'a Snapshot,
    /// The source as it is, before renames: what the pre-flight checks read.
    original: Snapshot,
    /// The source, with the renames applied; `None` while they are being applied.
    pub(crate) source: Option<Snapshot>,
    pub(crate) options: &'a Options,
    pub(crate) steps: Vec<Step>,
    pub(crate) notes: Vec<Note>,
    /// Relations created by this plan, `(schema, name)`: empty, so plain forms are safe.
    pub(crate) created: BTreeSet<(String, String)>,
    /// Views dropped by this plan (to be recreated when the target has them).
    pub(crate) dropped_views: BTreeSet<(String, String)>,
    /// For ordering: what each step defines and the text whose mentions it needs.
    pub(crate) defines: BTreeMap<usize, ((String, String), String)>,
    /// Columns whose type changes, by table: converted together, in one rewrite.
    pub(crate) conversions: BTreeMap<(String, String), Vec<(Column, Column)>>,
    /// Columns becoming NOT NULL without a type change, by table.
    pub(crate) not_nulls: BTreeMap<(String, String), Vec<String>>,
    /// Triggers dropped and created again around other steps, `(schema, table, name)`.
    pub(crate) released_triggers: BTreeSet<(String, String, String)>,
}

impl<'a> Planner<'a> {
    fn new(target: &'a Snapshot, original: Snapshot, options: &'a Options) -> Self {
        Planner {
            target,
            original,
            source: None,
            options,
            steps: Vec::new(),
            notes: Vec::new(),
            created: BTreeSet::new(),
            released_triggers: BTreeSet::new(),
            dropped_views: BTreeSet::new(),
            defines: BTreeMap::new(),
            conversions: BTreeMap::new(),
            not_nulls: BTreeMap::new(),
        }
    }

    pub(crate) fn source(&self) -> &Snapshot {
        self.source
            .as_ref()
            .expect("the source is set before changes are planned")
    }

    pub(crate) fn push(&mut self, step: Step) {
        self.steps.push(step);
    }

    /// Pushes a step that defines `schema.name`, ranked after the steps of its phase whose
    /// objects `text` mentions.
    pub(crate) fn push_defining(&mut self, step: Step, schema: &str, name: &str, text: String) {
        self.defines.insert(
            self.steps.len(),
            ((schema.to_owned(), name.to_owned()), text),
        );
        self.steps.push(step);
    }

    pub(crate) fn note(&mut self, kind: NoteKind, message: impl Into<String>) {
        self.notes.push(Note {
            kind,
            message: message.into(),
        });
    }

    /// Whether `schema.name` is a relation this plan creates (so it is empty).
    pub(crate) fn is_new(&self, schema: &str, name: &str) -> bool {
        self.created.contains(&(schema.to_owned(), name.to_owned()))
    }

    /// Ranks the steps of the phases ordered by dependency, then sorts the steps.
    fn finish(mut self) -> Plan {
        let ranked = [
            Phase::Types,
            Phase::Partitions,
            Phase::Views,
            Phase::DropViews,
            Phase::Functions,
            Phase::LateFunctions,
        ];
        for phase in ranked {
            let members: Vec<usize> = self
                .defines
                .keys()
                .copied()
                .filter(|i| self.steps[*i].phase == phase)
                .collect();
            if members.is_empty() {
                continue;
            }
            let depths = order::depths(members.len(), |k| {
                let (_, text) = &self.defines[&members[k]];
                let names = deps::names(text);
                members
                    .iter()
                    .enumerate()
                    .filter(|(j, m)| {
                        let ((s, n), _) = &self.defines[m];
                        *j != k && names.iter().any(|parts| deps::mentioned(parts, s, n))
                    })
                    .map(|(j, _)| j)
                    .collect()
            });
            let max = depths.iter().copied().max().unwrap_or(0);
            for (k, i) in members.iter().enumerate() {
                // Drops go the other way: what depends on others first.
                self.steps[*i].rank = if phase == Phase::DropViews {
                    max - depths[k]
                } else {
                    depths[k]
                };
            }
        }
        let mut indexed: Vec<(usize, Step)> = self.steps.into_iter().enumerate().collect();
        indexed.sort_by_key(|(i, s)| (s.phase, s.rank, *i));
        let mut steps: Vec<Step> = indexed.into_iter().map(|(_, s)| s).collect();
        // The checks, each against the tables as its step finds them.
        let mut projections = preflight::Projections::new(&self.original);
        let mut checks = Vec::new();
        for step in &mut steps {
            let hoisted = |c: &preflight::Condition, p: &preflight::Projections| {
                c.preflight(preflight::Mode::Collect, &|s, t, alias| p.from(s, t, alias))
            };
            let mut at_step: Vec<Preflight> = Vec::new();
            for (when, c) in &step.conditions {
                if *when == preflight::When::Before {
                    at_step.push(c.at_step());
                    checks.push(hoisted(c, &projections));
                }
            }
            for e in &step.effects {
                projections.apply(e);
            }
            for (when, c) in &step.conditions {
                if *when == preflight::When::After {
                    checks.push(hoisted(c, &projections));
                }
            }
            step.preflight = at_step.into_iter().reduce(|mut a, b| {
                a.checks = format!("{}; {}", a.checks, b.checks);
                a.sql = format!("{};\n{}", a.sql, b.sql);
                a
            });
        }
        let scratch_types = if checks.is_empty() {
            Vec::new()
        } else {
            scratch_types(&self.original, self.target)
        };
        Plan {
            steps,
            preflight: checks,
            scratch_types,
            notes: self.notes,
        }
    }
}

/// The enums, domains and composite types of `public` in the target that the source lacks or
/// has otherwise, created in [`PREFLIGHT_SCHEMA`], which the checks put first in their
/// `search_path`: a check converting to `canonlayer` finds it with every label, before the
/// steps create it (a label added to an existing enum could not be used in the transaction
/// that adds it).
fn scratch_types(source: &Snapshot, target: &Snapshot) -> Vec<String> {
    let Some(t) = target.schemas.get("public") else {
        return Vec::new();
    };
    let s = source.schemas.get("public");
    let mut out = Vec::new();
    for (name, e) in &t.enums {
        if s.and_then(|s| s.enums.get(name)) != Some(e) {
            out.push(render::create_enum(PREFLIGHT_SCHEMA, name, e));
        }
    }
    for (name, c) in &t.composites {
        if s.and_then(|s| s.composites.get(name)) != Some(c) {
            out.push(render::create_composite(PREFLIGHT_SCHEMA, name, c));
        }
    }
    for (name, d) in &t.domains {
        if s.and_then(|s| s.domains.get(name)) != Some(d) {
            out.push(render::create_domain(PREFLIGHT_SCHEMA, name, d));
        }
    }
    out
}
