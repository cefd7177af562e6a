//! Snapshot files on disk: which one applies, reading it without ever blocking, and replacing it
//! atomically.
//!
//! Reading refuses anything but a regular file (a symbolic link to one is fine): a FIFO would
//! block `check` and, worse, the compiler running a derive, until something writes to it.
//! Writing goes through a temporary file created exclusively next to the real file (never
//! following a link planted under its name), keeps the real file's permissions, replaces the file
//! a symbolic link points at rather than the link, and removes what killed runs left behind.

use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{DEFAULT_FILE_NAME, Encoding, Snapshot, SnapshotError};

impl Snapshot {
    /// Reads and parses a snapshot file (see [`read_text`]).
    pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
        Snapshot::from_json(&read_text(path)?, path)
    }

    /// Writes the snapshot atomically: a temporary file in the same directory, flushed to disk,
    /// then renamed over `path`, so a reader sees the old file or the new one and never a torn
    /// one. When `path` is a symbolic link, the file it points at is replaced and the link stays.
    /// An existing file keeps its permissions; a new one gets those of any new file (`0666`
    /// less the umask).
    pub fn save(&self, path: &Path) -> io::Result<()> {
        Snapshot::save_json(&self.to_json(), path)
    }

    /// Like [`Snapshot::save`], for text already made by [`Snapshot::to_json`]: a caller that
    /// compares the new text with the old file first need not serialize twice (on 1,000 tables
    /// that is about 12 ms).
    pub fn save_json(text: &str, path: &Path) -> io::Result<()> {
        let target = resolve_links(path)?;
        let existing = match fs::metadata(&target) {
            Ok(meta) if meta.is_file() => Some(meta.permissions()),
            Ok(meta) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "`{}` is {}, not a regular file",
                        target.display(),
                        describe(&meta.file_type())
                    ),
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| DEFAULT_FILE_NAME.to_owned());

        // `create_new` (O_CREAT | O_EXCL) under a random name: an existing file or link of that
        // name is an error, never opened or followed.
        let mut builder = tempfile::Builder::new();
        let prefix = temp_prefix(&name, std::process::id());
        builder.prefix(&prefix).suffix(TEMP_SUFFIX);
        #[cfg(unix)]
        if existing.is_none() {
            // Subject to the umask, like any file a program creates.
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        }
        let mut tmp = builder.tempfile_in(&dir)?;
        tmp.write_all(text.as_bytes())?;
        if let Some(permissions) = existing {
            // fchmod, which the umask does not narrow: the old file's mode exactly.
            tmp.as_file().set_permissions(permissions)?;
        }
        tmp.as_file().sync_all()?;
        tmp.persist(&target).map_err(|e| e.error)?;
        // Make the rename itself durable.
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        remove_stale_in(&dir, &name, SystemTime::now());
        Ok(())
    }
}

/// Removes the temporary files that killed saves of the snapshot at `path` left behind (a save
/// does this itself; this is for a caller that found the file up to date and wrote nothing).
/// Best effort: what cannot be removed stays. Left behind means: a temporary file of this
/// snapshot whose process is gone and that is older than a minute, or any older than an hour.
pub fn remove_stale_temp_files(path: &Path) {
    let Ok(target) = resolve_links(path) else {
        return;
    };
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    remove_stale_in(dir, &name.to_string_lossy(), SystemTime::now());
}

/// Reads a snapshot file's text. Refuses anything that is not a regular file after following
/// symbolic links, checked before opening (so a device is never opened) and again on the opened
/// file (in case the path was swapped in between); the open itself does not block on a FIFO.
/// Refuses UTF-16 and UTF-32 text by its byte order mark and other non-UTF-8 bytes by position.
pub fn read_text(path: &Path) -> Result<String, SnapshotError> {
    let read_error = |source| SnapshotError::Read {
        path: path.to_owned(),
        source,
    };
    let not_regular = |meta: &fs::Metadata| {
        (!meta.is_file()).then(|| SnapshotError::NotRegular {
            path: path.to_owned(),
            kind: describe(&meta.file_type()),
        })
    };
    let meta = fs::metadata(path).map_err(read_error)?;
    if let Some(e) = not_regular(&meta) {
        return Err(e);
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let mut file = options.open(path).map_err(read_error)?;
    let meta = file.metadata().map_err(read_error)?;
    if let Some(e) = not_regular(&meta) {
        return Err(e);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes).map_err(read_error)?;
    decode(bytes, path)
}

/// UTF-8 text, or the error that says which encoding it is in.
fn decode(bytes: Vec<u8>, path: &Path) -> Result<String, SnapshotError> {
    let bom = |encoding| SnapshotError::ByteOrderMark {
        path: path.to_owned(),
        encoding,
    };
    // UTF-32 LE's mark starts like UTF-16 LE's, so it is tested first.
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(bom(Encoding::Utf32));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(bom(Encoding::Utf16));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        SnapshotError::NotUtf8 {
            path: path.to_owned(),
            line: good.iter().filter(|&&b| b == b'\n').count() + 1,
            // In characters, as serde_json counts columns; the valid part is UTF-8.
            column: String::from_utf8_lossy(&good[line_start..]).chars().count() + 1,
        }
    })
}

