//! Ground truth for "NOT NULL": the corpus database is filled with rows built to produce NULLs
//! (every nullable column NULL in one row, rows without join partners in half of the tables,
//! foreign keys off), then every statement the engine types is run, with parameters that match
//! the rows and with NULL parameters, and each SELECT once more without its top-level WHERE
//! (more rows, same expressions). A NULL in a column the engine calls NOT NULL is a violation.
//! Everything runs in transactions that are rolled back.

use postgres::{Client, SimpleQueryMessage};
use schemalock_runtime::snapshot::{Column, RelationKind, Snapshot, TypeKind};
use schemalock_runtime::statement::{Analysis, Nullability, StatementKind};
use schemalock_tests::pg::quote_ident;
use sqlparser::ast::{SetExpr, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::corpus::Stmt;
use super::server::Described;

/// What running the statements showed.
#[derive(Debug, Default)]
pub struct NullTally {
    /// Rows inserted into the database, and tables that got none.
    pub rows: usize,
    pub empty_tables: Vec<String>,
    /// Result columns called NOT NULL, and how many of them some run returned rows for.
    pub not_null: usize,
    pub exercised: usize,
    /// NULLs found in columns called NOT NULL: the goal is none.
    pub violations: Vec<String>,
    /// Runs the server refused (a constraint, a cast of sample data): they prove nothing.
    pub failed_runs: usize,
    pub runs: usize,
}

/// The value of row `k` for a column, as an SQL expression; `None` when the harness has none.
fn value(snapshot: &Snapshot, c: &Column, k: usize) -> Option<String> {
    let elem = scalar(snapshot, &c.type_schema, &c.type_name, &c.type_display, k)?;
    Some(if c.array {
        format!("ARRAY[{elem}]::{}", c.type_display)
    } else {
        elem
    })
}

fn scalar(
    snapshot: &Snapshot,
    schema: &str,
    name: &str,
    display: &str,
    k: usize,
) -> Option<String> {
    if let TypeKind::Enum(e) = snapshot.type_kind(schema, name) {
        let label = &e.labels[(k - 1) % e.labels.len()];
        return Some(format!(
            "'{}'::{}.{}",
            label.replace('\'', "''"),
            quote_ident(schema),
            quote_ident(name)
        ));
    }
    if let TypeKind::Domain(d) = snapshot.type_kind(schema, name) {
        return scalar(snapshot, &d.type_schema, &d.type_name, &d.type_display, k);
    }
    Some(match name {
        "int2" | "int4" | "int8" => k.to_string(),
        // Between 0 and 1, which range checks (scores, confidences) tend to allow.
        "numeric" | "float4" | "float8" => format!("0.{k}"),
        "text" | "varchar" | "bpchar" | "name" | "citext" => format!("'v{k}'"),
        "bool" => (k % 2 == 0).to_string(),
        "uuid" => format!("'00000000-0000-0000-0000-{k:012}'"),
        "date" => format!("DATE '2024-06-0{k}'"),
        "timestamp" | "timestamptz" => format!("TIMESTAMPTZ '2024-06-0{k} 12:00:00+00'"),
        "interval" => format!("INTERVAL '{k} days'"),
        "json" | "jsonb" => format!("'{{\"k\": {k}}}'"),
        "bytea" => format!("'\\x0{k}'::bytea"),
        "inet" | "cidr" => format!("'10.0.0.{k}'"),
        "tsvector" => format!("to_tsvector('v{k}')"),
        "vector" => {
            let dims: usize = display
                .split(['(', ')'])
                .nth(1)
                .and_then(|d| d.parse().ok())
                .unwrap_or(3);
            format!("array_fill(0.{k}::real, ARRAY[{dims}])::vector")
        }
        _ => return None,
    })
}

/// Fills every table: row 1 with NULL in every nullable column (values instead when a check
/// refuses that), rows 2 and 3 with values, row 3 only in every other table (so joins find no
/// partner).
fn fill(client: &mut Client, snapshot: &Snapshot, t: &mut NullTally) {
    // Foreign keys off (for the runs too: a statement's rows need not have partners).
    client
        .batch_execute("SET session_replication_role = replica")
        .expect("disable foreign keys");
    let mut index = 0;
    for (schema, s) in &snapshot.schemas {
        for (name, table) in &s.tables {
            if !matches!(
                table.kind,
                RelationKind::Table | RelationKind::PartitionedTable
            ) {
                continue;
            }
            index += 1;
            let mut inserted = 0;
            for k in 1..=3 {
                if k == 3 && index % 2 == 1 {
                    continue;
                }
                let cols: Vec<&Column> = table
                    .columns
                    .iter()
                    .filter(|c| c.generated.is_none())
                    .collect();
                let values: Option<Vec<String>> = cols
                    .iter()
                    .map(|c| match (k, c.nullable) {
                        (1, true) => Some("NULL".to_owned()),
                        _ => value(snapshot, c, k),
                    })
                    .collect();
                let Some(values) = values else { continue };
                let names: Vec<String> = cols.iter().map(|c| quote_ident(&c.name)).collect();
                let sql = format!(
                    "INSERT INTO {}.{} ({}) OVERRIDING SYSTEM VALUE VALUES ({})",
                    quote_ident(schema),
                    quote_ident(name),
                    names.join(", "),
                    values.join(", ")
                );
                let mut tx = client.transaction().expect("begin");
                if tx.batch_execute(&sql).is_ok() {
                    tx.commit().expect("commit");
                    inserted += 1;
                }
            }
            t.rows += inserted;
            if inserted == 0 {
                t.empty_tables.push(format!("{schema}.{name}"));
            }
        }
    }
}

/// The statement without the WHERE of its top-level SELECTs, when it has one.
fn without_where(sql: &str) -> Option<String> {
    let mut statements = Parser::parse_sql(&PostgreSqlDialect {}, sql).ok()?;
    let Some(Statement::Query(q)) = statements.first_mut() else {
        return None;
    };
    fn strip(e: &mut SetExpr) -> bool {
        match e {
            SetExpr::Select(s) => s.selection.take().is_some(),
            SetExpr::SetOperation { left, right, .. } => strip(left) | strip(right),
            _ => false,
        }
    }
    strip(&mut q.body).then(|| statements[0].to_string())
}

/// Parameters that match row 2, as SQL expressions (NULL for types without a value).
fn matching(snapshot: &Snapshot, d: &Described) -> Vec<String> {
    d.params
        .iter()
        .map(|(schema, name, array)| {
            let Some(v) = scalar(snapshot, schema, name, name, 2) else {
                return "NULL".to_owned();
            };
            if *array {
                format!(
                    "ARRAY[{v}]::{}.{}[]",
                    quote_ident(schema),
                    quote_ident(name)
                )
            } else {
                v
            }
        })
        .collect()
}

/// Runs the statement (prepared as `nulls_stmt`) with `args`; the rows as text, `None` for NULL.
fn run(client: &mut Client, sql: &str, args: &[String]) -> Option<Vec<Vec<Option<String>>>> {
    let mut tx = client.transaction().expect("begin");
    let args = if args.is_empty() {
        String::new()
    } else {
        format!("({})", args.join(", "))
    };
    tx.batch_execute(&format!("PREPARE nulls_stmt AS {sql}"))
        .ok()?;
    let result = tx.simple_query(&format!("EXECUTE nulls_stmt{args}"));
    drop(tx);
    let _ = client.batch_execute("DEALLOCATE nulls_stmt");
    let rows = result
        .ok()?
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect())
            }
            _ => None,
        })
        .collect();
    Some(rows)
}

