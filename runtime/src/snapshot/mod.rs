//! The snapshot file: a committed, reviewable description of a PostgreSQL schema.
//!
//! The format is documented in `docs/snapshot-format.md`. Every struct declares its fields in
//! alphabetical order and every map is a `BTreeMap`, so the serialized JSON has sorted keys without
//! depending on `serde_json`'s map implementation (which another crate could switch to insertion
//! order through feature unification).

/// Declares a struct of the format: serialized and deserialized, refusing unknown fields, every
/// field public. A field marked `= "path"` may be absent (it reads as its default) and is left
/// out when `path` (`Option::is_none`, `Vec::is_empty`, `BTreeMap::is_empty`, `is_false`) says
/// it is empty, so the file holds only what a schema has.
macro_rules! format_struct {
    (
        $(#[$m:meta])*
        pub struct $name:ident {
            $($(#[$fm:meta])* $field:ident: $ty:ty $(= $skip:literal)?,)*
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$fm])*
                $(#[serde(default, skip_serializing_if = $skip)])?
                pub $field: $ty,
            )*
        }
    };
}

mod error;
mod file;
#[cfg(test)]
pub(crate) mod fixtures;
mod lazy;
mod pretty;
mod relation_parts;
mod routines;
mod sequences;
#[cfg(test)]
mod tests;
mod types;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use error::{Encoding, SnapshotError};
pub use file::{SnapshotLocation, locate, read_text, remove_stale_temp_files};
pub use lazy::LazySnapshot;
pub use relation_parts::{Deferrable, Partition, Policy, RowSecurity, Trigger, TriggerEnabled};
pub use routines::{Aggregate, Function, FunctionKind, Parallel, Volatility};
pub use sequences::{IdentitySequence, Sequence, SequenceOptions, SequenceOwner, type_range};
pub use types::{DeclaredType, DomainBase, TypeKind};

/// The format version this crate reads and writes. Bump it on any change an older reader would
/// misread; readers refuse other versions with a clear error rather than guessing.
pub const FORMAT_VERSION: u32 = 2;

/// The default file name, found by walking up from the crate's manifest directory.
pub const DEFAULT_FILE_NAME: &str = "schemalock.json";

/// Environment variable that overrides the snapshot location.
pub const SNAPSHOT_ENV: &str = "SCHEMALOCK_SNAPSHOT";

/// Environment variable a crate's build script sets (`cargo::rustc-env`) to the snapshot it
/// tracks with `cargo::rerun-if-changed`, relative to the crate's manifest directory. When it
/// names the snapshot the macros read, they leave the tracking to cargo and do not make the
/// compiler read the file (`include_bytes!`), which costs a large snapshot's whole size on every
/// build of the crate.
pub const TRACKED_ENV: &str = "SCHEMALOCK_SNAPSHOT_TRACKED";

fn is_false(b: &bool) -> bool {
    !*b
}

format_struct! {
    /// A whole database schema as schemalock sees it.
    pub struct Snapshot {
        /// Extensions by name (objects they own are not listed elsewhere).
        #[serde(default)]
        extensions: BTreeMap<String, Extension>,
        /// Always [`FORMAT_VERSION`] when written by this crate.
        format_version: u32,
        /// The newest applied migration, when a known migration table exists.
        migration_head: Option<MigrationHead> = "Option::is_none",
        /// Schemas by name.
        #[serde(default)]
        schemas: BTreeMap<String, Schema>,
        /// `server_version` as the server reports it, e.g. `15.18`.
        server_version: Option<String> = "Option::is_none",
    }
}

format_struct! {
    /// An installed extension.
    pub struct Extension {
        /// The schema its objects were installed in.
        schema: String,
        /// The installed version.
        version: String,
    }
}

format_struct! {
    /// The newest applied migration, as the migration tool records it.
    pub struct MigrationHead {
        /// The migration tool's table, e.g. `_sqlx_migrations`.
        table: String,
        /// The newest applied version as the tool records it.
        version: String,
    }
}

format_struct! {
    /// One PostgreSQL schema (namespace).
    #[derive(Default)]
    pub struct Schema {
        /// Standalone composite types, by name.
        composites: BTreeMap<String, Composite> = "BTreeMap::is_empty",
        /// Domains, by name.
        domains: BTreeMap<String, Domain> = "BTreeMap::is_empty",
        /// Enum types, by name.
        enums: BTreeMap<String, EnumType> = "BTreeMap::is_empty",
        /// Functions, procedures and aggregates, by name and identity arguments (see [`Function`]).
        functions: BTreeMap<String, Function> = "BTreeMap::is_empty",
        /// Sequences other than identity columns', by name.
        sequences: BTreeMap<String, Sequence> = "BTreeMap::is_empty",
        /// Tables, partitioned tables, views and materialized views, by name.
        #[serde(default)]
        tables: BTreeMap<String, Table>,
    }
}

/// What kind of relation a [`Table`] is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// `CREATE TABLE`.
    #[default]
    Table,
    /// A table partitioned into others (`PARTITION BY`).
    PartitionedTable,
    /// `CREATE VIEW`.
    View,
    /// `CREATE MATERIALIZED VIEW`.
    MaterializedView,
}

