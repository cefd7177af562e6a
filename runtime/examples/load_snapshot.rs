//! Times loading a snapshot file: `Snapshot::load` (every table parsed, what the CLI does) and
//! what each compiler process pays once for the derives: reading the file into a
//! `LazySnapshot` and parsing the one table a derive asks for.
//!
//! ```text
//! cargo run --release -p schemalock-runtime --example load_snapshot -- schemalock.json [runs]
//! ```
//! Prints `load bytes=... tables=... runs=... median_ms=... min_ms=...` for the full parse, then
//! `load_lazy ...` for the derives' read.

use std::path::PathBuf;
use std::time::Instant;

use schemalock_runtime::Snapshot;
use schemalock_runtime::snapshot::{LazySnapshot, read_text};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().expect("usage: load_snapshot PATH [RUNS]"));
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(21);
    let bytes = std::fs::metadata(&path).expect("snapshot exists").len();
    let mut full = Vec::with_capacity(runs);
    let mut lazy = Vec::with_capacity(runs);
    let mut tables = 0;
    // Alternating, so both see the same machine.
    for _ in 0..runs {
        let started = Instant::now();
        let snapshot = Snapshot::load(&path).expect("snapshot loads");
        full.push(started.elapsed().as_secs_f64() * 1000.0);
        tables = snapshot.schemas.values().map(|s| s.tables.len()).sum();
        let (schema, table) = snapshot
            .schemas
            .iter()
            .find_map(|(n, s)| Some((n.clone(), s.tables.keys().next()?.clone())))
            .expect("a table");
        drop(snapshot);

        let started = Instant::now();
        let index = LazySnapshot::parse(read_text(&path).expect("reads"), &path).expect("loads");
        let one = index.for_table(&schema, &table).expect("table parses");
        lazy.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(one.table(&schema, &table).is_some());
    }
    for (name, times) in [("load", &mut full), ("load_lazy", &mut lazy)] {
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{name} bytes={bytes} tables={tables} runs={runs} median_ms={:.2} min_ms={:.2}",
            times[runs / 2],
            times[0]
        );
    }
}
