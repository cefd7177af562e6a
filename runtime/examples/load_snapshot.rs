//! Times `Snapshot::load` on a file: what each compiler process pays once for the derives.
//!
//! ```text
//! cargo run --release -p schemalock-runtime --example load_snapshot -- schemalock.json [runs]
//! ```
//! Prints `load bytes=... tables=... runs=... median_ms=... min_ms=...`.

use std::path::PathBuf;
use std::time::Instant;

use schemalock_runtime::Snapshot;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().expect("usage: load_snapshot PATH [RUNS]"));
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(21);
    let bytes = std::fs::metadata(&path).expect("snapshot exists").len();
    let mut times = Vec::with_capacity(runs);
    let mut tables = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let snapshot = Snapshot::load(&path).expect("snapshot loads");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        tables = snapshot.schemas.values().map(|s| s.tables.len()).sum();
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "load bytes={bytes} tables={tables} runs={runs} median_ms={:.2} min_ms={:.2}",
        times[runs / 2],
        times[0]
    );
}
