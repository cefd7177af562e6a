//! What format version 2 adds to the relations of the `relations` query: a view's query, storage
//! parameters, a partitioned table's key, `UNLOGGED`, row-level security; and, for the few
//! columns that have one, a collation that is not the type's, a generated column's expression
//! and the options of an identity column's sequence. Only the relations and columns with
//! something to say are returned, so the query costs little on schemas without them.

use serde::Deserialize;

use super::Error;
use super::assemble::parse;
use super::sql::with_rel;
use crate::snapshot::{IdentitySequence, RowSecurity, SequenceOptions, Snapshot};

/// `{"relations": [..], "columns": [..]}`, each list NULL when empty.
pub(crate) const DETAILS: &str = concat!(
    with_rel!(),
    "
SELECT pg_catalog.json_build_object(
  'relations', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'schema', rel.nspname,
      'name', rel.relname,
      'definition', CASE WHEN rel.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(rel.oid, true) END,
      'options', c.reloptions,
      'partition_key', CASE WHEN rel.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(rel.oid) END,
      'unlogged', c.relpersistence = 'u',
      'row_security', c.relrowsecurity,
      'force_row_security', c.relforcerowsecurity))
    FROM rel
    JOIN pg_catalog.pg_class c ON c.oid = rel.oid
    WHERE rel.relkind IN ('v', 'm', 'p') OR c.reloptions IS NOT NULL OR c.relpersistence = 'u'
      OR c.relrowsecurity OR c.relforcerowsecurity),
  'columns', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'schema', rel.nspname,
      'table', rel.relname,
      'name', a.attname,
      'collation', CASE WHEN rel.relkind IN ('r', 'p') AND a.attcollation <> t.typcollation THEN
        CASE WHEN con.nspname IN ('pg_catalog', 'public') THEN pg_catalog.quote_ident(co.collname)
          ELSE pg_catalog.quote_ident(con.nspname) || '.' || pg_catalog.quote_ident(co.collname) END END,
      'generation', CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, a.attrelid, true) END,
      'identity_sequence', CASE WHEN a.attidentity <> '' THEN (
        SELECT pg_catalog.json_build_object(
          'name', sc.relname,
          'type', pg_catalog.format_type(s.seqtypid, NULL),
          'start', s.seqstart, 'increment', s.seqincrement, 'min', s.seqmin, 'max', s.seqmax,
          'cache', s.seqcache, 'cycle', s.seqcycle)
        FROM pg_catalog.pg_depend d
        JOIN pg_catalog.pg_class sc ON sc.oid = d.objid AND sc.relkind = 'S'
        JOIN pg_catalog.pg_sequence s ON s.seqrelid = sc.oid
        WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i'
        LIMIT 1) END)
      ORDER BY rel.nspname, rel.relname, a.attnum)
    FROM rel
    JOIN pg_catalog.pg_attribute a ON a.attrelid = rel.oid
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
    LEFT JOIN pg_catalog.pg_namespace con ON con.oid = co.collnamespace
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped
      AND ((rel.relkind IN ('r', 'p') AND a.attcollation <> t.typcollation)
           OR a.attgenerated <> '' OR a.attidentity <> ''))
)::text"
);

#[derive(Debug, Default, Deserialize)]
struct RawDetails {
    relations: Option<Vec<RawRelation>>,
    columns: Option<Vec<RawColumn>>,
}

#[derive(Debug, Deserialize)]
struct RawRelation {
    schema: String,
    name: String,
    definition: Option<String>,
    options: Option<Vec<String>>,
    partition_key: Option<String>,
    unlogged: bool,
    row_security: bool,
    force_row_security: bool,
}

#[derive(Debug, Deserialize)]
struct RawColumn {
    schema: String,
    table: String,
    name: String,
    collation: Option<String>,
    generation: Option<String>,
    identity_sequence: Option<RawSequence>,
}

/// A sequence's row of `pg_sequence`, with its name and type.
#[derive(Debug, Deserialize)]
pub(super) struct RawSequence {
    pub(super) name: String,
    #[serde(rename = "type")]
    pub(super) type_display: String,
    pub(super) start: i64,
    pub(super) increment: i64,
    pub(super) min: i64,
    pub(super) max: i64,
    pub(super) cache: i64,
    pub(super) cycle: bool,
}

impl RawSequence {
    pub(super) fn options(&self) -> SequenceOptions {
        SequenceOptions {
            start: self.start,
            increment: self.increment,
            min: self.min,
            max: self.max,
            cache: self.cache,
            cycle: self.cycle,
        }
    }
}

/// `fillfactor=70` as a map entry; an option without `=` maps to the empty string.
pub(super) fn options_map(
    options: Option<Vec<String>>,
) -> std::collections::BTreeMap<String, String> {
    options
        .unwrap_or_default()
        .into_iter()
        .map(|o| match o.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (o, String::new()),
        })
        .collect()
}

/// Adds the details to the relations the `relations` query described.
pub(super) fn assemble(snapshot: &mut Snapshot, text: Option<&str>) -> Result<(), Error> {
    let raw: RawDetails = parse("details", text)?;
    for r in raw.relations.unwrap_or_default() {
        let Some(table) = snapshot
            .schemas
            .get_mut(&r.schema)
            .and_then(|s| s.tables.get_mut(&r.name))
        else {
            continue;
        };
        if table.kind.is_view() && r.definition.is_none() {
            return Err(super::assemble::vanished(format!(
                "view `{}.{}`",
                r.schema, r.name
            )));
        }
        table.definition = r.definition;
        table.options = options_map(r.options);
        table.partition_key = r.partition_key;
        table.unlogged = r.unlogged;
        table.row_security = match (r.row_security, r.force_row_security) {
            (_, true) => Some(RowSecurity::Forced),
            (true, false) => Some(RowSecurity::Enabled),
            (false, false) => None,
        };
    }
    for c in raw.columns.unwrap_or_default() {
        let Some(column) = snapshot
            .schemas
            .get_mut(&c.schema)
            .and_then(|s| s.tables.get_mut(&c.table))
            .and_then(|t| t.columns.iter_mut().find(|col| col.name == c.name))
        else {
            continue;
        };
        column.collation = c.collation;
        if column.generated.is_some() {
            column.generation_expression = Some(c.generation.ok_or_else(|| {
                super::assemble::vanished(format!(
                    "the expression of column `{}.{}.{}`",
                    c.schema, c.table, c.name
                ))
            })?);
        }
        if let Some(s) = c.identity_sequence {
            let default_name = format!("{}_{}_seq", c.table, c.name);
            column.identity_sequence =
                IdentitySequence::new(&s.type_display, &s.name, &default_name, s.options());
        }
    }
    Ok(())
}
