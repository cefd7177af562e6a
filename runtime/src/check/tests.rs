//! The engine on a small snapshot: tables, views, domains and an enum.

use super::*;
use crate::snapshot::Snapshot;
use crate::types::PgCompatible;

fn snapshot() -> Snapshot {
    let json = r#"{
      "format_version": 1,
      "schemas": {
        "public": {
          "domains": { "year": { "not_null": true, "type": "integer", "type_name": "int4", "type_schema": "pg_catalog" } },
          "enums": { "canonlayer": { "labels": ["PRIMARY", "ALTERNATE", "DRAFT"] } },
          "tables": {
            "entities": { "kind": "table", "columns": [
              { "name": "id", "nullable": false, "type": "uuid", "type_name": "uuid", "type_schema": "pg_catalog", "default": "gen_random_uuid()" },
              { "name": "entity_type", "nullable": false, "type": "character varying(20)", "type_name": "varchar", "type_schema": "pg_catalog" },
              { "name": "canon_layer", "nullable": false, "type": "canonlayer", "type_name": "canonlayer", "type_schema": "public" },
              { "name": "mention_count", "nullable": true, "type": "integer", "type_name": "int4", "type_schema": "pg_catalog" },
              { "name": "born", "nullable": true, "type": "year", "type_name": "year", "type_schema": "public" },
              { "name": "search", "nullable": true, "type": "tsvector", "type_name": "tsvector", "type_schema": "pg_catalog", "generated": "stored" }
            ]},
            "entity_names": { "kind": "view", "columns": [
              { "name": "name", "nullable": true, "type": "text", "type_name": "text", "type_schema": "pg_catalog" }
            ]}
          }
        }
      }
    }"#;
    Snapshot::from_json(json, std::path::Path::new("t.json")).unwrap()
}

fn model<'a>(table: &'a str, fields: &[(&'a str, &'a str)]) -> Model<'a> {
    Model {
        rust_name: "Entity",
        schema: "public",
        table,
        fields: fields
            .iter()
            .map(|&(name, column)| Field {
                name,
                column,
                ty: FieldType::Deferred,
            })
            .collect(),
        insertable: false,
        exhaustive: false,
        partial: false,
    }
}

fn messages(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.message.as_str()).collect()
}

#[test]
fn missing_table_suggests() {
    let f = check_table(&snapshot(), &model("entitis", &[]));
    assert_eq!(
        messages(&f),
        ["table `entitis` not found in schema `public`; did you mean `entities`?"]
    );
    assert_eq!(f[0].at, At::Name);
}

#[test]
fn missing_schema_lists_schemas() {
    let mut m = model("entities", &[]);
    m.schema = "audit";
    let f = check_table(&snapshot(), &m);
    assert_eq!(
        messages(&f),
        ["schema `audit` does not exist; it has `public`"]
    );
    assert_eq!(f[0].at, At::Schema);
}

#[test]
fn missing_columns_suggest_renames_or_list() {
    let f = check_table(
        &snapshot(),
        &model("entities", &[("id", "id"), ("ty", "type"), ("x", "zzz")]),
    );
    assert_eq!(
        messages(&f),
        [
            "no column `type` in table `entities`; did you mean `entity_type`?",
            "no column `zzz` in table `entities`; the columns no other field reads: `entity_type`, `canon_layer`, `mention_count`, `born`, `search`",
        ]
    );
    assert_eq!(f[0].at, At::Field(1));
}

/// A column another field maps is never suggested, even when it is the only close name.
#[test]
fn claimed_columns_are_never_suggested() {
    let f = check_table(
        &snapshot(),
        &model("entities", &[("id", "id"), ("entity_id", "entity_id")]),
    );
    assert_eq!(
        messages(&f),
        [
            "no column `entity_id` in table `entities`; the columns no other field reads: `entity_type`, `canon_layer`, `mention_count`, `born`, `search`"
        ]
    );
}

