//! The SQL text of the introspection queries. Every catalog query returns one row with one `text`
//! column holding JSON, and takes the schema list as its only parameter, `$1::text[]` (NULL for
//! the default list). No SQL is ever built from names.

/// The namespaces to describe: the ones named in `$1`, or, when `$1` is NULL, every schema that
/// is not a system schema and not owned by an extension.
macro_rules! ns_cte {
    () => {
        "ns AS (
  SELECT n.oid, n.nspname
  FROM pg_catalog.pg_namespace n
  WHERE CASE
    WHEN $1::text[] IS NULL THEN
      n.nspname <> 'information_schema'
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_(toast|temp_)'
      AND NOT EXISTS (
        SELECT FROM pg_catalog.pg_depend d
        WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
          AND d.objid = n.oid AND d.deptype = 'e')
    ELSE n.nspname = ANY ($1::text[])
  END
)"
    };
}

/// The relations to describe: tables, partitioned tables, views and materialized views in the
/// namespaces, leaving out partitions and whatever an extension owns.
macro_rules! rel_cte {
    () => {
        "rel AS (
  SELECT c.oid, ns.nspname, c.relname, c.relkind
  FROM pg_catalog.pg_class c
  JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm')
    AND NOT c.relispartition
    -- An anti-join: with NOT IN, the planner guessed half the relations gone and then chose
    -- per-column index probes over hash joins in the column query.
    AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
        AND d.objid = c.oid AND d.deptype = 'e')
)"
    };
}

/// The partitions, at any depth, of the partitioned tables in `rel` (which must be defined
/// before it), with the top-level table each belongs to: `part (oid, nspname, relname, relkind,
/// top, parent)`.
macro_rules! part_cte {
    () => {
        "part AS (
  WITH RECURSIVE tree(oid, top, parent) AS (
    SELECT i.inhrelid, rel.oid, rel.oid
    FROM rel JOIN pg_catalog.pg_inherits i ON i.inhparent = rel.oid
    WHERE rel.relkind = 'p'
    UNION ALL
    SELECT i.inhrelid, tree.top, tree.oid
    FROM tree JOIN pg_catalog.pg_inherits i ON i.inhparent = tree.oid
  )
  SELECT c.oid, pn.nspname, c.relname, c.relkind, tree.top, tree.parent
  FROM tree
  JOIN pg_catalog.pg_class c ON c.oid = tree.oid
  JOIN pg_catalog.pg_namespace pn ON pn.oid = c.relnamespace
  WHERE c.relispartition
)"
    };
}

/// The relations of `rel` and the partitions of `part` (both defined before it): whose own
/// constraints and indexes are described.
macro_rules! tab_cte {
    () => {
        "tab AS (
  SELECT rel.oid, rel.nspname, rel.relname, false AS partition FROM rel
  UNION ALL
  SELECT part.oid, part.nspname, part.relname, true FROM part
)"
    };
}

/// The `WITH` that opens a query reading the namespaces: `WITH ns AS (..)`. The `with_*`
/// macros below are the one home of each query's opening, so that every query filters the
/// namespaces and relations the same way; a query adds its own CTEs after `, `.
macro_rules! with_ns {
    () => {
        concat!("WITH ", $crate::introspect::sql::ns_cte!())
    };
}

/// `WITH ns AS (..), rel AS (..)`: the namespaces and the relations to describe.
macro_rules! with_rel {
    () => {
        concat!(
            $crate::introspect::sql::with_ns!(),
            ", ",
            $crate::introspect::sql::rel_cte!()
        )
    };
}

/// `WITH ns, rel, part`: the namespaces, the relations and their partitions.
macro_rules! with_part {
    () => {
        concat!(
            $crate::introspect::sql::with_rel!(),
            ", ",
            $crate::introspect::sql::part_cte!()
        )
    };
}

/// `WITH ns, rel, part, tab`: as [`with_part`], and `tab`, the relations and partitions whose
/// own constraints, indexes and triggers are described.
macro_rules! with_tab {
    () => {
        concat!(
            $crate::introspect::sql::with_part!(),
            ", ",
            $crate::introspect::sql::tab_cte!()
        )
    };
}

pub(crate) use {ns_cte, part_cte, rel_cte, tab_cte, with_ns, with_part, with_rel, with_tab};

