//! The real-world schemas in `../shared/schemas` (pagila, crates.io, Matrix Synapse), which
//! no one here wrote: where they are, what each needs, and how to load one.
//!
//! ```no_run
//! use schemalock_tests::{pg::Cluster, shared};
//! let Some(dir) = shared::dir() else { return }; // absent: skipped
//! let Some(pg) = Cluster::start(15) else { return };
//! if let Some(db) = shared::CRATES_IO.load(&pg, &dir) {
//!     let mut client = pg.connect(&db);
//! }
//! ```

use std::path::{Path, PathBuf};

use crate::pg::{Cluster, workspace_root};

/// One schema file of `../shared/schemas`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedSchema {
    /// A short name, also the database it is loaded into.
    pub name: &'static str,
    /// The file in the directory.
    pub file: &'static str,
    /// The extensions the file creates; a server without them cannot load it.
    pub extensions: &'static [&'static str],
}

pub const PAGILA: SharedSchema = SharedSchema {
    name: "pagila",
    file: "pagila.sql",
    extensions: &[],
};

/// crates.io's 285 migrations; the contrib extensions are in Debian's PostgreSQL 15 only.
pub const CRATES_IO: SharedSchema = SharedSchema {
    name: "crates_io",
    file: "crates-io.sql",
    extensions: &["ltree", "pg_trgm", "pgcrypto"],
};

pub const SYNAPSE: SharedSchema = SharedSchema {
    name: "synapse",
    file: "synapse.sql",
    extensions: &[],
};

/// All three.
pub const ALL: [SharedSchema; 3] = [PAGILA, CRATES_IO, SYNAPSE];

/// `../shared/schemas` next to the workspace, or `None` (after printing why) when it is
/// absent, so a checkout without it skips these tests. Under `CI=true` it panics instead:
/// CI runs with `shared/` beside the clone, and must not pass by skipping.
pub fn dir() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/schemas");
    if dir.join("README.md").is_file() {
        return Some(dir);
    }
    let msg = format!(
        "{} is absent (the real-world schemas live next to the workspace)",
        dir.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{msg}");
    }
    eprintln!("skipping: {msg}");
    None
}

/// The crates.io facts file (`crates-io.diesel-facts.json`) in `dir`.
pub fn diesel_facts(dir: &Path) -> PathBuf {
    dir.join("crates-io.diesel-facts.json")
}

impl SharedSchema {
    /// True when `pg` has every extension this schema needs.
    pub fn fits(&self, pg: &Cluster) -> bool {
        self.extensions.iter().all(|e| pg.has_extension(e))
    }

    /// Creates database [`SharedSchema::name`] on `pg` and applies the file the way its
    /// README says: `psql -v ON_ERROR_STOP=1 -f`, autocommit, one statement after another
    /// (crates.io has `CREATE INDEX CONCURRENTLY`, which refuses a transaction). Returns the
    /// database name, or `None` (after printing why) when the server lacks an extension.
    pub fn load(&self, pg: &Cluster, dir: &Path) -> Option<String> {
        if !self.fits(pg) {
            eprintln!(
                "skipping {} on PostgreSQL {}: it needs the extensions {}",
                self.name,
                pg.version(),
                self.extensions.join(", ")
            );
            return None;
        }
        pg.create_database(self.name);
        pg.psql_file(self.name, &dir.join(self.file));
        Some(self.name.to_owned())
    }
}
