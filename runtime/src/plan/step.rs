//! One step of a plan: the statements, the object they change, the lock they take, what they
//! risk, and how they may be run.

use serde::Serialize;

use super::hazard::{Hazard, HazardKind};
use super::order::Phase;
use super::preflight::{Condition, Effect, When};

/// A PostgreSQL table-level lock mode, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LockLevel {
    /// Nothing existing is locked (a new object, a new type or function).
    None,
    /// `SELECT`'s lock: blocks only ACCESS EXCLUSIVE.
    AccessShare,
    /// `SHARE UPDATE EXCLUSIVE`: `VALIDATE CONSTRAINT`, `CREATE INDEX CONCURRENTLY`; reads and
    /// writes go on.
    ShareUpdateExclusive,
    /// `SHARE`: `CREATE INDEX`; blocks writes.
    Share,
    /// `SHARE ROW EXCLUSIVE`: adding a foreign key or trigger; blocks writes.
    ShareRowExclusive,
    /// `ACCESS EXCLUSIVE`: most of `ALTER TABLE`, `DROP`; blocks reads and writes.
    AccessExclusive,
}

impl LockLevel {
    /// As PostgreSQL's documentation names it: `ACCESS EXCLUSIVE`.
    pub fn sql_name(self) -> &'static str {
        match self {
            LockLevel::None => "no lock on existing tables",
            LockLevel::AccessShare => "ACCESS SHARE",
            LockLevel::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockLevel::Share => "SHARE",
            LockLevel::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockLevel::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }
}

/// The lock a step takes, and on what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lock {
    /// The lock level.
    pub level: LockLevel,
    /// The relations it is taken on, as SQL names them: `entities`, `audit.log`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub on: Vec<String>,
}

impl Lock {
    /// No lock on an existing relation (a new object).
    pub fn none() -> Lock {
        Lock {
            level: LockLevel::None,
            on: Vec::new(),
        }
    }

    /// A lock of `level` on `relation`.
    pub fn on(level: LockLevel, relation: impl Into<String>) -> Lock {
        Lock {
            level,
            on: vec![relation.into()],
        }
    }
}

/// How a step may be run with respect to transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transaction {
    /// In any transaction, with other steps.
    Any,
    /// In a transaction of its own: it must commit before the steps after it (an enum label
    /// they use), or it holds its lock for as short a time as possible (a validation).
    Own,
    /// Outside any transaction (`CREATE INDEX CONCURRENTLY`), alone.
    None,
}

/// How long a step may take: what `statement_timeout` it gets by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Duration {
    /// Changes the catalog only: quick once it has its lock.
    Catalog,
    /// Reads or writes the rows of an existing table: index builds, validations, rewrites.
    Data,
}

/// What a step changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Object {
    /// `table`, `column`, `index`, `foreign key`, `function`, ...
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The schema, for objects that are in one.
    pub schema: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The table the object belongs to, if any.
    pub table: Option<String>,
    /// The object's name.
    pub name: String,
}

impl Object {
    /// `schema.table.name`, or as much as applies.
    pub fn path(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if let Some(s) = &self.schema {
            parts.push(s);
        }
        if let Some(t) = &self.table {
            parts.push(t);
        }
        parts.push(&self.name);
        parts.join(".")
    }
}

/// A query that stops the script, naming what is wrong, when existing data would make a step
/// fail: values that do not convert, NULLs, duplicates, orphans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preflight {
    /// What it checks, for the script's comment.
    pub checks: String,
    /// A `DO` block that raises an exception with the offending values.
    pub sql: String,
}

/// One step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// What the step does, for a person: "change the type of column `entities.canon_layer`".
    pub description: String,
    /// The object the step changes.
    pub object: Object,
    /// The statements; more than one run in one transaction.
    pub statements: Vec<String>,
    /// The strongest lock the step takes, and on what.
    pub lock: Lock,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// The hazards it runs.
    pub hazards: Vec<Hazard>,
    /// The check of the data this step needs, as it would run right before the step. Scripts
    /// run every check before the first step instead ([`super::Plan::preflight`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preflight: Option<Preflight>,
    /// Whether the step can run in a transaction.
    pub transaction: Transaction,
    /// How long it may take: instant, or in proportion to a table.
    pub duration: Duration,
    /// Further explanation for the script's comment (how to clean up after a failure, what the
    /// step needs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip)]
    pub(crate) phase: Phase,
    /// Ordering inside the phase (dependency depth).
    #[serde(skip)]
    pub(crate) rank: u32,
    /// What the step needs of the data, made into checks once the order is known.
    #[serde(skip)]
    pub(crate) conditions: Vec<(When, Condition)>,
    /// How the step changes what later checks read.
    #[serde(skip)]
    pub(crate) effects: Vec<Effect>,
}

impl Step {
    /// A catalog-only step that takes no lock on existing tables and runs in any transaction.
    pub(crate) fn new(
        phase: Phase,
        object: Object,
        description: impl Into<String>,
        statement: impl Into<String>,
    ) -> Step {
        Step {
            description: description.into(),
            object,
            statements: vec![statement.into()],
            lock: Lock::none(),
            hazards: Vec::new(),
            preflight: None,
            transaction: Transaction::Any,
            duration: Duration::Catalog,
            note: None,
            phase,
            rank: 0,
            conditions: Vec::new(),
            effects: Vec::new(),
        }
    }

    pub(crate) fn lock(mut self, lock: Lock) -> Step {
        self.lock = lock;
        self
    }

    pub(crate) fn hazard(mut self, kind: HazardKind, detail: impl Into<String>) -> Step {
        self.hazards.push(Hazard::new(kind, detail));
        self
    }

    pub(crate) fn statement(mut self, sql: impl Into<String>) -> Step {
        self.statements.push(sql.into());
        self
    }

    pub(crate) fn transaction(mut self, t: Transaction) -> Step {
        self.transaction = t;
        self
    }

    pub(crate) fn data(mut self) -> Step {
        self.duration = Duration::Data;
        self
    }

    pub(crate) fn condition(mut self, when: When, c: Condition) -> Step {
        self.conditions.push((when, c));
        self
    }

    pub(crate) fn effect(mut self, e: Effect) -> Step {
        self.effects.push(e);
        self
    }
}
