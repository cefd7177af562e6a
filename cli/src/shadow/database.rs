//! The shadow database on a server: its name, the lock that says its run is alive, dropping it,
//! and dropping the ones whose run died.
//!
//! A client's pid means nothing to a remote server, so liveness is the server's own: the run
//! takes a session-level advisory lock on a random 63-bit key *before* it creates
//! `schemalock_shadow_<key as 16 hex digits>`, and holds it on its admin session until the
//! database is dropped. When the run dies in any way (SIGKILL included), its session ends and
//! the server releases the lock. A later run lists the databases with that exact name form that
//! its role may drop, reads `pg_locks` (which shows every database's locks) and drops those whose
//! key nobody holds. Because the lock comes before the database, a database without a holder is
//! always abandoned: no grace period is needed, and a run can never drop one that is in use.
//! Names of another form (including this tool's older `schemalock_shadow_<pid>_<random>`) are
//! never touched.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use postgres::error::SqlState;

use super::apply::driver_error_text;
use super::{Error, ErrorKind, lock, quote_ident};
use crate::db::wait::{TimedOut, bounded, seconds, timeouts};
use schemalock_cluster::cleanup::{self, Cleanup};

/// The prefix of every shadow database's name.
pub(crate) const PREFIX: &str = "schemalock_shadow_";

/// How long one statement on the admin session (create, drop, sweep) may take.
pub(super) const ADMIN_STATEMENT_TIMEOUT: &str = "300s";

/// A new random key: 63 bits, so that it is a positive `bigint`.
pub(super) fn new_key() -> Result<i64, Error> {
    let hex = schemalock_cluster::random_hex(8).map_err(|e| {
        Error::new(
            ErrorKind::Database,
            format!("cannot make a random name for the shadow database: {e}"),
        )
    })?;
    let raw = u64::from_str_radix(&hex, 16).expect("16 hex digits");
    Ok((raw >> 1) as i64)
}

/// `schemalock_shadow_<key as 16 hex digits>`.
pub(super) fn name_of(key: i64) -> String {
    format!("{PREFIX}{key:016x}")
}

/// The key in a shadow database's name, if it has exactly the form [`name_of`] gives.
pub(super) fn key_of(name: &str) -> Option<i64> {
    let hex = name.strip_prefix(PREFIX)?;
    if hex.len() != 16
        || !hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    i64::try_from(u64::from_str_radix(hex, 16).ok()?).ok()
}

/// An abandoned shadow database: dropped, or why not.
#[derive(Debug)]
pub(super) struct Abandoned {
    pub(crate) name: String,
    pub(crate) dropped: Result<(), String>,
}

/// Drops the shadow databases on the server whose run is gone (see the module documentation):
/// named exactly as [`name_of`] names them, droppable by this role, their lock held by nobody.
pub(super) fn drop_abandoned(
    client: &mut postgres::Client,
    version_num: i32,
) -> Result<Vec<Abandoned>, postgres::Error> {
    // Databases first, then locks: each database's lock was taken before it was created, so a
    // live run's lock is already visible when its database is.
    let names: Vec<String> = client
        .query(
            "SELECT datname FROM pg_catalog.pg_database \
             WHERE starts_with(datname, $1) AND pg_catalog.pg_has_role(datdba, 'USAGE') \
             ORDER BY datname",
            &[&PREFIX],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let candidates: Vec<(String, i64)> = names
        .into_iter()
        .filter_map(|n| key_of(&n).map(|k| (n, k)))
        .collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    // A bigint key shows as its high half in classid and its low half in objid, objsubid 1.
    let held: HashSet<i64> = client
        .query(
            "SELECT (classid::bigint << 32) | objid::bigint FROM pg_catalog.pg_locks \
             WHERE locktype = 'advisory' AND objsubid = 1",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = Vec::new();
    for (name, key) in candidates {
        if held.contains(&key) {
            continue;
        }
        let dropped = drop_database(client, &name, version_num).map_err(|e| driver_error_text(&e));
        out.push(Abandoned { name, dropped });
    }
    Ok(out)
}

/// `DROP DATABASE IF EXISTS`, ending the sessions still in it (a killed run's backend may still
/// be running a migration).
fn drop_database(
    client: &mut postgres::Client,
    name: &str,
    version_num: i32,
) -> Result<(), postgres::Error> {
    let quoted = quote_ident(name);
    if version_num >= 130000 {
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
    } else {
        client.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&name],
        )?;
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {quoted}"))
    }
}

