//! Startup verification: does the live database match the models this binary was compiled with?
//!
//! The build-time check proves the models match the committed snapshot; this proves, whenever a
//! service asks (at startup, in a health check), that the database matches the models. It reads
//! a snapshot of just the schemas the models use, with the catalog queries of
//! [`crate::introspect`] in one read-only repeatable-read transaction, and runs the same check
//! engine with the same rules as the derives ([`crate::check`]), now with each field's type known
//! from its [`ColumnMeta`]. Nothing is cached: every call reads the catalogs again.
//!
//! # Waiting
//!
//! The read waits at most [`Options::lock_timeout`] (default 5 s) for a table another session has
//! locked, such as a migration running at startup, and fails with an error naming the table, its
//! holder and for how long; no statement runs longer than [`Options::statement_timeout`]
//! (default 60 s); a read that objects were dropped under is tried again. The `*_with` functions
//! take the [`Options`]; the others use the defaults.
//!
//! # What counts as drift
//!
//! Everything the derives reject at compile time: a missing schema, table, column or enum type,
//! a column type the field cannot decode, a nullable column behind a non-`Option` field, a
//! variant whose label is gone, and the `insertable` and `exhaustive` rules. Additive changes no
//! model reads are fine: extra tables and columns (unless the model is `exhaustive`), and extra
//! enum labels, which are reported as notices (a row holding one would fail to decode, but
//! adding a label is how enums grow) unless the enum is `#[schemalock(exhaustive)]`, which makes
//! them drift.

use std::fmt;

use serde::Serialize;

use crate::check::{self, At, EnumModel, FieldType, Kind, Model};
use crate::meta::{ColumnMeta, EnumMeta, PgEnum, Table, TableMeta};
use crate::snapshot::Snapshot;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlx")]
mod sqlx;
#[cfg(feature = "tokio-postgres")]
mod tokio_postgres;

#[cfg(feature = "postgres")]
pub use self::postgres::{postgres, postgres_only, postgres_with};
#[cfg(feature = "sqlx")]
pub use self::sqlx::{sqlx, sqlx_connection, sqlx_connection_with, sqlx_only, sqlx_with};
#[cfg(feature = "tokio-postgres")]
pub use self::tokio_postgres::{tokio_postgres, tokio_postgres_only, tokio_postgres_with};

/// Which derived types to verify.
#[derive(Debug, Clone, Default)]
pub struct Models {
    tables: Vec<&'static TableMeta>,
    enums: Vec<&'static EnumMeta>,
}

impl Models {
    /// Every `#[derive(Table)]` and `#[derive(PgEnum)]` type linked into this binary.
    pub fn all() -> Self {
        let mut tables: Vec<_> = crate::meta::registered_tables().collect();
        let mut enums: Vec<_> = crate::meta::registered_enums().collect();
        // Registration order depends on the linker; reports should not.
        tables.sort_by_key(|t| (t.module_path, t.rust_name));
        enums.sort_by_key(|e| (e.module_path, e.rust_name));
        Models { tables, enums }
    }

    /// No types; add some with [`Models::table`] and [`Models::pg_enum`].
    pub fn none() -> Self {
        Models::default()
    }

    pub fn table<T: Table>(mut self) -> Self {
        self.tables.push(T::META);
        self
    }

    pub fn pg_enum<E: PgEnum>(mut self) -> Self {
        self.enums.push(E::META);
        self
    }

    /// An enum described by its metadata.
    pub fn pg_enum_meta(mut self, meta: &'static EnumMeta) -> Self {
        self.enums.push(meta);
        self
    }

    /// A table described by its metadata, e.g. one not known at compile time.
    pub fn table_meta(mut self, meta: &'static TableMeta) -> Self {
        self.tables.push(meta);
        self
    }

    pub fn tables(&self) -> &[&'static TableMeta] {
        &self.tables
    }

    pub fn enums(&self) -> &[&'static EnumMeta] {
        &self.enums
    }

