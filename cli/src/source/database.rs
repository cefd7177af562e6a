//! Reading a snapshot from a live database within the read deadline: both connections of the
//! parallel read, every query, with the waits the server enforces (`--lock-timeout`,
//! `--statement-timeout`); a timeout names the query that was running. Connecting is
//! [`crate::db::database_url::connect`]'s.

use postgres::error::SqlState;
use schemalock_runtime::introspect::{self, Missing, Options, Read, Steps};

use crate::db::connect::error_chain;
use crate::db::database_url::{DatabaseUrl, connect};
use crate::db::wait::{SERVER_STALLED, TimedOut, bounded, read_options, timed_out, timeouts};
use crate::error::Error;
use crate::ui::Ui;

/// Reads a snapshot of `schemas` (all user schemas when `None`) in one read-only transaction;
/// with [`Missing::Omit`], schemas the database lacks are left out (the read runs again without
/// them), so that a comparison reports them as missing.
fn read(
    client: &mut postgres::Client,
    db: &DatabaseUrl,
    schemas: Option<&[String]>,
    missing: Missing,
    options: &Options,
) -> Result<Read, Error> {
    match (read_once(client, db, schemas, options), missing) {
        (Err(introspect::Error::MissingSchemas(absent)), Missing::Omit) => {
            let present: Vec<String> = schemas
                .unwrap_or_default()
                .iter()
                .filter(|s| !absent.contains(s))
                .cloned()
                .collect();
            read_once(client, db, Some(&present), options)
        }
        (result, _) => result,
    }
    .map_err(|e| read_error(db, e))
}

/// One read: on a second connection too, which imports the first one's snapshot so the server
/// answers the catalog queries two at a time; on `client` alone when a second connection cannot
/// be had.
fn read_once(
    client: &mut postgres::Client,
    db: &DatabaseUrl,
    schemas: Option<&[String]>,
    options: &Options,
) -> Result<Read, introspect::Error> {
    match connect(db) {
        Ok(mut helper) => {
            introspect::postgres::read_parallel(client, &mut helper, schemas, options)
        }
        Err(_) => introspect::postgres::read(client, schemas, options),
    }
}

/// What a failed read means, and what to try.
fn read_error(db: &DatabaseUrl, e: introspect::Error) -> Error {
    match e {
        introspect::Error::MissingSchemas(names) => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            Error::new(format!(
                "schema{} {} not found in the database; check `--schema`",
                if names.len() == 1 { "" } else { "s" },
                quoted.join(", ")
            ))
        }
        introspect::Error::Postgres(pe) => {
            let what = match pe.as_db_error() {
                Some(d) => d.message().to_owned(),
                None => error_chain(&pe),
            };
            let hint = if pe.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
                "the role needs `CONNECT` on the database and `USAGE` on the schemas"
            } else {
                "check the connection and the server log"
            };
            Error::new(format!(
                "reading the schema of `{}` failed: {what}; {hint}",
                db.shown()
            ))
        }
        other => {
            let hint = match other {
                introspect::Error::Locked { .. } => {
                    "; retry when the migration is done, or raise `--lock-timeout`"
                }
                introspect::Error::Canceled { .. } => {
                    "; if the server is just slow, raise `--statement-timeout`"
                }
                introspect::Error::SchemaChanged { .. } => "; retry when the migrations are done",
                _ => "",
            };
            // The message names objects of the database: no control characters get through.
            Error::new(format!(
                "reading the schema of `{}` failed: {}{hint}",
                db.shown(),
                schemalock_runtime::text::escape(&other.to_string())
            ))
        }
    }
}

/// Connects and reads, with progress; the reading (every query, and the second connection)
/// within the read deadline, each lock wait and query within theirs. What the read could not see
/// (a migration head the role may not read) is in the [`Read`]'s notices, for the command to say.
pub(crate) fn snapshot_of(
    db: &DatabaseUrl,
    schemas: Option<&[String]>,
    missing: Missing,
    ui: &Ui,
) -> Result<Read, Error> {
    let shown = db.shown();
    ui.detail(&format!("database `{shown}` (from {})", db.source));
    let progress = ui.progress(&format!("connecting to {shown}"));
    let started = std::time::Instant::now();
    let mut client = connect(db)?;
    progress.set(&format!("reading the schema of {shown}"));
    let steps = Steps::default();
    let options = read_options(&steps);
    let (db_owned, schemas_owned) = (db.clone(), schemas.map(<[String]>::to_vec));
    let result = bounded(timeouts().read, move || {
        let schemas = schemas_owned.as_deref();
        read(&mut client, &db_owned, schemas, missing, &options)
    });
    drop(progress);
    let read = result.map_err(|TimedOut { after }| {
        Error::new(timed_out(
            &format!("reading the schema of `{shown}`"),
            after,
            &steps.running(),
            SERVER_STALLED,
            "--read-timeout",
        ))
    })??;
    ui.detail(&format!(
        "read {} from `{shown}` in {:.2}s",
        schemalock_runtime::diff::render::contents(&read.snapshot),
        started.elapsed().as_secs_f64()
    ));
    Ok(read)
}
