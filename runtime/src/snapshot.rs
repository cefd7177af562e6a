//! The snapshot file: a committed, reviewable description of a PostgreSQL schema.
//!
//! The format is documented in `docs/snapshot-format.md`. Every struct declares its fields in
//! alphabetical order and every map is a `BTreeMap`, so the serialized JSON has sorted keys without
//! depending on `serde_json`'s map implementation (which another crate could switch to insertion
//! order through feature unification).

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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
    /// Tables, partitioned tables, views and materialized views, by name.
    #[serde(default)]
    pub tables: BTreeMap<String, Table>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Columns in their table order.
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    pub kind: RelationKind,
    /// Partitions of a partitioned table, folded under their parent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<KeyConstraint>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique_constraints: Vec<KeyConstraint>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// True when the type is an array of `type_schema.type_name`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub array: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub definition: String,
    pub name: String,
}

/// A primary key or unique constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyConstraint {
    pub columns: Vec<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub name: String,
    /// `no action`, `restrict`, `cascade`, `set null` or `set default`.
    pub on_delete: String,
    pub on_update: String,
    pub references: Reference,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub columns: Vec<String>,
    pub schema: String,
    pub table: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

    /// Reads and parses a snapshot file.
    pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
        let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Read {
            path: path.to_owned(),
            source,
        })?;
        Snapshot::from_json(&text, path)
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

    /// Writes the snapshot atomically: a temporary file in the same directory, flushed to disk,
    /// then renamed over `path`, so a reader sees the old file or the new one and never a torn
    /// one.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        Snapshot::save_json(&self.to_json(), path)
    }

    /// Like [`Snapshot::save`], for text already made by [`Snapshot::to_json`]: a caller that
    /// compares the new text with the old file first need not serialize twice (on 1,000 tables
    /// that is about 12 ms).
    pub fn save_json(text: &str, path: &Path) -> std::io::Result<()> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => PathBuf::from("."),
        };
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| DEFAULT_FILE_NAME.to_owned());
        let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)?;
            // Make the rename itself durable.
            if let Ok(d) = std::fs::File::open(&dir) {
                let _ = d.sync_all();
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
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

/// Why a snapshot could not be loaded.
#[derive(Debug)]
pub enum SnapshotError {
    /// No snapshot file was found.
    NotFound {
        looked_in: Vec<PathBuf>,
    },
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    Version {
        path: PathBuf,
        found: u32,
    },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::NotFound { looked_in } => {
                write!(f, "no `{DEFAULT_FILE_NAME}` found; looked in ")?;
                match looked_in.as_slice() {
                    [] => write!(f, "no directory")?,
                    [one] => write!(f, "`{}`", one.display())?,
                    [first, .., last] => write!(
                        f,
                        "`{}` and its parents up to `{}`",
                        first.display(),
                        last.display()
                    )?,
                }
                write!(
                    f,
                    "; run `cargo schemalock refresh` to create one, or point `{SNAPSHOT_ENV}` at it"
                )
            }
            SnapshotError::Read { path, source }
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                write!(
                    f,
                    "snapshot `{}` does not exist; create it with `cargo schemalock refresh --snapshot <path>`, or fix the path",
                    path.display()
                )
            }
            SnapshotError::Read { path, source } => {
                write!(f, "cannot read snapshot `{}`: {source}", path.display())
            }
            SnapshotError::Parse {
                path,
                line,
                column,
                message,
            } => write!(
                f,
                "snapshot `{}` is not a valid schemalock snapshot: {message} at line {line}, column {column}; \
                 regenerate it with `cargo schemalock refresh`",
                path.display()
            ),
            SnapshotError::Version { path, found } => write!(
                f,
                "snapshot `{}` has format version {found}, but this schemalock reads version {FORMAT_VERSION}; \
                 regenerate it with `cargo schemalock refresh` or use a matching schemalock",
                path.display()
            ),
        }
    }
}

impl std::error::Error for SnapshotError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SnapshotError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Where a snapshot is looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotLocation {
    /// Given explicitly (attribute or environment); relative paths are resolved against the
    /// manifest directory.
    Explicit(PathBuf),
    /// Found by walking up from the manifest directory.
    Found(PathBuf),
}

impl SnapshotLocation {
    pub fn path(&self) -> &Path {
        match self {
            SnapshotLocation::Explicit(p) | SnapshotLocation::Found(p) => p,
        }
    }
}