    /// The schemas the models read, sorted: what verification introspects.
    pub fn schemas(&self) -> Vec<String> {
        let mut schemas: Vec<String> = self
            .tables
            .iter()
            .map(|t| t.schema)
            .chain(self.enums.iter().map(|e| e.schema))
            .map(str::to_owned)
            .collect();
        schemas.sort();
        schemas.dedup();
        schemas
    }

    /// Checks these models against a snapshot (of a live database, usually).
    pub fn check(&self, snapshot: &Snapshot) -> Report {
        let mut findings = Vec::new();
        for table in &self.tables {
            check_table(snapshot, table, &mut findings);
        }
        for e in &self.enums {
            check_enum(snapshot, e, &mut findings);
        }
        Report {
            findings,
            tables_checked: self.tables.len(),
            enums_checked: self.enums.len(),
        }
    }
}

fn rust_path(module_path: &str, name: &str) -> String {
    format!("{module_path}::{name}")
}

fn check_table(snapshot: &Snapshot, meta: &TableMeta, out: &mut Vec<Finding>) {
    let columns: Vec<&'static ColumnMeta> = meta.all_columns();
    let model = Model {
        rust_name: meta.rust_name,
        schema: meta.schema,
        table: meta.table,
        fields: columns
            .iter()
            .map(|c| check::Field {
                name: c.field,
                column: c.column,
                ty: match (c.accepts, c.pg_type) {
                    (_, Some(pg_type)) => FieldType::Declared {
                        pg_type,
                        nullable: c.nullable,
                        rust: c.rust_type,
                    },
                    (Some(accepts), None) => FieldType::Mapped {
                        accepts,
                        nullable: c.nullable,
                        rust: c.rust_type,
                    },
                    (None, None) => FieldType::Deferred,
                },
            })
            .collect(),
        insertable: meta.insertable,
        exhaustive: meta.exhaustive,
        partial: false,
    };
    let object = format!("{}.{}", meta.schema, meta.table);
    for f in check::check_table(snapshot, &model) {
        let (field, column) = match f.at {
            At::Field(i) => (Some(columns[i].field), Some(columns[i].column)),
            _ => (None, None),
        };
        out.push(Finding {
            model: rust_path(meta.module_path, meta.rust_name),
            object: object.clone(),
            field: field.map(str::to_owned),
            column: column.map(str::to_owned),
            kind: f.kind,
            severity: Severity::Drift,
            expected: f.expected,
            found: f.found,
            message: f.message,
        });
    }
}

fn check_enum(snapshot: &Snapshot, meta: &EnumMeta, out: &mut Vec<Finding>) {
    let model = EnumModel {
        rust_name: meta.rust_name,
        schema: meta.schema,
        type_name: meta.type_name,
        variants: meta.variants.to_vec(),
    };
    for f in check::check_enum(snapshot, &model) {
        let field = match f.at {
            At::Variant(i) => Some(meta.variants[i].0.to_owned()),
            _ => None,
        };
        let severity = if f.kind == Kind::UnmappedLabels && !meta.exhaustive {
            Severity::Notice
        } else {
            Severity::Drift
        };
        out.push(Finding {
            model: rust_path(meta.module_path, meta.rust_name),
            object: format!("{}.{}", meta.schema, meta.type_name),
            field,
            column: None,
            kind: f.kind,
            severity,
            expected: f.expected,
            found: f.found,
            message: f.message,
        });
    }
}

/// Whether a finding means the service will fail on some rows or queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A model does not fit the database.
    Drift,
    /// Worth knowing, not a failure: a label no variant maps, on a non-`exhaustive` enum.
    Notice,
}

/// One difference between a model and the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The Rust type, with its module path.
    pub model: String,
    /// `schema.table` or `schema.enum_type`.
    pub object: String,
    /// The field, or for an enum the variant, when the finding is about one.
    pub field: Option<String>,
    pub column: Option<String>,
    pub kind: Kind,
    pub severity: Severity,
    /// What the model expects, e.g. `` enum `canonlayer` `` or `NOT NULL`.
    pub expected: Option<String>,
    /// What the database has, e.g. `` `character varying(20)` `` or `nullable`.
    pub found: Option<String>,
    /// The same sentence the compile-time check would print.
    pub message: String,
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub tables_checked: usize,
    pub enums_checked: usize,
}

