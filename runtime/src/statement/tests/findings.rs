//! One test per class of finding: what is reported, where, and how it reads.

use super::{analyze, at, ok, one, reads, saying, starting};
use crate::statement::{FindingKind as K, Stage};

#[test]
fn syntax_errors_say_a_literal_skips_the_check() {
    let sql = "SELECT id FROM entities WHERE";
    let f = starting(sql, K::Syntax, "cannot parse the statement: ");
    assert!(
        f.help.as_deref().unwrap().contains("plain string literal"),
        "{f:?}"
    );
    saying("SELECT 1; SELECT 2", K::Syntax, "several");
}

#[test]
fn unknown_relations_suggest_a_name_or_the_schema_that_has_it() {
    check! {
        "SELECT id FROM entitys" => UnknownRelation @ "entitys" = "relation `entitys` does not exist; did you mean `entities`?";
        "SELECT id FROM log" => UnknownRelation = "relation `log` is not on the search path; it is in schema `audit`: write `audit.log`";
        "SELECT id FROM audits.log" => UnknownSchema = "schema `audits` does not exist; did you mean `audit`?";
        ok "SELECT id FROM audit.log";
    }
}

#[test]
fn unknown_columns_suggest_renames_and_typos() {
    check! {
        "SELECT id, type FROM entities" => UnknownColumn @ "type" = "column `type` does not exist; did you mean `entity_type`?";
        "SELECT e.nam FROM entities e" => UnknownColumn @ "e.nam" = "`e` has no column `nam`; did you mean `name`?";
        "UPDATE entities SET mention_cuont = 0" => UnknownColumn = "`entities` has no column `mention_cuont`; did you mean `mention_count`?";
        "INSERT INTO vaults (id, slug, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = excluded.title" => UnknownColumn ^ "`excluded` has no column `title`";
    }
}

#[test]
fn ambiguous_columns_name_each_table() {
    let sql = "SELECT id FROM entities JOIN facts ON facts.subject_id = entities.id";
    reads(
        sql,
        K::AmbiguousColumn,
        "column reference `id` is ambiguous: it could be `entities.id` or `facts.id`; qualify it",
    );
    // USING merges the column: no ambiguity.
    ok("SELECT vault_id FROM entities JOIN ledger USING (vault_id)");
}

#[test]
fn references_that_are_not_visible() {
    check! {
        "SELECT entities.name FROM entities e" => InvalidReference = "`entities` is named `e` in this query; write `e.name`";
        "SELECT f.predicate FROM entities e" => InvalidReference ^ "`f` is not in the FROM clause";
        "SELECT * FROM entities e, (SELECT * FROM facts WHERE subject_id = e.id) s" => InvalidReference ~ "LATERAL";
        ok "SELECT * FROM entities e, LATERAL (SELECT * FROM facts WHERE subject_id = e.id) s";
        "SELECT 1 FROM entities e JOIN facts e ON true" => DuplicateAlias ~ "`e` is used twice";
    }
}

#[test]
fn casts_name_types_that_exist() {
    check! {
        "SELECT $1::entitytyp" => UnknownType @ "entitytyp" = "type `entitytyp` does not exist; did you mean `entitytype`?";
        "SELECT $1::entity_kind" => UnknownType = "type `entity_kind` does not exist";
        ok "SELECT $1::entitytype, $2::public.canonlayer[], $3::score, $4::money_amount, $5::citext";
    }
}