/// Fills the database `client` is connected to (a copy of the corpus database) and checks every
/// column the engine calls NOT NULL.
pub fn check(
    client: &mut Client,
    snapshot: &Snapshot,
    statements: &[(Stmt, Analysis, Described)],
) -> NullTally {
    let mut t = NullTally::default();
    fill(client, snapshot, &mut t);
    for (stmt, a, d) in statements {
        if a.kind == StatementKind::Utility || a.columns.len() != d.columns.len() {
            continue;
        }
        let not_null: Vec<usize> = (0..a.columns.len())
            .filter(|&i| a.columns[i].nullability == Nullability::NotNull)
            .collect();
        if not_null.is_empty() {
            continue;
        }
        t.not_null += not_null.len();
        let nulls = vec!["NULL".to_owned(); d.params.len()];
        let mut variants = vec![
            (stmt.sql.clone(), matching(snapshot, d)),
            (stmt.sql.clone(), nulls),
        ];
        if let Some(w) = without_where(&stmt.sql) {
            variants.push((w, matching(snapshot, d)));
        }
        let mut seen = vec![false; a.columns.len()];
        for (sql, args) in variants {
            t.runs += 1;
            let Some(rows) = run(client, &sql, &args) else {
                t.failed_runs += 1;
                continue;
            };
            for row in rows {
                for &i in &not_null {
                    seen[i] = true;
                    if row.get(i).is_some_and(Option::is_none) {
                        t.violations.push(format!(
                            "[{}] column `{}` is NULL in a row of: {sql}",
                            stmt.label, a.columns[i].name
                        ));
                    }
                }
            }
        }
        t.exercised += not_null.iter().filter(|&&i| seen[i]).count();
    }
    t.violations.sort();
    t.violations.dedup();
    t
}