impl Report {
    /// True when no finding is drift (notices allowed).
    pub fn is_clean(&self) -> bool {
        self.drift().next().is_none()
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The findings that are drift.
    pub fn drift(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Drift)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let drift = self.drift().count();
        let notices = self.findings.len() - drift;
        let checked = format!(
            "{} {} and {} {}",
            self.tables_checked,
            if self.tables_checked == 1 {
                "model"
            } else {
                "models"
            },
            self.enums_checked,
            if self.enums_checked == 1 {
                "enum"
            } else {
                "enums"
            },
        );
        if drift == 0 {
            write!(f, "schemalock: the database matches all {checked}")?;
        } else {
            write!(
                f,
                "schemalock: the database does not match the models: {drift} {} ({checked} checked)",
                if drift == 1 {
                    "difference"
                } else {
                    "differences"
                }
            )?;
        }
        if notices > 0 {
            write!(
                f,
                "; {notices} {}",
                if notices == 1 { "notice" } else { "notices" }
            )?;
        }
        let mut current: Option<(&str, &str)> = None;
        for finding in &self.findings {
            if current != Some((&finding.model, &finding.object)) {
                write!(f, "\n  {} ({})", finding.model, finding.object)?;
                current = Some((&finding.model, &finding.object));
            }
            let label = match finding.severity {
                Severity::Drift => "",
                Severity::Notice => "notice: ",
            };
            write!(f, "\n    - {label}{}", finding.message)?;
        }
        Ok(())
    }
}

/// Why verification could not run (as opposed to finding drift).
#[cfg(feature = "introspect")]
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The catalogs could not be read or understood.
    Introspect(crate::introspect::Error),
    /// The `postgres` or `tokio-postgres` driver failed (they share one error type).
    #[cfg(any(feature = "postgres", feature = "tokio-postgres"))]
    Postgres(PgError),
    #[cfg(feature = "sqlx")]
    Sqlx(::sqlx::Error),
}

#[cfg(feature = "introspect")]
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("schemalock: could not verify the database: ")?;
        match self {
            Error::Introspect(e) => write!(f, "{e}"),
            #[cfg(any(feature = "postgres", feature = "tokio-postgres"))]
            Error::Postgres(e) => {
                use crate::introspect::read::DriverError;
                write!(f, "{}", e.message())
            }
            #[cfg(feature = "sqlx")]
            Error::Sqlx(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(feature = "introspect")]
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Introspect(e) => Some(e),
            #[cfg(any(feature = "postgres", feature = "tokio-postgres"))]
            Error::Postgres(e) => Some(e),
            #[cfg(feature = "sqlx")]
            Error::Sqlx(e) => Some(e),
        }
    }
}

/// `postgres::Error` is `tokio_postgres::Error` re-exported.
#[cfg(feature = "tokio-postgres")]
type PgError = ::tokio_postgres::Error;
#[cfg(all(feature = "postgres", not(feature = "tokio-postgres")))]
type PgError = ::postgres::Error;

#[cfg(any(feature = "postgres", feature = "tokio-postgres"))]
impl From<PgError> for Error {
    fn from(e: PgError) -> Self {
        Error::Postgres(e)
    }
}

#[cfg(feature = "introspect")]
impl From<crate::introspect::Error> for Error {
    fn from(e: crate::introspect::Error) -> Self {
        Error::Introspect(e)
    }
}

#[cfg(any(feature = "postgres", feature = "tokio-postgres", feature = "sqlx"))]
pub use crate::introspect::Options;

#[cfg(any(feature = "postgres", feature = "tokio-postgres", feature = "sqlx"))]
impl<E: Into<Error>> From<crate::introspect::read::Failure<E>> for Error {
    fn from(f: crate::introspect::read::Failure<E>) -> Self {
        match f {
            crate::introspect::read::Failure::Introspect(e) => Error::Introspect(e),
            crate::introspect::read::Failure::Driver(e) => e.into(),
        }
    }
}

