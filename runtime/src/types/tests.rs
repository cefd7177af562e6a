//! The type rule on the built-in mappings, and its messages.

use super::rule::{accepts, check};
use super::*;

/// [`check`] for a field of type `T`: the message, empty when it fits.
fn check_field<T: PgCompatible + ?Sized>(facts: &ColumnFacts<&str>, rust: &str) -> Message {
    Message(check(&T::MAPPING, facts, rust).unwrap_or_default())
}

#[derive(Debug)]
struct Message(String);

impl Message {
    fn as_str(&self) -> &str {
        &self.0
    }
    fn is_ok(&self) -> bool {
        self.0.is_empty()
    }
}

/// A `pg_catalog` type by name, not an array: the column type most tests check against (here and
/// in the tests of [`super::known`] and [`super::mappings`]).
pub(super) fn builtin(name: &'static str) -> ColumnType<&'static str> {
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
    assert!(accepts(&i32::ACCEPTS, &builtin("int4")));
    assert!(!accepts(&i32::ACCEPTS, &builtin("int8")));
    assert!(!accepts(&i64::ACCEPTS, &builtin("int4")));
    assert!(accepts(&i16::ACCEPTS, &builtin("int2")));
    assert!(accepts(&i8::ACCEPTS, &builtin("char")));
    assert!(!accepts(&f64::ACCEPTS, &builtin("numeric")));
}

#[test]
fn strings_take_text_like_types_only() {
    for t in ["text", "varchar", "bpchar", "name"] {
        assert!(accepts(&String::ACCEPTS, &builtin(t)), "{t}");
    }
    let citext = ColumnType {
        schema: "public",
        ..builtin("citext")
    };
    assert!(accepts(&String::ACCEPTS, &citext));
    let enum_col = ColumnType {
        schema: "public",
        name: "entitytype",
        array: false,
        is_enum: true,
    };
    assert!(!accepts(&String::ACCEPTS, &enum_col));
    assert!(!accepts(&<&str>::ACCEPTS, &builtin("int4")));
}

#[test]
fn arrays_bytea_and_options() {
    let text_array = ColumnType {
        array: true,
        ..builtin("text")
    };
    assert!(accepts(&<Vec<String>>::ACCEPTS, &text_array));
    assert!(accepts(&<Vec<Option<String>>>::ACCEPTS, &text_array));
    assert!(!accepts(&String::ACCEPTS, &text_array));
    assert!(!accepts(&<Vec<String>>::ACCEPTS, &builtin("text")));
    assert!(accepts(&<Vec<u8>>::ACCEPTS, &builtin("bytea")));
    assert!(accepts(&<&[u8]>::ACCEPTS, &builtin("bytea")));
    assert!(!accepts(
        &<Vec<u8>>::ACCEPTS,
        &ColumnType {
            array: true,
            ..builtin("int2")
        }
    ));
    assert!(!accepts(&u8::ACCEPTS, &builtin("int2")));
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
        "column `entities.entity_type` is enum `entitytype`; `String` cannot hold it; map it \
         to a Rust enum with `#[derive(PgEnum)]` and `type_name = \"entitytype\"`"
    );
    let v = check_field::<i32>(&facts(builtin("int4"), true), "i32");
    assert_eq!(
        v.as_str(),
        "column `entities.x` is nullable, but `i32` cannot hold NULL (a NULL row would fail \
         to decode); use `Option<i32>` or make the column NOT NULL"
    );
    assert!(check_field::<Option<i32>>(&facts(builtin("int4"), true), "Option<i32>").is_ok());
    assert!(check_field::<Option<i32>>(&facts(builtin("int4"), false), "Option<i32>").is_ok());
    let v = check_field::<Vec<i64>>(&facts(builtin("int8"), false), "Vec<i64>");
    assert_eq!(
        v.as_str(),
        "column `entities.x` is `x`; `Vec<i64>` cannot hold it; use `i64`"
    );
    let v = check_field::<i32>(&facts(builtin("int8"), true), "i32");
    assert_eq!(
        v.as_str(),
        "column `entities.x` is `x`; `i32` cannot hold it; use `Option<i64>`; also, column \
         `entities.x` is nullable, but `i32` cannot hold NULL (a NULL row would fail to decode); \
         use `Option<i32>` or make the column NOT NULL"
    );
    let tsvector = ColumnType {
        schema: "pg_catalog",
        ..builtin("tsvector")
    };
    let v = check_field::<String>(&facts(tsvector, false), "String");
    assert!(
        v.as_str().ends_with(
            "no type schemalock maps reads it: mark the field `#[schemalock(pg_type = \"tsvector\")]` with a type your driver decodes it into, or migrate the column"
        ),
        "{v:?}"
    );
}

#[test]
fn views_do_not_check_nullability() {
    let mut f = facts(builtin("int4"), true);
    f.nullability = Nullability::Unknown;
    assert!(check_field::<i32>(&f, "i32").is_ok());
}
