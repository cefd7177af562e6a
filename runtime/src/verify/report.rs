//! What verification found: drift and notices, by model.

use std::fmt;

use serde::Serialize;

use crate::check::Kind;
use crate::text::count;

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
    /// The column the field reads, when the finding is about a field.
    pub column: Option<String>,
    /// What kind of mismatch it is.
    pub kind: Kind,
    /// Whether it is drift or a notice.
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
    /// Every finding, grouped by model.
    pub findings: Vec<Finding>,
    /// How many `#[derive(Table)]` models were checked.
    pub tables_checked: usize,
    /// How many `#[derive(PgEnum)]` enums were checked.
    pub enums_checked: usize,
    /// How many statements checked by `sql!` or `sql_as!` were prepared.
    pub statements_checked: usize,
}

impl Report {
    /// True when no finding is drift (notices allowed).
    pub fn is_clean(&self) -> bool {
        self.drift().next().is_none()
    }

    /// Every finding, drift and notices.
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

/// Why a label the build would reject is only a notice here, printed under the notices.
pub const WHY_NOTICES: &str = "  notices are labels the database has that an enum does not map: the build rejects them, \
but this binary is already running, decodes only the labels it knows and fails only on a row \
that holds a new one, and adding a label is how an enum grows; the next build against a \
refreshed snapshot fails until a variant maps it, so the next deploy handles it. \
`#[schemalock(exhaustive)]` on the enum makes them drift.";

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let drift = self.drift().count();
        let notices = self.findings.len() - drift;
        let (models, enums) = (
            count(self.tables_checked, "model", "models"),
            count(self.enums_checked, "enum", "enums"),
        );
        let checked = match self.statements_checked {
            0 => format!("{models} and {enums}"),
            n => format!(
                "{models}, {enums} and {}",
                count(n, "statement", "statements")
            ),
        };
        if drift == 0 {
            write!(f, "schemalock: the database matches all {checked}")?;
        } else {
            write!(
                f,
                "schemalock: the database does not match the models: {} ({checked} checked)",
                count(drift, "difference", "differences"),
            )?;
        }
        if notices > 0 {
            write!(f, "; {}", count(notices, "notice", "notices"))?;
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
        if notices > 0 {
            write!(f, "\n{WHY_NOTICES}")?;
        }
        Ok(())
    }
}