/// Server version, the resolved schema list, requested schemas that do not exist, extensions.
pub(crate) const META: &str = concat!(
    with_ns!(),
    "
SELECT pg_catalog.json_build_object(
  'server_version', pg_catalog.current_setting('server_version'),
  'schemas', (SELECT pg_catalog.json_agg(ns.nspname) FROM ns),
  'missing', (
    SELECT pg_catalog.json_agg(s.name)
    FROM pg_catalog.unnest($1::text[]) AS s(name)
    WHERE NOT EXISTS (SELECT FROM ns WHERE ns.nspname = s.name)),
  'extensions', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'name', e.extname, 'version', e.extversion, 'schema', n.nspname))
    FROM pg_catalog.pg_extension e
    JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace)
)::text"
);

/// Relations and the columns of all of them (partitions: `super::partitions`).
///
/// `{"relations": [{"oid", "schema", "name", "kind"}], "columns": {"relation": [..],
/// "attnum": [..], "name": [..], ...}}`: the columns come as one array per field, parallel, each
/// entry naming its relation by oid. Written for speed on large schemas (see
/// `bench/introspection.sh`, where 1,000 tables of 20 columns went from 186 to about 70 ms of
/// server time):
///
/// - the columns of every relation are read in one set-based pass with hash joins, not with a
///   subquery per relation (whose plan scanned `pg_type` once per table);
/// - one array per field costs one JSON type lookup per array; an object per column (with
///   `json_build_object` or `row_to_json`) costs one per field per column, and was most of the
///   time;
/// - defaults are printed with `pg_get_expr(adbin, 0)`: a default cannot reference a column, so
///   it needs no relation to be printed against, and naming the relation would make the server
///   open (and lock) every table, a relation-cache load each on a fresh connection.
pub(crate) const RELATIONS: &str = concat!(
    with_rel!(),
    ",
col AS (
  SELECT a.attrelid, a.attnum, a.attname,
    pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_display,
    COALESCE(et.typname, t.typname) AS type_name,
    COALESCE(etn.nspname, tn.nspname) AS type_schema,
    et.oid IS NOT NULL AS is_array,
    a.attnotnull,
    CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, 0, true) END AS def,
    a.attidentity,
    a.attgenerated
  FROM rel
  JOIN pg_catalog.pg_attribute a ON a.attrelid = rel.oid
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
  -- The element type of an array type (not of int2vector and the like, which are no one's typarray).
  LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND et.typarray = t.oid
  LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped
)
SELECT pg_catalog.json_build_object(
  'relations', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'oid', rel.oid::pg_catalog.int8,
      'schema', rel.nspname,
      'name', rel.relname,
      'kind', rel.relkind))
    FROM rel),
  -- One aggregate node feeds every array the same rows in the same order.
  'columns', (
    SELECT pg_catalog.json_build_object(
      'relation', pg_catalog.array_agg(col.attrelid::pg_catalog.int8),
      'attnum', pg_catalog.array_agg(col.attnum),
      'name', pg_catalog.array_agg(col.attname),
      'type', pg_catalog.array_agg(col.type_display),
      'type_name', pg_catalog.array_agg(col.type_name),
      'type_schema', pg_catalog.array_agg(col.type_schema),
      'array', pg_catalog.array_agg(col.is_array),
      'not_null', pg_catalog.array_agg(col.attnotnull),
      'default', pg_catalog.array_agg(col.def),
      'identity', pg_catalog.array_agg(col.attidentity),
      'generated', pg_catalog.array_agg(col.attgenerated))
    FROM col)
)::text"
);

/// Primary key, unique, foreign key and check constraints of the relations, and those declared
/// on partitions of their own (not copies of their parent's).
///
/// The constrained columns come as attnums (`conkey`), resolved against the relations' columns by
/// [`super::assemble`]. The referenced columns of a foreign key, whose table may be in a schema
/// not described, are looked up one key at a time through `pg_attribute`'s (attrelid, attnum)
/// index: a join there made the planner hash every column of the table once per constraint.
pub(crate) const CONSTRAINTS: &str = concat!(
    with_tab!(),
    "
SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
  'schema', tab.nspname,
  'table', tab.relname,
  'name', con.conname,
  'type', con.contype,
  'table_oid', tab.oid::pg_catalog.int8,
  'attnums', con.conkey,
  'ref_schema', fn.nspname,
  'ref_table', fc.relname,
  'ref_columns', CASE WHEN con.contype = 'f' THEN (
    SELECT pg_catalog.json_agg((
      SELECT a.attname FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = con.confrelid AND a.attnum = k.attnum) ORDER BY k.ord)
    FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)) END,
  'on_update', con.confupdtype,
  'on_delete', con.confdeltype,
  'match', con.confmatchtype,
  'deferrable', con.condeferrable,
  'deferred', con.condeferred,
  'validated', con.convalidated,
  'definition', CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END
))::text
FROM tab
JOIN pg_catalog.pg_constraint con ON con.conrelid = tab.oid
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c')
  -- A foreign key to a partitioned table gets one hidden copy per partition; a partition gets
  -- a copy of its parent's keys and foreign keys.
  AND con.conparentid = 0
  -- A partition's copies of its parent's checks.
  AND (con.conislocal OR NOT tab.partition)"
);

