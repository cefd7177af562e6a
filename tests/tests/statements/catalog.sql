-- PostgreSQL's catalog as the statement engine reads it (`runtime/src/statement/catalog/pg.txt`):
-- one line per type (T), cast (C), operator (O), function (F) and system relation (R) of
-- pg_catalog when $1 is NULL, else of extension $1. Types are named by typname, arrays as
-- `elem[]`; pseudo-types a query cannot pass (internal, cstring, ...) and composites are left
-- out, with everything that takes or returns them. Run by `statement_catalog.rs`.
with member as (
  select d.classid, d.objid from pg_depend d join pg_extension e on e.oid = d.refobjid
  where d.refclassid = 'pg_extension'::regclass and d.deptype = 'e' and e.extname = $1
),
tn as (
  select t.oid, case when t.typcategory = 'A' and t.typelem <> 0 and t.typlen = -1
                     then e.typname || '[]' else t.typname end as n
  from pg_type t left join pg_type e on e.oid = t.typelem
),
bad0 as (
  select oid, typarray from pg_type where typname in ('internal', 'cstring', 'trigger', 'event_trigger',
    'language_handler', 'fdw_handler', 'index_am_handler', 'table_am_handler', 'tsm_handler',
    'opaque', 'pg_ddl_command')
  or typtype = 'c'
),
bad as (select oid from bad0 union select typarray from bad0 where typarray <> 0),
ty as (
  select t.* from pg_type t
  where t.typtype in ('b', 'p', 'r', 'm') and not (t.typcategory = 'A' and t.typelem <> 0 and t.typlen = -1)
    and t.oid not in (select oid from bad)
    and case when $1 is null then t.typnamespace = 'pg_catalog'::regnamespace
             else t.oid in (select objid from member where classid = 'pg_type'::regclass) end
),
pr as (
  select p.* from pg_proc p
  where p.prokind in ('f', 'a', 'w') and p.prorettype not in (select oid from bad)
    and not (coalesce(p.proallargtypes, p.proargtypes::oid[]) && array(select oid from bad))
    and case when $1 is null then p.pronamespace = 'pg_catalog'::regnamespace
             else p.oid in (select objid from member where classid = 'pg_proc'::regclass) end
),
op as (
  select o.* from pg_operator o
  where case when $1 is null then o.oprnamespace = 'pg_catalog'::regnamespace
             else o.oid in (select objid from member where classid = 'pg_operator'::regclass) end
),
ca as (
  select c.* from pg_cast c
  where case when $1 is null then c.oid < 16384
             else c.oid in (select objid from member where classid = 'pg_cast'::regclass) end
)
select line from (
  select 1 as k, t.typname::text as s,
    concat_ws(' ', 'T', t.typname, t.typcategory, case when t.typispreferred then 'p' else '-' end,
      t.typtype, case when t.typarray <> 0 then 'a' else '-' end, replace(format_type(t.oid, null), ' ', '_')) as line
  from ty t
  union all
  select 2, s.n || ' ' || t.n, concat_ws(' ', 'C', s.n, t.n, c.castcontext, c.castmethod)
  from ca c join tn s on s.oid = c.castsource join tn t on t.oid = c.casttarget
  union all
  select 3, o.oprname, concat_ws(' ', 'O', o.oprname, coalesce(l.n, '-'), r.n, res.n)
  from op o left join tn l on l.oid = o.oprleft join tn r on r.oid = o.oprright join tn res on res.oid = o.oprresult
  union all
  select 4, p.proname,
    concat_ws(' ', 'F', p.proname, p.prokind::text || case when p.proisstrict then 's' else '' end || case when p.proretset then '*' else '' end,
      coalesce((select string_agg(a.n, ',' order by i) from unnest(p.proargtypes::oid[]) with ordinality x(o, i) join tn a on a.oid = x.o), '-'),
      r.n,
      case when p.provariadic <> 0 then 'v' end,
      case when p.pronargdefaults > 0 then 'd' || p.pronargdefaults end,
      case when p.proargnames is not null and (p.pronargdefaults > 0 or p.proretset) then 'n' || array_to_string(p.proargnames[1:p.pronargs], ',', '') end,
      case when p.proretset and p.proallargtypes is not null then 'o' || (
        select string_agg(p.proargnames[i] || ':' || a.n, ',' order by i)
        from unnest(p.proallargtypes, p.proargmodes) with ordinality x(o, m, i) join tn a on a.oid = x.o
        where m in ('o', 't')) end)
  from pr p join tn r on r.oid = p.prorettype
  union all
  select 5, n.nspname || '.' || c.relname,
    concat_ws(' ', 'R', n.nspname || '.' || c.relname, c.relkind,
      (select string_agg(a.attname || ':' || bt.n || case when a.attnotnull then '!' else '' end, ',' order by a.attnum)
       from pg_attribute a join tn bt on bt.oid = (with recursive b(o) as (select a.atttypid union all select typbasetype from pg_type, b where oid = b.o and typtype = 'd') select o from b join pg_type x on x.oid = b.o where x.typtype <> 'd')
       where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and bt.oid not in (select oid from bad)))
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where $1 is null and c.relkind in ('r', 'v') and n.nspname in ('pg_catalog', 'information_schema')
) x order by k, s, line
