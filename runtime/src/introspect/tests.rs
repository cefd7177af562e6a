//! Unit tests of [`super::assemble`] and the protocol constants.

use super::*;
use crate::snapshot::{Generated, Identity, RelationKind};

#[test]
fn numeric_version_keeps_the_number_only() {
    assert_eq!(numeric_version("15.18 (Debian 15.18-0+deb12u1)"), "15.18");
    assert_eq!(numeric_version("16.4"), "16.4");
    assert_eq!(numeric_version("18beta1"), "18");
    assert_eq!(numeric_version(" 17.0 "), "17.0");
}

#[test]
fn queries_take_the_schema_list_as_a_parameter() {
    for q in QUERIES {
        assert!(q.sql.contains("$1::text[]"), "{}", q.name);
        assert!(!q.sql.contains("$2"), "{}", q.name);
    }
    assert!(!MIGRATION_PROBE.contains('$'));
    for t in MIGRATION_TABLES {
        assert!(MIGRATION_PROBE.contains(&format!("'{t}'")), "{t}");
        assert!(migration_head_query(t).unwrap().contains(t), "{t}");
    }
    assert_eq!(migration_head_query("users"), None);
}

/// The results of the first queries of [`QUERIES`]; the rest are NULL.
fn results(catalog: &[Option<&str>]) -> Results {
    let mut catalog: Vec<Option<String>> = catalog.iter().map(|t| t.map(str::to_owned)).collect();
    catalog.resize(QUERIES.len(), None);
    Results {
        catalog,
        migration_head: None,
    }
}

