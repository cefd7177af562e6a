//! Type inference, rule by rule: result columns (names and types) and parameters.

use super::{analyze, columns, each, ok, params};

#[test]
fn column_references_and_domains() {
    let a = ok("SELECT e.id, name, entity_type, aliases, confidence, tag FROM entities e, facts");
    assert_eq!(
        columns(&a),
        [
            "id:int8",
            "name:text",
            "entity_type:entitytype",
            "aliases:text[]",
            "confidence:float4",
            "tag:text"
        ]
    );
    // A domain decodes as its base type; the domain is kept for messages.
    let conf = a.columns[4].ty.as_ref().unwrap();
    assert_eq!(conf.domain, Some(("public".into(), "score".into())));
    assert_eq!(conf.display, "score");
    assert!(a.columns[2].ty.as_ref().unwrap().decoded.is_enum);
    assert_eq!(a.columns[0].origin.as_ref().unwrap().column, "id");
}

#[test]
fn literals_take_postgresql_types() {
    let a = ok("SELECT 1, 3000000000, 99999999999999999999, 1.5, 'text', NULL, true, E'x', $$y$$");
    assert_eq!(
        columns(&a),
        [
            "?column?:int4",
            "?column?:int8",
            "?column?:numeric",
            "?column?:numeric",
            "?column?:text",
            "?column?:text",
            "?column?:bool",
            "?column?:text",
            "?column?:text"
        ]
    );
}

#[test]
fn parameters_take_the_type_of_their_context() {
    let a = ok("SELECT 1 FROM facts WHERE predicate = $1 AND subject_id = $2 AND note = $3");
    // varchar has no `=` of its own: PostgreSQL picks `text = text`.
    assert_eq!(params(&a), ["text", "int8", "bpchar"]);
    let a = ok("INSERT INTO facts (subject_id, predicate, tag) VALUES ($1, $2, $3)");
    assert_eq!(params(&a), ["int8", "varchar", "text"]);
    assert_eq!(
        a.params[2].ty.as_ref().unwrap().domain,
        Some(("public".into(), "label".into()))
    );
    let a = ok(
        "SELECT 1 FROM entities WHERE id = ANY($1) AND entity_type = ANY($2) AND name LIKE $3 LIMIT $4 OFFSET $5",
    );
    assert_eq!(
        params(&a),
        ["int8[]", "entitytype[]", "text", "int8", "int8"]
    );
    each(
        params,
        &[
            (
                "SELECT 1 FROM facts WHERE predicate IN ($1, $2)",
                &["varchar", "varchar"],
            ),
            (
                "SELECT $1::int, CAST($2 AS varchar(10)), $3",
                &["int4", "varchar", "text"],
            ),
            (
                "INSERT INTO audit.log (entity, action) SELECT $1, $2",
                &["int8", "text"],
            ),
            (
                "SELECT make_interval(days => $1), greatest(mention_count, $2) FROM entities",
                &["int4", "int4"],
            ),
            (
                "UPDATE entities SET canon_layer = $1 WHERE id = $2",
                &["canonlayer", "int8"],
            ),
        ],
    );
}

#[test]
fn aggregates() {
    let a = ok(
        "SELECT count(*), count(name), sum(mention_count), sum(e.id), sum(importance), sum(confidence), \
         avg(mention_count), avg(weight), min(name), max(updated_at), max(predicate), bool_and(true), \
         array_agg(name), string_agg(name, ','), json_agg(name), jsonb_agg(attributes) FROM entities e, facts",
    );
    assert_eq!(
        columns(&a),
        [
            "count:int8",
            "count:int8",
            "sum:int8",
            "sum:numeric",
            "sum:numeric",
            "sum:float4",
            "avg:numeric",
            "avg:float8",
            "min:text",
            "max:timestamp",
            "max:text",
            "bool_and:bool",
            "array_agg:text[]",
            "string_agg:text",
            "json_agg:json",
            "jsonb_agg:jsonb"
        ]
    );
}

#[test]
fn window_functions() {
    let a = ok(
        "SELECT row_number() OVER w, rank() OVER w, ntile(2) OVER w, percent_rank() OVER w, \
         lag(name) OVER w, sum(mention_count) OVER w FROM entities WINDOW w AS (ORDER BY id)",
    );
    assert_eq!(
        columns(&a),
        [
            "row_number:int8",
            "rank:int8",
            "ntile:int4",
            "percent_rank:float8",
            "lag:text",
            "sum:int8"
        ]
    );
}

#[test]
fn arithmetic_and_concatenation_by_operator_resolution() {
    let a = ok(
        "SELECT mention_count + 1, mention_count * 1.5, e.id + mention_count, weight * 2, \
         importance + 1, -mention_count, 2 ^ 10, name || ' ' || entity_type, 'n=' || mention_count, \
         aliases || name FROM entities e, facts",
    );
    assert_eq!(
        columns(&a),
        [
            "?column?:int4",
            "?column?:numeric",
            "?column?:int8",
            "?column?:float8",
            "?column?:numeric",
            "?column?:int4",
            "?column?:float8",
            "?column?:text",
            "?column?:text",
            "?column?:text[]"
        ]
    );
}

#[test]
fn date_and_time_arithmetic() {
    let a = ok(
        "SELECT now() - created_at, current_date - 1, current_date - day, at + interval '1 hour', \
         updated_at - interval '1 day', current_date - interval '1 day', extract(epoch FROM at), \
         date_trunc('month', created_at), to_char(created_at, 'YYYY'), now() FROM vaults, ledger, entities",
    );
    assert_eq!(
        columns(&a),
        [
            "?column?:interval",
            "?column?:date",
            "?column?:int4",
            "?column?:timestamptz",
            "?column?:timestamp",
            "?column?:timestamp",
            "extract:numeric",
            "date_trunc:timestamptz",
            "to_char:text",
            "now:timestamptz"
        ]
    );
}

