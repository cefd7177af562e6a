//! The statement engine against real PostgreSQL servers.
//!
//! For every statement of three corpora (`../shared/corpora/docs.rs` on PostgreSQL 15, the
//! writeros example's statements on 16 with pgvector, `statements/corpus.sql` on 15), the
//! server prepares it on a database migrated to the same schema the engine reads (the snapshot
//! is introspected from that very database) and the verdicts are compared; where the engine
//! types a result column or a parameter, the type is compared with the server's description.
//!
//! ```text
//! cargo test -p schemalock-tests --test statement_differential -- --nocapture
//! ```

mod statement_harness;

use schemalock_runtime::introspect;
use schemalock_runtime::snapshot::Snapshot;
use schemalock_runtime::statement::{Analysis, Checker, ColumnOrigin, Options};
use schemalock_tests::pg::{Cluster, workspace_root};

use statement_harness::corpus::{self, Corpus, Stmt};
use statement_harness::mutate::{self, MutationTally};
use statement_harness::nulls::{self, NullTally};
use statement_harness::server::{self, Described, Verdict};
use statement_harness::tally::{self, Tally};

/// What one corpus gave: the figures, the statements both sides accept with the columns each
/// names, and the snapshot.
struct Run {
    tally: Tally,
    accepted: Vec<(Stmt, Vec<ColumnOrigin>)>,
    described: Vec<(Stmt, Analysis, Described)>,
    snapshot: Snapshot,
}

/// Every statement of a corpus: the engine's analysis and the server's verdict.
fn verdicts(pg: &Cluster, c: &Corpus) -> Run {
    let mut client = pg.connect(&c.db);
    let snapshot = introspect::postgres::snapshot(&mut client, None).expect("introspect");
    server::bounded(&mut client);
    let checker = Checker::new(&snapshot, &Options::default());
    let mut t = Tally::default();
    let mut accepted = Vec::new();
    let mut described = Vec::new();
    for stmt in &c.statements {
        let a = checker.analyze(&stmt.sql);
        let v = server::judge(&mut client, &stmt.sql, a.kind, tally::stage_needed(&a));
        tally::compare(&mut t, stmt, &a, &v);
        if let (Verdict::Accepted(d), true) = (&v, a.findings.is_empty()) {
            accepted.push((stmt.clone(), a.references.clone()));
            if let Some(d) = d {
                described.push((stmt.clone(), a, d.clone()));
            }
        }
    }
    Run {
        tally: t,
        accepted,
        described,
        snapshot,
    }
}

/// The unit tests' snapshot (`runtime/src/statement/tests/constructs.json`) is the constructs
/// database's.
const FIXTURE: &str = "runtime/src/statement/tests/constructs.json";
const REGENERATE: &str =
    "cargo test -p schemalock-tests --test statement_differential -- --ignored";

fn check_fixture(live: &Snapshot) {
    let path = workspace_root().join(FIXTURE);
    let committed = Snapshot::load(&path).expect("read the constructs snapshot");
    let mut live = live.clone();
    live.server_version = committed.server_version.clone();
    assert!(
        live == committed,
        "{FIXTURE} is not the snapshot of statements/schema.sql; regenerate it with `{REGENERATE}`"
    );
}

#[test]
#[ignore = "writes runtime/src/statement/tests/constructs.json; run to regenerate it"]
fn regenerate_constructs_snapshot() {
    let Some(pg) = Cluster::start(15) else { return };
    let c = corpus::constructs(&pg);
    let snapshot =
        introspect::postgres::snapshot(&mut pg.connect(&c.db), None).expect("introspect");
    snapshot
        .save(&workspace_root().join(FIXTURE))
        .expect("write");
}

