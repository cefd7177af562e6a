//! The snapshot file: a committed, reviewable description of a PostgreSQL schema.
//!
//! The format is documented in `docs/snapshot-format.md`. Every struct declares its fields in
//! alphabetical order and every map is a `BTreeMap`, so the serialized JSON has sorted keys without
//! depending on `serde_json`'s map implementation (which another crate could switch to insertion
//! order through feature unification).

mod error;
mod file;
#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
mod types;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use error::{Encoding, SnapshotError};
pub use file::{SnapshotLocation, locate, read_text, remove_stale_temp_files};
pub use types::{DeclaredType, DomainBase, TypeKind};

/// The format version this crate reads and writes. Bump it on any change an older reader would
/// misread; readers refuse other versions with a clear error rather than guessing.
pub const FORMAT_VERSION: u32 = 1;

/// The default file name, found by walking up from the crate's manifest directory.
pub const DEFAULT_FILE_NAME: &str = "schemalock.json";

/// Environment variable that overrides the snapshot location.
pub const SNAPSHOT_ENV: &str = "SCHEMALOCK_SNAPSHOT";

fn is_false(b: &bool) -> bool {
    !*b
}

/// A whole database schema as schemalock sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Extensions by name (objects they own are not listed elsewhere).
    #[serde(default)]
    pub extensions: BTreeMap<String, Extension>,
    /// Always [`FORMAT_VERSION`] when written by this crate.
    pub format_version: u32,
    /// The newest applied migration, when a known migration table exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration_head: Option<MigrationHead>,
    /// Schemas by name.
    #[serde(default)]
    pub schemas: BTreeMap<String, Schema>,
    /// `server_version` as the server reports it, e.g. `15.18`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
}

/// An installed extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// The schema its objects were installed in.
    pub schema: String,
    /// The installed version.
    pub version: String,
}

/// The newest applied migration, as the migration tool records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationHead {
    /// The migration tool's table, e.g. `_sqlx_migrations`.
    pub table: String,
    /// The newest applied version as the tool records it.
    pub version: String,
}

/// One PostgreSQL schema (namespace).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Standalone composite types, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub composites: BTreeMap<String, Composite>,
    /// Domains, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub domains: BTreeMap<String, Domain>,
    /// Enum types, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub enums: BTreeMap<String, EnumType>,
    /// Tables, partitioned tables, views and materialized views, by name.
    #[serde(default)]
    pub tables: BTreeMap<String, Table>,
}

/// What kind of relation a [`Table`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// `CREATE TABLE`.
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
}

/// A table, partitioned table, view or materialized view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Check constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Columns in their table order.
    pub columns: Vec<Column>,
    /// Foreign key constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// Indexes, those behind constraints included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// What kind of relation it is.
    pub kind: RelationKind,
    /// Partitions of a partitioned table, folded under their parent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<String>,
    /// The primary key constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<KeyConstraint>,
    /// Unique constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique_constraints: Vec<KeyConstraint>,
}

impl Table {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A column of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// True when the type is an array of `type_schema.type_name`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub array: bool,
    /// The default expression, as `pg_get_expr` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// How a generated column is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
    /// An identity column's kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// The column's name.
    pub name: String,
    /// True when the column can hold NULL (no `NOT NULL`).
    pub nullable: bool,
    /// The type as PostgreSQL prints it, with modifiers: `character varying(20)`, `text[]`.
    #[serde(rename = "type")]
    pub type_display: String,
    /// The base type's name in `pg_type` (the element type's, for arrays): `varchar`, `int4`.
    pub type_name: String,
    /// The schema of `type_name`: `pg_catalog` for built-in types.
    pub type_schema: String,
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

/// A check constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// As `pg_get_constraintdef` prints it: `CHECK (length(title) < 200)`.
    pub definition: String,
    /// The constraint's name.
    pub name: String,
}

/// A primary key or unique constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyConstraint {
    /// The key's columns, in order.
    pub columns: Vec<String>,
    /// The constraint's name.
    pub name: String,
}

/// A foreign key constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    /// The referencing columns, in order.
    pub columns: Vec<String>,
    /// The constraint's name.
    pub name: String,
    /// `no action`, `restrict`, `cascade`, `set null` or `set default`.
    pub on_delete: String,
    /// Like `on_delete`.
    pub on_update: String,
    /// What it references.
    pub references: Reference,
}

/// The table and columns a foreign key references.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The referenced columns, in order.
    pub columns: Vec<String>,
    /// The referenced table's schema.
    pub schema: String,
    /// The referenced table.
    pub table: String,
}

/// An index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// Non-key columns of `INCLUDE (...)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// The keys, in order.
    pub keys: Vec<IndexKey>,
    /// Access method: `btree`, `gin`, `gist`, `brin`, `hash`, `hnsw`, `ivfflat`, ...
    pub method: String,
    /// The index's name.
    pub name: String,
    /// Storage parameters, e.g. `m` = `16`, `ef_construction` = `64`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// The `WHERE` of a partial index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// True for the primary key's index.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary: bool,
    /// True for a unique index.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
}

/// One key of an [`Index`]: a column or an expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexKey {
    /// A plain column key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// `DESC`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub descending: bool,
    /// An expression key, as `pg_get_indexdef` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// `NULLS FIRST` (`Some(true)`) or `NULLS LAST` (`Some(false)`), when not the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls_first: Option<bool>,
    /// A non-default operator class, e.g. `vector_cosine_ops`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
}

/// An enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumType {
    /// Labels in their sort order.
    pub labels: Vec<String>,
}

/// A domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// True when the domain is over an array of `type_schema.type_name`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub array: bool,
    /// Its check constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Its default expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// True for `NOT NULL`.
    pub not_null: bool,
    /// The base type as PostgreSQL prints it.
    #[serde(rename = "type")]
    pub type_display: String,
    /// `pg_type.typname` of the base type (of its element type, for an array).
    pub type_name: String,
    /// The schema of `type_name`.
    pub type_schema: String,
}

/// A standalone composite type (`CREATE TYPE ... AS (...)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Composite {
    /// Its attributes, in order.
    pub attributes: Vec<Attribute>,
}

/// An attribute of a [`Composite`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    /// True when the type is an array of `type_schema.type_name`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub array: bool,
    /// The attribute's name.
    pub name: String,
    /// The type as PostgreSQL prints it.
    #[serde(rename = "type")]
    pub type_display: String,
    /// `pg_type.typname` of the type (of its element type, for an array).
    pub type_name: String,
    /// The schema of `type_name`.
    pub type_schema: String,
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
        let mut ser = serde_json::Serializer::with_formatter(&mut out, Pretty::default());
        self.serialize(&mut ser)
            .expect("snapshot serializes to JSON");
        out.push(b'\n');
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }
}

/// The bytes of `serde_json::to_string_pretty` (two-space indentation), faster: it writes each
/// line's indentation at once instead of two bytes per level, which took a quarter of the time
/// for a snapshot of 1,000 tables (`bench/introspection.sh`).
#[derive(Debug, Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn newline_and_indent<W: ?Sized + std::io::Write>(
        &self,
        w: &mut W,
        comma: bool,
    ) -> std::io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        let mut n = self.depth * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline_and_indent(w, false)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline_and_indent(w, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline_and_indent(w, false)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline_and_indent(w, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot::new()
    }
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
