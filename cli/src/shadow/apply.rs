//! Applying migrations to the shadow database, file by file, as their tools would.

use std::path::Path;
use std::time::Instant;

use postgres::error::{ErrorPosition, SqlState};

use super::layout::{Layout, Migration, Record};
use super::split::{Statement, line_and_column, split};
use super::watch::{Events, Step};
use super::{Error, ErrorKind, Progress};

/// A migration split into statements, with the reason it must run outside a transaction.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    pub(crate) migration: &'a Migration,
    pub(crate) statements: Vec<Statement<'a>>,
    /// Why the file runs statement by statement in autocommit mode, if it does.
    pub(crate) autocommit: Option<String>,
}

fn marker(record: &Record) -> &'static str {
    match record {
        Record::Sqlx { .. } => "its first line is `-- no-transaction`",
        Record::Diesel { .. } => "its metadata.toml says `run_in_transaction = false`",
        Record::Refinery { .. } => "it is marked `-- refinery:noTransaction`",
        Record::None => "it asks not to run in a transaction",
    }
}

/// Splits every migration, refusing what cannot be applied (an unterminated string or comment,
/// `COPY ... FROM STDIN`).
pub(crate) fn plan(migrations: &[Migration]) -> Result<Vec<Plan<'_>>, Error> {
    let mut plans = Vec::with_capacity(migrations.len());
    for m in migrations {
        let s = split(&m.sql);
        if let Some((what, line)) = s.unclosed {
            return Err(Error::new(
                ErrorKind::Migration,
                format!(
                    "migration {} has an unterminated {what} starting at line {line}, so it \
                     cannot be split into statements; close it (or check the quotes before it)",
                    m.path.display()
                ),
            ));
        }
        if let Some(st) = s.statements.iter().find(|s| s.is_copy_from_stdin()) {
            return Err(Error::new(
                ErrorKind::Migration,
                format!(
                    "migration {}, statement {} (line {}): `COPY ... FROM STDIN` reads data that \
                     follows it in a psql script, which cannot be sent here; load the data with \
                     INSERT statements instead",
                    m.path.display(),
                    st.number(),
                    st.line()
                ),
            ));
        }
        let autocommit = if m.no_transaction {
            Some(marker(&m.record).to_owned())
        } else if let Some((st, what)) = s
            .statements
            .iter()
            .find_map(|st| st.needs_autocommit().map(|w| (st, w)))
        {
            Some(format!(
                "statement {} (line {}) is {what}, which cannot run inside a transaction",
                st.number(),
                st.line()
            ))
        } else {
            s.statements
                .iter()
                .find(|s| s.is_transaction_control())
                .map(|st| {
                    format!(
                        "it manages its own transactions (statement {}, line {}: {})",
                        st.number(),
                        st.line(),
                        st.summary(40)
                    )
                })
        };
        plans.push(Plan {
            migration: m,
            statements: s.statements,
            autocommit,
        });
    }
    Ok(plans)
}

/// Where the migrations run, for messages and hints.
pub(crate) struct Target<'a> {
    /// "the local PostgreSQL 16.4 from /usr/lib/postgresql/16/bin" or "the server of URL".
    pub(crate) description: String,
    /// The bin directory of a local cluster.
    pub(crate) local_bin: Option<&'a Path>,
    /// The server log of a local cluster, for errors that ended the connection.
    pub(crate) server_log: Option<&'a Path>,
    /// The shadow database.
    pub(crate) database: String,
}

/// The migration tool's own table, created before the first migration as the tool does.
fn history_table_sql(layout: Layout) -> Option<&'static str> {
    match layout {
        // sqlx-postgres `ensure_migrations_table`.
        Layout::Sqlx => Some(
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
)",
        ),
        // diesel_migrations `setup_migration_table.sql`.
        Layout::Diesel => Some(
            "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)",
        ),
        // refinery_core `ASSERT_MIGRATIONS_TABLE_QUERY`.
        Layout::Refinery => Some(
            "CREATE TABLE IF NOT EXISTS refinery_schema_history(
             version INT4 PRIMARY KEY,
             name VARCHAR(255),
             applied_on VARCHAR(255),
             checksum VARCHAR(255))",
        ),
        Layout::Plain => None,
    }
}

