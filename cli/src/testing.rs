//! What the unit tests share.

use schemalock_tests::pg::Cluster;

/// A temporary directory holding `files`: each a path relative to it (its directories are made)
/// and the file's text.
pub(crate) fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A throwaway PostgreSQL 15 and the URL of its `postgres` database; `None` (skipped) when it is
/// not installed, outside CI.
pub(crate) fn server() -> Option<(Cluster, String)> {
    let pg = Cluster::start(15)?;
    let url = pg.url("postgres");
    Some((pg, url))
}
