//! A snapshot read for the derives: every object but the tables parsed at once, each table kept
//! as its JSON text until a derive asks for it. A crate's derives read a handful of the
//! snapshot's tables, and the columns of the others are most of the file (28 MB for 5,000
//! tables), so parsing only what is asked keeps a snapshot's size from costing every build.
//!
//! Nothing here names the kinds of object a schema holds besides `tables`: everything else is
//! handed to the [`Snapshot`] parser as it is, so a new kind of object in the format is parsed
//! (and validated) the same way, eagerly. A text that does not read this way (invalid JSON, a
//! wrong shape, another version) is parsed in full, which gives the error with its position.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::{Snapshot, SnapshotError, Table};

/// A snapshot whose tables are parsed when asked for.
#[derive(Debug)]
pub struct LazySnapshot {
    text: String,
    path: PathBuf,
    /// Every object but the tables; each schema's `tables` is empty.
    skeleton: Arc<Snapshot>,
    /// Where each table's JSON is in `text`, by schema and name.
    tables: Ranges,
    /// The whole snapshot, parsed the first time something needs every table (an error's
    /// suggestions).
    full: OnceLock<Arc<Snapshot>>,
}

impl LazySnapshot {
    /// Indexes `text` (the file at `path`, which errors name).
    pub fn parse(text: String, path: &Path) -> Result<LazySnapshot, SnapshotError> {
        match index(&text) {
            Some((skeleton, tables)) => {
                let skeleton = Snapshot::from_json(&skeleton, path)?;
                Ok(LazySnapshot {
                    text,
                    path: path.to_owned(),
                    skeleton: Arc::new(skeleton),
                    tables,
                    full: OnceLock::new(),
                })
            }
            // The full parser says what is wrong, and where.
            None => {
                let full = Snapshot::from_json(&text, path)?;
                let mut skeleton = full.clone();
                for s in skeleton.schemas.values_mut() {
                    s.tables.clear();
                }
                Ok(LazySnapshot {
                    text,
                    path: path.to_owned(),
                    skeleton: Arc::new(skeleton),
                    tables: BTreeMap::new(),
                    full: OnceLock::from(Arc::new(full)),
                })
            }
        }
    }

    /// The text it was read from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Every object but the tables.
    pub fn skeleton(&self) -> &Arc<Snapshot> {
        &self.skeleton
    }

    /// A snapshot holding every object but the tables, and the table `schema.table` when it
    /// exists; when it does not, the whole snapshot, so the error can suggest other tables and
    /// schemas.
    pub fn for_table(&self, schema: &str, table: &str) -> Result<Arc<Snapshot>, SnapshotError> {
        let Some(range) = self.tables.get(schema).and_then(|t| t.get(table)) else {
            return self.full();
        };
        let parsed: Table = match serde_json::from_str(&self.text[range.clone()]) {
            Ok(t) => t,
            // The full parse reports the position in the file.
            Err(_) => return self.full(),
        };
        let mut out = Snapshot::clone(&self.skeleton);
        if let Some(s) = out.schemas.get_mut(schema) {
            s.tables.insert(table.to_owned(), parsed);
        }
        Ok(Arc::new(out))
    }

    /// The whole snapshot, every table parsed.
    pub fn full(&self) -> Result<Arc<Snapshot>, SnapshotError> {
        if let Some(full) = self.full.get() {
            return Ok(Arc::clone(full));
        }
        let full = Arc::new(Snapshot::from_json(&self.text, &self.path)?);
        Ok(Arc::clone(self.full.get_or_init(|| full)))
    }

    /// How many tables the snapshot has.
    pub fn table_count(&self) -> usize {
        match self.full.get() {
            Some(full) => full.schemas.values().map(|s| s.tables.len()).sum(),
            None => self.tables.values().map(BTreeMap::len).sum(),
        }
    }
}

/// Where each table's JSON is in `text`, by schema and name.
type Ranges = BTreeMap<String, BTreeMap<String, Range<usize>>>;

/// The indentation of a schema's name, of its `tables` member, of a table's name, in the
/// canonical text (`Snapshot::to_json`).
const SCHEMA: &str = "\n    \"";
const TABLES: &str = "\n      \"tables\": {\n";
const TABLE: &str = "        \"";
/// A table's closing brace: no line inside a table is indented this little, and a JSON string
/// holds no raw newline, so the first one after a table's name closes it.
const TABLE_END: &str = "\n        }";
const TABLES_END: &str = "      }";

