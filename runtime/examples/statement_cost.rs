//! What the statement engine costs, for the numbers in a report (the build-cost benchmark of
//! `sql!` is `bench/`'s business): the embedded catalog parsed once per process, a `Checker`
//! built once per snapshot, then each statement analysed.
//!
//! ```text
//! cargo run --release -p schemalock-runtime --features sql --example statement_cost -- \
//!     runtime/src/statement/tests/constructs.json tests/tests/statements/corpus.sql
//! ```
//!
//! The statements file is either JSON lines with a `query` field (`../shared/corpora/docs.rs/
//! queries.jsonl`) or `-- @` blocks (`tests/tests/statements/*.sql`).

use std::path::Path;
use std::time::{Duration, Instant};

use schemalock_runtime::snapshot::Snapshot;
use schemalock_runtime::statement::{Checker, Options};

fn statements(text: &str) -> Vec<String> {
    if text.trim_start().starts_with('{') {
        return text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["query"].as_str().map(str::to_owned))
            .collect();
    }
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with("-- @") {
            out.push(String::new());
        } else if !line.starts_with("--") {
            if let Some(last) = out.last_mut() {
                last.push_str(line);
                last.push('\n');
            }
        }
    }
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(snapshot), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: statement_cost <snapshot.json> <statements file>");
        std::process::exit(2);
    };
    let snapshot = Snapshot::load(Path::new(snapshot)).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let statements = statements(&text);

    let t = Instant::now();
    let checker = Checker::new(&snapshot, &Options::default());
    let first = t.elapsed();
    let t = Instant::now();
    let _again = Checker::new(&snapshot, &Options::default());
    let again = t.elapsed();

    let rounds = 20;
    let mut per_round = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for s in &statements {
            std::hint::black_box(checker.analyze(s));
        }
        per_round.push(t.elapsed());
    }
    let round = median(per_round);
    println!(
        "first Checker (embedded catalog parsed): {first:?}; next Checker: {again:?}; \
         {} statements: {round:?} per pass (median of {rounds}), {:?} per statement",
        statements.len(),
        round / u32::try_from(statements.len().max(1)).unwrap_or(1)
    );
}