impl RelationKind {
    /// How the kind reads in a sentence: `table`, `materialized view`.
    pub fn describe(self) -> &'static str {
        match self {
            RelationKind::Table => "table",
            RelationKind::PartitionedTable => "partitioned table",
            RelationKind::View => "view",
            RelationKind::MaterializedView => "materialized view",
        }
    }

    /// PostgreSQL does not carry NOT NULL through a view's columns, so their nullability is unknown.
    pub fn tracks_nullability(self) -> bool {
        matches!(self, RelationKind::Table | RelationKind::PartitionedTable)
    }

    /// Views and materialized views: a query, with a [`Table::definition`].
    pub fn is_view(self) -> bool {
        matches!(self, RelationKind::View | RelationKind::MaterializedView)
    }
}

format_struct! {
    /// A table, partitioned table, view or materialized view.
    #[derive(Default)]
    pub struct Table {
        /// Check constraints.
        checks: Vec<Check> = "Vec::is_empty",
        /// Columns in their table order.
        columns: Vec<Column>,
        /// The query of a view or materialized view, as `pg_get_viewdef(oid, true)` prints it.
        definition: Option<String> = "Option::is_none",
        /// Foreign key constraints.
        foreign_keys: Vec<ForeignKey> = "Vec::is_empty",
        /// Indexes, those behind constraints included.
        indexes: Vec<Index> = "Vec::is_empty",
        /// What kind of relation it is.
        kind: RelationKind,
        /// Storage parameters (`WITH (fillfactor=70)`), and a view's `check_option` and
        /// `security_barrier`.
        options: BTreeMap<String, String> = "BTreeMap::is_empty",
        /// A partitioned table's key as `pg_get_partkeydef` prints it: `RANGE (payment_date)`.
        partition_key: Option<String> = "Option::is_none",
        /// Partitions of a partitioned table at every depth, folded under it, sorted by name.
        partitions: Vec<Partition> = "Vec::is_empty",
        /// Row-level security policies, by name.
        policies: Vec<Policy> = "Vec::is_empty",
        /// The primary key constraint.
        primary_key: Option<KeyConstraint> = "Option::is_none",
        /// Row-level security, when enabled.
        row_security: Option<RowSecurity> = "Option::is_none",
        /// Triggers, by name.
        triggers: Vec<Trigger> = "Vec::is_empty",
        /// Unique constraints.
        unique_constraints: Vec<KeyConstraint> = "Vec::is_empty",
        /// `UNLOGGED`.
        unlogged: bool = "is_false",
    }
}

impl Table {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

format_struct! {
    /// A column of a [`Table`].
    #[derive(Default)]
    pub struct Column {
        /// True when the type is an array of `type_schema.type_name`.
        array: bool = "is_false",
        /// The collation, when not the type's default, as SQL writes it: `"C"`, `public.german`.
        collation: Option<String> = "Option::is_none",
        /// The default expression, as `pg_get_expr` prints it.
        default: Option<String> = "Option::is_none",
        /// How a generated column is stored.
        generated: Option<Generated> = "Option::is_none",
        /// The expression of a generated column, as PostgreSQL prints it.
        generation_expression: Option<String> = "Option::is_none",
        /// An identity column's kind.
        identity: Option<Identity> = "Option::is_none",
        /// An identity column's sequence, when its name or an option is not the default.
        identity_sequence: Option<IdentitySequence> = "Option::is_none",
        /// The column's name.
        name: String,
        /// True when the column can hold NULL (no `NOT NULL`).
        nullable: bool,
        /// The type as PostgreSQL prints it, with modifiers: `character varying(20)`, `text[]`.
        #[serde(rename = "type")]
        type_display: String,
        /// The base type's name in `pg_type` (the element type's, for arrays): `varchar`, `int4`.
        type_name: String,
        /// The schema of `type_name`: `pg_catalog` for built-in types.
        type_schema: String,
    }
}

impl Column {
    /// True when inserting a row may leave this column out.
    pub fn has_default(&self) -> bool {
        self.default.is_some() || self.identity.is_some() || self.generated.is_some()
    }

