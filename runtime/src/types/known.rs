//! The Rust types schemalock maps, as data: what each accepts (one `const` per mapping, which
//! the [`PgCompatible`](super::PgCompatible) impls (in `types/mappings.rs`) also use, so the two
//! cannot disagree), the paths that name it, the feature that brings its impl, and how a
//! suggestion writes it.
//!
//! The derive reads this table to decide a field's type without the compiler when the type is
//! written as a path it can name with certainty (`i64`, `String`, `Option<Vec<String>>`,
//! `uuid::Uuid`, `chrono::DateTime<chrono::Utc>`), and every type error reads it to name the types
//! that fit the column. A type it cannot name (`Uuid` imported under another name, an alias, a
//! newtype, an enum) is left to the compiler, through its `PgCompatible` impl.

use super::builtin as pg;
use super::rule::accepts;
use super::{Accepts, ColumnType, PgTypeRef};

/// `boolean`.
pub const BOOL: Accepts = Accepts::Types(&[pg::BOOL]);
/// `"char"`.
pub const I8: Accepts = Accepts::Types(&[pg::CHAR]);
/// `smallint`.
pub const I16: Accepts = Accepts::Types(&[pg::INT2]);
/// `integer`.
pub const I32: Accepts = Accepts::Types(&[pg::INT4]);
/// `bigint`.
pub const I64: Accepts = Accepts::Types(&[pg::INT8]);
/// `real`.
pub const F32: Accepts = Accepts::Types(&[pg::FLOAT4]);
/// `double precision`.
pub const F64: Accepts = Accepts::Types(&[pg::FLOAT8]);
/// The text types. postgres-types also takes ltree, lquery and ltxtquery into `String`; sqlx does
/// not, so neither do we.
pub const TEXT: Accepts =
    Accepts::Types(&[pg::TEXT, pg::VARCHAR, pg::BPCHAR, pg::NAME, pg::CITEXT]);
/// `u8`, only meaningful as the element of `Vec<u8>` (`bytea`).
pub const BYTE: Accepts = Accepts::Byte;
/// `bytea`.
pub const BYTES: Accepts = Accepts::Array(&Accepts::Byte);
/// `inet`: sqlx also takes `cidr` into `IpAddr`, postgres-types does not.
pub const IP_ADDR: Accepts = Accepts::Types(&[pg::INET]);
/// `json` and `jsonb`, into any serde type.
pub const JSON: Accepts = Accepts::Types(&[pg::JSON, pg::JSONB]);
/// `date`.
pub const DATE: Accepts = Accepts::Types(&[pg::DATE]);
/// `time without time zone`.
pub const TIME: Accepts = Accepts::Types(&[pg::TIME]);
/// `timestamp without time zone`.
pub const TIMESTAMP: Accepts = Accepts::Types(&[pg::TIMESTAMP]);
/// `timestamp with time zone`.
pub const TIMESTAMPTZ: Accepts = Accepts::Types(&[pg::TIMESTAMPTZ]);
/// `uuid`.
pub const UUID: Accepts = Accepts::Types(&[pg::UUID]);
/// `numeric`.
pub const NUMERIC: Accepts = Accepts::Types(&[pg::NUMERIC]);
/// pgvector's `vector`.
pub const VECTOR: Accepts = Accepts::Types(&[PgTypeRef::extension("vector")]);
/// pgvector's `sparsevec`.
pub const SPARSEVEC: Accepts = Accepts::Types(&[PgTypeRef::extension("sparsevec")]);
/// `bit`.
pub const BIT: Accepts = Accepts::Types(&[pg::BIT]);
/// `inet` and `cidr` (ipnetwork: sqlx only).
pub const IP_NETWORK: Accepts = Accepts::Types(&[pg::INET, pg::CIDR]);
/// `bit` and `bit varying`.
pub const BIT_VEC: Accepts = Accepts::Types(&[pg::BIT, pg::VARBIT]);
/// `interval`: sqlx's `PgInterval`. (sqlx encodes std's, chrono's and time's durations as
/// `interval` but decodes none of them; postgres-types has no `interval` at all.)
pub const INTERVAL: Accepts = Accepts::Types(&[pg::INTERVAL]);
/// `money`: sqlx's `PgMoney`.
pub const MONEY: Accepts = Accepts::Types(&[pg::MONEY]);
/// `oid`: sqlx's `Oid`, postgres-types' `u32`.
pub const OID: Accepts = Accepts::Types(&[pg::OID]);
/// `ltree`: sqlx's `PgLTree`.
pub const LTREE: Accepts = Accepts::Types(&[pg::LTREE]);
/// `lquery`: sqlx's `PgLQuery`.
pub const LQUERY: Accepts = Accepts::Types(&[pg::LQUERY]);
/// `hstore`.
pub const HSTORE: Accepts = Accepts::Types(&[pg::HSTORE]);
/// `citext` alone: sqlx's `PgCiText`.
pub const CITEXT: Accepts = Accepts::Types(&[pg::CITEXT]);
/// `int4range`: `PgRange<i32>`.
pub const INT4RANGE: Accepts = Accepts::Types(&[pg::INT4RANGE]);
/// `int8range`: `PgRange<i64>`.
pub const INT8RANGE: Accepts = Accepts::Types(&[pg::INT8RANGE]);
/// `numrange`: `PgRange` of a decimal.
pub const NUMRANGE: Accepts = Accepts::Types(&[pg::NUMRANGE]);
/// `tsrange`: `PgRange` of a timestamp without time zone.
pub const TSRANGE: Accepts = Accepts::Types(&[pg::TSRANGE]);
/// `tstzrange`: `PgRange` of a timestamp with time zone.
pub const TSTZRANGE: Accepts = Accepts::Types(&[pg::TSTZRANGE]);
/// `daterange`: `PgRange` of a date.
pub const DATERANGE: Accepts = Accepts::Types(&[pg::DATERANGE]);

