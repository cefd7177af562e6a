//! What a table carries besides columns, keys and indexes (format version 2): triggers, row-level
//! security policies, partitions with their bounds, and how a constraint may be deferred.

use serde::{Deserialize, Serialize};

use super::{Check, ForeignKey, Index, KeyConstraint, is_false};

/// A trigger declared on the table (not one PostgreSQL made for a foreign key, nor a partition's
/// copy of its parent's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// The `CREATE TRIGGER` statement as `pg_get_triggerdef(oid, true)` prints it.
    pub definition: String,
    /// Left out for an enabled trigger (`ENABLE TRIGGER`, the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<TriggerEnabled>,
    pub name: String,
}

/// When a trigger fires, when not the default (`ENABLE`: in sessions not replicating).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEnabled {
    /// `DISABLE TRIGGER`.
    Disabled,
    /// `ENABLE REPLICA TRIGGER`.
    Replica,
    /// `ENABLE ALWAYS TRIGGER`.
    Always,
}

/// A row-level security policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// `all`, `select`, `insert`, `update` or `delete`.
    pub command: String,
    pub name: String,
    /// `AS RESTRICTIVE`; left out for the default, permissive.
    #[serde(default, skip_serializing_if = "is_false")]
    pub restrictive: bool,
    /// The roles it applies to, sorted; left out for `PUBLIC`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// The `USING` expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    /// The `WITH CHECK` expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
}

/// Row-level security on a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowSecurity {
    /// `ENABLE ROW LEVEL SECURITY`.
    Enabled,
    /// Also `FORCE ROW LEVEL SECURITY`: the owner is subject to the policies too.
    Forced,
}

/// A `DEFERRABLE` constraint; a constraint without one is `NOT DEFERRABLE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferrable {
    /// `DEFERRABLE INITIALLY IMMEDIATE`.
    InitiallyImmediate,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    InitiallyDeferred,
}

impl Deferrable {
    pub fn sql(self) -> &'static str {
        match self {
            Deferrable::InitiallyImmediate => "DEFERRABLE INITIALLY IMMEDIATE",
            Deferrable::InitiallyDeferred => "DEFERRABLE INITIALLY DEFERRED",
        }
    }
}

/// A partition of a partitioned table, below it at any depth. Its columns are its parent's; what
/// it declares of its own (an index, a foreign key, a check, a trigger that is not a copy of
/// one on its parent) is listed here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partition {
    /// `FOR VALUES FROM (...) TO (...)`, `FOR VALUES IN (...)`, `FOR VALUES WITH (...)` or
    /// `DEFAULT`, as `pg_get_expr` prints it.
    pub bound: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    pub name: String,
    /// The partition it is a partition of, when that is not the table it is listed under (a
    /// sub-partition), in [`Partition::schema`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// The partition key of a partition that is itself partitioned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<KeyConstraint>,
    /// The partition's schema, when not its table's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique_constraints: Vec<KeyConstraint>,
}

impl Partition {
    /// The partition's schema: its own, or `table_schema`, the schema of the table it is listed
    /// under.
    pub fn schema_or<'a>(&'a self, table_schema: &'a str) -> &'a str {
        self.schema.as_deref().unwrap_or(table_schema)
    }
}
