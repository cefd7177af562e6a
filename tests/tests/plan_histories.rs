//! Plans between points of real migration histories: crates.io's 285 migrations
//! (`../shared/schemas/crates-io.sql`, split at its `-- ==== migration: <folder> ====`
//! headers) and docs.rs's 33 (`../shared/corpora/docs.rs/migrations`). For a pair (N, M), a
//! database migrated to N is planned to the schema of M with every hazard allowed (following the
//! plan's own rename suggestions, as a person reading them would), the plan is applied with
//! psql, and the result must be the schema of M.
//!
//! CI runs a deterministic sample (see `ci_pairs`; each test prints how many pairs it ran):
//! single migrations (N, N + 1) and longer spans. The full set is behind `--ignored`:
//!
//! ```text
//! cargo test -p schemalock-tests --test plan_histories -- --ignored --nocapture
//! ```
//!
//! Each test prints how many pairs round-trip, and fails on any pair that does not, unless it
//! is an explained limit: only the order of columns differs ([`Outcome::ColumnOrder`]).

mod plan_support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use plan_support::{
    Migration, apply_migration, crates_io_history, differences, docs_rs_history, introspect,
    psql_script, shared_corpora,
};
use schemalock_runtime::plan::{self, NoteKind, Options, Rename, ScriptOptions};
use schemalock_runtime::snapshot::Snapshot;
use schemalock_tests::pg::{Cluster, quote_ident};
use schemalock_tests::shared;

/// How one pair went.
#[derive(Debug)]
enum Outcome {
    RoundTrip,
    /// The plan failed to apply: psql's error.
    Failed(String),
    /// It applied, but differences are left.
    Differs(Vec<String>),
    /// It applied, and the only difference left is the order of some table's columns: an
    /// explained limit (PostgreSQL cannot move a column; the plan says so in a note). The
    /// target's history dropped a column and added it again, or added one in the middle.
    ColumnOrder,
}

/// The snapshot with every table's columns sorted by name: equal for two schemas that differ
/// only in column order.
fn columns_sorted(s: &Snapshot) -> Snapshot {
    let mut s = s.clone();
    for schema in s.schemas.values_mut() {
        for t in schema.tables.values_mut() {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    s
}

/// `CREATE DATABASE new TEMPLATE template`, waiting for the sessions that just used the
/// template to be gone.
fn copy_database(pg: &Cluster, template: &str, new: &str) {
    let sql = format!(
        "CREATE DATABASE {} TEMPLATE {}",
        quote_ident(new),
        quote_ident(template)
    );
    let started = Instant::now();
    loop {
        let mut admin = pg.connect("postgres");
        match admin.batch_execute(&sql) {
            Ok(()) => return,
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("{sql}: {e}"),
        }
    }
}

fn drop_database(pg: &Cluster, db: &str) {
    pg.psql(
        "postgres",
        &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(db)),
    );
}

/// The plan from `from` to `to`, following its rename suggestions.
fn plan_following_suggestions(from: &Snapshot, to: &Snapshot) -> Result<plan::Plan, String> {
    let first = plan::plan(from, to, &Options::default()).map_err(|e| e.to_string())?;
    let renames: Vec<Rename> = first
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::RenameSuggestion)
        .filter_map(|n| {
            let spec = n.message.split("--rename ").nth(1)?.trim_end_matches('`');
            Rename::parse(spec).ok()
        })
        .collect();
    if renames.is_empty() {
        return Ok(first);
    }
    plan::plan(
        from,
        to,
        &Options {
            renames,
            ..Options::default()
        },
    )
    .map_err(|e| e.to_string())
}

/// Migrates a database along `history`, snapshotting every point, and tries every pair.
fn run(
    pg: &Cluster,
    name: &str,
    history: &[Migration],
    pairs: &[(usize, usize)],
) -> Vec<((usize, usize), Outcome)> {
    let walker = format!("{name}_walk");
    pg.create_database(&walker);
    let starts: BTreeSet<usize> = pairs.iter().map(|p| p.0).collect();
    let mut snapshots = vec![introspect(pg, &walker)];
    let at = |n: usize| format!("{name}_at_{n}");
    if starts.contains(&0) {
        copy_database(pg, &walker, &at(0));
    }
    for (i, m) in history.iter().enumerate() {
        apply_migration(pg, &walker, m);
        snapshots.push(introspect(pg, &walker));
        if starts.contains(&(i + 1)) {
            copy_database(pg, &walker, &at(i + 1));
        }
    }
    let mut out = Vec::new();
    for &(n, m) in pairs {
        let work = format!("{name}_work");
        copy_database(pg, &at(n), &work);
        let outcome = match plan_following_suggestions(&snapshots[n], &snapshots[m]) {
            Err(e) => Outcome::Failed(format!("no plan: {e}")),
            Ok(plan) => {
                let script = plan.script(&ScriptOptions::default());
                match psql_script(pg, &work, &script) {
                    Err(e) => Outcome::Failed(
                        e.lines()
                            .filter(|l| l.contains("ERROR") || l.contains("WARNING"))
                            .take(3)
                            .collect::<Vec<_>>()
                            .join(" | "),
                    ),
                    Ok(_) => {
                        let result = introspect(pg, &work);
                        let d = differences(&snapshots[m], &result);
                        if d.is_empty() {
                            Outcome::RoundTrip
                        } else if differences(
                            &columns_sorted(&snapshots[m]),
                            &columns_sorted(&result),
                        )
                        .is_empty()
                            && plan.notes.iter().any(|n| n.kind == NoteKind::Unplanned)
                        {
                            Outcome::ColumnOrder
                        } else {
                            Outcome::Differs(d)
                        }
                    }
                }
            }
        };
        drop_database(pg, &work);
        out.push(((n, m), outcome));
    }
    out
}

