//! Schema mutations: each column a statement names is renamed, dropped and retyped in a copy of
//! the corpus database; the engine (reading a snapshot of the copy) and the server must then agree
//! on every statement that names the column, and a rename must be suggested by name.

use std::collections::BTreeMap;

use postgres::Transaction;
use schemalock_runtime::introspect;
use schemalock_runtime::snapshot::{RelationKind, Snapshot};
use schemalock_runtime::statement::{Checker, ColumnOrigin, FindingKind, Options};
use schemalock_tests::pg::{Cluster, quote_ident};

use super::corpus::{Corpus, Stmt};
use super::server::{self, Verdict};
use super::tally::{self, Tally};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    Rename,
    Drop,
    Retype,
}

impl Mutation {
    pub const ALL: [Mutation; 3] = [Mutation::Rename, Mutation::Drop, Mutation::Retype];

    pub fn name(self) -> &'static str {
        match self {
            Mutation::Rename => "rename",
            Mutation::Drop => "drop",
            Mutation::Retype => "retype",
        }
    }
}

/// What one kind of mutation gave over a corpus.
#[derive(Debug, Default)]
pub struct MutationTally {
    pub applied: usize,
    /// Mutations the server refused (a column a view or a generated column depends on, ...).
    pub not_applicable: Vec<String>,
    pub verdicts: Tally,
    /// Statements the server still accepts after the mutation (a name that now resolves
    /// elsewhere): listed, since "every statement rejected" does not hold for them.
    pub server_accepts: Vec<String>,
    /// Renames the engine rejected without naming the new column.
    pub unsuggested: Vec<String>,
    pub suggested: usize,
    /// Renames after which the name is ambiguous (another table in scope has it): both sides say
    /// so, and there is nothing to suggest.
    pub ambiguous: usize,
    /// Statements the server rejects because a function no longer takes the column's new type:
    /// the engine does not judge function calls (the snapshot does not list functions, so a
    /// user-defined overload may exist). Taken out of `verdicts.missed`.
    pub function_calls: Vec<String>,
}

fn quoted(c: &ColumnOrigin) -> String {
    format!("{}.{}", quote_ident(&c.schema), quote_ident(&c.table))
}

/// The DDL of a mutation, or `None` when it does not apply to such a column.
fn ddl(m: Mutation, c: &ColumnOrigin, snapshot: &Snapshot) -> Option<String> {
    let table = snapshot.table(&c.schema, &c.table)?;
    let col = table.column(&c.column)?;
    let keyword = match table.kind {
        RelationKind::Table | RelationKind::PartitionedTable => "TABLE",
        RelationKind::View => "VIEW",
        RelationKind::MaterializedView => "MATERIALIZED VIEW",
    };
    let (rel, column) = (quoted(c), quote_ident(&c.column));
    match m {
        Mutation::Rename => Some(format!(
            "ALTER {keyword} {rel} RENAME COLUMN {column} TO {}",
            quote_ident(&renamed(&c.column))
        )),
        Mutation::Drop if keyword == "TABLE" => {
            Some(format!("ALTER TABLE {rel} DROP COLUMN {column} CASCADE"))
        }
        Mutation::Retype if keyword == "TABLE" && col.generated.is_none() => {
            let stringy = matches!(
                col.type_name.as_str(),
                "text" | "varchar" | "bpchar" | "name" | "citext"
            ) && !col.array;
            let to = if stringy { "integer" } else { "text" };
            let alter = format!("ALTER TABLE {rel} ALTER COLUMN {column}");
            let first = if col.identity.is_some() {
                "DROP IDENTITY"
            } else {
                "DROP DEFAULT"
            };
            Some(format!(
                "{alter} {first}; {alter} TYPE {to} USING NULL::{to}"
            ))
        }
        _ => None,
    }
}

/// The new name of a renamed column, as a migration that qualifies a name would give it.
pub fn renamed(column: &str) -> String {
    format!("renamed_{column}")
}

