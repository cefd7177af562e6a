//! The one error type of the commands: a message for a person.

use std::fmt;

/// Something failed; the process exits with code 2 after printing it.
///
/// The message says what failed and what to try. It shows a URL as
/// [`crate::db::database_url::DatabaseUrl::shown`] for readability, but need not redact anything else:
/// it leaves the process through [`crate::out`], which masks every password the inputs held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Error(String);

impl Error {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// How a command ended when nothing failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// No differences (or nothing to compare).
    Clean,
    /// The two sides differ.
    Drift,
}

impl Outcome {
    pub(crate) fn exit_code(self) -> i32 {
        match self {
            Outcome::Clean => 0,
            Outcome::Drift => 1,
        }
    }
}

/// The exit code of a failure.
pub(crate) const ERROR_EXIT: i32 = 2;