/// Takes the advisory lock of a new key on `client`'s session: the name of a shadow database
/// nobody else can be using.
pub(super) fn lock_new_name(client: &mut postgres::Client) -> Result<String, Error> {
    for _ in 0..5 {
        let key = new_key()?;
        let locked: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
            .map_err(|e| {
                Error::new(
                    ErrorKind::Database,
                    format!(
                        "cannot take the advisory lock that marks the shadow database as in use: {}",
                        driver_error_text(&e)
                    ),
                )
            })?
            .get(0);
        if locked {
            return Ok(name_of(key));
        }
    }
    Err(Error::new(
        ErrorKind::Database,
        "cannot find a free name for the shadow database: five random advisory lock keys were \
         all taken",
    ))
}

/// Registers dropping the shadow database of `dropper` as a cleanup (see [`crate::cleanup`]),
/// waiting at most the migration deadline: a stopped server must not keep the tool (or the
/// signal handler) from ending. The database it could not drop stays marked as in use until
/// this process ends; then the next run drops it.
pub(super) fn register_drop(dropper: &Arc<Mutex<Dropper>>) -> Cleanup {
    let (name, description) = {
        let d = lock(dropper);
        (d.name.clone(), d.description.clone())
    };
    let dropper = Arc::clone(dropper);
    cleanup::register(format!("the shadow database {name}"), move || {
        let limit = timeouts().migration;
        let message = match bounded(limit, move || lock(&dropper).drop_database()) {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) => e,
            Err(TimedOut { after }) => Error::new(
                ErrorKind::TimedOut,
                format!(
                    "cannot drop the shadow database {name} on {description}: no answer within \
                     {}; the next `cargo schemalock refresh --migrations` on that server drops \
                     it once this run has ended, or drop it by hand with `DROP DATABASE {}`",
                    seconds(after),
                    quote_ident(&name)
                ),
            ),
        };
        Err(message.to_string())
    })
}

/// Everything needed to drop the shadow database, from any thread: the admin session holding its
/// lock, and how to open a new one if that session was lost.
pub(super) struct Dropper {
    pub(crate) admin: Option<postgres::Client>,
    pub(crate) config: postgres::Config,
    pub(crate) name: String,
    pub(crate) version_num: i32,
    /// "the server of URL", the URL without its password.
    pub(crate) description: String,
    pub(crate) dropped: bool,
}

impl Dropper {
    /// Drops the shadow database (if not done yet), retrying briefly while a session is still
    /// leaving it.
    pub(crate) fn drop_database(&mut self) -> Result<(), Error> {
        if self.dropped {
            return Ok(());
        }
        let quoted = quote_ident(&self.name);
        let by_hand = format!("drop it by hand with `DROP DATABASE {quoted}`");
        let mut attempt = 0;
        loop {
            attempt += 1;
            if self.admin.as_ref().is_none_or(|c| c.is_closed()) {
                let mut client = crate::db::connect::connect(&self.config).map_err(|e| {
                    Error::new(
                        ErrorKind::Database,
                        format!(
                            "cannot connect to {} to drop the shadow database {quoted}: {e}; {by_hand}",
                            self.description,
                        ),
                    )
                })?;
                let _ = client.batch_execute(&format!(
                    "SET statement_timeout = '{ADMIN_STATEMENT_TIMEOUT}'"
                ));
                self.admin = Some(client);
            }
            let client = self.admin.as_mut().expect("connected");
            match drop_database(client, &self.name, self.version_num) {
                Ok(()) => {
                    self.dropped = true;
                    return Ok(());
                }
                Err(e) if attempt < 3 && e.code() == Some(&SqlState::OBJECT_IN_USE) => {
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::Database,
                        format!(
                            "cannot drop the shadow database {quoted} on {}: {}; {by_hand}",
                            self.description,
                            driver_error_text(&e)
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_their_lock_key() {
        let a = new_key().unwrap();
        let b = new_key().unwrap();
        assert_ne!(a, b);
        assert!(a >= 0 && b >= 0);
        let name = name_of(a);
        assert_eq!(name.len(), PREFIX.len() + 16);
        assert!(name.len() < 63, "{name}");
        assert_eq!(key_of(&name), Some(a));
        assert_eq!(key_of(&name_of(0)), Some(0));
        assert_eq!(key_of(&name_of(i64::MAX)), Some(i64::MAX));
        for other in [
            "schemalock_shadow_12345_0badcafe", // the older form: not ours to judge
            "schemalock_shadow_8000000000000000", // above i64::MAX: never made
            "schemalock_shadow_00000000000000AB", // upper case: never made
            "schemalock_shadow_000000000000000",
            "schemalock_shadow_0000000000000000x",
            "app",
        ] {
            assert_eq!(key_of(other), None, "{other}");
        }
    }
}
