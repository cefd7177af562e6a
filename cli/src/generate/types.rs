//! Which Rust type a column gets: the mappings of `schemalock`'s features
//! (`runtime/src/types/mappings.rs`), each type one the derives accept for that column type,
//! chosen among the features the user enabled. A type no enabled feature maps is left out, with
//! the feature that would map it when there is one.

use clap::ValueEnum;
use schemalock_runtime::Snapshot;
use schemalock_runtime::snapshot::{DeclaredType, TypeKind};

/// A `schemalock` feature that brings type mappings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub(crate) enum Feature {
    /// `chrono`: dates and times.
    Chrono,
    /// `time`: dates and times.
    Time,
    /// `uuid`.
    Uuid,
    /// `serde_json`: `json`, `jsonb` as `serde_json::Value`.
    #[value(name = "serde_json")]
    SerdeJson,
    /// `rust_decimal`: `numeric`.
    #[value(name = "rust_decimal")]
    RustDecimal,
    /// `bigdecimal`: `numeric`.
    Bigdecimal,
    /// `pgvector`: `vector`, `sparsevec`, `bit`.
    Pgvector,
    /// `ipnetwork`: `cidr`.
    Ipnetwork,
    /// `bit-vec`: `bit`, `varbit`.
    #[value(name = "bit-vec")]
    BitVec,
}

impl Feature {
    /// The feature's name, as `schemalock` spells it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Feature::Chrono => "chrono",
            Feature::Time => "time",
            Feature::Uuid => "uuid",
            Feature::SerdeJson => "serde_json",
            Feature::RustDecimal => "rust_decimal",
            Feature::Bigdecimal => "bigdecimal",
            Feature::Pgvector => "pgvector",
            Feature::Ipnetwork => "ipnetwork",
            Feature::BitVec => "bit-vec",
        }
    }

    /// Features of which at most one may be chosen: they map the same column types.
    pub(crate) const EXCLUSIVE: [(Feature, Feature); 2] = [
        (Feature::Chrono, Feature::Time),
        (Feature::RustDecimal, Feature::Bigdecimal),
    ];
}

/// The Rust type of a column type, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mapped {
    /// The type, as a path that needs no `use`.
    Type(String),
    /// No enabled feature maps it; `Some` names the feature that would.
    Unmapped { feature: Option<Feature> },
}

/// Looks up enums of the snapshot: the Rust name of the enum `schema.name`.
pub(crate) type EnumName<'a> = &'a dyn Fn(&str, &str) -> Option<String>;

/// The Rust type for values of `declared` (not `Option`: nullability is the caller's), with
/// domains followed to their base.
pub(crate) fn rust_type(
    snapshot: &Snapshot,
    declared: DeclaredType<'_>,
    features: &[Feature],
    enum_name: EnumName<'_>,
) -> Mapped {
    let (declared, array) = match snapshot.type_kind(declared.schema, declared.name) {
        TypeKind::Domain(_) => match snapshot.domain_base(declared.schema, declared.name) {
            Some(b) => (b.base, declared.array || b.base.array),
            None => return Mapped::Unmapped { feature: None },
        },
        _ => (declared, declared.array),
    };
    let element = match snapshot.type_kind(declared.schema, declared.name) {
        TypeKind::Enum(_) => match enum_name(declared.schema, declared.name) {
            Some(name) => Mapped::Type(name),
            None => Mapped::Unmapped { feature: None },
        },
        TypeKind::Composite(_) | TypeKind::Domain(_) => Mapped::Unmapped { feature: None },
        TypeKind::Base if declared.schema == "pg_catalog" => builtin(declared.name, features),
        TypeKind::Base => extension(declared.name, features),
    };
    match (element, array) {
        (Mapped::Type(t), true) => Mapped::Type(format!("Vec<{t}>")),
        (m, _) => m,
    }
}

fn has(features: &[Feature], f: Feature) -> bool {
    features.contains(&f)
}

/// `ty` with `feature`, else unmapped for want of it.
fn with(features: &[Feature], feature: Feature, ty: &str) -> Mapped {
    if has(features, feature) {
        Mapped::Type(ty.to_owned())
    } else {
        Mapped::Unmapped {
            feature: Some(feature),
        }
    }
}

/// A `pg_catalog` type.
fn builtin(name: &str, f: &[Feature]) -> Mapped {
    let plain = |t: &str| Mapped::Type(t.to_owned());
    // The two families where the user picks a crate: the one enabled, else the first.
    let time = |chrono: &str, time: &str| {
        if has(f, Feature::Time) && !has(f, Feature::Chrono) {
            plain(time)
        } else {
            with(f, Feature::Chrono, chrono)
        }
    };
    match name {
        "bool" => plain("bool"),
        "char" => plain("i8"),
        "int2" => plain("i16"),
        "int4" => plain("i32"),
        "int8" => plain("i64"),
        "float4" => plain("f32"),
        "float8" => plain("f64"),
        "text" | "varchar" | "bpchar" | "name" => plain("String"),
        "bytea" => plain("Vec<u8>"),
        // Both drivers decode `inet` into `IpAddr`; only sqlx decodes `cidr` (into `IpNetwork`).
        "inet" => plain("std::net::IpAddr"),
        "cidr" => with(f, Feature::Ipnetwork, "ipnetwork::IpNetwork"),
        "json" | "jsonb" => with(f, Feature::SerdeJson, "serde_json::Value"),
        "uuid" => with(f, Feature::Uuid, "uuid::Uuid"),
        "date" => time("chrono::NaiveDate", "time::Date"),
        "time" => time("chrono::NaiveTime", "time::Time"),
        "timestamp" => time("chrono::NaiveDateTime", "time::PrimitiveDateTime"),
        "timestamptz" => time("chrono::DateTime<chrono::Utc>", "time::OffsetDateTime"),
        "numeric" if has(f, Feature::Bigdecimal) && !has(f, Feature::RustDecimal) => {
            plain("bigdecimal::BigDecimal")
        }
        "numeric" => with(f, Feature::RustDecimal, "rust_decimal::Decimal"),
        "bit" if !has(f, Feature::BitVec) && has(f, Feature::Pgvector) => plain("pgvector::Bit"),
        "bit" | "varbit" => with(f, Feature::BitVec, "bit_vec::BitVec"),
        _ => Mapped::Unmapped { feature: None },
    }
}

/// A type of an extension, by name in whatever schema it was installed.
fn extension(name: &str, f: &[Feature]) -> Mapped {
    match name {
        "citext" => Mapped::Type("String".to_owned()),
        "vector" => with(f, Feature::Pgvector, "pgvector::Vector"),
        "sparsevec" => with(f, Feature::Pgvector, "pgvector::SparseVector"),
        _ => Mapped::Unmapped { feature: None },
    }
}