/// Indexes of the relations and those of partitions that are not attached to an index of their
/// parent, and the names of the operator classes that are
/// not their type's default: `{"indexes": [..], "opclasses": {"oid": "name", ..}}`.
///
/// Each index gives its keys and INCLUDE columns as the attnums, options and opclass oids of
/// `pg_index` (`attnums` holds the `key_count` keys, then the INCLUDE columns), resolved against
/// the relations' columns and the opclass names by [`super::assemble`]; only expression keys
/// (attnum 0) are printed here. Resolving each key in a subquery per index was about a third
/// of this query's time on 1,000 tables.
pub(crate) const INDEXES: &str = concat!(
    with_tab!(),
    "
SELECT pg_catalog.json_build_object(
  'indexes', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'schema', tab.nspname,
      'table', tab.relname,
      'table_oid', tab.oid::pg_catalog.int8,
      'name', ic.relname,
      'method', am.amname,
      'unique', x.indisunique,
      'primary', x.indisprimary,
      'attnums', x.indkey::pg_catalog.int2[],
      'key_count', x.indnkeyatts,
      'key_options', x.indoption::pg_catalog.int2[],
      'key_opclasses', x.indclass::pg_catalog.oid[]::pg_catalog.int8[],
      'expressions', CASE WHEN 0 = ANY (x.indkey::pg_catalog.int2[]) THEN (
        SELECT pg_catalog.json_agg(pg_catalog.pg_get_indexdef(x.indexrelid, k.i + 1, true) ORDER BY k.i)
        FROM pg_catalog.generate_series(0, x.indnkeyatts - 1) AS k(i)
        WHERE x.indkey[k.i] = 0) END,
      'partial', x.indpred IS NOT NULL,
      'predicate', pg_catalog.pg_get_expr(x.indpred, x.indrelid, true),
      'options', ic.reloptions))
    FROM tab
    JOIN pg_catalog.pg_index x ON x.indrelid = tab.oid
    JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
    JOIN pg_catalog.pg_am am ON am.oid = ic.relam
    -- A partition's index attached to its parent's.
    WHERE NOT (tab.partition AND EXISTS (
      SELECT FROM pg_catalog.pg_inherits i WHERE i.inhrelid = x.indexrelid))),
  'opclasses', (
    SELECT pg_catalog.json_object_agg(opc.oid::pg_catalog.int8, opc.opcname)
    FROM pg_catalog.pg_opclass opc
    WHERE NOT opc.opcdefault)
)::text"
);