/// Records an applied migration as its tool does (values the snapshot does not show, such as
/// checksums and times, are filled in as well as cheaply possible).
fn record(
    client: &mut postgres::Client,
    m: &Migration,
    started: Instant,
) -> Result<(), postgres::Error> {
    match &m.record {
        Record::Sqlx {
            version,
            description,
        } => {
            let elapsed = i64::try_from(started.elapsed().as_nanos()).unwrap_or(i64::MAX);
            client.execute(
                "INSERT INTO _sqlx_migrations \
                 (version, description, success, checksum, execution_time) \
                 VALUES ($1, $2, TRUE, sha384(convert_to($3, 'UTF8')), $4)",
                &[version, description, &m.sql, &elapsed],
            )?;
        }
        Record::Diesel { version } => {
            client.execute(
                "INSERT INTO __diesel_schema_migrations (version) VALUES ($1)",
                &[version],
            )?;
        }
        Record::Refinery { version, name } => {
            client.execute(
                "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
                 VALUES ($1, $2, to_char(now() AT TIME ZONE 'UTC', \
                 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), NULL)",
                &[version, name],
            )?;
        }
        Record::None => {}
    }
    Ok(())
}

/// What failed while applying one migration.
struct Failure {
    /// The statement (index into the plan), or `None` for the steps around them.
    statement: Option<usize>,
    /// For `statement: None`: what was being done.
    step: &'static str,
    error: postgres::Error,
}

fn failed_at(k: usize) -> impl FnOnce(postgres::Error) -> Failure {
    move |error| Failure {
        statement: Some(k),
        step: "",
        error,
    }
}

fn failed_in(step: &'static str) -> impl FnOnce(postgres::Error) -> Failure {
    move |error| Failure {
        statement: None,
        step,
        error,
    }
}

fn in_transaction(client: &mut postgres::Client, plan: &Plan<'_>) -> Result<(), Failure> {
    let started = Instant::now();
    client
        .batch_execute("BEGIN")
        .map_err(failed_in("starting its transaction"))?;
    let result = (|| {
        for (k, st) in plan.statements.iter().enumerate() {
            client.batch_execute(st.text()).map_err(failed_at(k))?;
        }
        record(client, plan.migration, started).map_err(failed_in("recording it as applied"))
    })();
    match result {
        Ok(()) => client
            .batch_execute("COMMIT")
            .map_err(failed_in("committing its transaction")),
        Err(f) => {
            let _ = client.batch_execute("ROLLBACK");
            Err(f)
        }
    }
}

fn in_autocommit(client: &mut postgres::Client, plan: &Plan<'_>) -> Result<(), Failure> {
    let started = Instant::now();
    for (k, st) in plan.statements.iter().enumerate() {
        client.batch_execute(st.text()).map_err(failed_at(k))?;
    }
    record(client, plan.migration, started).map_err(failed_in("recording it as applied"))
}

/// Errors that mean "this file cannot run inside one transaction": an enum value added and used
/// in the same transaction, or a statement refused inside a transaction block that the
/// statement check did not know about.
fn needs_autocommit(e: &postgres::Error) -> bool {
    e.code().is_some_and(|c| {
        *c == SqlState::UNSAFE_NEW_ENUM_VALUE_USAGE || *c == SqlState::ACTIVE_SQL_TRANSACTION
    })
}