#[test]
fn enum_labels_in_every_position() {
    let cases = [
        "SELECT id FROM entities WHERE entity_type = 'CHARACTR'",
        "SELECT id FROM entities WHERE 'CHARACTR' <> entity_type",
        "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, 'x', 'CHARACTR')",
        "UPDATE entities SET entity_type = 'CHARACTR'",
        "SELECT 'CHARACTR'::entitytype",
        "SELECT id FROM entities WHERE entity_type IN ('ITEM', 'CHARACTR')",
        "SELECT id FROM entities WHERE entity_type = ANY('{ITEM,CHARACTR}')",
        "SELECT CASE WHEN true THEN 'ITEM'::entitytype ELSE 'CHARACTR' END",
        "SELECT coalesce(entity_type, 'CHARACTR') FROM entities",
        "SELECT CASE entity_type WHEN 'CHARACTR' THEN 1 END FROM entities",
    ];
    for sql in cases {
        let f = one(sql, K::EnumLabel);
        assert!(at(sql, &f).contains("CHARACTR"), "{sql}: {f:?}");
        assert_eq!(
            f.message, "`CHARACTR` is not a label of enum `entitytype`; did you mean `CHARACTER`?",
            "{sql}"
        );
    }
    check! {
        "UPDATE entities SET canon_layer = 'nope'" => EnumLabel = "`nope` is not a label of enum `canonlayer`; its labels are `PRIMARY`, `ALTERNATE`, `DRAFT` or `RETCONNED`";
        ok "SELECT id FROM entities WHERE entity_type = 'ITEM' AND canon_layer <> 'RETCONNED'";
    }
}

#[test]
fn literals_of_simple_types_must_parse() {
    check! {
        "SELECT id FROM entities WHERE mention_count = 'many'" => InvalidLiteral = "`many` is not a valid `integer` value";
        "SELECT id FROM vaults WHERE id = 'not-a-uuid'" => InvalidLiteral;
        ok "SELECT id FROM vaults WHERE id = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'";
        ok "SELECT id FROM entities WHERE mention_count = '42' AND importance > '1.5'";
    }
}

#[test]
fn lists_of_the_wrong_length() {
    for (sql, text) in [
        (
            "INSERT INTO facts (subject_id, predicate) VALUES ($1, 'x', 'y')",
            "3 values for 2 columns",
        ),
        (
            "INSERT INTO facts (subject_id, predicate, tag) VALUES ($1, 'x')",
            "lists 3 columns but gives 2",
        ),
        ("VALUES (1, 2), (3)", "must all have 2 values"),
        (
            "SELECT id, name FROM entities UNION SELECT id FROM facts",
            "as many columns: 2 and 1",
        ),
        (
            "SELECT * FROM ledger AS l (a, b, c, d, e, f, g)",
            "has 6 columns but the alias names 7",
        ),
    ] {
        let f = one(sql, K::Arity);
        assert!(f.message.contains(text), "{sql}: {f:?}");
    }
}

#[test]
fn insert_and_update_targets() {
    let sql = "INSERT INTO facts (subject_id, predicat, tag) VALUES ($1, 'x', 'y')";
    reads(
        sql,
        K::UnknownColumn,
        "`facts` has no column `predicat`; did you mean `predicate`?",
    );
    let sql =
        "INSERT INTO facts (subject_id, predicate, predicate, tag) VALUES ($1, 'a', 'b', 'c')";
    reads(
        sql,
        K::DuplicateColumn,
        "column `predicate` is listed twice",
    );
    let sql = "UPDATE entities SET name = 'a', name = 'b'";
    reads(sql, K::DuplicateColumn, "column `name` is assigned twice");
    let sql = "INSERT INTO facts (subject_id, tag) VALUES ($1, 'x')";
    let f = one(sql, K::MissingValue);
    assert_eq!(f.kind.stage(), Stage::Execute);
    assert!(
        f.message
            .starts_with("column `predicate` is NOT NULL and has no default"),
        "{f:?}"
    );
    check! {
        ok "INSERT INTO facts (subject_id, predicate, tag) VALUES ($1, 'x', 'y')";
        ok "INSERT INTO ledger (vault_id, day) VALUES ($1, current_date)";
    }
}

#[test]
fn generated_and_identity_columns_are_not_written() {
    check! {
        "INSERT INTO entities (vault_id, name, entity_type, name_lower) VALUES ($1, 'x', 'ITEM', 'x')" => NotWritable ^ "column `name_lower` is a generated column";
        "INSERT INTO entities (id, vault_id, name, entity_type) VALUES (1, $1, 'x', 'ITEM')" => NotWritable ~ "OVERRIDING SYSTEM VALUE";
        "UPDATE entities SET id = 5" => NotWritable;
        ok "INSERT INTO entities (id, vault_id, name, entity_type) OVERRIDING SYSTEM VALUE VALUES (1, $1, 'x', 'ITEM')";
        ok "INSERT INTO entities (id, vault_id, name, entity_type, name_lower) VALUES (DEFAULT, $1, 'x', 'ITEM', DEFAULT)";
        ok "INSERT INTO ledger (id, vault_id, day) VALUES (1, $1, current_date)";
        "INSERT INTO fact_counts (subject_id, n) VALUES (1, 2)" => NotWritable ~ "materialized view";
    }
}