/// The snapshot as a transaction sees it (its own uncommitted DDL included): the library's
/// introspection queries run inside a savepoint, since `introspect::postgres::snapshot` opens a
/// transaction of its own.
fn snapshot_in(tx: &mut Transaction<'_>) -> Snapshot {
    let mut sp = tx.transaction().expect("savepoint");
    for s in introspect::SESSION_SETTINGS {
        sp.batch_execute(s).expect("session setting");
    }
    let schemas: Option<Vec<String>> = None;
    let catalog = introspect::QUERIES
        .iter()
        .map(|q| {
            sp.query_one(q.sql, &[&schemas])
                .expect("catalog query")
                .get(0)
        })
        .collect();
    drop(sp);
    introspect::assemble(&introspect::Results {
        catalog,
        migration_head: None,
    })
    .expect("assemble snapshot")
}

/// Runs every mutation of every column the accepted statements name, each in a transaction that
/// is rolled back: the DDL, the snapshot it gives, and the engine and the server on every
/// statement naming the column.
pub fn mutations(
    pg: &Cluster,
    c: &Corpus,
    accepted: &[(Stmt, Vec<ColumnOrigin>)],
    base: &Snapshot,
) -> BTreeMap<&'static str, MutationTally> {
    let mut by_column: BTreeMap<ColumnOrigin, Vec<&Stmt>> = BTreeMap::new();
    for (stmt, refs) in accepted {
        for r in refs {
            by_column.entry(r.clone()).or_default().push(stmt);
        }
    }
    let mut client = pg.connect(&c.db);
    server::bounded(&mut client);
    let mut out: BTreeMap<&'static str, MutationTally> = BTreeMap::new();
    for (col, stmts) in &by_column {
        for m in Mutation::ALL {
            let tally = out.entry(m.name()).or_default();
            let what = format!("{} {}.{}", m.name(), col.table, col.column);
            let Some(sql) = ddl(m, col, base) else {
                tally
                    .not_applicable
                    .push(format!("{what}: not applicable to this relation"));
                continue;
            };
            let mut tx = client.transaction().expect("begin");
            if let Err(e) = tx.batch_execute(&sql) {
                tally.not_applicable.push(format!("{what}: {e}"));
                continue;
            }
            tally.applied += 1;
            let snapshot = snapshot_in(&mut tx);
            check(&mut tx, &snapshot, m, col, stmts, &what, tally);
        }
    }
    out
}

/// The engine and the server on every statement naming the mutated column.
fn check(
    client: &mut Transaction<'_>,
    snapshot: &Snapshot,
    m: Mutation,
    col: &ColumnOrigin,
    stmts: &[&Stmt],
    what: &str,
    tally: &mut MutationTally,
) {
    let checker = Checker::new(snapshot, &Options::default());
    for stmt in stmts {
        let a = checker.analyze(&stmt.sql);
        let v = server::judge(client, &stmt.sql, a.kind, tally::stage_needed(&a));
        let label = Stmt {
            label: format!("{what} / {}", stmt.label),
            ..(*stmt).clone()
        };
        tally::compare(&mut tally.verdicts, &label, &a, &v);
        if v.accepted() && a.findings.is_empty() {
            tally.server_accepts.push(label.label.clone());
        }
        if let (false, Verdict::Rejected { message, .. }) = (v.accepted(), &v) {
            if a.findings.is_empty()
                && message.starts_with("function ")
                && message.contains("does not exist")
            {
                let missed = tally.verdicts.missed.pop().unwrap_or_default();
                tally.function_calls.push(missed);
            }
        }
        if m == Mutation::Rename && !a.findings.is_empty() {
            let new = renamed(&col.column);
            if a.findings
                .iter()
                .any(|f| f.kind == FindingKind::AmbiguousColumn)
            {
                tally.ambiguous += 1;
            } else if a
                .findings
                .iter()
                .any(|f| f.message.contains(&format!("`{new}`")))
            {
                tally.suggested += 1;
            } else {
                let f: Vec<&str> = a.findings.iter().map(|f| f.message.as_str()).collect();
                tally
                    .unsuggested
                    .push(format!("{}: {}", label.label, f.join(" | ")));
            }
        }
    }
}