/// A Rust type schemalock maps.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    /// The paths that name it, without generic arguments and a leading `::`: `chrono::DateTime`.
    pub paths: &'static [&'static str],
    /// What it accepts.
    pub accepts: &'static Accepts,
    /// The name of that `const` in this module, for generated code.
    pub konst: &'static str,
    /// The schemalock feature that brings its `PgCompatible` impl.
    pub feature: Option<&'static str>,
    /// How a suggestion writes it; `None`: never suggested (another entry is the one to write).
    pub suggest: Option<&'static str>,
}

macro_rules! known {
    ($($konst:ident $feature:tt [$($path:literal),*] $suggest:tt;)+) => {
        /// Every mapped type, in the order suggestions list them.
        pub const KNOWN: &[Known] = &[$(Known {
            paths: &[$($path),*],
            accepts: &$konst,
            konst: stringify!($konst),
            feature: known!(@opt $feature),
            suggest: known!(@opt $suggest),
        }),+];
    };
    (@opt _) => { None };
    (@opt $s:literal) => { Some($s) };
}

// One line per type: its accepts, its feature, the paths that name it with certainty (std's, the
// crate's own, and sqlx's re-exports), and how suggestions write it.
known! {
    BOOL _ ["bool"] "bool";
    I8 _ ["i8"] "i8";
    I16 _ ["i16"] "i16";
    I32 _ ["i32"] "i32";
    I64 _ ["i64"] "i64";
    F32 _ ["f32"] "f32";
    F64 _ ["f64"] "f64";
    TEXT _ ["String", "std::string::String", "alloc::string::String"] "String";
    TEXT _ ["str"] _;
    BYTE _ ["u8"] _;
    IP_ADDR _ ["std::net::IpAddr", "core::net::IpAddr"] "std::net::IpAddr";
    TIMESTAMPTZ "chrono" ["chrono::DateTime", "sqlx::types::chrono::DateTime"] "chrono::DateTime<chrono::Utc>";
    TIMESTAMPTZ "time" ["time::OffsetDateTime", "sqlx::types::time::OffsetDateTime"] "time::OffsetDateTime";
    TIMESTAMP "chrono" ["chrono::NaiveDateTime", "sqlx::types::chrono::NaiveDateTime"] "chrono::NaiveDateTime";
    TIMESTAMP "time" ["time::PrimitiveDateTime", "sqlx::types::time::PrimitiveDateTime"] "time::PrimitiveDateTime";
    DATE "chrono" ["chrono::NaiveDate", "sqlx::types::chrono::NaiveDate"] "chrono::NaiveDate";
    DATE "time" ["time::Date", "sqlx::types::time::Date"] "time::Date";
    TIME "chrono" ["chrono::NaiveTime", "sqlx::types::chrono::NaiveTime"] "chrono::NaiveTime";
    TIME "time" ["time::Time", "sqlx::types::time::Time"] "time::Time";
    UUID "uuid" ["uuid::Uuid", "sqlx::types::Uuid"] "uuid::Uuid";
    NUMERIC "rust_decimal" ["rust_decimal::Decimal", "sqlx::types::Decimal"] "rust_decimal::Decimal";
    NUMERIC "bigdecimal" ["bigdecimal::BigDecimal", "sqlx::types::BigDecimal"] "bigdecimal::BigDecimal";
    JSON "serde_json" ["serde_json::Value", "sqlx::types::JsonValue"] "serde_json::Value";
    JSON "serde_json" ["serde_json::value::RawValue", "sqlx::types::JsonRawValue"] _;
    JSON "sqlx" ["sqlx::types::Json"] "sqlx::types::Json<T>";
    JSON "postgres-types" ["postgres_types::Json"] _;
    VECTOR "pgvector" ["pgvector::Vector"] "pgvector::Vector";
    SPARSEVEC "pgvector" ["pgvector::SparseVector"] "pgvector::SparseVector";
    BIT "pgvector" ["pgvector::Bit"] _;
    IP_NETWORK "ipnetwork" ["ipnetwork::IpNetwork", "sqlx::types::ipnetwork::IpNetwork"] "ipnetwork::IpNetwork";
    BIT_VEC "bit-vec" ["bit_vec::BitVec", "sqlx::types::BitVec"] "bit_vec::BitVec";
    INTERVAL "sqlx" ["sqlx::postgres::types::PgInterval"] "sqlx::postgres::types::PgInterval";
    MONEY "sqlx" ["sqlx::postgres::types::PgMoney"] "sqlx::postgres::types::PgMoney";
    OID "sqlx" ["sqlx::postgres::types::Oid"] "sqlx::postgres::types::Oid";
    LTREE "sqlx" ["sqlx::postgres::types::PgLTree"] "sqlx::postgres::types::PgLTree";
    LQUERY "sqlx" ["sqlx::postgres::types::PgLQuery"] "sqlx::postgres::types::PgLQuery";
    HSTORE "sqlx" ["sqlx::postgres::types::PgHstore"] "sqlx::postgres::types::PgHstore";
    CITEXT "sqlx" ["sqlx::postgres::types::PgCiText"] _;
    // Written for suggestions only: `u32` (postgres-types' `oid`), `HashMap` and `PgRange<T>`
    // depend on what they hold or on a driver's feature, so the compiler decides them.
    OID "postgres-types" [] "u32";
    HSTORE "postgres-types" [] "std::collections::HashMap<String, Option<String>>";
    INT4RANGE "sqlx" [] "sqlx::postgres::types::PgRange<i32>";
    INT8RANGE "sqlx" [] "sqlx::postgres::types::PgRange<i64>";
    NUMRANGE "sqlx" [] "sqlx::postgres::types::PgRange<rust_decimal::Decimal>";
    TSRANGE "sqlx" [] "sqlx::postgres::types::PgRange<chrono::NaiveDateTime>";
    TSTZRANGE "sqlx" [] "sqlx::postgres::types::PgRange<chrono::DateTime<chrono::Utc>>";
    DATERANGE "sqlx" [] "sqlx::postgres::types::PgRange<chrono::NaiveDate>";
}