/// Applies every migration in order, each in its own transaction when it can run in one.
/// Each file is announced to `events` as a step of its own (bounded by the migration deadline)
/// and as progress.
pub(crate) fn apply(
    client: &mut postgres::Client,
    layout: Layout,
    plans: &[Plan<'_>],
    target: &Target<'_>,
    events: &Events,
) -> Result<(), Error> {
    if let Some(sql) = history_table_sql(layout) {
        events.step(Step::server(format!(
            "creating the {} table of {layout} in the shadow database {} on {}",
            layout.history_table().unwrap_or_default(),
            target.database,
            target.description
        )));
        client.batch_execute(sql).map_err(|e| {
            Error::new(
                ErrorKind::Migration,
                format!(
                    "cannot create the {} table of {layout} in the shadow database: {}",
                    layout.history_table().unwrap_or_default(),
                    driver_error_text(&e)
                ),
            )
        })?;
    }
    for (i, plan) in plans.iter().enumerate() {
        events.step(Step::migration(format!(
            "applying migration {} ({} of {}) to the shadow database {} on {}",
            plan.migration.path.display(),
            i + 1,
            plans.len(),
            target.database,
            target.description
        )));
        events.progress(Progress::Applying {
            index: i + 1,
            total: plans.len(),
            name: plan.migration.name.clone(),
        });
        let mut retried = None;
        if plan.autocommit.is_none() {
            match in_transaction(client, plan) {
                Ok(()) => continue,
                Err(f) if needs_autocommit(&f.error) => {
                    let code = f.error.code().map(|c| c.code().to_owned());
                    retried = Some(match code.as_deref() {
                        Some("55P04") => {
                            "an enum value it adds is used in the same file, which PostgreSQL \
                             refuses inside one transaction"
                        }
                        _ => "a statement refused to run inside a transaction",
                    });
                }
                Err(f) => return Err(migration_error(plan, f, None, target)),
            }
        }
        in_autocommit(client, plan).map_err(|f| migration_error(plan, f, retried, target))?;
    }
    Ok(())
}

/// The server's message with its SQLSTATE, detail and hint, or the driver's error.
pub(crate) fn driver_error_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{} (SQLSTATE {})", db.message(), db.code().code());
            if let Some(d) = db.detail() {
                s.push_str(&format!("\n  detail: {d}"));
            }
            if let Some(h) = db.hint() {
                s.push_str(&format!("\n  hint: {h}"));
            }
            if let Some(w) = db.where_() {
                s.push_str(&format!("\n  context: {}", w.replace('\n', "\n    ")));
            }
            s
        }
        None => e.to_string(),
    }
}

/// True when `f` is "role already exists": from a `CREATE ROLE` (or `USER`, `GROUP`) statement,
/// or from PostgreSQL's role creation inside a function or `DO` block.
fn creates_existing_role(plan: &Plan<'_>, f: &Failure) -> bool {
    if f.error.code() != Some(&SqlState::DUPLICATE_OBJECT) {
        return false;
    }
    let from_statement = f.statement.is_some_and(|k| {
        let st = &plan.statements[k];
        ["ROLE", "USER", "GROUP"]
            .iter()
            .any(|w| st.starts_with_words(&["CREATE", w]))
    });
    // The C function's name, which is not translated like the message is.
    let from_server = f
        .error
        .as_db_error()
        .and_then(|d| d.routine())
        .is_some_and(|r| r == "CreateRole");
    from_statement || from_server
}

