//! Which snapshot file a command means when `--snapshot` is not given.
//!
//! The same file the derives would check against from the current directory
//! ([`schemalock_runtime::snapshot::locate`], `SCHEMALOCK_SNAPSHOT` included), so `refresh` writes
//! what the build reads.

use std::path::{Path, PathBuf};

use schemalock_runtime::Snapshot;
use schemalock_runtime::snapshot::{DEFAULT_FILE_NAME, SNAPSHOT_ENV, locate, read_text};

use crate::error::Error;

fn snapshot_env() -> Option<String> {
    std::env::var(SNAPSHOT_ENV).ok().filter(|v| !v.is_empty())
}

/// The snapshot an existing-file command (`check`, `refresh --check`) reads.
pub(crate) fn existing_snapshot(explicit: Option<&Path>, cwd: &Path) -> Result<PathBuf, Error> {
    if let Some(p) = explicit {
        return Ok(cwd.join(p));
    }
    locate(cwd, None, snapshot_env().as_deref())
        .map(|l| l.path().to_owned())
        .map_err(|e| Error::new(e.to_string()))
}

/// The snapshot `refresh` writes: as [`existing_snapshot`], else `schemalock.json` in the
/// workspace root, else in `cwd`.
pub(crate) fn snapshot_to_write(explicit: Option<&Path>, cwd: &Path) -> PathBuf {
    if let Some(p) = explicit {
        return cwd.join(p);
    }
    match locate(cwd, None, snapshot_env().as_deref()) {
        Ok(l) => l.path().to_owned(),
        Err(_) => workspace_root(cwd)
            .unwrap_or_else(|| cwd.to_owned())
            .join(DEFAULT_FILE_NAME),
    }
}

/// The nearest directory at or above `start` whose `Cargo.toml` declares `[workspace]`.
pub(crate) fn workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        declares_workspace(&text).then(|| dir.to_owned())
    })
}

/// True when a manifest has a `[workspace]` table (`[workspace.dependencies]` and friends count:
/// they only exist in a workspace root).
fn declares_workspace(manifest: &str) -> bool {
    manifest.lines().any(|l| {
        let l = l.trim();
        l == "[workspace]" || l.starts_with("[workspace.") || l.starts_with("[workspace]")
    })
}

/// Reads a snapshot file; the error names it as the user would (relative to `cwd`) and says what
/// is wrong with it and how to get a good one.
pub(crate) fn load(path: &Path, cwd: &Path) -> Result<Snapshot, Error> {
    let named = PathBuf::from(shown(path, cwd));
    let text = read_text(path).map_err(|e| Error::new(e.with_path(&named).to_string()))?;
    Snapshot::from_json(&text, &named).map_err(|e| Error::new(e.to_string()))
}

/// `path` relative to `cwd` when it is below it, for shorter messages.
pub(crate) fn shown(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .ok()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::dir_with;

    #[test]
    fn workspace_root_is_the_manifest_with_a_workspace_table() {
        let dir = dir_with(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"crates/app\"]\n"),
            (
                "crates/app/Cargo.toml",
                "[package]\nname = \"app\"\n# [workspace]\n",
            ),
        ]);
        let member = dir.path().join("crates/app/src");
        std::fs::create_dir_all(&member).unwrap();
        assert_eq!(workspace_root(&member).as_deref(), Some(dir.path()));
        assert!(declares_workspace("[workspace.package]\nversion = \"1\""));
        assert!(!declares_workspace("[package]\nworkspace = \"..\""));
    }

    #[test]
    fn refresh_writes_the_found_file_else_the_workspace_root() {
        if std::env::var_os(SNAPSHOT_ENV).is_some() {
            return;
        }
        let dir = dir_with(&[("Cargo.toml", "[workspace]\n")]);
        let member = dir.path().join("app");
        std::fs::create_dir_all(&member).unwrap();
        assert_eq!(
            snapshot_to_write(None, &member),
            dir.path().join("schemalock.json")
        );
        assert!(existing_snapshot(None, &member).is_err());
        std::fs::write(member.join("schemalock.json"), "{}").unwrap();
        assert_eq!(
            snapshot_to_write(None, &member),
            member.join("schemalock.json")
        );
        assert_eq!(
            existing_snapshot(Some(Path::new("x.json")), &member).unwrap(),
            member.join("x.json")
        );
        let lonely = tempfile::tempdir().unwrap();
        assert_eq!(
            snapshot_to_write(None, lonely.path()),
            lonely.path().join("schemalock.json")
        );
        assert_eq!(
            shown(&member.join("schemalock.json"), &member),
            "schemalock.json"
        );
    }
}
