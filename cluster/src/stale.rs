//! Directories of local clusters whose run died without cleaning up (SIGKILL, a power cut), and
//! removing them.
//!
//! A cluster's directory is named `schemalock-pg-<pid>-<start>-<random>`: the pid and start
//! time (clock ticks since boot, Linux; 0 elsewhere) of the process that made it. A later run
//! removes such a directory in the same parent when all of these hold:
//! - its name has exactly that form;
//! - it is a directory, not a symbolic link;
//! - it belongs to this user, or, when this process is root, to the user the server runs as;
//! - no process with that pid and start time is alive (a reused pid counts as dead only when the
//!   start time differs; without a start time, any live pid counts as the owner);
//! - no postmaster named in its `data/postmaster.pid` is alive.
//!
//! Anything else is left alone: a false "alive" leaves garbage, never removes a live cluster.

use std::path::{Path, PathBuf};

use super::process;

/// The prefix of every local cluster's directory name.
pub(super) const PREFIX: &str = "schemalock-pg-";

/// The prefix for a new directory of this process (`tempfile` adds the random part).
pub(super) fn prefix_for_this_process() -> String {
    format!(
        "{PREFIX}{}-{}-",
        std::process::id(),
        process::own_start_time()
    )
}

/// The owner pid and start time in a directory name, if it is one of ours.
pub(super) fn parse_name(name: &str) -> Option<(u32, u64)> {
    let rest = name.strip_prefix(PREFIX)?;
    let mut parts = rest.split('-');
    let pid = parts.next()?;
    let start = parts.next()?;
    let random = parts.next()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some()
        || !digits(pid)
        || !digits(start)
        || random.len() != 6
        || !random.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    Some((pid.parse().ok()?, start.parse().ok()?))
}

/// The postmaster named in a cluster directory's `data/postmaster.pid`, if it is alive.
fn live_postmaster(dir: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(dir.join("data/postmaster.pid")).ok()?;
    let pid: u32 = text.lines().next()?.trim().parse().ok()?;
    process::is_alive(pid, 0).then_some(pid)
}

/// Removes the directories in `parent` left by dead runs (see the module documentation), as the
/// user with effective uid `euid`; `server_uid` is the server's user when that is another one.
/// Returns the directories removed. Problems are not errors: what cannot be removed stays.
pub(super) fn remove_stale_dirs(
    parent: &Path,
    euid: Option<u32>,
    server_uid: Option<u32>,
) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return removed;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some((pid, started)) = name.to_str().and_then(parse_name) else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_dir() || !owned_by(&meta, euid, server_uid) {
            continue;
        }
        if process::is_alive(pid, started) || live_postmaster(&path).is_some() {
            continue;
        }
        if std::fs::remove_dir_all(&path).is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

#[cfg(unix)]
fn owned_by(meta: &std::fs::Metadata, euid: Option<u32>, server_uid: Option<u32>) -> bool {
    use std::os::unix::fs::MetadataExt;
    Some(meta.uid()) == euid || (server_uid.is_some() && Some(meta.uid()) == server_uid)
}

#[cfg(not(unix))]
fn owned_by(_: &std::fs::Metadata, _: Option<u32>, _: Option<u32>) -> bool {
    true
}