/// Reads the schemas `models` use through any driver, and checks the models against them. Schemas
/// the database lacks are drift to report, not a failure to run; the migration head is not read.
#[cfg(any(feature = "postgres", feature = "tokio-postgres", feature = "sqlx"))]
async fn verify<C>(conn: &mut C, models: &Models, options: &Options) -> Result<Report, Error>
where
    C: crate::introspect::read::Connection,
    C::Error: Into<Error>,
{
    use crate::introspect::read::{Head, Request, read};
    let schemas = models.schemas();
    let request = Request {
        schemas: Some(&schemas),
        missing: crate::introspect::Missing::Omit,
        head: Head::Skip,
    };
    let read = read(conn, request, options).await?;
    Ok(models.check(&read.snapshot))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pgtype::PgCompatible;

    fn snapshot() -> Snapshot {
        Snapshot::from_json(
            r#"{
              "format_version": 2,
              "schemas": { "public": {
                "enums": { "mood": { "labels": ["happy", "sad", "meh"] } },
                "tables": { "people": { "kind": "table", "columns": [
                  { "name": "id", "nullable": false, "type": "bigint", "type_name": "int8", "type_schema": "pg_catalog" },
                  { "name": "mood", "nullable": true, "type": "mood", "type_name": "mood", "type_schema": "public" }
                ]}}
              }}
            }"#,
            std::path::Path::new("t.json"),
        )
        .unwrap()
    }

    static MOOD: EnumMeta = EnumMeta {
        rust_name: "Mood",
        module_path: "app",
        schema: "public",
        type_name: "mood",
        variants: &[("Happy", "happy"), ("Sad", "sad")],
        exhaustive: false,
    };
    static STRICT_MOOD: EnumMeta = EnumMeta {
        exhaustive: true,
        ..MOOD
    };
    static PERSON: TableMeta = TableMeta {
        rust_name: "Person",
        module_path: "app",
        schema: "public",
        table: "people",
        columns: &[
            ColumnMeta {
                field: "id",
                column: "id",
                rust_type: "i32",
                accepts: Some(&<i32 as PgCompatible>::ACCEPTS),
                pg_type: None,
                nullable: false,
            },
            ColumnMeta {
                field: "mood",
                column: "mood",
                rust_type: "Option<Mood>",
                accepts: Some(&Accepts::Enum {
                    schema: "public",
                    name: "mood",
                }),
                pg_type: None,
                nullable: true,
            },
        ],
        flattened: &[],
        insertable: false,
        exhaustive: false,
    };
    use crate::pgtype::Accepts;

    #[test]
    fn extra_labels_are_notices_unless_the_enum_is_exhaustive() {
        let report = Models::none().pg_enum_meta(&MOOD).check(&snapshot());
        assert!(report.is_clean(), "{report}");
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.findings[0].severity, Severity::Notice);
        assert!(report.to_string().contains("; 1 notice"), "{report}");

        let report = Models::none().pg_enum_meta(&STRICT_MOOD).check(&snapshot());
        assert!(!report.is_clean());
        assert_eq!(report.findings[0].kind, Kind::UnmappedLabels);
    }

    #[test]
    fn findings_carry_model_field_column_expected_found() {
        let report = Models::none().table_meta(&PERSON).check(&snapshot());
        assert_eq!(report.findings.len(), 1, "{report}");
        let f = &report.findings[0];
        assert_eq!(f.model, "app::Person");
        assert_eq!(f.object, "public.people");
        assert_eq!(
            (f.field.as_deref(), f.column.as_deref()),
            (Some("id"), Some("id"))
        );
        assert_eq!(f.kind, Kind::TypeMismatch);
        assert_eq!(f.expected.as_deref(), Some("`integer`"));
        assert_eq!(f.found.as_deref(), Some("`bigint`"));
        assert_eq!(
            report.to_string(),
            "schemalock: the database does not match the models: 1 difference (1 model and 0 enums checked)\n  \
             app::Person (public.people)\n    \
             - column `people.id` is `bigint`; `i32` maps to `integer`; change the field's type, or migrate the column"
        );
        assert_eq!(Models::none().table_meta(&PERSON).schemas(), ["public"]);
    }
}
