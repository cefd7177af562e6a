//! `PgCompatible` for std types and, behind features, for the crates drivers decode into.
//!
//! The rule: a column type is listed for a Rust type only when both `sqlx` (0.9) and
//! `postgres-types` (0.2) decode it into that Rust type, or, for a type only one driver
//! supports, when that driver does. Being looser would let a build pass that fails at run time.
//! Wrappers (`&T`, `Box<T>`, `Cow<T>`, `Arc<T>`, `Rc<T>`) forward to what they wrap: a driver that
//! lacks one fails to compile, never at run time, so forwarding hides nothing.

use super::{Accepts, PgCompatible, known};

macro_rules! map {
    ($($(#[$cfg:meta])* $ty:ty => $accepts:ident;)+) => {$(
        $(#[$cfg])*
        impl PgCompatible for $ty {
            const ACCEPTS: Accepts = known::$accepts;
        }
    )+};
}

/// The type `#[sqlx(json)]` fields are checked as: any serde type stored as `json` or `jsonb`.
#[derive(Debug)]
pub struct JsonColumn;

// What each accepts is declared once, in `known`, which the derive also reads.
map! {
    bool => BOOL;
    i8 => I8;
    i16 => I16;
    i32 => I32;
    i64 => I64;
    f32 => F32;
    f64 => F64;
    str => TEXT;
    String => TEXT;
    std::net::IpAddr => IP_ADDR;
    JsonColumn => JSON;

    // `DateTime<Local>` is left out: it exists only with chrono's `clock` feature, which would
    // pull in the system time zone machinery for every user of this feature.
    #[cfg(feature = "chrono")] chrono::NaiveDate => DATE;
    #[cfg(feature = "chrono")] chrono::NaiveTime => TIME;
    #[cfg(feature = "chrono")] chrono::NaiveDateTime => TIMESTAMP;
    #[cfg(feature = "chrono")] chrono::DateTime<chrono::Utc> => TIMESTAMPTZ;
    #[cfg(feature = "chrono")] chrono::DateTime<chrono::FixedOffset> => TIMESTAMPTZ;

    #[cfg(feature = "time")] time::Date => DATE;
    #[cfg(feature = "time")] time::Time => TIME;
    #[cfg(feature = "time")] time::PrimitiveDateTime => TIMESTAMP;
    #[cfg(feature = "time")] time::OffsetDateTime => TIMESTAMPTZ;

    #[cfg(feature = "uuid")] uuid::Uuid => UUID;
    #[cfg(feature = "rust_decimal")] rust_decimal::Decimal => NUMERIC;
    #[cfg(feature = "bigdecimal")] bigdecimal::BigDecimal => NUMERIC;
    #[cfg(feature = "serde_json")] serde_json::Value => JSON;
    #[cfg(feature = "serde_json")] serde_json::value::RawValue => JSON;

    #[cfg(feature = "pgvector")] pgvector::Vector => VECTOR;
    #[cfg(feature = "pgvector")] pgvector::SparseVector => SPARSEVEC;
    #[cfg(feature = "pgvector")] pgvector::Bit => BIT;
    // sqlx-only: postgres-types has no ipnetwork support.
    #[cfg(feature = "ipnetwork")] ipnetwork::IpNetwork => IP_NETWORK;
    #[cfg(feature = "bit-vec")] bit_vec::BitVec => BIT_VEC;
    #[cfg(feature = "bit-vec-0_6")] bit_vec_0_6::BitVec => BIT_VEC;

    // postgres-types reads `oid` as `u32`; sqlx has its own `Oid`.
    #[cfg(feature = "postgres-types")] u32 => OID;
    #[cfg(feature = "postgres-types")] std::collections::HashMap<String, Option<String>> => HSTORE;

    #[cfg(feature = "sqlx")] sqlx::postgres::types::PgInterval => INTERVAL;
    #[cfg(feature = "sqlx")] sqlx::postgres::types::PgMoney => MONEY;
    #[cfg(feature = "sqlx")] sqlx::postgres::types::Oid => OID;
    #[cfg(feature = "sqlx")] sqlx::postgres::types::PgLTree => LTREE;
    #[cfg(feature = "sqlx")] sqlx::postgres::types::PgLQuery => LQUERY;
    #[cfg(feature = "sqlx")] sqlx::postgres::types::PgHstore => HSTORE;
    #[cfg(feature = "sqlx")] sqlx::postgres::types::PgCiText => CITEXT;
    #[cfg(feature = "sqlx")] sqlx::postgres::types::PgRange<i32> => INT4RANGE;
    #[cfg(feature = "sqlx")] sqlx::postgres::types::PgRange<i64> => INT8RANGE;
    #[cfg(all(feature = "sqlx", feature = "rust_decimal"))] sqlx::postgres::types::PgRange<rust_decimal::Decimal> => NUMRANGE;
    #[cfg(all(feature = "sqlx", feature = "bigdecimal"))] sqlx::postgres::types::PgRange<bigdecimal::BigDecimal> => NUMRANGE;
    #[cfg(all(feature = "sqlx", feature = "chrono"))] sqlx::postgres::types::PgRange<chrono::NaiveDate> => DATERANGE;
    #[cfg(all(feature = "sqlx", feature = "chrono"))] sqlx::postgres::types::PgRange<chrono::NaiveDateTime> => TSRANGE;
    #[cfg(all(feature = "sqlx", feature = "chrono"))] sqlx::postgres::types::PgRange<chrono::DateTime<chrono::Utc>> => TSTZRANGE;
    #[cfg(all(feature = "sqlx", feature = "chrono"))] sqlx::postgres::types::PgRange<chrono::DateTime<chrono::FixedOffset>> => TSTZRANGE;
    #[cfg(all(feature = "sqlx", feature = "time"))] sqlx::postgres::types::PgRange<time::Date> => DATERANGE;
    #[cfg(all(feature = "sqlx", feature = "time"))] sqlx::postgres::types::PgRange<time::PrimitiveDateTime> => TSRANGE;
    #[cfg(all(feature = "sqlx", feature = "time"))] sqlx::postgres::types::PgRange<time::OffsetDateTime> => TSTZRANGE;
}

impl PgCompatible for u8 {
    const ACCEPTS: Accepts = known::BYTE;
}

impl<T: PgCompatible> PgCompatible for Option<T> {
    const ACCEPTS: Accepts = T::ACCEPTS;
    const NULLABLE: bool = true;
}

/// `Vec<u8>` is `bytea`; any other `Vec<T>` is an array of `T`.
impl<T: PgCompatible> PgCompatible for Vec<T> {
    const ACCEPTS: Accepts = Accepts::Array(&T::ACCEPTS);
}

impl<T: PgCompatible> PgCompatible for [T] {
    const ACCEPTS: Accepts = Accepts::Array(&T::ACCEPTS);
}

macro_rules! forward {
    ($($wrapper:ty),+) => {$(
        impl<T: PgCompatible + ?Sized> PgCompatible for $wrapper {
            const ACCEPTS: Accepts = T::ACCEPTS;
            const NULLABLE: bool = T::NULLABLE;
        }
    )+};
}

forward!(&T, Box<T>, std::sync::Arc<T>, std::rc::Rc<T>);

impl<T: PgCompatible + ToOwned + ?Sized> PgCompatible for std::borrow::Cow<'_, T> {
    const ACCEPTS: Accepts = T::ACCEPTS;
    const NULLABLE: bool = T::NULLABLE;
}

/// The JSON wrappers of the drivers: any serde type stored as `json` or `jsonb`.
macro_rules! json_wrapper {
    ($($(#[$cfg:meta])* $wrapper:ty;)+) => {$(
        $(#[$cfg])*
        impl<T> PgCompatible for $wrapper {
            const ACCEPTS: Accepts = known::JSON;
        }
    )+};
}

json_wrapper! {
    #[cfg(feature = "sqlx")] sqlx::types::Json<T>;
    #[cfg(feature = "sqlx-0_8")] sqlx_0_8::types::Json<T>;
    #[cfg(feature = "postgres-types")] postgres_types::Json<T>;
}

#[cfg(test)]
mod tests {
    use crate::types::PgCompatible;
    use crate::types::rule::accepts;
    use crate::types::tests::builtin;

    /// Asserts `T` takes exactly `names` among every built-in type we know, plus the extension
    /// type names given.
    fn exactly<T: PgCompatible + ?Sized>(names: &[&str]) {
        for t in crate::types::builtin::ALL {
            let col = builtin(t.name);
            assert_eq!(
                accepts(&T::ACCEPTS, &col),
                names.contains(&t.name),
                "{} on {}",
                std::any::type_name::<T>(),
                t.name
            );
        }
    }

    /// `exactly` for each type, behind the feature that brings it.
    macro_rules! exactly {
        ($($(#[$cfg:meta])* $ty:ty => [$($pg:literal),*];)+) => {$(
            $(#[$cfg])*
            exactly::<$ty>(&[$($pg),*]);
        )+};
    }

    #[test]
    fn every_mapping_takes_exactly_its_types() {
        exactly! {
            bool => ["bool"];
            i8 => ["char"];
            i16 => ["int2"];
            i32 => ["int4"];
            i64 => ["int8"];
            f32 => ["float4"];
            f64 => ["float8"];
            String => ["text", "varchar", "bpchar", "name"];
            Box<str> => ["text", "varchar", "bpchar", "name"];
            std::sync::Arc<str> => ["text", "varchar", "bpchar", "name"];
            Vec<u8> => ["bytea"];
            &[u8] => ["bytea"];
            std::net::IpAddr => ["inet"];
            u8 => [];
            super::JsonColumn => ["json", "jsonb"];
            #[cfg(feature = "chrono")] chrono::NaiveDate => ["date"];
            #[cfg(feature = "chrono")] chrono::NaiveTime => ["time"];
            #[cfg(feature = "chrono")] chrono::NaiveDateTime => ["timestamp"];
            #[cfg(feature = "chrono")] chrono::DateTime<chrono::Utc> => ["timestamptz"];
            #[cfg(feature = "chrono")] chrono::DateTime<chrono::FixedOffset> => ["timestamptz"];
            #[cfg(feature = "time")] time::Date => ["date"];
            #[cfg(feature = "time")] time::Time => ["time"];
            #[cfg(feature = "time")] time::PrimitiveDateTime => ["timestamp"];
            #[cfg(feature = "time")] time::OffsetDateTime => ["timestamptz"];
            #[cfg(feature = "rust_decimal")] rust_decimal::Decimal => ["numeric"];
            #[cfg(feature = "bigdecimal")] bigdecimal::BigDecimal => ["numeric"];
            #[cfg(feature = "serde_json")] serde_json::Value => ["json", "jsonb"];
            #[cfg(feature = "serde_json")] Box<serde_json::value::RawValue> => ["json", "jsonb"];
            #[cfg(feature = "sqlx")] sqlx::types::Json<Vec<String>> => ["json", "jsonb"];
            #[cfg(feature = "postgres-types")] postgres_types::Json<Vec<String>> => ["json", "jsonb"];
            #[cfg(feature = "ipnetwork")] ipnetwork::IpNetwork => ["inet", "cidr"];
            #[cfg(feature = "bit-vec")] bit_vec::BitVec => ["bit", "varbit"];
            #[cfg(feature = "bit-vec-0_6")] bit_vec_0_6::BitVec => ["bit", "varbit"];
        }
    }

    /// The derive decides a field written as one of `known`'s paths from that table alone; the
    /// impl the compiler would use must say the same.
    #[test]
    fn the_derives_table_agrees_with_the_impls() {
        macro_rules! agree {
            ($($(#[$cfg:meta])* $ty:ty => $path:literal;)+) => {$(
                $(#[$cfg])*
                assert_eq!(
                    <$ty as PgCompatible>::ACCEPTS,
                    *crate::types::known::by_path($path).expect($path).accepts,
                    "{}", $path
                );
            )+};
        }
        agree! {
            bool => "bool"; i8 => "i8"; i16 => "i16"; i32 => "i32"; i64 => "i64";
            f32 => "f32"; f64 => "f64"; String => "String"; str => "str"; u8 => "u8";
            std::net::IpAddr => "std::net::IpAddr";
            #[cfg(feature = "chrono")] chrono::DateTime<chrono::Utc> => "chrono::DateTime";
            #[cfg(feature = "chrono")] chrono::DateTime<chrono::FixedOffset> => "chrono::DateTime";
            #[cfg(feature = "chrono")] chrono::NaiveDateTime => "chrono::NaiveDateTime";
            #[cfg(feature = "chrono")] chrono::NaiveDate => "chrono::NaiveDate";
            #[cfg(feature = "chrono")] chrono::NaiveTime => "chrono::NaiveTime";
            #[cfg(feature = "time")] time::OffsetDateTime => "time::OffsetDateTime";
            #[cfg(feature = "time")] time::PrimitiveDateTime => "time::PrimitiveDateTime";
            #[cfg(feature = "time")] time::Date => "time::Date";
            #[cfg(feature = "time")] time::Time => "time::Time";
            #[cfg(feature = "uuid")] uuid::Uuid => "uuid::Uuid";
            #[cfg(feature = "rust_decimal")] rust_decimal::Decimal => "rust_decimal::Decimal";
            #[cfg(feature = "bigdecimal")] bigdecimal::BigDecimal => "bigdecimal::BigDecimal";
            #[cfg(feature = "serde_json")] serde_json::Value => "serde_json::Value";
            #[cfg(feature = "serde_json")] serde_json::value::RawValue => "serde_json::value::RawValue";
            #[cfg(feature = "sqlx")] sqlx::types::Json<i32> => "sqlx::types::Json";
            #[cfg(all(feature = "sqlx", feature = "serde_json"))] sqlx::types::JsonValue => "sqlx::types::JsonValue";
            #[cfg(feature = "postgres-types")] postgres_types::Json<i32> => "postgres_types::Json";
            #[cfg(feature = "pgvector")] pgvector::Vector => "pgvector::Vector";
            #[cfg(feature = "pgvector")] pgvector::SparseVector => "pgvector::SparseVector";
            #[cfg(feature = "pgvector")] pgvector::Bit => "pgvector::Bit";
            #[cfg(feature = "ipnetwork")] ipnetwork::IpNetwork => "ipnetwork::IpNetwork";
            #[cfg(feature = "bit-vec")] bit_vec::BitVec => "bit_vec::BitVec";
            #[cfg(feature = "sqlx")] sqlx::postgres::types::PgInterval => "sqlx::postgres::types::PgInterval";
            #[cfg(feature = "sqlx")] sqlx::postgres::types::PgMoney => "sqlx::postgres::types::PgMoney";
            #[cfg(feature = "sqlx")] sqlx::postgres::types::Oid => "sqlx::postgres::types::Oid";
            #[cfg(feature = "sqlx")] sqlx::postgres::types::PgLTree => "sqlx::postgres::types::PgLTree";
            #[cfg(feature = "sqlx")] sqlx::postgres::types::PgLQuery => "sqlx::postgres::types::PgLQuery";
            #[cfg(feature = "sqlx")] sqlx::postgres::types::PgHstore => "sqlx::postgres::types::PgHstore";
            #[cfg(feature = "sqlx")] sqlx::postgres::types::PgCiText => "sqlx::postgres::types::PgCiText";
        }
    }

    #[cfg(feature = "uuid")]
    #[test]
    fn uuid_type() {
        exactly::<uuid::Uuid>(&["uuid"]);
        exactly::<Vec<uuid::Uuid>>(&[]);
        let uuid_array = crate::types::ColumnType {
            array: true,
            ..builtin("uuid")
        };
        assert!(accepts(&<Vec<uuid::Uuid>>::ACCEPTS, &uuid_array));
    }

    #[cfg(feature = "pgvector")]
    #[test]
    fn pgvector_types() {
        // Extension types match in whichever schema the extension was installed into.
        for schema in ["public", "extensions"] {
            let vector = crate::types::ColumnType {
                schema,
                name: "vector",
                array: false,
                is_enum: false,
            };
            assert!(accepts(&pgvector::Vector::ACCEPTS, &vector));
            assert!(accepts(&<Option<pgvector::Vector>>::ACCEPTS, &vector));
            assert!(!accepts(&pgvector::SparseVector::ACCEPTS, &vector));
        }
        exactly::<pgvector::Vector>(&[]);
        exactly::<pgvector::Bit>(&["bit"]);
    }
}