fn migration_error(
    plan: &Plan<'_>,
    f: Failure,
    retried: Option<&str>,
    target: &Target<'_>,
) -> Error {
    let m = plan.migration;
    let mut msg = match f.statement {
        Some(k) => {
            let st = &plan.statements[k];
            format!(
                "migration {} failed at statement {} of {} (line {}): {}\n  statement: {}",
                m.path.display(),
                st.number(),
                plan.statements.len(),
                st.line(),
                driver_error_text(&f.error),
                st.summary(100)
            )
        }
        None => format!(
            "migration {} failed while {}: {}",
            m.path.display(),
            f.step,
            driver_error_text(&f.error)
        ),
    };
    if let (Some(k), Some(ErrorPosition::Original(pos))) = (
        f.statement,
        f.error.as_db_error().and_then(|d| d.position()),
    ) {
        let st = &plan.statements[k];
        let byte = st
            .text()
            .char_indices()
            .nth((*pos as usize).saturating_sub(1))
            .map_or(st.text().len(), |(b, _)| b);
        let (line, column) = line_and_column(&m.sql, st.offset() + byte);
        msg.push_str(&format!("\n  error position: line {line}, column {column}"));
    }
    if let Some(why) = retried {
        msg.push_str(&format!(
            "\n  (it was run statement by statement outside a transaction because {why})"
        ));
    } else if let Some(why) = &plan.autocommit {
        msg.push_str(&format!(
            "\n  (it ran statement by statement outside a transaction because {why})"
        ));
    }
    let is_extension = f
        .statement
        .is_some_and(|k| plan.statements[k].starts_with_words(&["CREATE", "EXTENSION"]));
    if target.local_bin.is_none() && creates_existing_role(plan, &f) {
        msg.push_str(&format!(
            "\nroles are cluster-wide: they belong to the whole server, not to the new, empty \
             database the migrations were applied to on {}, so this role was left by an earlier \
             run of these migrations (the shadow database is dropped, the roles it made are \
             not) or belongs to another database on that server; run without --database-url to \
             build the shadow database on a throwaway local cluster, which starts without any \
             of your roles",
            target.description
        ));
    } else {
        msg.push_str(&format!(
            "\nthe migrations were applied in order to a new, empty database on {}; fix this \
             migration so it applies on top of the ones before it",
            target.description
        ));
    }
    if is_extension {
        match target.local_bin {
            Some(bin) => msg.push_str(&format!(
                "; if the extension is missing from the PostgreSQL in {}, set {} to an \
                 installation that has it, or pass --database-url to use a server that has it",
                bin.display(),
                schemalock_cluster::PG_BIN_ENV
            )),
            None => msg.push_str("; if the extension is missing, install it on that server"),
        }
    }
    if f.error.as_db_error().is_none() {
        if let Some(log) = target.server_log {
            let log = schemalock_cluster::read_log(log);
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            msg.push_str(&format!("\nserver log (end):\n{}", tail.join("\n")));
        }
    }
    Error::new(ErrorKind::Migration, msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn migration(sql: &str, record: Record) -> Migration {
        Migration {
            path: PathBuf::from("migrations/1_x.sql"),
            name: "1_x.sql".into(),
            sql: sql.into(),
            no_transaction: false,
            record,
        }
    }

    #[test]
    fn plans_say_why_a_file_runs_outside_a_transaction() {
        let ms = [
            migration("CREATE TABLE t (a int);\nSELECT 1;", Record::None),
            migration(
                "CREATE TABLE t (a int);\n-- CONCURRENTLY\nCREATE INDEX CONCURRENTLY i ON t (a);",
                Record::None,
            ),
            migration("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;", Record::None),
            Migration {
                no_transaction: true,
                ..migration(
                    "-- no-transaction\nSELECT 1;",
                    Record::Sqlx {
                        version: 1,
                        description: "x".into(),
                    },
                )
            },
        ];
        let plans = plan(&ms).unwrap();
        assert_eq!(plans[0].autocommit, None);
        assert_eq!(
            plans[1].autocommit.as_deref(),
            Some(
                "statement 2 (line 3) is CREATE INDEX CONCURRENTLY, which cannot run inside a \
                 transaction"
            )
        );
        assert!(
            plans[2]
                .autocommit
                .as_deref()
                .unwrap()
                .starts_with("it manages its own transactions (statement 1, line 1: BEGIN)")
        );
        assert_eq!(
            plans[3].autocommit.as_deref(),
            Some("its first line is `-- no-transaction`")
        );
    }

    #[test]
    fn unsplittable_files_are_refused_up_front() {
        let err = plan(&[migration(
            "SELECT 1;\nSELECT $$ never closed;",
            Record::None,
        )])
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "migration migrations/1_x.sql has an unterminated dollar-quoted string starting at \
             line 2, so it cannot be split into statements; close it (or check the quotes \
             before it)"
        );
        let err = plan(&[migration(
            "CREATE TABLE t (a int);\nCOPY t (a) FROM stdin;\n1\n\\.\n",
            Record::None,
        )])
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("migration migrations/1_x.sql, statement 2 (line 2): `COPY"),
            "{err}"
        );
    }
}
