//! The JSON shapes the catalog queries return, as [`super::assemble`] reads them.

use std::collections::HashMap;

use serde::Deserialize;

use super::Error;

#[derive(Debug, Default, Deserialize)]
pub(super) struct RawMeta {
    pub server_version: String,
    #[serde(default)]
    pub schemas: Option<Vec<String>>,
    #[serde(default)]
    pub missing: Option<Vec<String>>,
    #[serde(default)]
    pub extensions: Option<Vec<RawExtension>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawExtension {
    pub name: String,
    pub schema: String,
    pub version: String,
}

/// The `relations` query: relations, and the columns of all of them as parallel arrays (one JSON
/// array per field is much cheaper for the server to build than one object per column).
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawRelations {
    pub relations: Option<Vec<RawRelation>>,
    pub columns: Option<RawColumns>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawRelation {
    pub oid: i64,
    pub schema: String,
    pub name: String,
    pub kind: String,
}

/// Entry `i` of every array describes one column of relation `relation[i]`. Every array is NULL
/// when there are no columns at all.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawColumns {
    pub relation: Option<Vec<i64>>,
    pub attnum: Option<Vec<i32>>,
    pub name: Option<Vec<String>>,
    #[serde(rename = "type")]
    pub type_display: Option<Vec<String>>,
    pub type_name: Option<Vec<String>>,
    pub type_schema: Option<Vec<String>>,
    pub array: Option<Vec<bool>>,
    pub not_null: Option<Vec<bool>>,
    pub default: Option<Vec<Option<String>>>,
    pub identity: Option<Vec<String>>,
    pub generated: Option<Vec<String>>,
}

impl RawColumns {
    /// The columns of each relation, by relation oid.
    pub(super) fn by_relation(self) -> Result<HashMap<i64, Vec<RawColumn>>, Error> {
        let relation = self.relation.unwrap_or_default();
        let n = relation.len();
        fn field<T>(
            name: &str,
            v: Option<Vec<T>>,
            n: usize,
        ) -> Result<std::vec::IntoIter<T>, Error> {
            let v = v.unwrap_or_default();
            if v.len() == n {
                Ok(v.into_iter())
            } else {
                Err(Error::Unexpected(format!(
                    "the column field `{name}` has {} entries for {n} columns",
                    v.len()
                )))
            }
        }
        let mut attnum = field("attnum", self.attnum, n)?;
        let mut name = field("name", self.name, n)?;
        let mut type_display = field("type", self.type_display, n)?;
        let mut type_name = field("type_name", self.type_name, n)?;
        let mut type_schema = field("type_schema", self.type_schema, n)?;
        let mut array = field("array", self.array, n)?;
        let mut not_null = field("not_null", self.not_null, n)?;
        let mut default = field("default", self.default, n)?;
        let mut identity = field("identity", self.identity, n)?;
        let mut generated = field("generated", self.generated, n)?;
        let mut out: HashMap<i64, Vec<RawColumn>> = HashMap::new();
        for rel in relation {
            // Every iterator has exactly `n` entries: checked above.
            out.entry(rel).or_default().push(RawColumn {
                attnum: attnum.next().unwrap_or_default(),
                name: name.next().unwrap_or_default(),
                type_display: type_display.next().unwrap_or_default(),
                type_name: type_name.next().unwrap_or_default(),
                type_schema: type_schema.next().unwrap_or_default(),
                array: array.next().unwrap_or_default(),
                not_null: not_null.next().unwrap_or_default(),
                default: default.next().unwrap_or_default(),
                identity: identity.next().unwrap_or_default(),
                generated: generated.next().unwrap_or_default(),
            });
        }
        Ok(out)
    }
}

#[derive(Debug)]
pub(super) struct RawColumn {
    pub attnum: i32,
    pub name: String,
    pub type_display: String,
    pub type_name: String,
    pub type_schema: String,
    pub array: bool,
    pub not_null: bool,
    pub default: Option<String>,
    pub identity: String,
    pub generated: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawConstraint {
    pub schema: String,
    pub table: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub table_oid: i64,
    /// The constrained columns (`conkey`).
    pub attnums: Option<Vec<i32>>,
    pub ref_schema: Option<String>,
    pub ref_table: Option<String>,
    pub ref_columns: Option<Vec<String>>,
    pub on_update: String,
    pub on_delete: String,
    /// `confmatchtype`: `s` simple, `f` full, `p` partial.
    #[serde(rename = "match")]
    pub match_type: String,
    pub deferrable: bool,
    pub deferred: bool,
    pub validated: bool,
    pub definition: Option<String>,
}

/// The `indexes` query.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawIndexes {
    pub indexes: Option<Vec<RawIndex>>,
    /// Names of the operator classes that are not their type's default, by oid.
    pub opclasses: Option<HashMap<i64, String>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawIndex {
    pub schema: String,
    pub table: String,
    pub table_oid: i64,
    pub name: String,
    pub method: String,
    pub unique: bool,
    pub primary: bool,
    /// `key_count` keys (0 for an expression), then the INCLUDE columns.
    pub attnums: Vec<i32>,
    pub key_count: usize,
    pub key_options: Vec<i32>,
    pub key_opclasses: Vec<i64>,
    /// The expression keys, in key order (NULL for an index dropped after the read began).
    pub expressions: Option<Vec<Option<String>>>,
    /// Whether the index has a predicate: `predicate` is NULL when its table was dropped after
    /// the read began.
    pub partial: bool,
    pub predicate: Option<String>,
    pub options: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawType {
    pub schema: String,
    pub name: String,
    pub kind: String,
    pub labels: Option<Vec<String>>,
    pub base: Option<RawBase>,
    pub not_null: bool,
    pub default: Option<String>,
    pub checks: Option<Vec<RawCheck>>,
    pub attributes: Option<Vec<RawAttribute>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawBase {
    #[serde(rename = "type")]
    pub type_display: String,
    pub type_name: String,
    pub type_schema: String,
    pub array: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawCheck {
    pub name: String,
    /// NULL when the constraint was dropped after the read began.
    pub definition: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawAttribute {
    pub attnum: i32,
    pub name: String,
    #[serde(rename = "type")]
    pub type_display: String,
    pub type_name: String,
    pub type_schema: String,
    pub array: bool,
}