#[test]
fn json_and_array_operators() {
    let a = ok(
        "SELECT settings -> 'a', settings ->> 'a', settings #> '{a}', settings @> '{}', settings ? 'a' FROM vaults",
    );
    assert_eq!(
        columns(&a),
        [
            "?column?:jsonb",
            "?column?:text",
            "?column?:jsonb",
            "?column?:bool",
            "?column?:bool"
        ]
    );
    let a = ok(
        "SELECT aliases[1], aliases[1:2], aliases @> ARRAY['x'], array_length(aliases, 1) FROM entities",
    );
    assert_eq!(
        columns(&a),
        [
            "aliases:text",
            "aliases:text[]",
            "?column?:bool",
            "array_length:int4"
        ]
    );
}

#[test]
fn special_forms() {
    let a = ok(
        "SELECT coalesce(confidence, 0), nullif(mention_count, 0), greatest(mention_count, 2), \
         CASE WHEN true THEN 'a' ELSE 'b' END, CASE WHEN true THEN name END AS n, \
         EXISTS (SELECT 1), ARRAY[1, 2], ARRAY(SELECT name FROM entities), row(1, 2), \
         (SELECT max(weight) FROM facts), mention_count BETWEEN 1 AND 2, name IN ('a') FROM entities",
    );
    assert_eq!(
        columns(&a),
        [
            "coalesce:float4",
            "nullif:int4",
            "greatest:int4",
            "case:text",
            "n:text",
            "exists:bool",
            "array:int4[]",
            "array:text[]",
            "row:record",
            "max:float8",
            "?column?:bool",
            "?column?:bool"
        ]
    );
}

#[test]
fn casts_and_names() {
    let a = ok(
        "SELECT mention_count::text, 'PRIMARY'::canonlayer, '{A}'::text[], $1::int, CAST(1 AS bigint) AS big FROM entities",
    );
    assert_eq!(
        columns(&a),
        [
            "mention_count:text",
            "canonlayer:canonlayer",
            "text:text[]",
            "int4:int4",
            "big:int8"
        ]
    );
}

#[test]
fn set_operations_values_and_ctes() {
    each(
        columns,
        &[
            (
                "SELECT mention_count FROM entities UNION SELECT id FROM entities",
                &["mention_count:int8"],
            ),
            (
                "SELECT entity_type FROM entities UNION SELECT 'ITEM' UNION ALL SELECT NULL",
                &["entity_type:entitytype"],
            ),
            (
                "VALUES (1, 'one'), (2.5, NULL)",
                &["column1:numeric", "column2:text"],
            ),
            (
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n",
                &["i:int4"],
            ),
            (
                "WITH t(a, b) AS (SELECT id, name FROM entities) SELECT * FROM t",
                &["a:int8", "b:text"],
            ),
        ],
    );
}

#[test]
fn from_items_of_every_kind() {
    each(
        columns,
        &[
            (
                "SELECT x, n FROM unnest($1::int[]) WITH ORDINALITY AS t(x, n)",
                &["x:int4", "n:int8"],
            ),
            (
                "SELECT g, kv.key, kv.value FROM generate_series(1, 3) AS g, jsonb_each($1::jsonb) AS kv",
                &["g:int4", "key:text", "value:jsonb"],
            ),
            (
                "SELECT * FROM unnest($1::text[], $2::bool[])",
                &["unnest:text", "unnest:bool"],
            ),
            (
                "SELECT v.a, v.b FROM (VALUES (1, 'x')) AS v(a, b)",
                &["a:int4", "b:text"],
            ),
            (
                "SELECT last_value, is_called FROM facts_id_seq",
                &["last_value:int8", "is_called:bool"],
            ),
            (
                "SELECT c.relname, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace",
                &["relname:name", "nspname:name"],
            ),
            ("SELECT ctid, xmin FROM entities", &["ctid:tid", "xmin:xid"]),
        ],
    );
}

#[test]
fn extension_types_and_operators() {
    let a = ok("SELECT slug, slug = 'Main', lower(slug) FROM vaults WHERE slug = $1");
    assert_eq!(columns(&a), ["slug:citext", "?column?:bool", "lower:text"]);
    assert_eq!(params(&a), ["citext"]);
    assert_eq!(a.columns[0].ty.as_ref().unwrap().decoded.schema, "public");
}

#[test]
fn what_is_not_typed_is_not_judged() {
    // A function the snapshot does not know (user-defined): untyped, no finding.
    let a = ok("SELECT my_function(name), my_function($1) FROM entities");
    assert_eq!(columns(&a), ["my_function:?", "my_function:?"]);
    assert_eq!(params(&a), ["?"]);
    // An unknown relation is one finding; its columns are not judged.
    let a = analyze("SELECT x.a, x.b FROM nowhere x");
    assert_eq!(a.findings.len(), 1);
    assert!(!a.columns_known || a.columns.iter().all(|c| c.ty.is_none()));
}

#[test]
fn returning_and_references() {
    let a = ok(
        "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') RETURNING id, name_lower, mention_count",
    );
    assert_eq!(
        columns(&a),
        ["id:int8", "name_lower:text", "mention_count:int4"]
    );
    let a = ok("DELETE FROM audit.log WHERE at < $1 RETURNING *");
    assert_eq!(
        columns(&a),
        ["id:int8", "entity:int8", "action:text", "at:timestamptz"]
    );
    let refs: Vec<String> = a
        .references
        .iter()
        .map(|r| format!("{}.{}.{}", r.schema, r.table, r.column))
        .collect();
    assert_eq!(refs, ["audit.log.at"]);
}
