//! `refresh --migrations`: the snapshot of a migrations directory, through the shadow database.

use std::path::Path;

use schemalock_runtime::Snapshot;

use crate::db::database_url::{self, DatabaseUrl};
use crate::error::Error;
use crate::shadow;
use crate::ui::Ui;

/// Applies `dir` to a fresh temporary database (on the server of `db` when given, else on a
/// throwaway local cluster) and reads `schemas` from it.
pub(crate) fn snapshot(
    dir: &Path,
    shown: &str,
    db: Option<&DatabaseUrl>,
    schemas: Option<&[String]>,
    ui: &Ui,
) -> Result<Snapshot, Error> {
    snapshot_in_layout(dir, shown, db, schemas, None, ui)
}

/// [`snapshot`] of a folder in `layout` (detected when `None`).
pub(crate) fn snapshot_in_layout(
    dir: &Path,
    shown: &str,
    db: Option<&DatabaseUrl>,
    schemas: Option<&[String]>,
    layout: Option<shadow::Layout>,
    ui: &Ui,
) -> Result<Snapshot, Error> {
    if !dir.is_dir() {
        return Err(Error::new(format!(
            "migrations directory `{shown}` does not exist; pass the directory holding your migrations to `--migrations`"
        )));
    }
    match db {
        Some(db) => ui.detail(&format!(
            "shadow database on the server of `{}` (from {})",
            db.shown(),
            db.source
        )),
        None => ui.detail("shadow database on a throwaway local cluster (no database URL)"),
    }
    if let Some(db) = db {
        database_url::refuse_tls(db)?;
    }
    let progress = ui.progress(&format!("reading migrations in {shown}"));
    let on_progress = |p: shadow::Progress| match p {
        shadow::Progress::Loaded { layout, migrations } => {
            ui.detail(&format!("{migrations} migrations, {layout:?} layout"));
        }
        shadow::Progress::StartingCluster { bin } => {
            ui.detail(&format!("local cluster from `{}`", bin.display()));
            progress.set("starting a throwaway PostgreSQL cluster");
        }
        shadow::Progress::RemovedStaleCluster { dir } => ui.info(&format!(
            "removed `{}`, a local cluster left by an earlier run that was killed",
            dir.display()
        )),
        shadow::Progress::DroppedAbandoned { name } => ui.info(&format!(
            "dropped shadow database `{name}`, left by an earlier run that was killed"
        )),
        shadow::Progress::KeptAbandoned { name, reason } => ui.detail(&format!(
            "could not drop shadow database `{name}`, left by an earlier run: {reason}"
        )),
        shadow::Progress::CreatedDatabase { name } => {
            ui.detail(&format!("shadow database `{name}`"));
        }
        shadow::Progress::Applying { index, total, name } => {
            progress.set(&format!("applying migration {index}/{total}: {name}"));
        }
        shadow::Progress::Introspecting => progress.set("reading the migrated schema"),
        shadow::Progress::CleaningUp => progress.set("removing the shadow database"),
    };
    let started = std::time::Instant::now();
    let result = shadow::snapshot_from_migrations_with(
        dir,
        &shadow::Options {
            database_url: db.map(|d| d.url.as_str()),
            schemas,
            progress: Some(&on_progress),
            layout,
            ..shadow::Options::default()
        },
    );
    drop(progress);
    let snapshot = result.map_err(|e| Error::new(e.to_string()))?;
    ui.detail(&format!(
        "read {} from the migrations in {:.2}s",
        schemalock_runtime::diff::render::contents(&snapshot),
        started.elapsed().as_secs_f64()
    ));
    Ok(snapshot)
}
