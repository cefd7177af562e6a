//! Finding, parsing and caching the snapshot, and telling cargo to rebuild when it changes.
//!
//! A compiler process expands every derive of a crate, often hundreds; the snapshot is read once
//! per process and reused while the file is unchanged, and of its tables only those a derive
//! asks for are parsed ([`LazySnapshot`]). Nothing here touches the network,
//! and nothing blocks on the file: `Snapshot::load` refuses a FIFO or other non-regular file
//! before reading (the `include_bytes!` that tracks the file is emitted only after it loaded, so
//! only a file swapped for a FIFO in between could still block the compiler's own read).
//!
//! "Unchanged" cannot rest on the modification time alone: a file system with coarse timestamps
//! (whole seconds, or two on FAT) gives an edit made in the same tick as the read the same time,
//! and an edit of the same length then looks like no edit. Under cargo that never matters (each
//! build of a crate is a new compiler process), but a long-lived proc-macro server such as
//! rust-analyzer's would keep checking against the old text. So, as git does for its index, a
//! cached parse is trusted on its time and length only when the file's time lies well before the
//! moment it was read; otherwise the file is read again and its text compared.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use schemalock_runtime::snapshot::{self, LazySnapshot, SNAPSHOT_ENV, SnapshotError, TRACKED_ENV};
use syn::LitStr;

/// The coarsest timestamp granularity we allow for (FAT's two seconds).
const GRANULARITY: Duration = Duration::from_secs(2);

/// What the cache knows of a file: enough to tell an edit without reading the file, when
/// `modified` lies a [`GRANULARITY`] before `read_at`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: SystemTime,
    len: u64,
}

struct Cached {
    stamp: Option<Stamp>,
    /// When the text was read, by the clock the file system stamps files with.
    read_at: SystemTime,
    /// Holds the text too, to tell an edit that kept the time and length.
    snapshot: Arc<LazySnapshot>,
}

impl Cached {
    /// True when `stamp` proves the file is the one read: same time and length, and that time
    /// far enough before the read that a later edit cannot share it.
    fn certainly_fresh(&self, stamp: Option<Stamp>) -> bool {
        match (self.stamp, stamp) {
            (Some(cached), Some(now)) => {
                cached == now
                    && now
                        .modified
                        .checked_add(GRANULARITY)
                        .is_some_and(|t| t < self.read_at)
            }
            _ => false,
        }
    }
}

fn cache() -> &'static Mutex<HashMap<PathBuf, Cached>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Cached>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Paths already tracked in this process. Cargo's dependency info is per crate and a compiler
/// process builds one crate, so one `include_bytes!` per path and process is enough; emitting
/// it from every derive would make the compiler load the file once per derive.
fn tracked() -> &'static Mutex<HashSet<PathBuf>> {
    static TRACKED: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    TRACKED.get_or_init(Default::default)
}

pub struct Loaded {
    /// Tables are parsed when a derive asks for them.
    pub snapshot: Arc<LazySnapshot>,
    /// Tokens that make cargo re-run the derive when the file or `SCHEMALOCK_SNAPSHOT` changes.
    pub track: TokenStream,
}

/// Errors already reported in this process. A compiler process builds one crate, so a snapshot
/// that is missing, unreadable or conflicted is one error per crate, on the first derive that
/// reads it, not one per derive.
fn reported() -> &'static Mutex<HashSet<String>> {
    static REPORTED: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    REPORTED.get_or_init(Default::default)
}

/// Loads the snapshot for an item (see [`load_once`]); `Err(None)` when the error was already
/// reported by another derive of this crate.
pub fn load(explicit: Option<&LitStr>, span: Span) -> Result<Loaded, Option<syn::Error>> {
    load_once(explicit, span).map_err(|err| {
        let first = reported()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(err.to_string());
        first.then_some(err)
    })
}

/// Loads the snapshot for an item: its `snapshot = "..."` attribute, else `SCHEMALOCK_SNAPSHOT`,
/// else the first `schemalock.json` up from the crate's manifest directory. Errors are spanned on
/// the attribute when there is one, else on `span`.
fn load_once(explicit: Option<&LitStr>, span: Span) -> syn::Result<Loaded> {
    let span = explicit.map_or(span, LitStr::span);
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").ok_or_else(|| {
        syn::Error::new(
            span,
            "`CARGO_MANIFEST_DIR` is not set; schemalock derives locate the snapshot from it, so build with cargo",
        )
    })?;
    let env = std::env::var(SNAPSHOT_ENV).ok();
    let explicit_value = explicit.map(LitStr::value);
    let location = snapshot::locate(
        Path::new(&manifest_dir),
        explicit_value.as_deref(),
        env.as_deref(),
    )
    .map_err(|e| syn::Error::new(span, e.to_string()))?;
    let path = location.path().to_owned();
    let snapshot = load_cached(&path).map_err(|e| syn::Error::new(span, e.to_string()))?;
    Ok(Loaded {
        snapshot,
        track: track(&path, Path::new(&manifest_dir)),
    })
}

