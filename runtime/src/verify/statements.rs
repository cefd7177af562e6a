//! The statements `sql!` and `sql_as!` checked at build time, prepared against the live
//! database: PostgreSQL's own parse analysis, so drift the build could not see (the snapshot was
//! stale, or the engine could not type an expression) is reported with the statement's file and
//! line. Each statement is prepared with SQL's `PREPARE` inside the verification's read-only
//! transaction and deallocated at once; nothing is ever executed. A statement that fails rolls
//! back to a savepoint, so one failure does not hide the next.

use crate::check::Kind;
use crate::introspect::Options;
use crate::introspect::driver::DriverError;
use crate::introspect::read::{Connection, Failure, Transaction, setup};
use crate::meta::StatementMeta;

use super::report::{Finding, Severity};

/// Where a statement is written, as `file:line:column`.
fn location(s: &StatementMeta) -> String {
    format!("{}:{}:{}", s.file, s.line, s.column)
}

/// The statement on one line, cut after about 60 characters: how the report names it.
fn excerpt(sql: &str) -> String {
    const MAX: usize = 60;
    let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &one_line[..cut]),
        None => one_line,
    }
}

/// The finding for a statement the server refused to prepare.
fn refused(s: &StatementMeta, message: &str) -> Finding {
    Finding {
        model: location(s),
        object: excerpt(s.sql),
        field: None,
        column: None,
        kind: Kind::StatementFails,
        severity: Severity::Drift,
        expected: None,
        found: None,
        message: format!(
            "the database refuses this statement: {message} (it was checked against the \
             snapshot at build time: the database has drifted from the snapshot)"
        ),
    }
}

/// Why a prepared statement's failure is not drift: PostgreSQL could not tell a parameter's type
/// from the text alone (`SELECT $1`); the driver sends it with the statement.
const INDETERMINATE_PARAMETER: &str = "42P18";

/// Prepares each statement in one read-only transaction; the findings of those the server
/// refuses.
pub(super) async fn prepare_all<C: Connection>(
    conn: &mut C,
    statements: &[&'static StatementMeta],
    options: &Options,
) -> Result<Vec<Finding>, Failure<C::Error>> {
    let mut out = Vec::new();
    if statements.iter().all(|s| !s.preparable) {
        return Ok(out);
    }
    let mut tx = conn.begin(&setup(options)).await.map_err(Failure::Driver)?;
    for (i, s) in statements.iter().enumerate().filter(|(_, s)| s.preparable) {
        let name = format!("schemalock_verify_{i}");
        tx.execute("SAVEPOINT schemalock_prepare")
            .await
            .map_err(Failure::Driver)?;
        match tx.execute(&format!("PREPARE {name} AS {}", s.sql)).await {
            Ok(()) => {
                tx.execute(&format!("DEALLOCATE {name}"))
                    .await
                    .map_err(Failure::Driver)?;
            }
            Err(e) => {
                tx.execute("ROLLBACK TO SAVEPOINT schemalock_prepare")
                    .await
                    .map_err(Failure::Driver)?;
                if e.sqlstate().as_deref() != Some(INDETERMINATE_PARAMETER) {
                    out.push(refused(s, &e.message()));
                }
            }
        }
        tx.execute("RELEASE SAVEPOINT schemalock_prepare")
            .await
            .map_err(Failure::Driver)?;
    }
    tx.rollback().await.map_err(Failure::Driver)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("SELECT id\n  FROM t"), "SELECT id FROM t");
        let long = format!("SELECT {} FROM t", "a, ".repeat(40));
        let e = excerpt(&long);
        assert!(e.ends_with("...") && e.chars().count() == 63, "{e}");
    }
}
