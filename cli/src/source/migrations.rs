//! `refresh --migrations`: the snapshot of a migrations directory, through the shadow database.

use std::path::Path;

use schemalock_runtime::Snapshot;

use schemalock_runtime::text::count_s;

use crate::db::database_url::DatabaseUrl;
use crate::error::Error;
use crate::shadow::{self, Layout};
use crate::ui::Ui;

/// Applies `dir` to a fresh temporary database (on the server of `db` when given, else on a
/// throwaway local cluster) in `layout` (detected when `None`) and reads `schemas` from it.
pub(crate) fn snapshot(
    dir: &Path,
    shown: &str,
    db: Option<&DatabaseUrl>,
    layout: Option<Layout>,
    schemas: Option<&[String]>,
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
    let progress = ui.progress(&format!("reading migrations in {shown}"));
    let on_progress = |p: shadow::Progress| match p {
        shadow::Progress::Loaded {
            layout,
            why,
            migrations,
        } => {
            ui.detail(&format!(
                "{}, {layout} layout: {why}",
                count_s(migrations, "migration")
            ));
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
            layout,
            progress: Some(&on_progress),
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
