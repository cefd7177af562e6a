-- The statement corpus of `statement_differential.rs`, against `schema.sql`: every construct the
-- statement engine reads, and statements PostgreSQL rejects. Each statement follows a `-- @`
-- line describing it; `-- @ reject ...` marks one the server must reject (the harness checks
-- the server does, so the corpus cannot rot).

-- @ plain select with a domain and an enum
SELECT id, name, entity_type, confidence FROM entities WHERE vault_id = $1 AND entity_type = 'CHARACTER' ORDER BY name
-- @ select star and qualified star
SELECT e.*, v.slug FROM entities e JOIN vaults v ON v.id = e.vault_id
-- @ star over a join with USING
SELECT * FROM entities JOIN vaults AS v (vault_id, vslug) USING (vault_id)
-- @ natural join
SELECT * FROM (SELECT id AS subject_id, name FROM entities) s NATURAL JOIN facts
-- @ left join makes the right side nullable
SELECT e.name, f.predicate, f.id FROM entities e LEFT JOIN facts f ON f.subject_id = e.id
-- @ right and full joins
SELECT e.name, f.predicate FROM entities e RIGHT JOIN facts f ON f.subject_id = e.id
-- @ full join with using
SELECT id, e.name FROM entities e FULL JOIN (SELECT id, predicate FROM facts) f USING (id)
-- @ nested join with alias
SELECT j.name, j.predicate FROM (entities e JOIN facts f ON f.subject_id = e.id) AS j
-- @ lateral subquery
SELECT v.slug, last.name FROM vaults v LEFT JOIN LATERAL (SELECT name FROM entities e WHERE e.vault_id = v.id ORDER BY e.id DESC LIMIT 1) last ON true
-- @ lateral function
SELECT e.id, a.alias FROM entities e, LATERAL unnest(e.aliases) AS a(alias)
-- @ unnest of a parameter with ordinality
SELECT x, n FROM unnest($1::int[]) WITH ORDINALITY AS t(x, n)
-- @ unnest of two arrays
SELECT * FROM unnest($1::text[], $2::bool[])
-- @ generate_series and jsonb_each in FROM
SELECT g, kv.key, kv.value FROM generate_series(1, 3) AS g, jsonb_each($1::jsonb) AS kv
-- @ values with column aliases
SELECT v.a, v.b FROM (VALUES (1, 'x'), (2, NULL)) AS v(a, b)
-- @ values on its own
VALUES (1, 'one'), (2, 'two')
-- @ cte
WITH recent AS (SELECT id, name FROM entities WHERE updated_at > now() - interval '1 day') SELECT r.name FROM recent r
-- @ cte with column list
WITH t(a, b) AS (SELECT id, name FROM entities) SELECT a, b FROM t
-- @ recursive cte
WITH RECURSIVE chain(id, depth) AS (SELECT id, 0 FROM entities WHERE id = $1 UNION ALL SELECT f.object_entity_id, c.depth + 1 FROM chain c JOIN facts f ON f.subject_id = c.id WHERE c.depth < 5) SELECT id, depth FROM chain
-- @ recursive counter
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n
-- @ data-modifying cte
WITH moved AS (DELETE FROM facts WHERE subject_id = $1 RETURNING id, predicate) SELECT count(*) FROM moved
-- @ correlated subquery
SELECT e.name, (SELECT count(*) FROM facts f WHERE f.subject_id = e.id) AS fact_count FROM entities e
-- @ exists and not exists
SELECT name FROM entities e WHERE EXISTS (SELECT 1 FROM facts f WHERE f.subject_id = e.id) AND NOT EXISTS (SELECT 1 FROM facts f WHERE f.object_entity_id = e.id)
-- @ in subquery
SELECT name FROM entities WHERE id IN (SELECT subject_id FROM facts WHERE predicate = $1)
-- @ scalar subquery named by its alias
SELECT (SELECT max(weight) AS heaviest FROM facts) , (SELECT name FROM entities LIMIT 1)
-- @ array subquery
SELECT ARRAY(SELECT name FROM entities ORDER BY name) AS names
-- @ order by output alias and position
SELECT name AS n, mention_count * 2 AS doubled FROM entities ORDER BY n, 2 DESC
-- @ group by output alias and position
SELECT date_trunc('day', at) AS bucket, count(*) FROM ledger GROUP BY bucket ORDER BY 1
-- @ group by an input column that is also an output name
SELECT name, count(*) FROM entities GROUP BY name
-- @ having and aggregates
SELECT vault_id, count(*), sum(mention_count), avg(mention_count), min(name), max(updated_at), bool_and(mention_count > 0) FROM entities GROUP BY vault_id HAVING count(*) > $1
-- @ sums of every numeric type
SELECT sum(id), sum(mention_count), sum(importance), sum(confidence), sum(weight), avg(weight), avg(importance) FROM entities, facts
-- @ string_agg, array_agg, json aggregates
SELECT string_agg(name, ', ' ORDER BY name), array_agg(DISTINCT entity_type), jsonb_agg(attributes), json_agg(name), jsonb_object_agg(name, mention_count) FROM entities
-- @ filter clause
SELECT count(*) FILTER (WHERE entity_type = 'ITEM') AS items FROM entities
-- @ window functions
SELECT name, row_number() OVER w, rank() OVER w, dense_rank() OVER w, ntile(4) OVER w, lag(name) OVER w, sum(mention_count) OVER (PARTITION BY vault_id), count(*) OVER () FROM entities WINDOW w AS (PARTITION BY vault_id ORDER BY mention_count DESC)
-- @ coalesce, nullif, greatest, least
SELECT coalesce(confidence, 0), nullif(mention_count, 0), greatest(mention_count, $1), least(importance, 1.5), coalesce(weight, confidence) FROM entities, facts
-- @ case with and without else
SELECT CASE WHEN mention_count > 10 THEN 'often' ELSE 'rarely' END, CASE entity_type WHEN 'ITEM' THEN 1 END FROM entities
-- @ case producing an enum
SELECT CASE WHEN mention_count > 0 THEN 'PRIMARY'::canonlayer ELSE 'DRAFT' END AS layer FROM entities
-- @ arithmetic promotion
SELECT mention_count + 1, mention_count * 1.5, mention_count / 2, id + mention_count, weight * 2, importance + 1, -mention_count, mention_count % 3, 2 ^ 10 FROM entities, facts
-- @ date and time arithmetic
SELECT now() - created_at, current_date - 1, current_date - day, day + 7, at + interval '1 hour', updated_at - interval '1 day', extract(epoch FROM at), date_part('year', at), at AT TIME ZONE 'UTC' FROM vaults, ledger, entities
-- @ concatenation
SELECT name || ' (' || entity_type || ')', 'n=' || mention_count, aliases || name, aliases || ARRAY['x'] FROM entities
-- @ jsonb operators
SELECT settings -> 'theme', settings ->> 'theme', settings #> '{a,b}', settings #>> '{a}', settings @> '{"a":1}', settings ? 'a', settings - 'a', settings || '{}'::jsonb FROM vaults
-- @ array operators and subscripts
SELECT aliases[1], aliases[1:2], aliases @> ARRAY['x'], aliases && $1::text[], array_length(aliases, 1), cardinality(aliases) FROM entities
-- @ any with a parameter
SELECT id FROM entities WHERE id = ANY($1) AND entity_type = ANY($2) AND name <> ALL($3)
-- @ any over a literal array of enum labels
SELECT id FROM entities WHERE entity_type = ANY('{CHARACTER,ITEM}')
-- @ in list with an enum and parameters
SELECT id FROM entities WHERE entity_type IN ('CHARACTER', 'LOCATION') AND name IN ($1, $2)
-- @ like, ilike, similar, regex
SELECT id FROM entities WHERE name LIKE $1 AND name ILIKE 'a%' AND name NOT SIMILAR TO '%x%' AND name ~ '^A' AND $2 LIKE name
-- @ between and is distinct from
SELECT id FROM entities WHERE mention_count BETWEEN $1 AND $2 AND confidence IS DISTINCT FROM $3
-- @ boolean logic and null tests
SELECT (mention_count > 0 AND confidence IS NOT NULL) OR NOT (name = 'x') AS flag, confidence IS NULL FROM entities
-- @ casts of every kind
SELECT $1::int, CAST($2 AS varchar(10)), 'PRIMARY'::canonlayer, '{ALTERNATE}'::canonlayer[], mention_count::text, '2024-01-01'::date, $3::public.entitytype, DATE '2024-01-02', '1 day'::interval, 1::numeric(10, 2)
-- @ string functions
SELECT lower(name), upper(name), length(name), substring(name FROM 1 FOR 3), trim(name), position('a' IN name), replace(name, 'a', 'b'), left(name, 2), concat(name, 1, true), format('%s', name), md5(name), split_part(name, ' ', 1) FROM entities
-- @ date functions
SELECT date_trunc('month', created_at), to_char(created_at, 'YYYY'), age(created_at), make_interval(days => $1), to_timestamp(0), current_timestamp, localtimestamp, now() FROM vaults
-- @ json builders
SELECT jsonb_build_object('id', id, 'name', name), to_jsonb(name), json_build_array(1, 2), row_to_json(row(id, name)) FROM entities
-- @ citext compares with unknown and text
SELECT id FROM vaults WHERE slug = $1 OR slug = 'Main'
-- @ schema-qualified table
SELECT id, action, at FROM audit.log WHERE entity = $1
-- @ partitioned table
SELECT seq, happened, kind FROM events WHERE vault_id = $1 AND happened > $2
-- @ view and materialized view
SELECT n.name, c.n FROM entity_names n JOIN fact_counts c ON c.subject_id = n.id
-- @ composite field and domain over text
SELECT (amount).cents, (amount).currency, tag FROM ledger, facts
-- @ system columns and catalogs
SELECT ctid, xmin, tableoid FROM entities
-- @ pg_catalog
SELECT c.relname, n.nspname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1
-- @ information_schema
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1
-- @ sequence from a serial default
SELECT last_value, is_called FROM facts_id_seq
-- @ union of enum and literal, nulls and text
SELECT entity_type FROM entities UNION SELECT 'ITEM' UNION ALL SELECT NULL
-- @ union resolves types
SELECT mention_count FROM entities UNION SELECT id FROM entities ORDER BY 1
-- @ intersect and except
SELECT name FROM entities INTERSECT SELECT predicate FROM facts EXCEPT SELECT 'x'
-- @ distinct on
SELECT DISTINCT ON (vault_id) vault_id, name FROM entities ORDER BY vault_id, mention_count DESC
-- @ limit, offset, fetch and locks
SELECT id FROM entities ORDER BY id LIMIT $1 OFFSET $2 FOR UPDATE SKIP LOCKED
-- @ row locks sqlparser does not read, and BETWEEN SYMMETRIC
SELECT id FROM entities WHERE mention_count BETWEEN SYMMETRIC $1 AND $2 FOR NO KEY UPDATE SKIP LOCKED
-- @ key share lock
SELECT id FROM entities FOR KEY SHARE
-- @ TABLE
TABLE audit.log
-- @ grouping sets
SELECT vault_id, entity_type, count(*) FROM entities GROUP BY ROLLUP (vault_id, entity_type)
-- @ current user and session functions
SELECT current_user, session_user, current_schema, version()
-- @ insert values with returning
INSERT INTO entities (vault_id, name, entity_type, canon_layer) VALUES ($1, $2, 'CHARACTER', $3) RETURNING id, name_lower, mention_count
-- @ insert several rows with default
INSERT INTO facts (subject_id, predicate, canon_layer, tag) VALUES ($1, 'knows', DEFAULT, 'x'), ($2, 'likes', 'DRAFT', 'y')
-- @ insert select
INSERT INTO facts (subject_id, predicate, tag) SELECT id, 'mentions', 'auto' FROM entities WHERE vault_id = $1
-- @ insert select with parameters typed by the target
INSERT INTO audit.log (entity, action) SELECT $1, $2
-- @ insert overriding system value
INSERT INTO entities (id, vault_id, name, entity_type) OVERRIDING SYSTEM VALUE VALUES (1, $1, 'n', 'ITEM')
-- @ insert into identity by default
INSERT INTO ledger (id, vault_id, day) VALUES ($1, $2, current_date) RETURNING at
-- @ on conflict on a unique constraint, do update with excluded
INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, $3) ON CONFLICT (vault_id, name, entity_type) DO UPDATE SET mention_count = entities.mention_count + 1, updated_at = now() RETURNING id
-- @ on conflict on the primary key, do nothing
INSERT INTO vaults (id, slug, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING
-- @ on conflict on a partial unique index with its predicate
INSERT INTO facts (subject_id, predicate, tag) VALUES ($1, $2, 't') ON CONFLICT (subject_id, predicate) WHERE canon_layer = 'PRIMARY' DO UPDATE SET weight = excluded.weight
-- @ on conflict on constraint
INSERT INTO entities AS e (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') ON CONFLICT ON CONSTRAINT entities_vault_id_name_entity_type_key DO UPDATE SET canon_layer = 'ALTERNATE' WHERE e.canon_layer <> 'RETCONNED'
-- @ on conflict on a unique index of expressions
INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') ON CONFLICT (vault_id, lower(name)) DO UPDATE SET mention_count = entities.mention_count + 1
-- @ on conflict without target
INSERT INTO vaults (slug, name) VALUES ($1, $2) ON CONFLICT DO NOTHING
-- @ update with from and returning
UPDATE entities e SET mention_count = mention_count + 1, canon_layer = $2 FROM vaults v WHERE v.id = e.vault_id AND v.slug = $1 RETURNING e.id, v.slug
-- @ update set tuple and default
UPDATE entities SET (name, confidence) = ($1, DEFAULT), attributes = NULL WHERE id = $2
-- @ update with a correlated subquery
UPDATE entities SET mention_count = (SELECT count(*) FROM facts WHERE facts.subject_id = entities.id)
-- @ delete using
DELETE FROM facts f USING entities e WHERE f.subject_id = e.id AND e.vault_id = $1 RETURNING f.id, e.name
-- @ delete returning star
DELETE FROM audit.log WHERE at < $1 RETURNING *
-- @ truncate and lock
TRUNCATE audit.log
-- @ utility the parser cannot read: alter sequence
ALTER SEQUENCE facts_id_seq RESTART WITH 1
-- @ pgvector-free custom operator spelling: text starts with
SELECT id FROM entities WHERE name ^@ 'A'

-- @ reject unknown table
SELECT id FROM entitys
-- @ reject table in another schema
SELECT id FROM log
-- @ reject unknown schema
SELECT id FROM audits.log
-- @ reject unknown column with a suggestion
SELECT id, type FROM entities
-- @ reject unknown qualified column
SELECT e.nam FROM entities e
-- @ reject ambiguous column
SELECT id FROM entities JOIN facts ON facts.subject_id = entities.id
-- @ reject table hidden by its alias
SELECT entities.name FROM entities e
-- @ reject missing from entry
SELECT f.predicate FROM entities e
-- @ reject sibling seen by a non-lateral subquery
SELECT * FROM entities e, (SELECT * FROM facts WHERE subject_id = e.id) s
-- @ reject duplicate alias
SELECT 1 FROM entities e JOIN facts e ON true
-- @ reject enum label in a comparison
SELECT id FROM entities WHERE entity_type = 'CHARACTR'
-- @ reject enum label in an insert
INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, 'x', 'PERSON')
-- @ reject enum label in an update
UPDATE entities SET canon_layer = 'RETCONED' WHERE id = $1
-- @ reject enum label in a cast
SELECT 'RETCONED'::canonlayer
-- @ reject enum label in an in list
SELECT id FROM entities WHERE entity_type IN ('ITEM', 'THING')
-- @ reject enum label in an array literal
SELECT id FROM entities WHERE entity_type = ANY('{ITEM,THING}')
-- @ reject unknown type in a cast
SELECT $1::entity_kind
-- @ reject insert listing an unknown column
INSERT INTO facts (subject_id, predicat, tag) VALUES ($1, 'x', 'y')
-- @ reject insert with more values than columns
INSERT INTO facts (subject_id, predicate) VALUES ($1, 'x', 'y')
-- @ reject insert with fewer values than columns
INSERT INTO facts (subject_id, predicate, tag) VALUES ($1, 'x')
-- @ reject insert writing a generated column
INSERT INTO entities (vault_id, name, entity_type, name_lower) VALUES ($1, 'x', 'ITEM', 'x')
-- @ reject insert writing an always identity
INSERT INTO entities (id, vault_id, name, entity_type) VALUES (1, $1, 'x', 'ITEM')
-- @ reject update of an always identity
UPDATE entities SET id = 5 WHERE id = 1
-- @ reject insert listing a column twice
INSERT INTO facts (subject_id, predicate, predicate, tag) VALUES ($1, 'a', 'b', 'c')
-- @ reject update of an unknown column
UPDATE entities SET mention_cuont = 0
-- @ reject on conflict matching no unique key
INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') ON CONFLICT (name) DO NOTHING
-- @ reject on conflict on a partial index without its predicate
INSERT INTO facts (subject_id, predicate, tag) VALUES ($1, $2, 't') ON CONFLICT (subject_id, predicate) DO NOTHING
-- @ reject on conflict on an unknown constraint
INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') ON CONFLICT ON CONSTRAINT entities_name_key DO NOTHING
-- @ reject on conflict on expressions no unique index has
INSERT INTO facts (subject_id, predicate, tag) VALUES ($1, 'x', 'y') ON CONFLICT ((lower(predicate))) DO NOTHING
-- @ reject do update without a conflict target
INSERT INTO vaults (slug, name) VALUES ($1, $2) ON CONFLICT DO UPDATE SET name = excluded.name
-- @ reject excluded column that does not exist
INSERT INTO vaults (id, slug, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = excluded.title
-- @ reject parameter gap
SELECT id FROM entities WHERE id = $2
-- @ reject parameter used as two types
SELECT id FROM entities WHERE id = $1 AND name = $1
-- @ reject union of different widths
SELECT id, name FROM entities UNION SELECT id FROM facts
-- @ reject union of unmatched types
SELECT id FROM entities UNION SELECT name FROM entities
-- @ reject subquery with two columns
SELECT (SELECT id, name FROM entities LIMIT 1)
-- @ reject order by position past the select list
SELECT id FROM entities ORDER BY 2
-- @ reject order by an expression over a union
SELECT id FROM entities UNION SELECT id FROM facts ORDER BY id + 1
-- @ reject values rows of different lengths
VALUES (1, 2), (3)
-- @ reject insert into a materialized view
INSERT INTO fact_counts (subject_id, n) VALUES (1, 2)
-- @ reject insert of a value of the wrong type
INSERT INTO ledger (vault_id, day) VALUES ($1, true)
-- @ reject column alias list too long
SELECT * FROM entities AS e (a, b, c, d, e, f, g, h, i, j, k, l, m, n)
-- @ reject using column that is not on both sides
SELECT * FROM entities JOIN facts USING (name)
-- @ reject syntax error
SELECT id FROM entities WHERE
-- @ reject group by an input column before an output alias of the same name (GROUP BY completeness: not checked by the engine)
SELECT vault_id AS name, count(*) FROM entities GROUP BY name
-- @ reject insert leaving out a not null column without default
INSERT INTO facts (subject_id, tag) VALUES ($1, 'x')
