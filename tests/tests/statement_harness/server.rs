//! What the server says about a statement: whether it prepares (and plans, and runs where the
//! engine claims it cannot), and how it describes its columns and parameters.

use postgres::GenericClient;
use postgres::types::{Kind, Type};
use schemalock_runtime::statement::{Stage, StatementKind};

/// A type as `(schema, typname, array)`: the element type for arrays.
pub type Ty3 = (String, String, bool);

pub fn ty3(t: &Type) -> Ty3 {
    if t.name() == "_record" {
        return ("pg_catalog".to_owned(), "record".to_owned(), true);
    }
    match t.kind() {
        Kind::Array(elem) => (elem.schema().to_owned(), elem.name().to_owned(), true),
        _ => (t.schema().to_owned(), t.name().to_owned(), false),
    }
}

/// The server's description of a prepared statement.
#[derive(Debug, Clone)]
pub struct Described {
    pub columns: Vec<(String, Ty3)>,
    pub params: Vec<Ty3>,
}

#[derive(Debug, Clone)]
pub enum Verdict {
    /// Prepared and planned (and run, when asked); `None` for a utility statement, which is run
    /// in a rolled-back transaction instead.
    Accepted(Option<Described>),
    Rejected {
        stage: Stage,
        message: String,
    },
    /// Prepared, planned and run, but the run wrote no row (an `INSERT ... SELECT` over empty
    /// tables): whether a written row would fail is not shown, so a claim that every row fails
    /// can be neither confirmed nor refuted.
    Unwritten,
}

impl Verdict {
    /// The server raised no error (including [`Verdict::Unwritten`]).
    pub fn accepted(&self) -> bool {
        matches!(self, Verdict::Accepted(_) | Verdict::Unwritten)
    }
}

/// Bounds every statement the harness sends.
pub fn bounded(client: &mut postgres::Client) {
    client
        .batch_execute("SET statement_timeout = '20s'; SET lock_timeout = '5s'")
        .expect("set timeouts");
}

fn error_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

/// Prepares, plans (`EXPLAIN EXECUTE` with NULL parameters) and, when `stage` is
/// [`Stage::Execute`], runs the statement with sample parameters. Everything happens in a
/// transaction (a savepoint, inside one) that is rolled back, so `client` may be a transaction
/// holding a schema mutation. A NOT NULL violation (23502) is a rejection at execution.
pub fn judge<C: GenericClient>(
    client: &mut C,
    sql: &str,
    kind: StatementKind,
    stage: Stage,
) -> Verdict {
    let mut tx = client.transaction().expect("savepoint");
    if kind == StatementKind::Utility {
        return match tx.batch_execute(sql) {
            Ok(()) => Verdict::Accepted(None),
            Err(e) => Verdict::Rejected {
                stage: Stage::Prepare,
                message: error_text(&e),
            },
        };
    }
    let prepared = match tx.prepare(sql) {
        Ok(p) => p,
        Err(e) => {
            return Verdict::Rejected {
                stage: Stage::Prepare,
                message: error_text(&e),
            };
        }
    };
    let described = Described {
        columns: prepared
            .columns()
            .iter()
            .map(|c| (c.name().to_owned(), ty3(c.type_())))
            .collect(),
        params: prepared.params().iter().map(ty3).collect(),
    };
    let verdict = plan_and_run(&mut tx, sql, &described, stage);
    // A prepared statement outlives the transaction it was prepared in.
    let mut sp = tx.transaction().expect("savepoint");
    let _ = sp.batch_execute("DEALLOCATE harness_stmt");
    drop(sp);
    verdict.unwrap_or(Verdict::Accepted(Some(described)))
}

/// `EXPLAIN EXECUTE` (and `EXECUTE` at [`Stage::Execute`]); `None` when the server takes both.
fn plan_and_run<C: GenericClient>(
    client: &mut C,
    sql: &str,
    described: &Described,
    stage: Stage,
) -> Option<Verdict> {
    let nulls = vec!["NULL"; described.params.len()].join(", ");
    let args = if nulls.is_empty() {
        String::new()
    } else {
        format!("({nulls})")
    };
    let mut tx = client.transaction().expect("savepoint");
    let plan = format!("PREPARE harness_stmt AS {sql}; EXPLAIN EXECUTE harness_stmt{args}");
    if let Err(e) = tx.batch_execute(&plan) {
        return Some(Verdict::Rejected {
            stage: Stage::Plan,
            message: error_text(&e),
        });
    }
    if stage == Stage::Execute {
        let samples: Vec<String> = described
            .params
            .iter()
            .map(|t| sample(&mut tx, t))
            .collect();
        let args = if samples.is_empty() {
            String::new()
        } else {
            format!("({})", samples.join(", "))
        };
        match tx.simple_query(&format!("EXECUTE harness_stmt{args}")) {
            Err(e) if e.as_db_error().is_some_and(|d| d.code().code() == "23502") => {
                return Some(Verdict::Rejected {
                    stage: Stage::Execute,
                    message: error_text(&e),
                });
            }
            Ok(messages) => {
                let written: u64 = messages
                    .iter()
                    .map(|m| match m {
                        postgres::SimpleQueryMessage::CommandComplete(n) => *n,
                        _ => 0,
                    })
                    .sum();
                if written == 0 {
                    return Some(Verdict::Unwritten);
                }
            }
            Err(_) => {}
        }
    }
    None
}

/// A non-NULL value of a parameter type, as an SQL expression; NULL for types without one.
fn sample<C: GenericClient>(tx: &mut C, t: &Ty3) -> String {
    let (schema, name, array) = t;
    if *array {
        return "'{}'".to_owned();
    }
    let literal = match name.as_str() {
        "int2" | "int4" | "int8" | "numeric" | "float4" | "float8" | "oid" => "1",
        "text" | "varchar" | "bpchar" | "name" | "citext" => "'x'",
        "bool" => "true",
        "uuid" => "gen_random_uuid()",
        "date" => "current_date",
        "timestamp" | "timestamptz" => "now()",
        "interval" => "'1 day'",
        "json" | "jsonb" => "'{}'",
        _ if schema != "pg_catalog" => {
            let is_enum = tx
                .query_opt(
                    "SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
                     WHERE n.nspname = $1 AND t.typname = $2 AND t.typtype = 'e'",
                    &[schema, name],
                )
                .ok()
                .flatten()
                .is_some();
            let ty = format!(
                "\"{}\".\"{}\"",
                schema.replace('"', "\"\""),
                name.replace('"', "\"\"")
            );
            return if is_enum {
                format!("enum_first(NULL::{ty})")
            } else {
                format!("NULL::{ty}")
            };
        }
        _ => "NULL",
    };
    literal.to_owned()
}