#[test]
fn on_conflict_targets_must_match_a_unique_key() {
    let sql = "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') ON CONFLICT (name) DO NOTHING";
    let f = one(sql, K::OnConflict);
    assert_eq!(f.kind.stage(), Stage::Plan);
    assert_eq!(at(sql, &f), "name");
    assert!(
        f.message
            .contains("its unique keys are `(id)` or `(vault_id, name, entity_type)`"),
        "{f:?}"
    );
    check! {
        "INSERT INTO facts (subject_id, predicate, tag) VALUES ($1, $2, 't') ON CONFLICT (subject_id, predicate) DO NOTHING" => OnConflict ~ "is partial";
        ok "INSERT INTO facts (subject_id, predicate, tag) VALUES ($1, $2, 't') ON CONFLICT (subject_id, predicate) WHERE canon_layer = 'PRIMARY' DO NOTHING";
        ok "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') ON CONFLICT (entity_type, name, vault_id) DO NOTHING";
        "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') ON CONFLICT ON CONSTRAINT entities_name_key DO NOTHING" => OnConflict ^ "`entities` has no constraint `entities_name_key`";
        "INSERT INTO vaults (slug, name) VALUES ($1, $2) ON CONFLICT DO UPDATE SET name = excluded.name" => Syntax ~ "needs a conflict target";
    }
}

#[test]
fn parameters_are_numbered_without_gaps_and_typed_once() {
    let sql = "SELECT id FROM entities WHERE id = $2";
    let f = one(sql, K::ParamGap);
    assert_eq!(at(sql, &f), "$2");
    assert!(
        f.message.starts_with("`$2` is used but `$1` is not"),
        "{f:?}"
    );
    let sql = "SELECT id FROM entities WHERE id = $1 AND name = $1";
    let f = one(sql, K::ParamConflict);
    assert!(
        f.message.contains("`bigint`") && f.message.contains("`text`"),
        "{f:?}"
    );
    // Types of one category do not conflict.
    ok("SELECT id FROM entities WHERE id = $1 AND mention_count = $1");
}

#[test]
fn types_postgresql_cannot_reconcile() {
    check! {
        "SELECT id FROM entities UNION SELECT name FROM entities" => TypeMismatch ^ "types `bigint` and `text` cannot be matched";
        "SELECT name - mention_count FROM entities" => TypeMismatch ^ "no operator `-` takes `text` and `integer`";
        "INSERT INTO ledger (vault_id, day) VALUES ($1, true)" => TypeMismatch ^ "column `day` is `date` but the value is `boolean`";
        "SELECT (name).first FROM entities" => TypeMismatch ~ "composite";
        "SELECT (SELECT id, name FROM entities LIMIT 1)" => SubqueryColumns = "the subquery returns 2 columns where one is expected";
    }
}

#[test]
fn order_and_group_by_positions_and_names() {
    check! {
        "SELECT id FROM entities ORDER BY 2" => InvalidReference ^ "ORDER BY position 2 is not in the select list";
        "SELECT id FROM entities UNION SELECT id FROM facts ORDER BY id + 1" => InvalidReference;
        ok "SELECT name AS n, mention_count * 2 AS doubled FROM entities ORDER BY n, 2 DESC";
        ok "SELECT date_trunc('day', at) AS bucket, count(*) FROM ledger GROUP BY bucket ORDER BY 1";
        ok "SELECT id FROM entities UNION SELECT id FROM facts ORDER BY id";
    }
}

