//! Startup verification: does the live database match the models this binary was compiled with?
//!
//! The build-time check proves the models match the committed snapshot; this proves, whenever a
//! service asks (at startup, in a health check), that the database matches the models. It reads
//! a snapshot of just the schemas the models use, with the catalog queries of `introspect` in
//! one read-only repeatable-read transaction, and runs the model ↔ schema engine with the same
//! rules as the derives ([`crate::check`]), now with each field's type known from its
//! [`ColumnMeta`]. Nothing is cached: every call reads the catalogs again.
//!
//! The entry points come with the driver features: `postgres` (blocking), `tokio_postgres` and
//! `sqlx` (async), each in three forms: every derived type linked into the binary
//! ([`Models::all`]), the given [`Models`] (`*_only`), and the given models with `Options`
//! (`*_with`). [`Models::check`] checks against a snapshot you already have.
//!
//! # Waiting
//!
//! The read waits at most `Options::lock_timeout` (default 5 s) for a table another session has
//! locked, such as a migration running at startup, and fails with an error naming the table, its
//! holder and for how long; no statement runs longer than `Options::statement_timeout` (default
//! 60 s); a read that objects were dropped under is tried again. The `*_with` functions take the
//! `Options`; the others use the defaults.
//!
//! # What counts as drift
//!
//! Everything the derives reject at compile time: a missing schema, table, column or enum type,
//! a column type the field cannot decode, a nullable column behind a non-`Option` field, a
//! variant whose label is gone, and the `insertable` and `exhaustive` rules. Additive changes no
//! model reads are fine: extra tables and columns (unless the model is `exhaustive`), and extra
//! enum labels, which are reported as notices (a row holding one would fail to decode, but
//! adding a label is how enums grow) unless the enum is `#[schemalock(exhaustive)]`, which makes
//! them drift. (The build itself always requires a variant for every label of the committed
//! snapshot; `exhaustive` carries that rule over to labels added to the database since.)

use crate::check::{self, At, EnumModel, FieldType, Model};
use crate::meta::{ColumnMeta, EnumMeta, PgEnum, StatementMeta, Table, TableMeta};
use crate::snapshot::Snapshot;