    /// True when every inserted row needs a value for this column: NOT NULL, with no default,
    /// identity or generation expression.
    pub fn required(&self) -> bool {
        !self.nullable && !self.has_default()
    }
}

/// `GENERATED ... AS IDENTITY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// `GENERATED ALWAYS AS IDENTITY`: an INSERT cannot set it.
    Always,
    /// `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault,
}

/// `GENERATED ALWAYS AS (...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generated {
    /// `STORED`.
    Stored,
    /// `VIRTUAL` (PostgreSQL 18).
    Virtual,
}

format_struct! {
    /// A check constraint.
    #[derive(Default)]
    pub struct Check {
        /// As `pg_get_constraintdef` prints it: `CHECK (...)`, with `NO INHERIT` and `NOT VALID`
        /// when so.
        definition: String,
        /// The constraint's name.
        name: String,
    }
}

format_struct! {
    /// A primary key or unique constraint.
    #[derive(Default)]
    pub struct KeyConstraint {
        /// The key's columns, in order.
        columns: Vec<String>,
        /// `DEFERRABLE`, when so.
        deferrable: Option<Deferrable> = "Option::is_none",
        /// The constraint's name.
        name: String,
    }
}

format_struct! {
    /// A foreign key constraint.
    #[derive(Default)]
    pub struct ForeignKey {
        /// The referencing columns, in order.
        columns: Vec<String>,
        /// `DEFERRABLE`, when so.
        deferrable: Option<Deferrable> = "Option::is_none",
        /// `MATCH FULL`; left out for the default, `MATCH SIMPLE`.
        match_full: bool = "is_false",
        /// The constraint's name.
        name: String,
        /// Added `NOT VALID` and never validated: rows from before may not satisfy it.
        not_valid: bool = "is_false",
        /// `no action`, `restrict`, `cascade`, `set null` or `set default`.
        on_delete: String,
        /// Like `on_delete`.
        on_update: String,
        /// What it references.
        references: Reference,
    }
}

format_struct! {
    /// The table and columns a foreign key references.
    #[derive(Default)]
    pub struct Reference {
        /// The referenced columns, in order.
        columns: Vec<String>,
        /// The referenced table's schema.
        schema: String,
        /// The referenced table.
        table: String,
    }
}

format_struct! {
    /// An index.
    #[derive(Default)]
    pub struct Index {
        /// Non-key columns of `INCLUDE (...)`.
        include: Vec<String> = "Vec::is_empty",
        /// The keys, in order.
        keys: Vec<IndexKey>,
        /// Access method: `btree`, `gin`, `gist`, `brin`, `hash`, `hnsw`, `ivfflat`, ...
        method: String,
        /// The index's name.
        name: String,
        /// Storage parameters, e.g. `m` = `16`, `ef_construction` = `64`.
        options: BTreeMap<String, String> = "BTreeMap::is_empty",
        /// The `WHERE` of a partial index.
        predicate: Option<String> = "Option::is_none",
        /// True for the primary key's index.
        primary: bool = "is_false",
        /// True for a unique index.
        unique: bool = "is_false",
    }
}

format_struct! {
    /// One key of an [`Index`]: a column or an expression.
    #[derive(Default)]
    pub struct IndexKey {
        /// A plain column key.
        column: Option<String> = "Option::is_none",
        /// `DESC`.
        descending: bool = "is_false",
        /// An expression key, as `pg_get_indexdef` prints it.
        expression: Option<String> = "Option::is_none",
        /// `NULLS FIRST` (`Some(true)`) or `NULLS LAST` (`Some(false)`), when not the default.
        nulls_first: Option<bool> = "Option::is_none",
        /// A non-default operator class, e.g. `vector_cosine_ops`.
        opclass: Option<String> = "Option::is_none",
    }
}

format_struct! {
    /// An enum type.
    pub struct EnumType {
        /// Labels in their sort order.
        labels: Vec<String>,
    }
}

format_struct! {
    /// A domain.
    pub struct Domain {
        /// True when the domain is over an array of `type_schema.type_name`.
        array: bool = "is_false",
        /// Its check constraints.
        checks: Vec<Check> = "Vec::is_empty",
        /// Its default expression.
        default: Option<String> = "Option::is_none",
        /// True for `NOT NULL`.
        not_null: bool,
        /// The base type as PostgreSQL prints it.
        #[serde(rename = "type")]
        type_display: String,
        /// `pg_type.typname` of the base type (of its element type, for an array).
        type_name: String,
        /// The schema of `type_name`.
        type_schema: String,
    }
}