#[test]
fn utility_statements_check_the_names_they_can() {
    let a = ok("ALTER SEQUENCE facts_id_seq RESTART WITH 1");
    assert_eq!(a.kind, crate::statement::StatementKind::Utility);
    check! {
        ok "TRUNCATE audit.log";
        "TRUNCATE audit.logs" => UnknownRelation;
        "COPY entities (id, nam) TO STDOUT" => UnknownColumn;
    }
    // DDL is not checked: a CREATE names what does not exist yet.
    ok("CREATE TABLE new_things (id int)");
}

#[test]
fn every_error_of_a_statement_is_reported_in_order() {
    let a = analyze("SELECT nam, typ FROM entities WHERE entity_type = 'X' AND id = $2");
    let kinds: Vec<K> = a.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            K::UnknownColumn,
            K::UnknownColumn,
            K::EnumLabel,
            K::ParamGap
        ]
    );
}

#[test]
fn syntax_the_parser_lacks_is_read_through_the_prepass() {
    let a = ok(
        "SELECT id FROM entities WHERE mention_count BETWEEN SYMMETRIC $1 AND $2 FOR NO KEY UPDATE SKIP LOCKED",
    );
    assert_eq!(super::params(&a), ["int4", "int4"]);
    ok("SELECT id FROM entities FOR KEY SHARE");
    assert_eq!(super::columns(&ok("TABLE audit.log"))[0], "id:int8");
    ok(
        "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') ON CONFLICT (vault_id, lower(name)) DO NOTHING",
    );
    let sql = "INSERT INTO entities (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') ON CONFLICT (vault_id, lower(nam)) WHERE mention_count > 0 DO NOTHING";
    let f = one(sql, K::UnknownColumn);
    assert_eq!(at(sql, &f), "nam");
    let sql = "INSERT INTO facts (subject_id, predicate, tag) VALUES ($1, 'x', 'y') ON CONFLICT ((lower(predicate))) DO NOTHING";
    let f = one(sql, K::OnConflict);
    assert!(
        f.message
            .starts_with("no unique index of `facts` has 1 key with expressions"),
        "{f:?}"
    );
    // pgvector's L1 distance, which sqlparser splits into `<` and `+>`.
    ok("SELECT 1 WHERE '[1]'::text <> 'x'");
}

#[test]
fn any_prefix_of_a_statement_gives_findings_not_a_panic() {
    let statements = [
        "WITH RECURSIVE chain(id, depth) AS (SELECT id, 0 FROM entities WHERE id = $1 UNION ALL SELECT f.object_entity_id, c.depth + 1 FROM chain c JOIN facts f ON f.subject_id = c.id WHERE c.depth < 5) SELECT id, depth FROM chain",
        "INSERT INTO entities AS e (vault_id, name, entity_type) VALUES ($1, $2, 'ITEM') ON CONFLICT (vault_id, lower(name)) WHERE e.mention_count > 0 DO UPDATE SET canon_layer = 'ALTERNATE' WHERE e.canon_layer <> 'RETCONNED' RETURNING *",
        "SELECT e.name, (SELECT count(*) FROM facts f WHERE f.subject_id = e.id) AS n, CASE entity_type WHEN 'ITEM' THEN 1 END, aliases[1:2], settings #>> '{a,b}' FROM entities e LEFT JOIN LATERAL unnest(e.aliases) WITH ORDINALITY AS a(x, i) ON true, vaults v WHERE v.id = e.vault_id AND e.name ILIKE $2 ESCAPE '!' GROUP BY ROLLUP (1) ORDER BY 2 DESC NULLS LAST LIMIT $3 FOR NO KEY UPDATE",
        "UPDATE entities SET (name, confidence) = ($1, DEFAULT) FROM vaults v WHERE v.id = entities.vault_id RETURNING entities.id",
        "SELECT 'é' || name, E'\\n', $$x$$, U&'d\\0061', B'101', 1.5e3, -2147483648, \"Name\" FROM \"entities\"",
    ];
    for sql in statements {
        for (end, _) in sql.char_indices() {
            let a = analyze(&sql[..end]);
            for f in &a.findings {
                assert!(
                    f.span.end <= end && f.span.start <= f.span.end,
                    "{f:?} in {:?}",
                    &sql[..end]
                );
            }
        }
    }
}
