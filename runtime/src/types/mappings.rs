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
    ($($ty:ty => [$($pg:expr),+ $(,)?];)+) => {$(
        impl PgCompatible for $ty {
            const ACCEPTS: Accepts = Accepts::Types(&[$($pg),+]);
        }
    )+};
}

// sqlx: bool, "char", int2/4/8, float4/8 are each exact; postgres-types agrees.
map! {
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

#[cfg(feature = "chrono")]
map! {
    chrono::NaiveDate => [DATE];
    chrono::NaiveTime => [TIME];
    chrono::NaiveDateTime => [TIMESTAMP];
    chrono::DateTime<chrono::Utc> => [TIMESTAMPTZ];
    chrono::DateTime<chrono::FixedOffset> => [TIMESTAMPTZ];
}

// `DateTime<Local>` is left out: it exists only with chrono's `clock` feature, which would pull
// in the system time zone machinery for every user of this feature.

#[cfg(feature = "time")]
map! {
    time::Date => [DATE];
    time::Time => [TIME];
    time::PrimitiveDateTime => [TIMESTAMP];
    time::OffsetDateTime => [TIMESTAMPTZ];
}

#[cfg(feature = "uuid")]
map! {
    uuid::Uuid => [UUID];
}

#[cfg(feature = "rust_decimal")]
map! {
    rust_decimal::Decimal => [NUMERIC];
}

#[cfg(feature = "bigdecimal")]
map! {
    bigdecimal::BigDecimal => [NUMERIC];
}

#[cfg(feature = "serde_json")]
map! {
    serde_json::Value => [JSON, JSONB];
    serde_json::value::RawValue => [JSON, JSONB];
}

/// The type `#[sqlx(json)]` fields are checked as: any serde type stored as `json` or `jsonb`.
#[derive(Debug)]
pub struct JsonColumn;

map! {
    JsonColumn => [JSON, JSONB];
}

#[cfg(feature = "sqlx")]
impl<T> PgCompatible for sqlx::types::Json<T> {
    const ACCEPTS: Accepts = Accepts::Types(&[JSON, JSONB]);
}

#[cfg(feature = "postgres-types")]
impl<T> PgCompatible for postgres_types::Json<T> {
    const ACCEPTS: Accepts = Accepts::Types(&[JSON, JSONB]);
}

#[cfg(feature = "pgvector")]
map! {
    pgvector::Vector => [super::PgTypeRef::extension("vector")];
    pgvector::SparseVector => [super::PgTypeRef::extension("sparsevec")];
    pgvector::Bit => [BIT];
}

// sqlx-only: postgres-types has no ipnetwork support.
#[cfg(feature = "ipnetwork")]
map! {
    ipnetwork::IpNetwork => [INET, CIDR];
}

#[cfg(feature = "bit-vec")]
map! {
    bit_vec::BitVec => [BIT, VARBIT];
}

#[cfg(feature = "bit-vec-0_6")]
map! {
    bit_vec_0_6::BitVec => [BIT, VARBIT];
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

    #[test]
    fn std_types() {
        exactly::<bool>(&["bool"]);
        exactly::<i8>(&["char"]);
        exactly::<i16>(&["int2"]);
        exactly::<i32>(&["int4"]);
        exactly::<i64>(&["int8"]);
        exactly::<f32>(&["float4"]);
        exactly::<f64>(&["float8"]);
        exactly::<String>(&["text", "varchar", "bpchar", "name"]);
        exactly::<Box<str>>(&["text", "varchar", "bpchar", "name"]);
        exactly::<std::sync::Arc<str>>(&["text", "varchar", "bpchar", "name"]);
        exactly::<Vec<u8>>(&["bytea"]);
        exactly::<&[u8]>(&["bytea"]);
        exactly::<std::net::IpAddr>(&["inet"]);
        exactly::<u8>(&[]);
        exactly::<super::JsonColumn>(&["json", "jsonb"]);
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_types() {
        exactly::<chrono::NaiveDate>(&["date"]);
        exactly::<chrono::NaiveTime>(&["time"]);
        exactly::<chrono::NaiveDateTime>(&["timestamp"]);
        exactly::<chrono::DateTime<chrono::Utc>>(&["timestamptz"]);
        exactly::<chrono::DateTime<chrono::FixedOffset>>(&["timestamptz"]);
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_types() {
        exactly::<time::Date>(&["date"]);
        exactly::<time::Time>(&["time"]);
        exactly::<time::PrimitiveDateTime>(&["timestamp"]);
        exactly::<time::OffsetDateTime>(&["timestamptz"]);
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

    #[cfg(all(feature = "rust_decimal", feature = "bigdecimal"))]
    #[test]
    fn decimal_types() {
        exactly::<rust_decimal::Decimal>(&["numeric"]);
        exactly::<bigdecimal::BigDecimal>(&["numeric"]);
    }

    #[cfg(feature = "serde_json")]
    #[test]
    fn json_types() {
        exactly::<serde_json::Value>(&["json", "jsonb"]);
        exactly::<Box<serde_json::value::RawValue>>(&["json", "jsonb"]);
    }

    #[cfg(feature = "sqlx")]
    #[test]
    fn sqlx_json_wrapper() {
        exactly::<sqlx::types::Json<Vec<String>>>(&["json", "jsonb"]);
    }

    #[cfg(feature = "postgres-types")]
    #[test]
    fn postgres_json_wrapper() {
        exactly::<postgres_types::Json<Vec<String>>>(&["json", "jsonb"]);
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

    #[cfg(feature = "ipnetwork")]
    #[test]
    fn ipnetwork_type() {
        exactly::<ipnetwork::IpNetwork>(&["inet", "cidr"]);
    }

    #[cfg(all(feature = "bit-vec", feature = "bit-vec-0_6"))]
    #[test]
    fn bit_vec_types() {
        exactly::<bit_vec::BitVec>(&["bit", "varbit"]);
        exactly::<bit_vec_0_6::BitVec>(&["bit", "varbit"]);
    }
}