#[test]
fn mapped_types_say_what_fits() {
    let mut m = model(
        "entities",
        &[
            ("canon_layer", "canon_layer"),
            ("mention_count", "mention_count"),
            ("born", "born"),
        ],
    );
    m.fields[0].ty = FieldType::Mapped {
        accepts: &String::ACCEPTS,
        nullable: false,
        rust: "String",
    };
    m.fields[1].ty = FieldType::Mapped {
        accepts: &i32::ACCEPTS,
        nullable: false,
        rust: "i32",
    };
    // A NOT NULL domain over integer: `i32` fits.
    m.fields[2].ty = FieldType::Mapped {
        accepts: &i32::ACCEPTS,
        nullable: false,
        rust: "i32",
    };
    let f = check_table(&snapshot(), &m);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert_eq!(
        f[0].message,
        "column `entities.canon_layer` is enum `canonlayer`; `String` cannot hold it; map it to a Rust enum with `#[derive(PgEnum)]` and `type_name = \"canonlayer\"`"
    );
    assert!(
        f[1].message
            .starts_with("column `entities.mention_count` is nullable")
    );
}

#[test]
fn declared_pg_type_matches_any_spelling() {
    for spelling in [
        "varchar",
        "character varying",
        "character varying(20)",
        "VARCHAR",
    ] {
        let mut m = model("entities", &[("entity_type", "entity_type")]);
        m.fields[0].ty = FieldType::Declared {
            pg_type: spelling,
            nullable: false,
            rust: "Kind",
        };
        assert!(check_table(&snapshot(), &m).is_empty(), "{spelling}");
    }
    let mut m = model("entities", &[("entity_type", "entity_type")]);
    m.fields[0].ty = FieldType::Declared {
        pg_type: "text",
        nullable: false,
        rust: "Kind",
    };
    assert_eq!(
        messages(&check_table(&snapshot(), &m)),
        [
            "column `entities.entity_type` is `character varying(20)`, but the field says `pg_type = \"text\"`; change `pg_type` or migrate the column"
        ]
    );
}

#[test]
fn insertable_and_exhaustive() {
    let mut m = model(
        "entities",
        &[("canon_layer", "canon_layer"), ("search", "search")],
    );
    m.insertable = true;
    m.exhaustive = true;
    let f = check_table(&snapshot(), &m);
    assert_eq!(
        messages(&f),
        [
            "column `entities.search` is a generated column, which an INSERT cannot set; remove the field from this insertable model or mark it `#[schemalock(skip)]`",
            "insertable model `Entity` has no field for column `entity_type` of table `entities`, which is NOT NULL without a default; add a field for it",
            "exhaustive model `Entity` has no field for columns `id`, `entity_type`, `mention_count` or `born` of table `entities`; add fields for them, or drop `exhaustive`",
        ]
    );
    m.partial = true;
    assert_eq!(check_table(&snapshot(), &m).len(), 1);
}

#[test]
fn view_columns_skip_nullability() {
    let mut m = model("entity_names", &[("name", "name")]);
    m.fields[0].ty = FieldType::Mapped {
        accepts: &String::ACCEPTS,
        nullable: false,
        rust: "String",
    };
    assert!(check_table(&snapshot(), &m).is_empty());
}

fn enum_model<'a>(type_name: &'a str, variants: &[(&'a str, &'a str)]) -> EnumModel<'a> {
    EnumModel {
        rust_name: "CanonLayer",
        schema: "public",
        type_name,
        variants: variants.to_vec(),
    }
}

#[test]
fn enum_labels_both_ways() {
    let f = check_enum(
        &snapshot(),
        &enum_model(
            "canonlayer",
            &[
                ("Primary", "PRIMARY"),
                ("Alternate", "ALTERNATE"),
                ("Retconned", "RETCONNED"),
                ("Main", "PRIMARY"),
            ],
        ),
    );
    assert_eq!(
        messages(&f),
        [
            "variant `Retconned` maps to label `RETCONNED`, which enum `canonlayer` does not have; it has PRIMARY, ALTERNATE, DRAFT",
            "variants `Primary` and `Main` both map to label `PRIMARY`; rename one of them",
            "enum `canonlayer` has label `DRAFT` that no variant of `CanonLayer` maps to; a row holding it would fail to decode; add a variant for it",
        ]
    );
    assert_eq!(f[0].at, At::Variant(2));
    assert_eq!(f[1].at, At::Variant(3));
}

#[test]
fn enum_type_missing_or_not_an_enum() {
    let f = check_enum(&snapshot(), &enum_model("canon_layer", &[]));
    assert_eq!(
        messages(&f),
        ["enum type `canon_layer` not found in schema `public`; did you mean `canonlayer`?"]
    );
    let f = check_enum(&snapshot(), &enum_model("year", &[]));
    assert_eq!(
        messages(&f),
        ["`year` is a domain, not an enum; `CanonLayer` needs a PostgreSQL enum type"]
    );
    assert_eq!(f[0].kind, Kind::NotAnEnum);
}