/// Resolves which snapshot file applies: `explicit` (an item's attribute) wins over `env` (the
/// value of `SCHEMALOCK_SNAPSHOT`), which wins over the first `schemalock.json` found walking up
/// from `manifest_dir`.
pub fn locate(
    manifest_dir: &Path,
    explicit: Option<&str>,
    env: Option<&str>,
) -> Result<SnapshotLocation, SnapshotError> {
    if let Some(p) = explicit.or(env.filter(|v| !v.is_empty())) {
        return Ok(SnapshotLocation::Explicit(manifest_dir.join(p)));
    }
    let mut looked_in = Vec::new();
    for dir in manifest_dir.ancestors() {
        let candidate = dir.join(DEFAULT_FILE_NAME);
        if candidate.is_file() {
            return Ok(SnapshotLocation::Found(candidate));
        }
        looked_in.push(dir.to_owned());
    }
    Err(SnapshotError::NotFound { looked_in })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Snapshot {
        let mut s = Snapshot::new();
        s.server_version = Some("15.18".into());
        let mut schema = Schema::default();
        schema.enums.insert(
            "canonlayer".into(),
            EnumType {
                labels: vec!["PRIMARY".into(), "ALTERNATE".into()],
            },
        );
        schema.tables.insert(
            "entities".into(),
            Table {
                checks: vec![],
                columns: vec![Column {
                    array: false,
                    default: None,
                    generated: None,
                    identity: None,
                    name: "id".into(),
                    nullable: false,
                    type_display: "uuid".into(),
                    type_name: "uuid".into(),
                    type_schema: "pg_catalog".into(),
                }],
                foreign_keys: vec![],
                indexes: vec![],
                kind: RelationKind::Table,
                partitions: vec![],
                primary_key: None,
                unique_constraints: vec![],
            },
        );
        s.schemas.insert("public".into(), schema);
        s
    }

    #[test]
    fn to_json_is_serde_json_pretty_printing() {
        let mut s = sample();
        // Empty maps and lists print as `{}` and `[]`; the public schema has an empty list too.
        s.schemas.insert("empty".into(), Schema::default());
        s.schemas
            .get_mut("public")
            .unwrap()
            .tables
            .get_mut("entities")
            .unwrap()
            .indexes
            .push(Index {
                include: vec![],
                keys: vec![IndexKey {
                    column: None,
                    descending: true,
                    expression: Some("lower(\"name\")\n\t".into()),
                    nulls_first: Some(false),
                    opclass: None,
                }],
                method: "btree".into(),
                name: "deep".into(),
                options: BTreeMap::from([("fillfactor".into(), "70".into())]),
                predicate: None,
                primary: false,
                unique: true,
            });
        for s in [Snapshot::new(), sample(), s] {
            let mut expected = serde_json::to_string_pretty(&s).unwrap();
            expected.push('\n');
            assert_eq!(s.to_json(), expected);
        }
    }

    fn assert_sorted(v: &serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                let keys: Vec<_> = m.keys().collect();
                let mut sorted = keys.clone();
                sorted.sort();
                assert_eq!(keys, sorted);
                m.values().for_each(assert_sorted);
            }
            serde_json::Value::Array(a) => a.iter().for_each(assert_sorted),
            _ => {}
        }
    }

    #[test]
    fn canonical_text_is_sorted_pretty_and_stable() {
        let s = sample();
        let text = s.to_json();
        assert!(text.ends_with("}\n"));
        assert!(text.contains("\n  \"format_version\": 1,"));
        // Key order as written, read back through a parser that keeps insertion order.
        let order: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("  \""))
            .map(|l| l.trim().split('"').nth(1).unwrap())
            .collect();
        assert_eq!(
            order,
            ["extensions", "format_version", "schemas", "server_version"]
        );
        assert_sorted(&serde_json::from_str(&text).unwrap());
        let back = Snapshot::from_json(&text, Path::new("x")).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.to_json(), text);
    }

    #[test]
    fn truncated_file_reports_line_and_column() {
        let text = sample().to_json();
        let cut = &text[..text.len() / 2];
        let err = Snapshot::from_json(cut, Path::new("db/schemalock.json")).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, SnapshotError::Parse { line, .. } if line > 1),
            "{msg}"
        );
        assert!(
            msg.starts_with("snapshot `db/schemalock.json` is not a valid"),
            "{msg}"
        );
        assert!(msg.contains(", column "), "{msg}");
    }

    #[test]
    fn other_format_version_is_named_even_if_the_shape_differs() {
        let err = Snapshot::from_json(
            r#"{"format_version": 9, "tables_v9": []}"#,
            Path::new("s.json"),
        )
        .unwrap_err();
        assert!(matches!(err, SnapshotError::Version { found: 9, .. }));
        assert!(err.to_string().contains("format version 9"));
    }

    #[test]
    fn save_is_atomic_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schemalock.json");
        sample().save(&path).unwrap();
        assert_eq!(Snapshot::load(&path).unwrap(), sample());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("schemalock.json")]);
    }

    #[test]
    fn locate_prefers_attribute_then_env_then_walk() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(dir.path().join("a/schemalock.json"), "{}").unwrap();
        assert_eq!(
            locate(&nested, None, None).unwrap(),
            SnapshotLocation::Found(dir.path().join("a/schemalock.json"))
        );
        assert_eq!(
            locate(&nested, None, Some("x.json")).unwrap(),
            SnapshotLocation::Explicit(nested.join("x.json"))
        );
        assert_eq!(
            locate(&nested, Some("/abs/y.json"), Some("x.json")).unwrap(),
            SnapshotLocation::Explicit("/abs/y.json".into())
        );
        let lonely = tempfile::tempdir().unwrap();
        let err = locate(lonely.path(), None, Some("")).unwrap_err();
        assert!(
            matches!(&err, SnapshotError::NotFound { looked_in } if looked_in[0] == lonely.path())
        );
        assert!(err.to_string().contains("cargo schemalock refresh"));
    }
}