#[test]
fn assembles_sorted_lists_from_unsorted_rows() {
    let meta = r#"{"server_version": "16.4", "schemas": ["public", "empty"], "missing": null,
        "extensions": [{"name": "vector", "version": "0.8.0", "schema": "public"}]}"#;
    let rels = r#"{"relations": [
          {"oid": 16400, "schema": "public", "name": "t", "kind": "p"},
          {"oid": 16500, "schema": "public", "name": "no_columns", "kind": "v"}],
        "columns": {"relation": [16400, 16400], "attnum": [2, 1], "name": ["b", "a"],
          "type": ["integer[]", "bigint"], "type_name": ["int4", "int8"],
          "type_schema": ["pg_catalog", "pg_catalog"], "array": [true, false],
          "not_null": [false, true], "default": [null, null], "identity": ["", "a"],
          "generated": ["s", ""]}}"#;
    let cons = r#"[
        {"schema": "public", "table": "t", "name": "z_fk", "type": "f", "table_oid": 16400,
         "attnums": [1],
         "ref_schema": "public", "ref_table": "u", "ref_columns": ["id"],
         "on_update": "a", "on_delete": "c", "match": "s", "deferrable": false,
         "deferred": false, "validated": true, "definition": null},
        {"schema": "public", "table": "t", "name": "a_fk", "type": "f", "table_oid": 16400,
         "attnums": [1],
         "ref_schema": "public", "ref_table": "u", "ref_columns": ["id"],
         "on_update": "r", "on_delete": "n", "match": "f", "deferrable": true,
         "deferred": true, "validated": false, "definition": null}]"#;
    let parts = r#"[
        {"oid": 16402, "schema": "public", "name": "t_2", "top": 16400, "parent": 16400,
         "bound": "DEFAULT", "partition_key": null, "attnums": [1, 2], "names": ["a", "b"]},
        {"oid": 16401, "schema": "other", "name": "t_1", "top": 16400, "parent": 16400,
         "bound": "FOR VALUES IN (1)", "partition_key": null, "attnums": [1, 3],
         "names": ["a", "b"]}]"#;
    let idx = r#"{"indexes": [{"schema": "public", "table": "t", "table_oid": 16400,
        "name": "t_b", "method": "btree", "unique": false, "primary": false,
        "attnums": [1, 0, 1, 2], "key_count": 3, "key_options": [3, 2, 1],
        "key_opclasses": [3124, 4000, 3124], "expressions": ["lower(x)"],
        "partial": true, "predicate": "a > 0", "options": ["fillfactor=70"]},
        {"schema": "other", "table": "t_1", "table_oid": 16401,
        "name": "t_1_b", "method": "btree", "unique": false, "primary": false,
        "attnums": [3], "key_count": 1, "key_options": [0],
        "key_opclasses": [3124], "expressions": null,
        "partial": false, "predicate": null, "options": null}],
        "opclasses": {"4000": "text_pattern_ops"}}"#;
    let s = assemble(&results(&[
        Some(meta),
        Some(rels),
        Some(cons),
        Some(idx),
        None,
        None,
        Some(parts),
    ]))
    .unwrap();
    assert_eq!(s.server_version.as_deref(), Some("16.4"));
    assert!(s.schemas["empty"].tables.is_empty());
    let t = s.table("public", "t").unwrap();
    assert_eq!(t.kind, RelationKind::PartitionedTable);
    let parts: Vec<_> = t
        .partitions
        .iter()
        .map(|p| (p.schema.as_deref(), p.name.as_str(), p.bound.as_str()))
        .collect();
    assert_eq!(
        parts,
        [
            (Some("other"), "t_1", "FOR VALUES IN (1)"),
            (None, "t_2", "DEFAULT")
        ]
    );
    // The partition's own index, its key resolved against the partition's columns.
    assert_eq!(t.indexes.len(), 1);
    assert_eq!(t.partitions[0].indexes[0].name, "t_1_b");
    assert_eq!(
        t.partitions[0].indexes[0].keys[0].column.as_deref(),
        Some("b")
    );
    assert!(s.table("public", "no_columns").unwrap().columns.is_empty());
    assert_eq!(t.columns[0].name, "a");
    assert_eq!(t.columns[0].identity, Some(Identity::Always));
    assert!(!t.columns[0].nullable);
    assert_eq!(t.columns[1].generated, Some(Generated::Stored));
    assert!(t.columns[1].array);
    let fks: Vec<_> = t
        .foreign_keys
        .iter()
        .map(|f| (f.name.as_str(), f.on_delete.as_str(), f.on_update.as_str()))
        .collect();
    assert_eq!(
        fks,
        [
            ("a_fk", "set null", "restrict"),
            ("z_fk", "cascade", "no action")
        ]
    );
    let a_fk = &t.foreign_keys[0];
    assert_eq!(
        (a_fk.match_full, a_fk.not_valid, a_fk.deferrable),
        (
            true,
            true,
            Some(crate::snapshot::Deferrable::InitiallyDeferred)
        )
    );
    assert_eq!(
        (
            t.foreign_keys[1].match_full,
            t.foreign_keys[1].not_valid,
            t.foreign_keys[1].deferrable
        ),
        (false, false, None)
    );
    let keys = &t.indexes[0].keys;
    // ASC NULLS LAST is the default: nothing to say.
    assert_eq!((keys[0].descending, keys[0].nulls_first), (true, None));
    assert_eq!(
        (keys[1].descending, keys[1].nulls_first),
        (false, Some(true))
    );
    assert_eq!(keys[1].column, None);
    assert_eq!(keys[1].expression.as_deref(), Some("lower(x)"));
    assert_eq!(
        (keys[2].descending, keys[2].nulls_first),
        (true, Some(false))
    );
    assert_eq!(t.indexes[0].options["fillfactor"], "70");
    assert_eq!(t.indexes[0].include, ["b"]);
    assert_eq!(keys[0].column.as_deref(), Some("a"));
    let opclasses: Vec<_> = keys.iter().map(|k| k.opclass.as_deref()).collect();
    assert_eq!(opclasses, [None, Some("text_pattern_ops"), None]);

    // An index key naming a column the relations query did not return is an error.
    let bad = idx.replace("[1, 0, 1, 2]", "[7, 0, 1, 2]");
    let err = assemble(&results(&[
        Some(meta),
        Some(rels),
        Some(cons),
        Some(&bad),
        None,
    ]))
    .unwrap_err();
    assert!(err.to_string().contains("no column with attnum 7"), "{err}");
}

