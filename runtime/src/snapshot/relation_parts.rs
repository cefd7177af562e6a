//! What a table carries besides columns, keys and indexes (format version 2): triggers, row-level
//! security policies, partitions with their bounds, and how a constraint may be deferred.

use serde::{Deserialize, Serialize};

use super::{Check, ForeignKey, Index, KeyConstraint, is_false};

format_struct! {
    /// A trigger declared on the table (not one PostgreSQL made for a foreign key, nor a partition's
    /// copy of its parent's).
    pub struct Trigger {
        /// The `CREATE TRIGGER` statement as `pg_get_triggerdef(oid, true)` prints it.
        definition: String,
        /// Left out for an enabled trigger (`ENABLE TRIGGER`, the default).
        enabled: Option<TriggerEnabled> = "Option::is_none",
        /// The trigger's name.
        name: String,
    }
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

format_struct! {
    /// A row-level security policy.
    pub struct Policy {
        /// `all`, `select`, `insert`, `update` or `delete`.
        command: String,
        /// The policy's name.
        name: String,
        /// `AS RESTRICTIVE`; left out for the default, permissive.
        restrictive: bool = "is_false",
        /// The roles it applies to, sorted; left out for `PUBLIC`.
        roles: Vec<String> = "Vec::is_empty",
        /// The `USING` expression.
        using: Option<String> = "Option::is_none",
        /// The `WITH CHECK` expression.
        with_check: Option<String> = "Option::is_none",
    }
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
    /// The constraint clause: `DEFERRABLE INITIALLY DEFERRED`.
    pub fn sql(self) -> &'static str {
        match self {
            Deferrable::InitiallyImmediate => "DEFERRABLE INITIALLY IMMEDIATE",
            Deferrable::InitiallyDeferred => "DEFERRABLE INITIALLY DEFERRED",
        }
    }
}

format_struct! {
    /// A partition of a partitioned table, below it at any depth. Its columns are its parent's; what
    /// it declares of its own (an index, a foreign key, a check, a trigger that is not a copy of
    /// one on its parent) is listed here.
    pub struct Partition {
        /// `FOR VALUES FROM (...) TO (...)`, `FOR VALUES IN (...)`, `FOR VALUES WITH (...)` or
        /// `DEFAULT`, as `pg_get_expr` prints it.
        bound: String,
        /// Check constraints of its own.
        checks: Vec<Check> = "Vec::is_empty",
        /// Foreign keys of its own.
        foreign_keys: Vec<ForeignKey> = "Vec::is_empty",
        /// Indexes of its own (not copies of its parent's).
        indexes: Vec<Index> = "Vec::is_empty",
        /// The partition's name.
        name: String,
        /// The partition it is a partition of, when that is not the table it is listed under (a
        /// sub-partition), in [`Partition::schema`].
        of: Option<String> = "Option::is_none",
        /// The partition key of a partition that is itself partitioned.
        partition_key: Option<String> = "Option::is_none",
        /// A primary key of its own.
        primary_key: Option<KeyConstraint> = "Option::is_none",
        /// The partition's schema, when not its table's.
        schema: Option<String> = "Option::is_none",
        /// Triggers of its own.
        triggers: Vec<Trigger> = "Vec::is_empty",
        /// Unique constraints of its own.
        unique_constraints: Vec<KeyConstraint> = "Vec::is_empty",
    }
}

impl Partition {
    /// The partition's schema: its own, or `table_schema`, the schema of the table it is listed
    /// under.
    pub fn schema_or<'a>(&'a self, table_schema: &'a str) -> &'a str {
        self.schema.as_deref().unwrap_or(table_schema)
    }
}
