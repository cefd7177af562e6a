//! Findings: every problem the engine reports, with its byte range in the statement and a message
//! in the project's style (lowercase, names in backticks, what to write instead).

use std::ops::Range;

use crate::text as suggest;

/// One problem in a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The byte range of the offending text in the statement.
    pub span: Range<usize>,
    /// The class of the problem.
    pub kind: FindingKind,
    /// What is wrong, in the project's style.
    pub message: String,
    /// What to do about it, when the message alone does not say.
    pub help: Option<String>,
}

/// The class of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FindingKind {
    /// The text does not parse as PostgreSQL (or uses syntax the engine's parser cannot read:
    /// the message says both).
    Syntax,
    /// A schema the snapshot does not have.
    UnknownSchema,
    /// A relation (table, view, CTE, ...) that does not exist or is not visible.
    UnknownRelation,
    /// A column no relation in scope has.
    UnknownColumn,
    /// An unqualified column more than one relation in scope has.
    AmbiguousColumn,
    /// A table referenced where it is not visible (hidden by its alias, or not in scope).
    InvalidReference,
    /// Two FROM items with the same name.
    DuplicateAlias,
    /// A type name (in a cast, say) that does not exist.
    UnknownType,
    /// A string literal that is not a label of the enum it is coerced to.
    EnumLabel,
    /// A string literal that is not a valid value of the type it is coerced to (an integer, a
    /// `uuid`, ...).
    InvalidLiteral,
    /// A list of the wrong length: INSERT values, VALUES rows, set operations, column aliases.
    Arity,
    /// A column listed twice (INSERT, UPDATE).
    DuplicateColumn,
    /// INSERT leaves out a NOT NULL column without default: the insert cannot succeed.
    MissingValue,
    /// A write to a generated column or a `GENERATED ALWAYS` identity column.
    NotWritable,
    /// `ON CONFLICT` that matches no unique index or constraint.
    OnConflict,
    /// `$n` used while a lower-numbered parameter is not.
    ParamGap,
    /// A parameter used as two incompatible types.
    ParamConflict,
    /// Values of types PostgreSQL cannot reconcile (`UNION` of `text` and `integer`, ...).
    TypeMismatch,
    /// A subquery with the wrong number of columns for where it is used.
    SubqueryColumns,
}

/// When PostgreSQL itself would report the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// When the statement is prepared (parse analysis).
    Prepare,
    /// When it is planned: the first execution.
    Plan,
    /// When it runs and writes a row.
    Execute,
}

impl FindingKind {
    /// When PostgreSQL reports this kind of problem.
    pub fn stage(self) -> Stage {
        match self {
            FindingKind::OnConflict => Stage::Plan,
            FindingKind::MissingValue => Stage::Execute,
            _ => Stage::Prepare,
        }
    }
}

impl Finding {
    pub(crate) fn new(kind: FindingKind, span: Range<usize>, message: String) -> Finding {
        Finding {
            span,
            kind,
            message,
            help: None,
        }
    }

    /// Adds help.
    pub(crate) fn with_help(mut self, help: String) -> Finding {
        self.help = Some(help);
        self
    }
}

/// The help of every finding about text the engine cannot read or check.
pub(crate) const SKIP_HELP: &str = "if PostgreSQL accepts this statement, this is a limitation of \
schemalock's checker, not an error in the SQL: pass the statement as a plain string literal \
(without `sql!`) to skip the check, and report it";

/// `relation `x` does not exist; did you mean `y`?`, or where it is instead.
pub(crate) fn unknown_relation<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    elsewhere: &[&str],
) -> String {
    match elsewhere {
        [] => format!(
            "relation `{name}` does not exist{}",
            suggest::did_you_mean_or_renamed(name, candidates)
        ),
        [one, ..] => format!(
            "relation `{name}` is not on the search path; it is in schema `{one}`: write \
             `{one}.{name}`"
        ),
    }
}

/// `column `x` does not exist; did you mean `y`?` or `table `t` has no column `x`; ...`.
pub(crate) fn unknown_column<'a>(
    column: &str,
    table: Option<&str>,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    let hint = suggest::did_you_mean_or_renamed(column, candidates);
    match table {
        Some(t) => format!("`{t}` has no column `{column}`{hint}"),
        None => format!("column `{column}` does not exist{hint}"),
    }
}

pub(crate) fn ambiguous_column(column: &str, tables: &[String]) -> String {
    let quoted: Vec<String> = tables.iter().map(|t| format!("{t}.{column}")).collect();
    let refs: Vec<&str> = quoted.iter().map(String::as_str).collect();
    format!(
        "column reference `{column}` is ambiguous: it could be {}; qualify it",
        suggest::one_of(&refs)
    )
}