/// Enums, domains and standalone composite types.
pub(crate) const TYPES: &str = concat!(
    with_ns!(),
    ",
typ AS (
  SELECT t.oid, t.typname, t.typtype, t.typrelid, t.typbasetype, t.typtypmod, t.typnotnull,
         t.typdefaultbin, ns.nspname
  FROM pg_catalog.pg_type t
  JOIN ns ON ns.oid = t.typnamespace
  LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
  WHERE (t.typtype IN ('e', 'd')
         -- Row types of tables and views are not composite types of their own.
         OR (t.typtype = 'c' AND c.relkind = 'c'))
    AND t.oid NOT IN (
      SELECT d.objid FROM pg_catalog.pg_depend d
      WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
        AND d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.deptype = 'e')
)
SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
  'schema', typ.nspname,
  'name', typ.typname,
  'kind', typ.typtype,
  'labels', (
    SELECT pg_catalog.json_agg(e.enumlabel ORDER BY e.enumsortorder)
    FROM pg_catalog.pg_enum e WHERE e.enumtypid = typ.oid),
  'base', CASE WHEN typ.typtype = 'd' THEN pg_catalog.json_build_object(
      'type', pg_catalog.format_type(typ.typbasetype, typ.typtypmod),
      'type_name', COALESCE(et.typname, bt.typname),
      'type_schema', COALESCE(etn.nspname, btn.nspname),
      'array', et.oid IS NOT NULL) END,
  'not_null', typ.typnotnull,
  'default', pg_catalog.pg_get_expr(typ.typdefaultbin, 0, true),
  'checks', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'name', con.conname, 'definition', pg_catalog.pg_get_constraintdef(con.oid, true)))
    FROM pg_catalog.pg_constraint con
    WHERE con.contypid = typ.oid AND con.contype = 'c'),
  'attributes', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'attnum', a.attnum,
      'name', a.attname,
      'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
      'type_name', COALESCE(aet.typname, at.typname),
      'type_schema', COALESCE(aetn.nspname, atn.nspname),
      'array', aet.oid IS NOT NULL))
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
    JOIN pg_catalog.pg_namespace atn ON atn.oid = at.typnamespace
    LEFT JOIN pg_catalog.pg_type aet ON aet.oid = at.typelem AND aet.typarray = at.oid
    LEFT JOIN pg_catalog.pg_namespace aetn ON aetn.oid = aet.typnamespace
    WHERE typ.typtype = 'c' AND a.attrelid = typ.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
))::text
FROM typ
LEFT JOIN pg_catalog.pg_type bt ON bt.oid = typ.typbasetype
LEFT JOIN pg_catalog.pg_namespace btn ON btn.oid = bt.typnamespace
LEFT JOIN pg_catalog.pg_type et ON et.oid = bt.typelem AND et.typarray = bt.oid
LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace"
);

/// Which known migration tables exist, resolved through the session's `search_path` like the
/// tools themselves do, and have the expected columns; and whether the current role may read
/// those columns. Returns `{"role": current_user, "tables": [{"name", "readable"}, ..]}`, the
/// tables in [`super::MIGRATION_TABLES`] order. Takes no parameter.
pub(crate) const MIGRATION_PROBE: &str = "SELECT pg_catalog.json_build_object(
  'role', CURRENT_USER,
  'tables', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
        'name', v.name,
        'readable', (
          SELECT pg_catalog.bool_and(pg_catalog.has_column_privilege(r.oid, c.name, 'SELECT'))
          FROM pg_catalog.unnest(v.cols) AS c(name)))
      ORDER BY v.priority)
    FROM (VALUES
      (1, '_sqlx_migrations', ARRAY['version', 'success']),
      (2, '__diesel_schema_migrations', ARRAY['version']),
      (3, 'refinery_schema_history', ARRAY['version']),
      (4, 'alembic_version', ARRAY['version_num']),
      (5, 'flyway_schema_history', ARRAY['installed_rank', 'version', 'success'])
    ) AS v(priority, name, cols)
    CROSS JOIN LATERAL (SELECT pg_catalog.to_regclass(pg_catalog.quote_ident(v.name)) AS oid) r
    WHERE r.oid IS NOT NULL
      AND (SELECT pg_catalog.count(*) FROM pg_catalog.pg_attribute a
           WHERE a.attrelid = r.oid AND a.attname = ANY (v.cols::name[]) AND NOT a.attisdropped)
          = pg_catalog.cardinality(v.cols))
)::text";

/// The relations of the namespaces that other sessions of this database hold
/// `ACCESS EXCLUSIVE` (the one lock mode that blocks the share lock printing an expression
/// takes), with the holder and how long its transaction has been open (NULL when the role may
/// not see it): `[{"schema", "name", "kind", "mode", "pid", "seconds"}, ..]` or NULL.
#[cfg(feature = "__driver")]
pub(crate) const LOCKS: &str = concat!(
    with_ns!(),
    "
SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
    'schema', ns.nspname,
    'name', c.relname,
    'kind', c.relkind,
    'mode', l.mode,
    'pid', l.pid,
    'seconds', pg_catalog.floor(EXTRACT(epoch FROM pg_catalog.clock_timestamp() - a.xact_start))::pg_catalog.int8)
  ORDER BY ns.nspname, c.relname, l.pid)::text
FROM pg_catalog.pg_locks l
JOIN pg_catalog.pg_class c ON c.oid = l.relation
JOIN ns ON ns.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation'
  AND l.granted
  AND l.mode = 'AccessExclusiveLock'
  AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
  AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()"
);