/// A driver's three entry points: every derived type, the given types, and the given types
/// with [`Options`], over a connection `$c` that `$verify` reads through.
#[cfg(feature = "__driver")]
macro_rules! entry_points {
    ($(#[$doc:meta])* async fn $all:ident, $only:ident, $with:ident($c:ident: $conn:ty) => $verify:expr) => {
        entry_points!(@fns [async] [.await] $(#[$doc])* $all, $only, $with($c: $conn) => $verify);
    };
    ($(#[$doc:meta])* fn $all:ident, $only:ident, $with:ident($c:ident: $conn:ty) => $verify:expr) => {
        entry_points!(@fns [] [] $(#[$doc])* $all, $only, $with($c: $conn) => $verify);
    };
    (@fns [$($async:tt)?] [$($await:tt)*] $(#[$doc:meta])* $all:ident, $only:ident, $with:ident($c:ident: $conn:ty) => $verify:expr) => {
        /// Verifies every `#[derive(Table)]` and `#[derive(PgEnum)]` type linked into the binary,
        /// with the default [`Options`].
        $(#[$doc])*
        pub $($async)? fn $all($c: $conn) -> Result<Report, Error> {
            $only($c, &Models::all())$($await)*
        }

        /// Verifies the given types only, with the default [`Options`].
        pub $($async)? fn $only($c: $conn, models: &Models) -> Result<Report, Error> {
            $with($c, models, &Options::default())$($await)*
        }

        /// Verifies the given types, waiting for locks and statements as `options` says.
        pub $($async)? fn $with($c: $conn, models: &Models, options: &Options) -> Result<Report, Error> {
            ($verify)($c, models, options)$($await)*
        }
    };
}

#[cfg(feature = "introspect")]
mod error;
#[cfg(feature = "postgres")]
mod postgres;
mod report;
#[cfg(any(feature = "sqlx", feature = "sqlx-0_8"))]
mod sqlx;
#[cfg(feature = "__driver")]
mod statements;
#[cfg(feature = "tokio-postgres")]
mod tokio_postgres;

#[cfg(feature = "postgres")]
pub use self::postgres::{postgres, postgres_only, postgres_with};
#[cfg(any(feature = "sqlx", feature = "sqlx-0_8"))]
pub use self::sqlx::{SqlxPool, sqlx, sqlx_only, sqlx_with};
#[cfg(feature = "sqlx")]
pub use self::sqlx::{sqlx_connection, sqlx_connection_with};
#[cfg(feature = "tokio-postgres")]
pub use self::tokio_postgres::{tokio_postgres, tokio_postgres_only, tokio_postgres_with};

pub use crate::check::Kind;
#[cfg(feature = "__driver")]
pub use crate::introspect::Options;
#[cfg(feature = "introspect")]
pub use error::Error;
pub use report::{Finding, Report, Severity};

/// Which derived types, and which checked statements, to verify.
#[derive(Debug, Clone, Default)]
pub struct Models {
    tables: Vec<&'static TableMeta>,
    enums: Vec<&'static EnumMeta>,
    statements: Vec<&'static StatementMeta>,
}

impl Models {
    /// Every `#[derive(Table)]` and `#[derive(PgEnum)]` type, and every statement checked by
    /// `sql!` or `sql_as!`, linked into this binary.
    pub fn all() -> Self {
        let mut tables: Vec<_> = crate::registry::tables().collect();
        let mut enums: Vec<_> = crate::registry::enums().collect();
        let mut statements: Vec<_> = crate::registry::statements().collect();
        // Registration order depends on the linker; reports should not.
        tables.sort_by_key(|t| (t.module_path, t.rust_name));
        enums.sort_by_key(|e| (e.module_path, e.rust_name));
        statements.sort_by_key(|s| (s.file, s.line, s.column));
        Models {
            tables,
            enums,
            statements,
        }
    }

    /// Adds a statement checked by `sql!` or `sql_as!` (as [`Models::all`] finds them).
    pub fn statement(mut self, meta: &'static StatementMeta) -> Self {
        self.statements.push(meta);
        self
    }

    /// The statements to prepare.
    pub fn statements(&self) -> &[&'static StatementMeta] {
        &self.statements
    }

    /// No types; add some with [`Models::table`] and [`Models::pg_enum`].
    pub fn none() -> Self {
        Models::default()
    }

    /// Adds a `#[derive(Table)]` type.
    pub fn table<T: Table>(mut self) -> Self {
        self.tables.push(T::META);
        self
    }

    /// Adds a `#[derive(PgEnum)]` type.
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

    /// The tables to verify.
    pub fn tables(&self) -> &[&'static TableMeta] {
        &self.tables
    }

    /// The enums to verify.
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

    /// Checks these models against a snapshot (of a live database, usually). Statements need
    /// the database itself (they are prepared there): only the drivers' entry points check them.
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
            statements_checked: 0,
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

/// Reads the schemas `models` use through any driver, and checks the models against them. Schemas
/// the database lacks are drift to report, not a failure to run; the migration head is not read.
#[cfg(feature = "__driver")]
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
    let mut report = models.check(&read.snapshot);
    report
        .findings
        .extend(statements::prepare_all(conn, &models.statements, options).await?);
    report.statements_checked = models.statements.iter().filter(|s| s.preparable).count();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::PgCompatible;

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
            ColumnMeta::known("id", "id", "i32", &<i32 as PgCompatible>::ACCEPTS, false),
            ColumnMeta::known(
                "mood",
                "mood",
                "Option<Mood>",
                &Accepts::Enum {
                    schema: "public",
                    name: "mood",
                },
                true,
            ),
        ],
        flattened: &[],
        insertable: false,
        exhaustive: false,
    };
    use crate::types::Accepts;

    #[test]
    fn extra_labels_are_notices_unless_the_enum_is_exhaustive() {
        let report = Models::none().pg_enum_meta(&MOOD).check(&snapshot());
        assert!(report.is_clean(), "{report}");
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.findings[0].severity, Severity::Notice);
        assert!(report.to_string().contains("; 1 notice"), "{report}");
        assert!(
            report.to_string().ends_with(report::WHY_NOTICES),
            "the report says why a notice is not drift: {report}"
        );

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
             - column `people.id` is `bigint`; `i32` cannot hold it; use `i64`"
        );
        assert_eq!(Models::none().table_meta(&PERSON).schemas(), ["public"]);
    }

    /// The report carries the compiler's suggestions: a renamed column, never one another
    /// field maps.
    #[test]
    fn the_report_suggests_like_the_compiler() {
        static RENAMED: TableMeta = TableMeta {
            rust_name: "Person",
            module_path: "app",
            schema: "public",
            table: "people",
            columns: &[
                ColumnMeta::known("id", "id", "i64", &<i64 as PgCompatible>::ACCEPTS, false),
                ColumnMeta::known(
                    "bio",
                    "bio",
                    "Option<String>",
                    &<String as PgCompatible>::ACCEPTS,
                    true,
                ),
                ColumnMeta::known(
                    "person_id",
                    "person_id",
                    "i64",
                    &<i64 as PgCompatible>::ACCEPTS,
                    false,
                ),
            ],
            flattened: &[],
            insertable: false,
            exhaustive: false,
        };
        let mut snapshot = snapshot();
        let people = snapshot.table_mut("public", "people").unwrap();
        let mut bio = people.columns[0].clone();
        bio.name = "biography".into();
        bio.nullable = true;
        (bio.type_display, bio.type_name) = ("text".into(), "text".into());
        people.columns.push(bio);
        let report = Models::none().table_meta(&RENAMED).check(&snapshot);
        let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "no column `bio` in table `people`; did you mean `biography`?",
                "no column `person_id` in table `people`; the columns no other field reads: `mood`, `biography`",
            ]
        );
    }
}
