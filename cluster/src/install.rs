//! Which PostgreSQL a local cluster runs (`PG_BIN`, `PATH`, `/usr/lib/postgresql/*/bin`) and as
//! which user (PostgreSQL refuses to run as root).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::ClusterError;

/// The environment variable naming the bin directory of the PostgreSQL to use.
pub const PG_BIN_ENV: &str = "PG_BIN";

/// The environment variable naming the user the server runs as when this process is root.
pub const SERVER_USER_ENV: &str = "SCHEMALOCK_PG_USER";

/// The user the server runs as when this process is root and [`SERVER_USER_ENV`] is not set.
pub const DEFAULT_SERVER_USER: &str = "postgres";

/// The programs a bin directory must hold.
pub const REQUIRED_BINARIES: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

pub(super) fn missing_binaries(dir: &Path) -> Vec<&'static str> {
    REQUIRED_BINARIES
        .into_iter()
        .filter(|b| !dir.join(b).is_file())
        .collect()
}

/// The bin directory of the PostgreSQL to use: [`PG_BIN_ENV`] if set, else the directory of the
/// `initdb` found on `PATH` (symlinks resolved), else the newest `/usr/lib/postgresql/*/bin`.
pub fn find_bin_dir() -> Result<PathBuf, ClusterError> {
    find_bin_dir_from(
        std::env::var_os(PG_BIN_ENV).as_deref(),
        std::env::var_os("PATH").as_deref(),
        Path::new("/usr/lib/postgresql"),
    )
}

/// [`find_bin_dir`] with the environment given: `pg_bin` for `PG_BIN`, `path` for `PATH`, and the
/// directory holding one folder per major version (`/usr/lib/postgresql`).
pub fn find_bin_dir_from(
    pg_bin: Option<&OsStr>,
    path: Option<&OsStr>,
    versions_root: &Path,
) -> Result<PathBuf, ClusterError> {
    if let Some(dir) = pg_bin.filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        let missing = missing_binaries(&dir);
        if missing.is_empty() {
            return Ok(dir);
        }
        return Err(ClusterError::new(format!(
            "{PG_BIN_ENV} is set to {}, which has no {}: set {PG_BIN_ENV} to the bin directory \
             of a PostgreSQL installation (the one holding initdb, pg_ctl and postgres)",
            dir.display(),
            missing.join(", ")
        )));
    }
    if let Some(path) = path {
        for dir in std::env::split_paths(path) {
            let initdb = dir.join("initdb");
            if !initdb.is_file() {
                continue;
            }
            // `/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb`: the real directory
            // holds the whole installation.
            let real = std::fs::canonicalize(&initdb)
                .ok()
                .and_then(|p| p.parent().map(Path::to_owned));
            for candidate in real.into_iter().chain([dir]) {
                if missing_binaries(&candidate).is_empty() {
                    return Ok(candidate);
                }
            }
        }
    }
    let mut versions: Vec<(Vec<u64>, PathBuf)> = std::fs::read_dir(versions_root)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let key: Option<Vec<u64>> = name.split('.').map(|p| p.parse().ok()).collect();
            Some((key?, e.path().join("bin")))
        })
        .filter(|(_, bin)| missing_binaries(bin).is_empty())
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    Err(ClusterError::new(format!(
        "no PostgreSQL server binaries found: {PG_BIN_ENV} is not set, there is no initdb on \
         PATH, and no {}/<version>/bin; install the PostgreSQL server (for example `apt-get \
         install postgresql`), or set {PG_BIN_ENV} to the bin directory of an installation",
        versions_root.display()
    )))
}

/// The unprivileged user the server runs as when this process is root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUser {
    /// The user name.
    pub name: String,
    /// Its user id.
    pub uid: u32,
    /// Its primary group id.
    pub gid: u32,
}

/// True when this process runs as root (effective uid 0).
pub fn running_as_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // `/proc/self` is owned by the effective user; elsewhere ask `id`.
        if let Ok(meta) = std::fs::metadata("/proc/self") {
            return meta.uid() == 0;
        }
        Command::new("id")
            .arg("-u")
            .output()
            .ok()
            .is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    }
    #[cfg(not(unix))]
    false
}

/// The user the server must run as: `None` when this process is not root (the server runs as
/// this user); else [`SERVER_USER_ENV`] or `postgres`, which must exist.
pub fn server_user() -> Result<Option<ServerUser>, ClusterError> {
    let name = std::env::var(SERVER_USER_ENV)
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_SERVER_USER.to_owned());
    server_user_for(running_as_root(), &name)
}

/// [`server_user`] for a given answer to "are we root?" and user name.
pub fn server_user_for(is_root: bool, name: &str) -> Result<Option<ServerUser>, ClusterError> {
    if !is_root {
        return Ok(None);
    }
    let lookup = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, "--", name]).output().ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    match (lookup("-u"), lookup("-g")) {
        (Some(0), _) => Err(ClusterError::new(format!(
            "PostgreSQL refuses to run as root, and user `{name}` is root too: set \
             {SERVER_USER_ENV} to an unprivileged user"
        ))),
        (Some(uid), Some(gid)) => Ok(Some(ServerUser {
            name: name.to_owned(),
            uid,
            gid,
        })),
        _ => Err(ClusterError::new(format!(
            "PostgreSQL refuses to run as root, and there is no user `{name}` to run it as: \
             create one (for example `useradd --system --user-group {name}`), set \
             {SERVER_USER_ENV} to an existing unprivileged user, or run as a non-root user"
        ))),
    }
}