/// `a directory`, `a FIFO (named pipe)`, ...: what a path is when it is not a regular file.
fn describe(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// The path a write must replace: `path`, or, while it is a symbolic link, what the link names
/// (relative targets taken from the link's directory). A dangling link gives its missing target,
/// which the write then creates. Only the last component is resolved: the kernel follows links
/// among the directories, and the rename stays in the target's directory.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    // Linux's own limit on links followed in one lookup.
    const MAX_LINKS: usize = 40;
    let mut current = path.to_owned();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "`{}`: more than {MAX_LINKS} symbolic links to follow",
        path.display()
    )))
}

const TEMP_SUFFIX: &str = ".tmp";

/// `.schemalock.json.<pid>.`: the start of a temporary file's name, then random characters and
/// [`TEMP_SUFFIX`]. Earlier versions wrote `.schemalock.json.<pid>.tmp`.
pub(super) fn temp_prefix(file_name: &str, pid: u32) -> String {
    format!(".{file_name}.{pid}.")
}

/// A temporary file older than this is only removed when its process is gone: a save holds
/// its file for milliseconds, so a minute is long for a live one; the wait guards against a
/// process this host cannot see (another container, another machine on a shared disk).
pub(super) const STALE_AFTER: Duration = Duration::from_secs(60);
/// A temporary file older than this is removed whatever its process id says: ids are reused.
pub(super) const ABANDONED_AFTER: Duration = Duration::from_secs(60 * 60);

/// Removes temporary files of `file_name` in `dir` that a killed save left behind (see
/// [`is_stale`]). Best effort: a file that cannot be removed stays, and the save succeeded.
pub(super) fn remove_stale_in(dir: &Path, file_name: &str, now: SystemTime) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| temp_file_pid(n, file_name)) else {
            continue;
        };
        // The entry itself, never what a link named like ours points at.
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or_default();
        if is_stale(pid, age) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The process id in the name of one of our temporary files for `file_name`, or `None` for any
/// other name: `.<file_name>.<pid>.<random>.tmp`, or `.<file_name>.<pid>.tmp` from before.
pub(super) fn temp_file_pid(name: &str, file_name: &str) -> Option<u32> {
    let rest = name
        .strip_prefix('.')?
        .strip_prefix(file_name)?
        .strip_prefix('.')?
        .strip_suffix(TEMP_SUFFIX)?;
    let (pid, random) = rest.split_once('.').unwrap_or((rest, ""));
    let ours = !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && random.bytes().all(|b| b.is_ascii_alphanumeric());
    ours.then(|| pid.parse().ok()).flatten()
}

/// Stale: older than [`STALE_AFTER`] with no process of that id running here, or older than
/// [`ABANDONED_AFTER`].
pub(super) fn is_stale(pid: u32, age: Duration) -> bool {
    age >= ABANDONED_AFTER || (age >= STALE_AFTER && !process_exists(pid))
}

#[cfg(unix)]
pub(super) fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // Signal 0 checks existence and permission without sending anything.
    // SAFETY: kill(2) with signal 0 has no effect on any process and takes no pointers.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
pub(super) fn process_exists(pid: u32) -> bool {
    // No portable check: only the age rule removes files on other systems.
    pid != 0
}

/// Where a snapshot is looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotLocation {
    /// Given explicitly (attribute or environment); relative paths are resolved against the
    /// manifest directory.
    Explicit(PathBuf),
    /// Found by walking up from the manifest directory.
    Found(PathBuf),
}

impl SnapshotLocation {
    /// The snapshot's path, however it was found.
    pub fn path(&self) -> &Path {
        match self {
            SnapshotLocation::Explicit(p) | SnapshotLocation::Found(p) => p,
        }
    }
}

/// Resolves which snapshot file applies: `explicit` (an item's attribute) wins over `env` (the
/// value of `SCHEMALOCK_SNAPSHOT`), which wins over the first `schemalock.json` found walking up
/// from `manifest_dir`. Anything of that name counts as found, so that a directory, FIFO or
/// dangling link there is reported when read rather than skipped for a file further up.
pub fn locate(
    manifest_dir: &Path,
    explicit: Option<&str>,
    env: Option<&str>,
) -> Result<SnapshotLocation, SnapshotError> {
    if let Some(p) = explicit.or(env.filter(|v| !v.is_empty())) {
        return Ok(SnapshotLocation::Explicit(manifest_dir.join(p)));
    }
    let mut looked_in = Vec::new();
    for dir in manifest_dir.ancestors() {
        let candidate = dir.join(DEFAULT_FILE_NAME);
        if fs::symlink_metadata(&candidate).is_ok() {
            return Ok(SnapshotLocation::Found(candidate));
        }
        looked_in.push(dir.to_owned());
    }
    Err(SnapshotError::NotFound { looked_in })
}