#[test]
fn engine_agrees_with_postgresql() {
    let Some(corpora) = corpus::shared_corpora() else {
        return;
    };
    let Some(pg15) = Cluster::start(15) else {
        return;
    };
    let Some(pg16) = Cluster::start(16) else {
        return;
    };
    assert!(
        pg15.has_extension("fuzzystrmatch"),
        "docs.rs needs fuzzystrmatch"
    );
    assert!(pg16.has_extension("vector"), "writeros needs pgvector");

    let sets = [
        (&pg15, corpus::docs_rs(&pg15, &corpora)),
        (&pg16, corpus::writeros(&pg16)),
        (&pg15, corpus::constructs(&pg15)),
    ];
    let mut total = Tally::default();
    let mut issue_corpus = Tally::default();
    let mut mutations: Vec<(&str, &str, MutationTally)> = Vec::new();
    let mut nulls_total: Vec<NullTally> = Vec::new();
    for (pg, c) in &sets {
        let run = verdicts(pg, c);
        if c.name == "constructs" {
            check_fixture(&run.snapshot);
        }
        let t = run.tally;
        println!("{} (PostgreSQL {}):\n{t}", c.name, c.version);
        let data = format!("{}_data", c.db);
        pg.psql(
            "postgres",
            &format!("CREATE DATABASE {data} TEMPLATE {}", c.db),
        );
        let n = nulls::check(&mut pg.connect(&data), &run.snapshot, &run.described);
        println!(
            "  NOT NULL ground truth: {} rows in the tables ({} tables left empty: {}); {} columns \
             called NOT NULL, {} of them seen in rows of {} runs ({} runs refused); NULLs found in \
             them: {}",
            n.rows,
            n.empty_tables.len(),
            n.empty_tables.join(", "),
            n.not_null,
            n.exercised,
            n.runs,
            n.failed_runs,
            n.violations.len()
        );
        for v in &n.violations {
            println!("    {v}");
        }
        nulls_total.push(n);
        for (kind, m) in mutate::mutations(pg, c, &run.accepted, &run.snapshot) {
            mutations.push((c.name, kind, m));
        }
        if c.name != "constructs" {
            issue_corpus.add(Tally {
                statements: t.statements,
                columns: t.columns,
                typed: t.typed,
                ..Tally::default()
            });
        }
        total.add(t);
    }
    println!("all corpora:\n{total}");
    let mut mutation_failures = 0;
    for (corpus, kind, m) in &mutations {
        let v = &m.verdicts;
        println!(
            "mutation {kind} on {corpus}: {} applied ({} not applicable); statements checked {}: \
             both reject {}, both accept {}, engine rejects what the server accepts {}, engine \
             accepts what the server rejects {}, type disagreements {}, every row fails but the \
             server's run wrote none {}{}",
            m.applied,
            m.not_applicable.len(),
            v.statements,
            v.both_reject,
            v.both_accept,
            v.false_rejections.len(),
            v.missed.len(),
            v.type_disagreements.len() + v.param_disagreements.len(),
            v.undecided.len(),
            match *kind {
                "rename" => format!(
                    "; rejections naming the new column {} of {} (and {} where the name became \
                     ambiguous)",
                    m.suggested,
                    m.suggested + m.unsuggested.len(),
                    m.ambiguous
                ),
                "retype" => format!(
                    "; rejected by the server through a function call the engine does not judge {}",
                    m.function_calls.len()
                ),
                _ => String::new(),
            }
        );
        if *kind != "retype" {
            for s in &m.server_accepts {
                println!("    server still accepts: {s}");
            }
        }
        for s in &m.function_calls {
            println!("    function call: {s}");
        }
        for s in m
            .unsuggested
            .iter()
            .chain(&v.undecided)
            .chain(&v.false_rejections)
            .chain(&v.missed)
            .chain(&v.type_disagreements)
            .chain(&v.param_disagreements)
        {
            println!("    {s}");
        }
        mutation_failures += m.unsuggested.len()
            + v.false_rejections.len()
            + v.missed.len()
            + v.type_disagreements.len()
            + v.param_disagreements.len();
    }
    println!(
        "goals: engine rejects what the server accepts: {} (goal 0); type disagreements: {} \
         (goal 0); result columns typed on docs.rs + writeros: {:.1} % (goal >= 95 %)",
        total.false_rejections.len(),
        total.type_disagreements.len() + total.param_disagreements.len(),
        issue_corpus.typed_percent()
    );
    let claims: usize = nulls_total.iter().map(|n| n.not_null).sum();
    let seen: usize = nulls_total.iter().map(|n| n.exercised).sum();
    let violations: usize = nulls_total.iter().map(|n| n.violations.len()).sum();
    let (mut server_rejects, mut both_reject, mut named, mut ambiguous, mut renames) =
        (0, 0, 0, 0, 0);
    for (_, kind, m) in &mutations {
        let v = &m.verdicts;
        server_rejects += v.both_reject + v.missed.len() + m.function_calls.len();
        both_reject += v.both_reject;
        if *kind == "rename" {
            named += m.suggested;
            ambiguous += m.ambiguous;
            renames += m.suggested + m.unsuggested.len() + m.ambiguous;
        }
    }
    println!(
        "goals: columns called NOT NULL {claims} ({seen} seen in rows), holding NULL in a run: \
         {violations} (goal 0); after a mutation, statements the server rejects {server_rejects}, \
         the engine too {both_reject} (the rest: function calls the engine does not judge); \
         rename rejections naming the new column {named} of {renames} ({ambiguous} where the \
         name became ambiguous instead)"
    );
    assert!(
        total.corpus_errors.is_empty(),
        "the corpus marks statements the server accepts as rejected"
    );
    assert!(
        total.false_rejections.is_empty(),
        "the engine rejects statements the server accepts"
    );
    assert!(total.type_disagreements.is_empty(), "result types disagree");
    assert!(
        total.param_disagreements.is_empty(),
        "parameter types disagree"
    );
    assert!(
        total.name_disagreements.is_empty(),
        "result column names disagree"
    );
    assert!(
        issue_corpus.typed_percent() >= 95.0,
        "too few result columns typed"
    );
    assert_eq!(
        mutation_failures, 0,
        "after a mutation, the engine and the server disagree"
    );
    let violations: usize = nulls_total.iter().map(|n| n.violations.len()).sum();
    assert_eq!(violations, 0, "a column called NOT NULL held NULL");
}
