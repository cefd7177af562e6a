//! The type rule on the built-in mappings, and its messages.

use super::rule::{accepts, check};
use super::*;
use crate::text::Verdict;

/// [`check`] for a field of type `T`.
fn check_field<T: PgCompatible + ?Sized>(facts: &ColumnFacts<&str>, rust: &str) -> Verdict {
    check(&T::MAPPING, facts, rust)
}

fn col(name: &'static str) -> ColumnType<&'static str> {
    ColumnType {
        schema: "pg_catalog",
        name,
        array: false,
        is_enum: false,
    }
}

fn facts(ty: ColumnType<&'static str>, nullable: bool) -> ColumnFacts<&'static str> {
    ColumnFacts {
        qualified: "entities.x",
        display: "`x`",
        ty,
        nullability: if nullable {
            Nullability::Nullable
        } else {
            Nullability::NotNull
        },
    }
}

#[test]
fn integers_are_exact_like_the_drivers() {
    assert!(accepts(&i32::ACCEPTS, &col("int4")));
    assert!(!accepts(&i32::ACCEPTS, &col("int8")));
    assert!(!accepts(&i64::ACCEPTS, &col("int4")));
    assert!(accepts(&i16::ACCEPTS, &col("int2")));
    assert!(accepts(&i8::ACCEPTS, &col("char")));
    assert!(!accepts(&f64::ACCEPTS, &col("numeric")));
}

#[test]
fn strings_take_text_like_types_only() {
    for t in ["text", "varchar", "bpchar", "name"] {
        assert!(accepts(&String::ACCEPTS, &col(t)), "{t}");
    }
    let citext = ColumnType {
        schema: "public",
        ..col("citext")
    };
    assert!(accepts(&String::ACCEPTS, &citext));
    let enum_col = ColumnType {
        schema: "public",
        name: "entitytype",
        array: false,
        is_enum: true,
    };
    assert!(!accepts(&String::ACCEPTS, &enum_col));
    assert!(!accepts(&<&str>::ACCEPTS, &col("int4")));
}

#[test]
fn arrays_bytea_and_options() {
    let text_array = ColumnType {
        array: true,
        ..col("text")
    };
    assert!(accepts(&<Vec<String>>::ACCEPTS, &text_array));
    assert!(accepts(&<Vec<Option<String>>>::ACCEPTS, &text_array));
    assert!(!accepts(&String::ACCEPTS, &text_array));
    assert!(!accepts(&<Vec<String>>::ACCEPTS, &col("text")));
    assert!(accepts(&<Vec<u8>>::ACCEPTS, &col("bytea")));
    assert!(accepts(&<&[u8]>::ACCEPTS, &col("bytea")));
    assert!(!accepts(
        &<Vec<u8>>::ACCEPTS,
        &ColumnType {
            array: true,
            ..col("int2")
        }
    ));
    assert!(!accepts(&u8::ACCEPTS, &col("int2")));
    const { assert!(<Option<i32>>::NULLABLE && !i32::NULLABLE) };
    assert_eq!(<Option<i32>>::ACCEPTS, i32::ACCEPTS);
}

#[test]
fn messages_name_column_type_and_rust_type() {
    let v = check_field::<String>(
        &ColumnFacts {
            qualified: "entities.entity_type",
            display: "enum `entitytype`",
            ty: ColumnType {
                schema: "public",
                name: "entitytype",
                array: false,
                is_enum: true,
            },
            nullability: Nullability::NotNull,
        },
        "String",
    );
    assert_eq!(
        v.as_str(),
        "column `entities.entity_type` is enum `entitytype`; `String` maps to `text`, \
         `character varying`, `character`, `name` or `citext`; map it to a Rust enum with \
         `#[derive(PgEnum)]` and `type_name = \"entitytype\"`"
    );
    let v = check_field::<i32>(&facts(col("int4"), true), "i32");
    assert_eq!(
        v.as_str(),
        "column `entities.x` is nullable, but `i32` cannot hold NULL (a NULL row would fail \
         to decode); use `Option<i32>` or make the column NOT NULL"
    );
    assert!(check_field::<Option<i32>>(&facts(col("int4"), true), "Option<i32>").is_ok());
    assert!(check_field::<Option<i32>>(&facts(col("int4"), false), "Option<i32>").is_ok());
    let v = check_field::<Vec<i64>>(&facts(col("int8"), false), "Vec<i64>");
    assert!(v.as_str().ends_with("`Vec<i64>` maps to an array of `bigint`; change the field's type, or migrate the column"), "{v:?}");
}

#[test]
fn views_do_not_check_nullability() {
    let mut f = facts(col("int4"), true);
    f.nullability = Nullability::Unknown;
    assert!(check_field::<i32>(&f, "i32").is_ok());
}