format_struct! {
    /// A standalone composite type (`CREATE TYPE ... AS (...)`).
    pub struct Composite {
        /// Its attributes, in order.
        attributes: Vec<Attribute>,
    }
}

format_struct! {
    /// An attribute of a [`Composite`].
    pub struct Attribute {
        /// True when the type is an array of `type_schema.type_name`.
        array: bool = "is_false",
        /// The attribute's name.
        name: String,
        /// The type as PostgreSQL prints it.
        #[serde(rename = "type")]
        type_display: String,
        /// `pg_type.typname` of the type (of its element type, for an array).
        type_name: String,
        /// The schema of `type_name`.
        type_schema: String,
    }
}

impl IndexKey {
    /// What SQL writes after the key itself: its operator class and ordering,
    /// ` vector_cosine_ops DESC NULLS LAST`; empty for a plain key.
    pub fn ordering(&self) -> String {
        let mut s = String::new();
        if let Some(o) = &self.opclass {
            s.push(' ');
            s.push_str(o);
        }
        if self.descending {
            s.push_str(" DESC");
        }
        match self.nulls_first {
            Some(true) => s.push_str(" NULLS FIRST"),
            Some(false) => s.push_str(" NULLS LAST"),
            None => {}
        }
        s
    }
}

impl Snapshot {
    /// An empty snapshot of the current format.
    pub fn new() -> Self {
        Snapshot {
            extensions: BTreeMap::new(),
            format_version: FORMAT_VERSION,
            migration_head: None,
            schemas: BTreeMap::new(),
            server_version: None,
        }
    }

    /// The schema called `name`.
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.get(name)
    }

    /// The relation `schema.table`.
    pub fn table(&self, schema: &str, table: &str) -> Option<&Table> {
        self.schemas.get(schema)?.tables.get(table)
    }

    /// The relation `schema.table`, to change.
    pub fn table_mut(&mut self, schema: &str, table: &str) -> Option<&mut Table> {
        self.schemas.get_mut(schema)?.tables.get_mut(table)
    }

    /// Parses a snapshot from JSON text. `path` is only used in error messages.
    pub fn from_json(text: &str, path: &Path) -> Result<Snapshot, SnapshotError> {
        // JSON (RFC 8259) forbids a byte order mark, and serde_json's "expected value at line 1"
        // would not say what is wrong. Refused rather than skipped: the file `refresh` writes
        // has none, and `refresh --check` compares bytes.
        if text.starts_with('\u{feff}') {
            return Err(SnapshotError::ByteOrderMark {
                path: path.to_owned(),
                encoding: Encoding::Utf8,
            });
        }
        match serde_json::from_str::<Snapshot>(text) {
            Ok(s) if s.format_version == FORMAT_VERSION => Ok(s),
            Ok(s) => Err(SnapshotError::Version {
                path: path.to_owned(),
                found: s.format_version,
            }),
            Err(err) => {
                // Git's conflict markers: the file is two snapshots at once, and the fix is a
                // new one, not a JSON edit.
                if let Some(line) = conflict_marker(text) {
                    return Err(SnapshotError::MergeConflict {
                        path: path.to_owned(),
                        line,
                    });
                }
                // A newer format may not fit these structs at all; report its version rather
                // than whichever field happened to fail first.
                #[derive(Deserialize)]
                struct Probe {
                    format_version: u32,
                }
                if let Ok(p) = serde_json::from_str::<Probe>(text) {
                    if p.format_version != FORMAT_VERSION {
                        return Err(SnapshotError::Version {
                            path: path.to_owned(),
                            found: p.format_version,
                        });
                    }
                }
                Err(SnapshotError::Parse {
                    path: path.to_owned(),
                    line: err.line(),
                    column: err.column(),
                    message: strip_position(&err.to_string()),
                })
            }
        }
    }

    /// The canonical text: pretty JSON with sorted keys and a trailing newline. The same schema
    /// always gives the same bytes.
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(64 * 1024);
        let mut ser = serde_json::Serializer::with_formatter(&mut out, pretty::Pretty::default());
        self.serialize(&mut ser)
            .expect("snapshot serializes to JSON");
        out.push(b'\n');
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot::new()
    }
}

/// The line (from 1) of the first git conflict marker (`<<<<<<< `, `=======`, `>>>>>>> ` at
/// the start of a line), if any.
fn conflict_marker(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.starts_with("<<<<<<<") || l.starts_with(">>>>>>>") || l.trim_end() == "======="
        })
        .map(|i| i + 1)
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
