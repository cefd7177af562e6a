//! The snapshot file: a committed, reviewable description of a PostgreSQL schema.
//!
//! The format is documented in `docs/snapshot-format.md`. Every struct declares its fields in
//! alphabetical order and every map is a `BTreeMap`, so the serialized JSON has sorted keys without
//! depending on `serde_json`'s map implementation (which another crate could switch to insertion
//! order through feature unification).

mod error;
mod file;
mod relation_parts;
mod routines;
mod sequences;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use error::{Encoding, SnapshotError};
pub use file::{SnapshotLocation, locate, read_text, remove_stale_temp_files};
pub use relation_parts::{Deferrable, Partition, Policy, RowSecurity, Trigger, TriggerEnabled};
pub use routines::{Aggregate, Function, FunctionKind, Parallel, Volatility};
pub use sequences::{IdentitySequence, Sequence, SequenceOptions, SequenceOwner, type_range};

/// The format version this crate reads and writes. Bump it on any change an older reader would
/// misread; readers refuse other versions with a clear error rather than guessing.
pub const FORMAT_VERSION: u32 = 2;

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    pub schema: String,
    pub version: String,
}

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
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub composites: BTreeMap<String, Composite>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub domains: BTreeMap<String, Domain>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub enums: BTreeMap<String, EnumType>,
    /// Functions, procedures and aggregates, by name and identity arguments (see [`Function`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub functions: BTreeMap<String, Function>,
    /// Sequences other than identity columns', by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sequences: BTreeMap<String, Sequence>,
    /// Tables, partitioned tables, views and materialized views, by name.
    #[serde(default)]
    pub tables: BTreeMap<String, Table>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    #[default]
    Table,
    PartitionedTable,
    View,
    MaterializedView,
}

impl RelationKind {
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Columns in their table order.
    pub columns: Vec<Column>,
    /// The query of a view or materialized view, as `pg_get_viewdef(oid, true)` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    pub kind: RelationKind,
    /// Storage parameters (`WITH (fillfactor=70)`), and a view's `check_option` and
    /// `security_barrier`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// A partitioned table's key as `pg_get_partkeydef` prints it: `RANGE (payment_date)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_key: Option<String>,
    /// Partitions of a partitioned table at every depth, folded under it, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<Partition>,
    /// Row-level security policies, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<Policy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<KeyConstraint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_security: Option<RowSecurity>,
    /// Triggers, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique_constraints: Vec<KeyConstraint>,
    /// `UNLOGGED`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unlogged: bool,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// True when the type is an array of `type_schema.type_name`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub array: bool,
    /// The collation, when not the type's default, as SQL writes it: `"C"`, `public.german`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
    /// The expression of a generated column, as PostgreSQL prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_expression: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// An identity column's sequence, when its name or an option is not the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_sequence: Option<IdentitySequence>,
    pub name: String,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generated {
    Stored,
    Virtual,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// As `pg_get_constraintdef` prints it: `CHECK (...)`, with `NO INHERIT` and `NOT VALID`
    /// when so.
    pub definition: String,
    pub name: String,
}

/// A primary key or unique constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyConstraint {
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferrable: Option<Deferrable>,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferrable: Option<Deferrable>,
    /// `MATCH FULL`; left out for the default, `MATCH SIMPLE`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub match_full: bool,
    pub name: String,
    /// Added `NOT VALID` and never validated: rows from before may not satisfy it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
    /// `no action`, `restrict`, `cascade`, `set null` or `set default`.
    pub on_delete: String,
    pub on_update: String,
    pub references: Reference,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub columns: Vec<String>,
    pub schema: String,
    pub table: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// Non-key columns of `INCLUDE (...)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    pub keys: Vec<IndexKey>,
    /// Access method: `btree`, `gin`, `gist`, `brin`, `hash`, `hnsw`, `ivfflat`, ...
    pub method: String,
    pub name: String,
    /// Storage parameters, e.g. `m` = `16`, `ef_construction` = `64`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// The `WHERE` of a partial index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexKey {
    /// A plain column key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub descending: bool,
    /// An expression key, as `pg_get_indexdef` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls_first: Option<bool>,
    /// A non-default operator class, e.g. `vector_cosine_ops`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumType {
    /// Labels in their sort order.
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    #[serde(default, skip_serializing_if = "is_false")]
    pub array: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    pub not_null: bool,
    /// The base type as PostgreSQL prints it.
    #[serde(rename = "type")]
    pub type_display: String,
    pub type_name: String,
    pub type_schema: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Composite {
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    #[serde(default, skip_serializing_if = "is_false")]
    pub array: bool,
    pub name: String,
    #[serde(rename = "type")]
    pub type_display: String,
    pub type_name: String,
    pub type_schema: String,
}

/// What a type name in a column refers to, after looking it up in the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind<'a> {
    /// A built-in or extension base type.
    Base,
    Enum(&'a EnumType),
    Domain(&'a Domain),
    Composite(&'a Composite),
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

    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.get(name)
    }

    pub fn table(&self, schema: &str, table: &str) -> Option<&Table> {
        self.schemas.get(schema)?.tables.get(table)
    }

    /// Looks up what `schema.name` is; types not defined in the snapshot are base types.
    pub fn type_kind(&self, schema: &str, name: &str) -> TypeKind<'_> {
        let Some(s) = self.schemas.get(schema) else {
            return TypeKind::Base;
        };
        if let Some(e) = s.enums.get(name) {
            TypeKind::Enum(e)
        } else if let Some(d) = s.domains.get(name) {
            TypeKind::Domain(d)
        } else if let Some(c) = s.composites.get(name) {
            TypeKind::Composite(c)
        } else {
            TypeKind::Base
        }
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
