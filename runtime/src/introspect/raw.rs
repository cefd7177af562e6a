//! The JSON shapes the catalog queries return, as [`super::assemble`] reads them.

use std::collections::HashMap;

use serde::Deserialize;

use super::Error;

#[derive(Debug, Default, Deserialize)]
pub(super) struct RawMeta {
    pub(super) server_version: String,
    #[serde(default)]
    pub(super) schemas: Option<Vec<String>>,
    #[serde(default)]
    pub(super) missing: Option<Vec<String>>,
    #[serde(default)]
    pub(super) extensions: Option<Vec<RawExtension>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawExtension {
    pub(super) name: String,
    pub(super) schema: String,
    pub(super) version: String,
}

/// The `relations` query: relations, and the columns of all of them as parallel arrays (one JSON
/// array per field is much cheaper for the server to build than one object per column).
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawRelations {
    pub(super) relations: Option<Vec<RawRelation>>,
    pub(super) columns: Option<RawColumns>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawRelation {
    pub(super) oid: i64,
    pub(super) schema: String,
    pub(super) name: String,
    pub(super) kind: String,
}

/// Entry `i` of every array describes one column of relation `relation[i]`. Every array is NULL
/// when there are no columns at all.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawColumns {
    pub(super) relation: Option<Vec<i64>>,
    pub(super) attnum: Option<Vec<i32>>,
    pub(super) name: Option<Vec<String>>,
    #[serde(rename = "type")]
    pub(super) type_display: Option<Vec<String>>,
    pub(super) type_name: Option<Vec<String>>,
    pub(super) type_schema: Option<Vec<String>>,
    pub(super) array: Option<Vec<bool>>,
    pub(super) not_null: Option<Vec<bool>>,
    pub(super) default: Option<Vec<Option<String>>>,
    pub(super) identity: Option<Vec<String>>,
    pub(super) generated: Option<Vec<String>>,
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
    pub(super) attnum: i32,
    pub(super) name: String,
    pub(super) type_display: String,
    pub(super) type_name: String,
    pub(super) type_schema: String,
    pub(super) array: bool,
    pub(super) not_null: bool,
    pub(super) default: Option<String>,
    pub(super) identity: String,
    pub(super) generated: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawConstraint {
    pub(super) schema: String,
    pub(super) table: String,
    pub(super) name: String,
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) table_oid: i64,
    /// The constrained columns (`conkey`).
    pub(super) attnums: Option<Vec<i32>>,
    pub(super) ref_schema: Option<String>,
    pub(super) ref_table: Option<String>,
    pub(super) ref_columns: Option<Vec<String>>,
    pub(super) on_update: String,
    pub(super) on_delete: String,
    /// `confmatchtype`: `s` simple, `f` full, `p` partial.
    #[serde(rename = "match")]
    pub(super) match_type: String,
    pub(super) deferrable: bool,
    pub(super) deferred: bool,
    pub(super) validated: bool,
    pub(super) definition: Option<String>,
}

/// The `indexes` query.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawIndexes {
    pub(super) indexes: Option<Vec<RawIndex>>,
    /// Names of the operator classes that are not their type's default, by oid.
    pub(super) opclasses: Option<HashMap<i64, String>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawIndex {
    pub(super) schema: String,
    pub(super) table: String,
    pub(super) table_oid: i64,
    pub(super) name: String,
    pub(super) method: String,
    pub(super) unique: bool,
    pub(super) primary: bool,
    /// `key_count` keys (0 for an expression), then the INCLUDE columns.
    pub(super) attnums: Vec<i32>,
    pub(super) key_count: usize,
    pub(super) key_options: Vec<i32>,
    pub(super) key_opclasses: Vec<i64>,
    /// The expression keys, in key order (NULL for an index dropped after the read began).
    pub(super) expressions: Option<Vec<Option<String>>>,
    /// Whether the index has a predicate: `predicate` is NULL when its table was dropped after
    /// the read began.
    pub(super) partial: bool,
    pub(super) predicate: Option<String>,
    pub(super) options: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawType {
    pub(super) schema: String,
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) labels: Option<Vec<String>>,
    pub(super) base: Option<RawBase>,
    pub(super) not_null: bool,
    pub(super) default: Option<String>,
    pub(super) checks: Option<Vec<RawCheck>>,
    pub(super) attributes: Option<Vec<RawAttribute>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawBase {
    #[serde(rename = "type")]
    pub(super) type_display: String,
    pub(super) type_name: String,
    pub(super) type_schema: String,
    pub(super) array: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawCheck {
    pub(super) name: String,
    /// NULL when the constraint was dropped after the read began.
    pub(super) definition: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawAttribute {
    pub(super) attnum: i32,
    pub(super) name: String,
    #[serde(rename = "type")]
    pub(super) type_display: String,
    pub(super) type_name: String,
    pub(super) type_schema: String,
    pub(super) array: bool,
}