/// Prints the tally and the failures; returns the pairs that failed.
fn report(
    name: &str,
    history: &[Migration],
    results: &[((usize, usize), Outcome)],
) -> Vec<(usize, usize)> {
    let ok = results
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::RoundTrip))
        .count();
    let order = results
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::ColumnOrder))
        .count();
    eprintln!(
        "{name}: {ok} of {} pairs round-trip; {order} more differ only in column order, which \
         PostgreSQL cannot change (the plan notes it)",
        results.len()
    );
    let mut failed = Vec::new();
    for ((n, m), o) in results {
        let label = |i: usize| {
            if i == 0 {
                "nothing".to_owned()
            } else {
                history[i - 1].name.clone()
            }
        };
        match o {
            Outcome::RoundTrip | Outcome::ColumnOrder => continue,
            Outcome::Failed(e) => {
                eprintln!("  ({n}, {m}) {} -> {}: failed: {e}", label(*n), label(*m))
            }
            Outcome::Differs(d) => eprintln!(
                "  ({n}, {m}) {} -> {}: {} differences: {}",
                label(*n),
                label(*m),
                d.len(),
                d.iter().take(3).cloned().collect::<Vec<_>>().join(" | ")
            ),
        }
        failed.push((*n, *m));
    }
    failed
}

/// The pairs CI runs, chosen deterministically: every `step`-th migration on its own and every
/// one of the last `recent` (the newest use the most features), spans of `long` from every
/// `every`-th point, the whole history, and `hard`: pairs that once failed.
fn ci_pairs(
    len: usize,
    step: usize,
    recent: usize,
    every: usize,
    long: &[usize],
    hard: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(usize, usize)> = (0..len)
        .filter(|n| n % step == 0 || n + recent >= len)
        .map(|n| (n, n + 1))
        .collect();
    pairs.extend(hard.iter().filter(|(_, m)| *m <= len));
    for n in (0..len).step_by(every) {
        for k in long {
            if n + k <= len {
                pairs.push((n, n + k));
            }
        }
    }
    pairs.push((0, len));
    pairs.sort();
    pairs.dedup();
    pairs
}

/// Every pair of points `k` apart for the spans `ks`.
fn all_pairs(len: usize, ks: &[usize]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for n in 0..=len {
        for k in ks {
            if n + k <= len {
                pairs.push((n, n + k));
            }
        }
    }
    pairs
}

fn crates_io(pairs: impl Fn(usize) -> Vec<(usize, usize)>) {
    let Some(dir) = shared::dir() else { return };
    let Some(pg) = Cluster::start(15) else { return };
    let history = crates_io_history(&dir);
    let results = run(&pg, "crates_io", &history, &pairs(history.len()));
    let failed = report("crates.io", &history, &results);
    assert!(
        failed.is_empty(),
        "{} pairs do not round-trip: {failed:?}",
        failed.len()
    );
}

fn docs_rs(pairs: impl Fn(usize) -> Vec<(usize, usize)>) {
    let Some(corpora) = shared_corpora() else {
        return;
    };
    let Some(pg) = Cluster::start(15) else { return };
    let history = docs_rs_history(&corpora);
    let results = run(&pg, "docsrs", &history, &pairs(history.len()));
    let failed = report("docs.rs", &history, &results);
    assert!(
        failed.is_empty(),
        "{} pairs do not round-trip: {failed:?}",
        failed.len()
    );
}

#[test]
fn crates_io_representative_pairs() {
    // 309 pairs took 16 minutes on 2 shared cores; about 130 here.
    let hard = [(50, 100), (75, 125), (200, 250), (225, 275), (247, 248)];
    crates_io(|len| ci_pairs(len, 3, 40, 25, &[10, 50], &hard));
}

#[test]
fn docs_rs_representative_pairs() {
    docs_rs(|len| ci_pairs(len, 1, 0, 4, &[5, 15], &[]));
}

#[test]
#[ignore = "every pair 1, 2, 5, 10, 25, 50 and 100 apart: about 1,900 pairs; run by hand"]
fn crates_io_all_pairs() {
    crates_io(|len| all_pairs(len, &[1, 2, 5, 10, 25, 50, 100]));
}

#[test]
#[ignore = "every pair of points: 561 pairs; run by hand"]
fn docs_rs_all_pairs() {
    docs_rs(|len| all_pairs(len, &(1..=len).collect::<Vec<_>>()));
}
