//! `PgCompatible` for std types and, behind features, for the crates drivers decode into.
//!
//! The rule: a column type is listed for a Rust type only when both `sqlx` (0.9) and
//! `postgres-types` (0.2) decode it into that Rust type, or, for a type only one driver
//! supports, when that driver does. Being looser would let a build pass that fails at run time.
//! Wrappers (`&T`, `Box<T>`, `Cow<T>`, `Arc<T>`, `Rc<T>`) forward to what they wrap: a driver that
//! lacks one fails to compile, never at run time, so forwarding hides nothing.

use super::builtin::*;
use super::{Accepts, PgCompatible};

macro_rules! map {
    ($($(#[$cfg:meta])* $ty:ty => [$($pg:expr),+ $(,)?];)+) => {$(
        $(#[$cfg])*
        impl PgCompatible for $ty {
            const ACCEPTS: Accepts = Accepts::Types(&[$($pg),+]);
        }
    )+};
}

/// The type `#[sqlx(json)]` fields are checked as: any serde type stored as `json` or `jsonb`.
#[derive(Debug)]
pub struct JsonColumn;

map! {
    // sqlx: bool, "char", int2/4/8, float4/8 are each exact; postgres-types agrees.
    bool => [BOOL];
    i8 => [CHAR];
    i16 => [INT2];
    i32 => [INT4];
    i64 => [INT8];
    f32 => [FLOAT4];
    f64 => [FLOAT8];
    // postgres-types also takes ltree/lquery/ltxtquery; sqlx does not, so neither do we.
    str => [TEXT, VARCHAR, BPCHAR, NAME, CITEXT];
    String => [TEXT, VARCHAR, BPCHAR, NAME, CITEXT];
    // sqlx takes inet and cidr for `IpAddr`; postgres-types only inet.
    std::net::IpAddr => [INET];
    JsonColumn => [JSON, JSONB];

    // `DateTime<Local>` is left out: it exists only with chrono's `clock` feature, which would
    // pull in the system time zone machinery for every user of this feature.
    #[cfg(feature = "chrono")] chrono::NaiveDate => [DATE];
    #[cfg(feature = "chrono")] chrono::NaiveTime => [TIME];
    #[cfg(feature = "chrono")] chrono::NaiveDateTime => [TIMESTAMP];
    #[cfg(feature = "chrono")] chrono::DateTime<chrono::Utc> => [TIMESTAMPTZ];
    #[cfg(feature = "chrono")] chrono::DateTime<chrono::FixedOffset> => [TIMESTAMPTZ];

    #[cfg(feature = "time")] time::Date => [DATE];
    #[cfg(feature = "time")] time::Time => [TIME];
    #[cfg(feature = "time")] time::PrimitiveDateTime => [TIMESTAMP];
    #[cfg(feature = "time")] time::OffsetDateTime => [TIMESTAMPTZ];

    #[cfg(feature = "uuid")] uuid::Uuid => [UUID];
    #[cfg(feature = "rust_decimal")] rust_decimal::Decimal => [NUMERIC];
    #[cfg(feature = "bigdecimal")] bigdecimal::BigDecimal => [NUMERIC];
    #[cfg(feature = "serde_json")] serde_json::Value => [JSON, JSONB];
    #[cfg(feature = "serde_json")] serde_json::value::RawValue => [JSON, JSONB];

    #[cfg(feature = "pgvector")] pgvector::Vector => [super::PgTypeRef::extension("vector")];
    #[cfg(feature = "pgvector")] pgvector::SparseVector => [super::PgTypeRef::extension("sparsevec")];
    #[cfg(feature = "pgvector")] pgvector::Bit => [BIT];
    // sqlx-only: postgres-types has no ipnetwork support.
    #[cfg(feature = "ipnetwork")] ipnetwork::IpNetwork => [INET, CIDR];
    #[cfg(feature = "bit-vec")] bit_vec::BitVec => [BIT, VARBIT];
    #[cfg(feature = "bit-vec-0_6")] bit_vec_0_6::BitVec => [BIT, VARBIT];
}

impl PgCompatible for u8 {
    const ACCEPTS: Accepts = Accepts::Byte;
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
            const ACCEPTS: Accepts = Accepts::Types(&[JSON, JSONB]);
        }
    )+};
}

json_wrapper! {
    #[cfg(feature = "sqlx")] sqlx::types::Json<T>;
    #[cfg(feature = "postgres-types")] postgres_types::Json<T>;
}

#[cfg(test)]
mod tests {
    use crate::types::rule::accepts;
    use crate::types::{ColumnType, PgCompatible};

    fn builtin(name: &'static str) -> ColumnType<&'static str> {
        ColumnType {
            schema: "pg_catalog",
            name,
            array: false,
            is_enum: false,
        }
    }

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

    #[cfg(feature = "uuid")]
    #[test]
    fn uuid_type() {
        exactly::<uuid::Uuid>(&["uuid"]);
        exactly::<Vec<uuid::Uuid>>(&[]);
        let uuid_array = ColumnType {
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
            let vector = ColumnType {
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
