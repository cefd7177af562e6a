//! Partitions (format version 2): every partition below a described partitioned table, with its
//! bound, its own partition key when it is partitioned too, and its columns' names by attnum, so
//! that what it declares of its own (indexes and constraints, from the `indexes` and
//! `constraints` queries; triggers) can be described under it.

use std::collections::HashMap;

use serde::Deserialize;

use super::Error;
use super::assemble::{parse, vanished};
use super::sql::with_part;
use crate::snapshot::{Partition, Snapshot};

/// `[{"oid", "schema", "name", "top", "parent", "bound", "partition_key", "attnums", "names"}]`
/// or NULL.
pub(crate) const PARTITIONS: &str = concat!(
    with_part!(),
    "
SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
  'oid', part.oid::pg_catalog.int8,
  'schema', part.nspname,
  'name', part.relname,
  'top', part.top::pg_catalog.int8,
  'parent', part.parent::pg_catalog.int8,
  'bound', pg_catalog.pg_get_expr(c.relpartbound, c.oid, true),
  'partition_key', CASE WHEN part.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(part.oid) END,
  'attnums', (SELECT pg_catalog.array_agg(a.attnum ORDER BY a.attnum) FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = part.oid AND a.attnum > 0 AND NOT a.attisdropped),
  'names', (SELECT pg_catalog.array_agg(a.attname ORDER BY a.attnum) FROM pg_catalog.pg_attribute a
            WHERE a.attrelid = part.oid AND a.attnum > 0 AND NOT a.attisdropped)))::text
FROM part
JOIN pg_catalog.pg_class c ON c.oid = part.oid"
);

#[derive(Debug, Deserialize)]
struct RawPartition {
    oid: i64,
    schema: String,
    name: String,
    top: i64,
    parent: i64,
    bound: Option<String>,
    partition_key: Option<String>,
    attnums: Option<Vec<i32>>,
    names: Option<Vec<String>>,
}

/// Where a partition's own indexes, constraints and triggers go: the table it is listed under,
/// and its name and schema there.
#[derive(Debug, Clone)]
pub(super) struct PartitionSlot {
    /// The schema of the table it is listed under.
    pub(super) schema: String,
    pub(super) table: String,
    pub(super) name: String,
    /// Its own schema.
    pub(super) partition_schema: String,
}

/// The partitions, by oid, and their columns' names by (oid, attnum).
#[derive(Debug, Default)]
pub(super) struct Partitions {
    pub(super) slots: HashMap<i64, PartitionSlot>,
    pub(super) columns: HashMap<(i64, i32), String>,
}

impl Partitions {
    /// The partition with this oid, as listed in `snapshot`.
    pub(super) fn get_mut<'a>(
        &self,
        snapshot: &'a mut Snapshot,
        oid: i64,
    ) -> Option<&'a mut Partition> {
        let slot = self.slots.get(&oid)?;
        snapshot
            .schemas
            .get_mut(&slot.schema)?
            .tables
            .get_mut(&slot.table)?
            .partitions
            .iter_mut()
            .find(|p| p.name == slot.name && p.schema_or(&slot.schema) == slot.partition_schema)
    }
}

/// Lists the partitions under their tables (replacing the names the `relations` query gave) and
/// returns where each one's own objects go.
pub(super) fn assemble(
    snapshot: &mut Snapshot,
    text: Option<&str>,
    relation_names: &HashMap<i64, (String, String)>,
) -> Result<Partitions, Error> {
    let raw: Vec<RawPartition> = parse("partitions", text)?;
    let names: HashMap<i64, (String, String)> = raw
        .iter()
        .map(|p| (p.oid, (p.schema.clone(), p.name.clone())))
        .collect();
    let mut out = Partitions::default();
    let mut lists: HashMap<i64, Vec<Partition>> = HashMap::new();
    for p in raw {
        let Some((top_schema, top_name)) = relation_names.get(&p.top) else {
            continue;
        };
        let bound = p
            .bound
            .ok_or_else(|| vanished(format!("partition `{}.{}`", p.schema, p.name)))?;
        let of = (p.parent != p.top)
            .then(|| names.get(&p.parent).map(|(_, n)| n.clone()))
            .flatten();
        for (attnum, name) in p
            .attnums
            .unwrap_or_default()
            .into_iter()
            .zip(p.names.unwrap_or_default())
        {
            out.columns.insert((p.oid, attnum), name);
        }
        out.slots.insert(
            p.oid,
            PartitionSlot {
                schema: top_schema.clone(),
                table: top_name.clone(),
                name: p.name.clone(),
                partition_schema: p.schema.clone(),
            },
        );
        lists.entry(p.top).or_default().push(Partition {
            bound,
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            name: p.name,
            of,
            partition_key: p.partition_key,
            primary_key: None,
            schema: (&p.schema != top_schema).then_some(p.schema),
            triggers: Vec::new(),
            unique_constraints: Vec::new(),
        });
    }
    for (top, mut list) in lists {
        let (schema, name) = &relation_names[&top];
        list.sort_by(|a, b| (&a.name, &a.schema).cmp(&(&b.name, &b.schema)));
        if let Some(t) = snapshot
            .schemas
            .get_mut(schema)
            .and_then(|s| s.tables.get_mut(name))
        {
            t.partitions = list;
        }
    }
    Ok(out)
}