fn load_cached(path: &Path) -> Result<Arc<LazySnapshot>, SnapshotError> {
    let stamp = |meta: &std::fs::Metadata| {
        let modified = meta.modified().ok()?;
        Some(Stamp {
            modified,
            len: meta.len(),
        })
    };
    let meta = std::fs::metadata(path).map_err(|source| SnapshotError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut cache = cache()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(c) = cache.get(path) {
        if c.certainly_fresh(stamp(&meta)) {
            return Ok(Arc::clone(&c.snapshot));
        }
    }
    // Taken before reading: an edit made while reading then counts as made after it.
    let read_at = SystemTime::now();
    let text = snapshot::read_text(path)?;
    let snapshot = match cache.get(path) {
        Some(c) if c.snapshot.text() == text => Arc::clone(&c.snapshot),
        _ => Arc::new(LazySnapshot::parse(text, path)?),
    };
    // The time and length of the file as read: looked up again, since the text may be newer
    // than `meta`.
    let now = std::fs::metadata(path).ok();
    cache.insert(
        path.to_owned(),
        Cached {
            stamp: now.as_ref().and_then(stamp),
            read_at,
            snapshot: Arc::clone(&snapshot),
        },
    );
    Ok(snapshot)
}

fn track(path: &Path, manifest_dir: &Path) -> TokenStream {
    let first = tracked()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(path.to_owned());
    let Some(text) = path.to_str().filter(|_| first) else {
        return TokenStream::new();
    };
    let env = LitStr::new(SNAPSHOT_ENV, Span::call_site());
    let tracked_env = LitStr::new(TRACKED_ENV, Span::call_site());
    // `option_env!` puts the variables in the crate's dep-info, so cargo rebuilds when they change.
    let envs = quote! {
        const _: ::core::option::Option<&str> = ::core::option_env!(#env);
        const _: ::core::option::Option<&str> = ::core::option_env!(#tracked_env);
    };
    if tracked_by_build_script(path, manifest_dir) {
        return envs;
    }
    let lit = LitStr::new(text, Span::call_site());
    // `include_bytes!` puts the file in the crate's dep-info, so cargo (and rust-analyzer's cargo
    // check) rebuilds when it changes. The compiler still reads and hashes the whole file; in a
    // function nobody calls, no constant is evaluated from it (a `const` holding its length cost
    // 30 ms more per check of a 28 MB snapshot; BENCHMARKS.md, "Issue 11, third round").
    // The leading underscore keeps it out of `dead_code` without an `allow` (which a crate's
    // `#![forbid(dead_code)]` would reject).
    quote! {
        fn _schemalock_snapshot() {
            let _ = ::core::include_bytes!(#lit);
        }
        #envs
    }
}

/// Whether the crate's build script tracks `path` itself ([`TRACKED_ENV`] names it): cargo then
/// rebuilds the crate when the file changes, since a build script that runs again rebuilds its
/// crate. Any doubt (unset, another file, a path that does not resolve) keeps `include_bytes!`.
fn tracked_by_build_script(path: &Path, manifest_dir: &Path) -> bool {
    let Some(declared) = std::env::var_os(TRACKED_ENV) else {
        return false;
    };
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    same(&manifest_dir.join(declared), path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY: &str = "{\"format_version\": 2, \"schemas\": {}}\n";

    fn set_modified(path: &Path, at: SystemTime) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(at).unwrap();
    }

    #[test]
    fn parsed_once_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schemalock.json");
        std::fs::write(&path, EMPTY).unwrap();
        let first = load_cached(&path).unwrap();
        let again = load_cached(&path).unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "second load must reuse the parse"
        );

        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, EMPTY.replace("{}", "{\"public\": {}}")).unwrap();
        let changed = load_cached(&path).unwrap();
        assert!(!Arc::ptr_eq(&first, &changed));
        assert!(changed.skeleton().schema("public").is_some());
    }

    /// A file stamped long before it was read is trusted on its time and length: no new parse.
    #[test]
    fn an_old_file_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schemalock.json");
        std::fs::write(&path, EMPTY).unwrap();
        set_modified(&path, SystemTime::now() - Duration::from_secs(3600));
        let first = load_cached(&path).unwrap();
        let entry = |path: &Path| cache().lock().unwrap().get(path).map(|c| c.read_at);
        let read_at = entry(&path);
        assert!(Arc::ptr_eq(&first, &load_cached(&path).unwrap()));
        assert_eq!(
            entry(&path),
            read_at,
            "an old, unchanged file is not read again"
        );
    }

    /// An edit that keeps the length and lands in the same timestamp tick as the read (a coarse
    /// file system, or a fast editor) is still seen: a file stamped near the read is read again.
    #[test]
    fn an_edit_in_the_same_tick_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schemalock.json");
        let tick = SystemTime::now();
        std::fs::write(&path, EMPTY.replace("{}", "{\"a\": {}}")).unwrap();
        set_modified(&path, tick);
        let first = load_cached(&path).unwrap();
        assert!(first.skeleton().schema("a").is_some());

        std::fs::write(&path, EMPTY.replace("{}", "{\"b\": {}}")).unwrap();
        set_modified(&path, tick);
        let edited = load_cached(&path).unwrap();
        assert!(
            edited.skeleton().schema("b").is_some(),
            "the same-length edit must be read"
        );

        // Read again but unchanged: the parse is reused.
        assert!(Arc::ptr_eq(&edited, &load_cached(&path).unwrap()));
    }

    #[test]
    fn tracking_is_emitted_once_per_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tracked.json");
        let first = track(&path, dir.path()).to_string();
        assert!(first.contains("include_bytes"), "{first}");
        assert!(first.contains("SCHEMALOCK_SNAPSHOT"), "{first}");
        assert!(track(&path, dir.path()).is_empty());
    }
}