/// The text of the snapshot without its tables, and where each table is; `None` when the text
/// is not laid out as `refresh` writes it (the caller then parses it in full, which also says
/// what is wrong with it, and where).
///
/// The canonical layout puts every table at a known indentation, so the tables are found by
/// their lines without reading their contents; the rest of the text (every other kind of object)
/// is handed to the parser as it is.
fn index(text: &str) -> Option<(String, Ranges)> {
    let mut skeleton = String::with_capacity(64 * 1024);
    let mut ranges = Ranges::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find(TABLES) {
        let block = at + found + TABLES.len();
        let schema = schema_name(&text[..at + found])?;
        let tables = ranges.entry(schema).or_default();
        skeleton.push_str(&text[copied..block]);
        let mut line = block;
        loop {
            let rest = &text[line..];
            if rest.starts_with(TABLES_END) {
                break;
            }
            let name_line = rest.strip_prefix(TABLE)?;
            let name_end = name_line.find("\": {\n")? + 1;
            let name: String =
                serde_json::from_str(&format!("\"{}", &name_line[..name_end])).ok()?;
            let open = line + TABLE.len() + name_end + 2;
            let close = table_end(text, open)?;
            if tables.insert(name, open..close).is_some() {
                return None;
            }
            line = close;
            line += usize::from(text[line..].starts_with(','));
            line += usize::from(text[line..].starts_with('\n'));
        }
        // The block is written `{}`: a table-less schema as the parser sees it.
        skeleton.truncate(skeleton.len() - 1);
        skeleton.push('}');
        copied = line + TABLES_END.len();
        at = copied;
    }
    skeleton.push_str(&text[copied..]);
    Some((skeleton, ranges))
}

/// Where the table whose body starts at `open` ends (after its brace). Found by its brace
/// (`memchr`, from the standard library, which is optimized even when the derives are not)
/// rather than by searching for the whole line: a table has one brace per column.
fn table_end(text: &str, open: usize) -> Option<usize> {
    let mut at = open;
    loop {
        let brace = at + text[at..].find('}')?;
        if text[..brace].ends_with(&TABLE_END[..TABLE_END.len() - 1]) {
            return Some(brace + 1);
        }
        at = brace + 1;
    }
}

/// The name of the schema whose member ends `before`: the last name at a schema's indentation.
fn schema_name(before: &str) -> Option<String> {
    let start = before.rfind(SCHEMA)? + SCHEMA.len() - 1;
    let line = &before[start..];
    let line = line.split('\n').next()?;
    let end = line.strip_suffix(": {")?.len();
    serde_json::from_str(&line[..end]).ok()
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::fixtures::{column, table};
    use crate::snapshot::{EnumType, Schema};

    mod fixtures {
        use super::*;

        /// Two schemas, an enum, and tables in both.
        pub fn sample() -> Snapshot {
            let mut s = Snapshot::new();
            s.server_version = Some("16.4".into());
            let mut public = Schema::default();
            public.enums.insert(
                "mood".into(),
                EnumType {
                    labels: vec!["happy".into(), "very-sad".into()],
                },
            );
            public.tables.insert(
                "entities".into(),
                table(vec![column("id", "uuid"), column("name", "text")]),
            );
            public
                .tables
                .insert("vaults".into(), table(vec![column("id", "int8")]));
            let mut audit = Schema::default();
            audit
                .tables
                .insert("events".into(), table(vec![column("at", "timestamptz")]));
            s.schemas.insert("public".into(), public);
            s.schemas.insert("audit".into(), audit);
            s.schemas.insert("empty".into(), Schema::default());
            s
        }
    }

    #[test]
    fn a_table_read_lazily_is_the_table_read_in_full() {
        let full = fixtures::sample();
        let text = full.to_json();
        let (skeleton, _) = index(&text).expect("the canonical text is indexed");
        Snapshot::from_json(&skeleton, Path::new("s.json")).expect(&skeleton);
        let lazy = LazySnapshot::parse(text, Path::new("s.json")).unwrap();
        assert_eq!(
            lazy.table_count(),
            full.schemas.values().map(|s| s.tables.len()).sum::<usize>()
        );
        for (schema, s) in &full.schemas {
            assert_eq!(lazy.skeleton().schemas[schema].enums, s.enums);
            assert_eq!(lazy.skeleton().schemas[schema].domains, s.domains);
            assert!(lazy.skeleton().schemas[schema].tables.is_empty());
            for (name, table) in &s.tables {
                let one = lazy.for_table(schema, name).unwrap();
                assert_eq!(one.table(schema, name), Some(table));
                assert_eq!(one.schemas[schema].tables.len(), 1);
            }
        }
        // A table that is not there: the whole snapshot, for suggestions.
        let whole = lazy.for_table("public", "no_such_table").unwrap();
        assert_eq!(*whole, full);
    }

    #[test]
    fn errors_are_the_full_parsers() {
        let text = fixtures::sample().to_json();
        let cut = text[..text.len() / 2].to_owned();
        let lazy = LazySnapshot::parse(cut.clone(), Path::new("s.json")).unwrap_err();
        let full = Snapshot::from_json(&cut, Path::new("s.json")).unwrap_err();
        assert_eq!(lazy.to_string(), full.to_string());
        let wrong = text.replacen("\"kind\": \"table\"", "\"kind\": \"tabel\"", 1);
        assert_ne!(wrong, text);
        let lazy = LazySnapshot::parse(wrong, Path::new("s.json")).unwrap();
        let sample = fixtures::sample();
        let failed: Vec<SnapshotError> = sample
            .schemas
            .iter()
            .flat_map(|(schema, s)| s.tables.keys().map(move |t| (schema, t)))
            .filter_map(|(schema, t)| lazy.for_table(schema, t).err())
            .collect();
        assert!(
            matches!(failed.as_slice(), [SnapshotError::Parse { .. }]),
            "{failed:?}"
        );
    }
}
