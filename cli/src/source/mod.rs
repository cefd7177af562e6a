//! Where a schema comes from: a snapshot file ([`mod@file`]), a live database ([`database`]), or a
//! migrations directory applied to a shadow database ([`migrations`], over [`crate::shadow`]).
//! [`Source::read`] gives a `schemalock_runtime::introspect::Read` for each: the snapshot, and
//! what could not be read. [`schemas`] says which schemas a comparison covers.

pub(crate) mod database;
pub(crate) mod file;
pub(crate) mod migrations;
pub(crate) mod schemas;

use std::path::{Path, PathBuf};

use schemalock_runtime::Snapshot;
use schemalock_runtime::introspect::{Missing, Read};

use crate::db::database_url::{DatabaseUrl, UrlSource};
use crate::db::url::{is_database_url, looks_like_url, redact};
use crate::error::Error;
use crate::shadow::Layout;
use crate::ui::Ui;

/// A schema to read.
#[derive(Debug)]
pub(crate) enum Source {
    /// A snapshot file.
    File(PathBuf),
    /// A live database.
    Database(DatabaseUrl),
    /// A migrations directory, applied to a fresh shadow database on the server of `server`, or
    /// without one on a throwaway local cluster.
    Migrations {
        dir: PathBuf,
        server: Option<DatabaseUrl>,
        /// `--layout`; `None` to detect it.
        layout: Option<Layout>,
    },
}

impl Source {
    /// A side of `diff`: a `postgres://` or `postgresql://` URL is a database, anything else a
    /// snapshot file (relative to `cwd`); a misspelt URL that names no file is refused.
    pub(crate) fn parse(arg: &str, cwd: &Path) -> Result<Source, Error> {
        if is_database_url(arg) {
            return Ok(Source::Database(DatabaseUrl {
                url: arg.to_owned(),
                source: UrlSource::Argument,
            }));
        }
        let path = cwd.join(arg);
        // A misspelt URL would otherwise be "a snapshot file that does not exist".
        if looks_like_url(arg) && !path.exists() {
            return Err(Error::new(format!(
                "`{}` looks like a database URL, but a PostgreSQL URL starts with `postgres://` or \
                 `postgresql://`; fix it, or give the path of a snapshot file",
                redact(arg)
            )));
        }
        Ok(Source::File(path))
    }

    /// What it is, in a word: `snapshot`, `database`, `migrations`.
    pub(crate) fn word(&self) -> &'static str {
        match self {
            Source::File(_) => "snapshot",
            Source::Database(_) => "database",
            Source::Migrations { .. } => "migrations",
        }
    }

    /// Where it is, as messages show it: a path (relative to `cwd` when below it), a URL without
    /// its password, ``migrations `DIR` ``.
    pub(crate) fn shown(&self, cwd: &Path) -> String {
        match self {
            Source::File(path) => file::shown(path, cwd),
            Source::Database(db) => db.shown(),
            Source::Migrations { dir, .. } => format!("migrations `{}`", file::shown(dir, cwd)),
        }
    }

    /// Reads `schemas` (every schema that is not a system or extension schema when `None`) from
    /// it. Schemas a database lacks fail the read, or with [`Missing::Omit`] are left out (so a
    /// comparison reports them); a file keeps the schemas asked for, a shadow database fails on
    /// missing ones.
    pub(crate) fn read(
        &self,
        cwd: &Path,
        schemas: Option<&[String]>,
        missing: Missing,
        ui: &Ui,
    ) -> Result<Read, Error> {
        match self {
            Source::File(path) => {
                let snapshot = file::load(path, cwd)?;
                Ok(schemas::restrict(snapshot, schemas.unwrap_or_default()).into())
            }
            Source::Database(db) => database::snapshot_of(db, schemas, missing, ui),
            Source::Migrations {
                dir,
                server,
                layout,
            } => migrations::snapshot(
                dir,
                &file::shown(dir, cwd),
                server.as_ref(),
                *layout,
                schemas,
                ui,
            )
            .map(Read::from),
        }
    }
}

/// Two schemas read for a comparison or a plan (`diff`, `plan`), with every schema name the
/// files have (to report an unknown `--schema` with all of them).
pub(crate) struct Pair {
    /// The first side.
    pub(crate) a: Read,
    /// The second side.
    pub(crate) b: Read,
    /// The schemas of the sides that are files, before `--schema` restricted them.
    pub(crate) in_files: Vec<String>,
}

/// Reads two sides, `None` being an empty schema (`plan --from empty`). Files first: they are
/// cheap and decide which schemas to read from a database (`requested`, else a file's); against
/// a file, a schema the database lacks is left out (drift to report), not an error.
pub(crate) fn read_pair(
    a: Option<&Source>,
    b: Option<&Source>,
    requested: &[String],
    cwd: &Path,
    ui: &Ui,
) -> Result<Pair, Error> {
    let load = |side: Option<&Source>| match side {
        Some(Source::File(p)) => file::load(p, cwd).map(Some),
        _ => Ok(None),
    };
    let (file_a, file_b) = (load(a)?, load(b)?);
    let in_files: Vec<String> = [&file_a, &file_b]
        .into_iter()
        .flatten()
        .flat_map(schemas::of)
        .collect();
    let wanted: Option<Vec<String>> = if !requested.is_empty() {
        Some(requested.to_vec())
    } else {
        file_a.as_ref().or(file_b.as_ref()).map(schemas::of)
    };
    let missing = match wanted {
        Some(_) => Missing::Omit,
        None => Missing::Fail,
    };
    let read = |side: Option<&Source>, loaded: Option<Snapshot>| -> Result<Read, Error> {
        match (side, loaded) {
            (_, Some(s)) => Ok(schemas::restrict(s, requested).into()),
            (None, None) => Ok(Snapshot::new().into()),
            (Some(side), None) => side.read(cwd, wanted.as_deref(), missing, ui),
        }
    };
    Ok(Pair {
        a: read(a, file_a)?,
        b: read(b, file_b)?,
        in_files,
    })
}
