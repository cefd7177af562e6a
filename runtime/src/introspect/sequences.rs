//! Sequences (format version 2): every sequence of the described schemas that is neither an
//! identity column's (those are described on their column) nor owned by an extension, with its
//! owner column when it has one (`OWNED BY`, as `serial` makes).

use serde::Deserialize;

use super::Error;
use super::assemble::parse;
use super::details::RawSequence;
use super::sql::with_ns;
use crate::snapshot::{Sequence, SequenceOwner, Snapshot};

/// `[{"schema", "sequence": {"name", "type", "start", ...}, "owner": {"schema", "table",
/// "column"}}]` or NULL.
pub(crate) const SEQUENCES: &str = concat!(
    with_ns!(),
    "
SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
  'schema', ns.nspname,
  'sequence', pg_catalog.json_build_object(
    'name', c.relname,
    'type', pg_catalog.format_type(s.seqtypid, NULL),
    'start', s.seqstart, 'increment', s.seqincrement, 'min', s.seqmin, 'max', s.seqmax,
    'cache', s.seqcache, 'cycle', s.seqcycle),
  'owner', (
    SELECT pg_catalog.json_build_object('schema', tn.nspname, 'table', t.relname, 'column', a.attname)
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
    JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
      AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'a'
      AND d.refobjsubid > 0
    LIMIT 1)))::text
FROM pg_catalog.pg_class c
JOIN ns ON ns.oid = c.relnamespace
JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
WHERE c.relkind = 'S'
  AND NOT EXISTS (
    SELECT FROM pg_catalog.pg_depend d
    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
      AND d.deptype IN ('e', 'i'))"
);

#[derive(Debug, Deserialize)]
struct RawEntry {
    schema: String,
    sequence: RawSequence,
    owner: Option<SequenceOwner>,
}

/// Adds the sequences to their schemas.
pub(super) fn assemble(snapshot: &mut Snapshot, text: Option<&str>) -> Result<(), Error> {
    let raw: Vec<RawEntry> = parse("sequences", text)?;
    for e in raw {
        let options = e.sequence.options();
        let mut sequence = Sequence::new(e.sequence.type_display, options);
        sequence.owned_by = e.owner;
        snapshot
            .schemas
            .entry(e.schema)
            .or_default()
            .sequences
            .insert(e.sequence.name, sequence);
    }
    Ok(())
}
