//! What the schema ↔ schema engine reports: each difference as data, for people (through
//! [`super::render`]) and machines (serialized as JSON).

use std::collections::BTreeSet;

use serde::Serialize;

/// All differences between two schemas, in a fixed order (see [`super::diff`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SchemaDiff {
    /// Every difference.
    pub differences: Vec<Difference>,
}

/// One thing that differs.
///
/// `expected` and `found` describe the object (for [`Change::Missing`] and [`Change::Extra`]) or
/// the changed aspect, as SQL-like text; `None` (JSON `null`) where that side has nothing: no such
/// object, no default, no identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `None` for database-wide objects: extensions and the migration head.
    pub schema: Option<String>,
    /// The table (or view) the object belongs to, if any; for a table itself, its own name.
    pub table: Option<String>,
    /// What kind of object it is.
    pub object: ObjectKind,
    /// The object's name: a column, index or constraint name, an enum's name, ...
    pub name: String,
    /// The part of a type the difference is about: an enum's label, a composite's attribute, a
    /// domain's check constraint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// What differs.
    pub change: Change,
    /// The expected side's description, `None` where it has nothing.
    pub expected: Option<String>,
    /// The found side's description, `None` where it has nothing.
    pub found: Option<String>,
}

/// The kind of object a [`Difference`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// A database-wide extension.
    Extension,
    /// The newest applied migration, as the migration tool's table records it.
    MigrationHead,
    /// A schema (namespace).
    Schema,
    /// An enum type.
    Enum,
    /// A domain.
    Domain,
    /// A standalone composite type.
    Composite,
    /// A table, partitioned table, view or materialized view.
    Table,
    /// A column of a table or view.
    Column,
    /// A table's primary key constraint.
    PrimaryKey,
    /// A unique constraint.
    UniqueConstraint,
    /// A foreign key constraint.
    ForeignKey,
    /// A check constraint of a table.
    Check,
    /// An index.
    Index,
    /// A partition of a partitioned table.
    Partition,
    /// A function, procedure or aggregate, named with its identity arguments.
    Function,
    /// A sequence (not an identity column's).
    Sequence,
    /// A trigger on a table.
    Trigger,
    /// A row-level security policy on a table.
    Policy,
}

impl ObjectKind {
    /// How the object is called in a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            ObjectKind::Extension => "extension",
            ObjectKind::MigrationHead => "migration head",
            ObjectKind::Schema => "schema",
            ObjectKind::Enum => "enum",
            ObjectKind::Domain => "domain",
            ObjectKind::Composite => "composite type",
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::PrimaryKey => "primary key",
            ObjectKind::UniqueConstraint => "unique constraint",
            ObjectKind::ForeignKey => "foreign key",
            ObjectKind::Check => "check constraint",
            ObjectKind::Index => "index",
            ObjectKind::Partition => "partition",
            ObjectKind::Function => "function",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Policy => "policy",
        }
    }

    /// What a [`Difference::member`] of this kind of object is.
    pub fn member_kind(self) -> &'static str {
        match self {
            ObjectKind::Enum => "label",
            ObjectKind::Composite => "attribute",
            ObjectKind::Domain => "check constraint",
            _ => "member",
        }
    }
}

/// What differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// In `expected`, not in `found`.
    Missing,
    /// In `found`, not in `expected`.
    Extra,
    /// A relation's kind: table, view, ...
    Kind,
    /// A column's, attribute's or domain's type.
    Type,
    /// A column's nullability, or a domain's `NOT NULL`.
    Nullable,
    /// A column's or domain's default.
    Default,
    /// A column's identity (`GENERATED ... AS IDENTITY`).
    Identity,
    /// A column's generation expression.
    Generated,
    /// The relative order of the columns, labels or attributes both sides have.
    Order,
    /// The primary key constraint's name.
    Name,
    /// The columns of a key or foreign key.
    Columns,
    /// What a foreign key references.
    References,
    /// A foreign key's `ON DELETE` action.
    OnDelete,
    /// A foreign key's `ON UPDATE` action.
    OnUpdate,
    /// A check constraint's definition.
    Definition,
    /// An index's access method.
    Method,
    /// An index's keys, with their operator classes and orderings.
    Keys,
    /// An index's `INCLUDE` columns.
    Include,
    /// A partial index's `WHERE`.
    Predicate,
    /// Whether an index is unique.
    Unique,
    /// Whether an index is the primary key's.
    Primary,
    /// An index's storage parameters.
    Options,
    /// An extension's version, or the migration head's.
    Version,
    /// The schema an extension is installed in.
    Schema,
    /// A function's body, or a view's query.
    Body,
    /// A function's or sequence's attributes (language, volatility, options, owner), a trigger's
    /// or policy's definition.
    Attributes,
    /// A partition's bound.
    Bound,
    /// A column's collation.
    Collation,
    /// A column's identity sequence (its name or options).
    Sequence,
    /// Whether and how a key or foreign key is deferrable.
    Deferrable,
    /// A foreign key's `MATCH FULL`, and whether it is validated.
    Validation,
    /// A table's `UNLOGGED`.
    Logged,
    /// A partitioned table's partition key.
    PartitionKey,
    /// A table's row-level security.
    RowSecurity,
    /// Whether a trigger fires (enabled, disabled, replica, always).
    Enabled,
}

impl Change {
    /// How the changed aspect is called in a sentence (not meaningful for `Missing`/`Extra`).
    pub fn describe(self) -> &'static str {
        match self {
            Change::Missing => "missing",
            Change::Extra => "extra",
            Change::Kind => "kind",
            Change::Type => "type",
            Change::Nullable => "nullability",
            Change::Default => "default",
            Change::Identity => "identity",
            Change::Generated => "generation",
            Change::Order => "order",
            Change::Name => "name",
            Change::Columns => "columns",
            Change::References => "referenced table",
            Change::OnDelete => "on delete",
            Change::OnUpdate => "on update",
            Change::Definition => "definition",
            Change::Method => "method",
            Change::Keys => "keys",
            Change::Include => "include",
            Change::Predicate => "predicate",
            Change::Unique => "uniqueness",
            Change::Primary => "primary",
            Change::Options => "options",
            Change::Version => "version",
            Change::Schema => "schema",
            Change::Body => "body",
            Change::Attributes => "attributes",
            Change::Bound => "bound",
            Change::Collation => "collation",
            Change::Sequence => "identity sequence",
            Change::Deferrable => "deferrable",
            Change::Validation => "validation",
            Change::Logged => "logging",
            Change::PartitionKey => "partition key",
            Change::RowSecurity => "row-level security",
            Change::Enabled => "firing",
        }
    }
}

impl SchemaDiff {
    /// True when the snapshots describe the same schema.
    pub fn is_empty(&self) -> bool {
        self.differences.is_empty()
    }

    /// How many differences there are.
    pub fn len(&self) -> usize {
        self.differences.len()
    }

    /// How many distinct tables have differences.
    pub fn table_count(&self) -> usize {
        self.differences
            .iter()
            .filter_map(|d| Some((d.schema.as_deref()?, d.table.as_deref()?)))
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// How many distinct objects outside tables (schemas, types, extensions, the migration head)
    /// have differences.
    pub fn other_object_count(&self) -> usize {
        self.differences
            .iter()
            .filter(|d| d.table.is_none())
            .map(|d| (d.schema.as_deref(), d.object, d.name.as_str()))
            .collect::<BTreeSet<_>>()
            .len()
    }
}