/// Rust types that have no PostgreSQL type at all, with why: the derive reports them itself.
pub const UNMAPPABLE: &[(&str, &str)] = &[
    ("u16", "PostgreSQL has no unsigned integers"),
    ("u64", "PostgreSQL has no unsigned integers"),
    ("u128", "PostgreSQL has no unsigned integers"),
    ("usize", "PostgreSQL has no unsigned integers"),
    ("i128", "PostgreSQL has no 128-bit integer"),
    (
        "isize",
        "its size depends on the platform; PostgreSQL's integers do not",
    ),
    ("char", "PostgreSQL has no type of one Unicode scalar value"),
];

/// The entry a path names (segments joined with `::`, no generic arguments, no leading `::`).
pub fn by_path(path: &str) -> Option<&'static Known> {
    KNOWN.iter().find(|k| k.paths.contains(&path))
}

/// The Rust types that read a column of type `col`, as a suggestion writes them: `` `i64` ``,
/// `` `chrono::DateTime<chrono::Utc>` (feature `chrono`) ``; wrapped in `Vec<..>` for an array
/// and in `Option<..>` when `nullable`. Empty when schemalock maps no type to it.
pub fn fitting(col: &ColumnType<&str>, nullable: bool) -> Vec<String> {
    let element = ColumnType {
        array: false,
        ..*col
    };
    let bytea = !col.array && col.schema == "pg_catalog" && col.name == "bytea";
    let mut out = Vec::new();
    let mut add = |rust: &str, feature: Option<&str>| {
        let rust = if nullable {
            format!("Option<{rust}>")
        } else {
            rust.to_owned()
        };
        out.push(match feature {
            Some(f) => format!("`{rust}` (feature `{f}`)"),
            None => format!("`{rust}`"),
        });
    };
    if bytea {
        add("Vec<u8>", None);
        return out;
    }
    for k in KNOWN {
        let Some(rust) = k.suggest else { continue };
        if accepts(k.accepts, &element) {
            if col.array {
                add(&format!("Vec<{rust}>"), k.feature);
            } else {
                add(rust, k.feature);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::tests::builtin;

    #[test]
    fn suggestions_name_the_types_that_fit_with_their_features() {
        assert_eq!(fitting(&builtin("int8"), false), ["`i64`"]);
        assert_eq!(fitting(&builtin("int8"), true), ["`Option<i64>`"]);
        assert_eq!(
            fitting(&builtin("timestamptz"), false),
            [
                "`chrono::DateTime<chrono::Utc>` (feature `chrono`)",
                "`time::OffsetDateTime` (feature `time`)"
            ]
        );
        let text_array = ColumnType {
            array: true,
            ..builtin("text")
        };
        assert_eq!(fitting(&text_array, false), ["`Vec<String>`"]);
        assert_eq!(fitting(&builtin("bytea"), false), ["`Vec<u8>`"]);
        assert!(fitting(&builtin("tsvector"), false).is_empty());
    }

    #[test]
    fn paths_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in KNOWN {
            for p in k.paths {
                assert!(seen.insert(*p), "{p} twice");
            }
        }
    }
}
