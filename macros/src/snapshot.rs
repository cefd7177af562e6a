//! Finding, parsing and caching the snapshot, and telling cargo to rebuild when it changes.
//!
//! A compiler process expands every derive of a crate, often hundreds; the snapshot is parsed
//! once per process and reused while the file's modification time and length are unchanged.
//! Nothing here touches the network, and nothing blocks on the file: `Snapshot::load` refuses a
//! FIFO or other non-regular file before reading (the `include_bytes!` that tracks the file is
//! emitted only after it loaded, so only a file swapped for a FIFO in between could still block
//! the compiler's own read).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use schemalock_runtime::snapshot::{self, SNAPSHOT_ENV, Snapshot, SnapshotError};
use syn::LitStr;

struct Cached {
    modified: Option<SystemTime>,
    len: u64,
    snapshot: Arc<Snapshot>,
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
    pub snapshot: Arc<Snapshot>,
    /// Tokens that make cargo re-run the derive when the file or `SCHEMALOCK_SNAPSHOT` changes.
    pub track: TokenStream,
}

/// Loads the snapshot for an item: its `snapshot = "..."` attribute, else `SCHEMALOCK_SNAPSHOT`,
/// else the first `schemalock.json` up from the crate's manifest directory. Errors are spanned on
/// the attribute when there is one, else on `span`.
pub fn load(explicit: Option<&LitStr>, span: Span) -> syn::Result<Loaded> {
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
        track: track(&path),
    })
}

fn load_cached(path: &Path) -> Result<Arc<Snapshot>, SnapshotError> {
    let meta = std::fs::metadata(path).map_err(|source| SnapshotError::Read {
        path: path.to_owned(),
        source,
    })?;
    let modified = meta.modified().ok();
    let len = meta.len();
    let mut cache = cache()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(c) = cache.get(path) {
        if c.modified == modified && c.len == len && modified.is_some() {
            return Ok(Arc::clone(&c.snapshot));
        }
    }
    let snapshot = Arc::new(Snapshot::load(path)?);
    cache.insert(
        path.to_owned(),
        Cached {
            modified,
            len,
            snapshot: Arc::clone(&snapshot),
        },
    );
    Ok(snapshot)
}

fn track(path: &Path) -> TokenStream {
    let first = tracked()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(path.to_owned());
    let Some(text) = path.to_str().filter(|_| first) else {
        return TokenStream::new();
    };
    let lit = LitStr::new(text, Span::call_site());
    let env = LitStr::new(SNAPSHOT_ENV, Span::call_site());
    // `include_bytes!` puts the file in the crate's dep-info and `option_env!` the variable, so
    // cargo (and rust-analyzer's cargo check) rebuilds when either changes. Only the length is
    // kept, so no copy of the file ends up in a constant.
    quote! {
        const _: usize = ::core::include_bytes!(#lit).len();
        const _: ::core::option::Option<&str> = ::core::option_env!(#env);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY: &str = "{\"format_version\": 2, \"schemas\": {}}\n";

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
        assert!(changed.schema("public").is_some());
    }

    #[test]
    fn tracking_is_emitted_once_per_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tracked.json");
        let first = track(&path).to_string();
        assert!(first.contains("include_bytes"), "{first}");
        assert!(first.contains("SCHEMALOCK_SNAPSHOT"), "{first}");
        assert!(track(&path).is_empty());
    }
}
