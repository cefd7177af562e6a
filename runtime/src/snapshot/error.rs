//! Why a snapshot could not be found, read or parsed, in words that say what to do.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{DEFAULT_FILE_NAME, FORMAT_VERSION, SNAPSHOT_ENV};

/// Why a snapshot could not be loaded.
#[derive(Debug)]
pub enum SnapshotError {
    /// No snapshot file was found.
    NotFound {
        /// The directories searched, from the manifest directory up.
        looked_in: Vec<PathBuf>,
    },
    /// The file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A directory, FIFO, socket or device where the snapshot file should be. Refused before
    /// reading: a FIFO would block the compiler until something writes to it.
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is instead: `a directory`, `a FIFO (named pipe)`, ...
        kind: &'static str,
    },
    /// The text starts with a byte order mark (JSON allows none).
    ByteOrderMark {
        /// The file.
        path: PathBuf,
        /// The encoding the mark announces.
        encoding: Encoding,
    },
    /// The bytes are not UTF-8; the position is of the first invalid byte.
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// The line of the first invalid byte, from 1.
        line: usize,
        /// Its column, in bytes from 1.
        column: usize,
    },
    /// The text is not a snapshot: invalid JSON, or JSON of another shape.
    Parse {
        /// The file.
        path: PathBuf,
        /// The line of the error, from 1.
        line: usize,
        /// Its column, from 1.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// The file holds the conflict markers git leaves when two branches changed it.
    MergeConflict {
        /// The file.
        path: PathBuf,
        /// The line of the first marker, from 1.
        line: usize,
    },
    /// The snapshot is of a format version this crate does not read.
    Version {
        /// The file.
        path: PathBuf,
        /// The version it declares.
        found: u32,
    },
}

/// The encoding a byte order mark announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 with a byte order mark.
    Utf8,
    /// UTF-16, either byte order.
    Utf16,
    /// UTF-32, either byte order.
    Utf32,
}

impl Encoding {
    /// The encoding's name: `UTF-16`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
            Encoding::Utf32 => "UTF-32",
        }
    }
}

impl SnapshotError {
    /// The same error naming the file as `path` (for example relative to the current directory,
    /// as a person typed it).
    pub fn with_path(mut self, shown: &Path) -> SnapshotError {
        match &mut self {
            SnapshotError::NotFound { .. } => {}
            SnapshotError::Read { path, .. }
            | SnapshotError::NotRegular { path, .. }
            | SnapshotError::ByteOrderMark { path, .. }
            | SnapshotError::NotUtf8 { path, .. }
            | SnapshotError::Parse { path, .. }
            | SnapshotError::MergeConflict { path, .. }
            | SnapshotError::Version { path, .. } => *path = shown.to_owned(),
        }
        self
    }
}

const REGENERATE: &str = "regenerate it with `cargo schemalock refresh`";

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::NotFound { looked_in } => {
                write!(f, "no `{DEFAULT_FILE_NAME}` found; looked in ")?;
                match looked_in.as_slice() {
                    [] => write!(f, "no directory")?,
                    [one] => write!(f, "`{}`", one.display())?,
                    [first, .., last] => write!(
                        f,
                        "`{}` and its parents up to `{}`",
                        first.display(),
                        last.display()
                    )?,
                }
                write!(
                    f,
                    "; run `cargo schemalock refresh` to create one, or point `{SNAPSHOT_ENV}` at it"
                )
            }
            SnapshotError::Read { path, source }
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                write!(
                    f,
                    "snapshot `{}` does not exist; create it with `cargo schemalock refresh --snapshot <path>`, or fix the path",
                    path.display()
                )
            }
            SnapshotError::Read { path, source } => {
                write!(f, "cannot read snapshot `{}`: {source}", path.display())
            }
            SnapshotError::NotRegular { path, kind } => write!(
                f,
                "snapshot `{}` is {kind}, not a regular file; point the snapshot path at the file \
                 `cargo schemalock refresh` writes (a symbolic link to it is fine)",
                path.display()
            ),
            SnapshotError::ByteOrderMark {
                path,
                encoding: Encoding::Utf8,
            } => write!(
                f,
                "snapshot `{}` starts with a UTF-8 byte order mark, which JSON does not allow; \
                 remove it (the first 3 bytes: save as \"UTF-8\", not \"UTF-8 with BOM\") or {REGENERATE}",
                path.display()
            ),
            SnapshotError::ByteOrderMark { path, encoding } => write!(
                f,
                "snapshot `{}` starts with a {} byte order mark; snapshots are UTF-8 without one: \
                 convert it, or {REGENERATE}",
                path.display(),
                encoding.name()
            ),
            SnapshotError::NotUtf8 { path, line, column } => write!(
                f,
                "snapshot `{}` is not UTF-8 text: invalid byte at line {line}, column {column}; {REGENERATE}",
                path.display()
            ),
            SnapshotError::Parse {
                path,
                line,
                column,
                message,
            } => write!(
                f,
                "snapshot `{}` is not a valid schemalock snapshot: {message} at line {line}, column {column}; \
                 {REGENERATE}",
                path.display()
            ),
            SnapshotError::MergeConflict { path, line } => write!(
                f,
                "merge conflict in the snapshot `{}` (a `<<<<<<<` marker at line {line}); re-run \
                 `cargo schemalock refresh` against the merged migrations rather than merging it by hand",
                path.display()
            ),
            SnapshotError::Version { path, found } => write!(
                f,
                "snapshot `{}` has format version {found}, but this schemalock reads version {FORMAT_VERSION}; \
                 {REGENERATE} or use a matching schemalock",
                path.display()
            ),
        }
    }
}

impl std::error::Error for SnapshotError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SnapshotError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}