#[test]
fn missing_schemas_and_bad_results_are_errors() {
    let meta = r#"{"server_version": "15.1", "schemas": null, "missing": ["b", "a"],
                   "extensions": null}"#;
    let err = assemble(&results(&[Some(meta)])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "schemas `a`, `b` not found in the database"
    );
    let err = assemble(&Results::default()).unwrap_err();
    assert!(matches!(
        err,
        Error::ResultCount {
            expected: 10,
            found: 0
        }
    ));
    let meta =
        r#"{"server_version": "15.1", "schemas": null, "missing": null, "extensions": null}"#;
    let err = assemble(&results(&[Some(meta), Some("{")])).unwrap_err();
    assert!(err.to_string().contains("`relations`"), "{err}");
    let ragged = r#"{"relations": null, "columns": {"relation": [1, 2], "attnum": [1]}}"#;
    let err = assemble(&results(&[Some(meta), Some(ragged)])).unwrap_err();
    assert!(
        err.to_string().contains("`attnum` has 1 entries for 2"),
        "{err}"
    );
}

/// A catalog function finding nothing to print means the object was dropped after the read
/// began: the read is tried again.
#[test]
fn objects_gone_when_printed_mean_the_schema_changed() {
    let meta =
        r#"{"server_version": "16.4", "schemas": ["public"], "missing": null, "extensions": null}"#;
    let rels = r#"{"relations": [{"oid": 1, "schema": "public", "name": "t", "kind": "r"}],
        "columns": {"relation": [1], "attnum": [1], "name": ["a"], "type": ["integer"],
          "type_name": ["int4"], "type_schema": ["pg_catalog"], "array": [false],
          "not_null": [false], "default": [null], "identity": [""], "generated": [""]}}"#;
    let index = |expressions: &str, partial: bool, predicate: &str| {
        format!(
            r#"{{"indexes": [{{"schema": "public", "table": "t", "table_oid": 1, "name": "i",
              "method": "btree", "unique": false, "primary": false, "attnums": [0],
              "key_count": 1, "key_options": [0], "key_opclasses": [1],
              "expressions": {expressions}, "partial": {partial}, "predicate": {predicate},
              "options": null}}], "opclasses": null}}"#
        )
    };
    let check = |definition: &str| {
        format!(
            r#"[{{"schema": "public", "table": "t", "name": "c", "type": "c", "table_oid": 1,
              "attnums": [1], "ref_schema": null, "ref_table": null, "ref_columns": null,
              "on_update": " ", "on_delete": " ", "match": "s", "deferrable": false,
              "deferred": false, "validated": true, "definition": {definition}}}]"#
        )
    };
    let read = |cons: &str, idx: &str| {
        assemble(&results(&[
            Some(meta),
            Some(rels),
            Some(cons),
            Some(idx),
            None,
        ]))
    };
    let fine = read(
        &check(r#""CHECK (a > 0)""#),
        &index(r#"["(a + 1)"]"#, true, r#""a > 0""#),
    )
    .unwrap();
    assert_eq!(
        fine.table("public", "t").unwrap().indexes[0]
            .predicate
            .as_deref(),
        Some("a > 0")
    );
    let ok_index = index(r#"["(a + 1)"]"#, false, "null");
    for (cons, idx, what) in [
        (
            check("null"),
            ok_index.clone(),
            "check constraint `c` on `public.t`",
        ),
        (
            check(r#""CHECK (a > 0)""#),
            index(r#"["(a + 1)"]"#, true, "null"),
            "index `public.i` on `t`",
        ),
        (
            check(r#""CHECK (a > 0)""#),
            index("[null]", false, "null"),
            "index `public.i` on `t`",
        ),
    ] {
        let err = read(&cons, &idx).unwrap_err();
        assert!(
            matches!(&err, Error::SchemaChanged { attempts: 1, detail } if detail == &format!("{what} was gone when it was printed")),
            "{err}"
        );
    }
}
