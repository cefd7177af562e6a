//! Shadow databases: a migrations directory applied to a fresh temporary database, then
//! snapshotted.
//!
//! [`snapshot_from_migrations`] reads the migrations (the layout is detected, see
//! [`layout::Layout`]), then, with a database URL, creates a uniquely named database
//! (`schemalock_shadow_<key>`, marked in use by an advisory lock on that key; see `database.rs`)
//! on that server, after dropping the ones earlier runs left when they were killed; or without
//! one starts a throwaway local cluster ([`cluster::LocalCluster`]) from the PostgreSQL binaries
//! on this machine, reachable only by this process and removed with it. It applies
//! the migrations there as their tool would (each file in its own transaction when it can run in
//! one, the tool's bookkeeping table included, so the migration head is in the snapshot),
//! introspects the result, and drops the database or the cluster, also when something failed,
//! and on SIGINT, SIGTERM or SIGHUP when the CLI installed [`crate::cleanup`]'s handlers.
//!
//! A file runs statement by statement outside a transaction when it asks to (sqlx's
//! `-- no-transaction`, diesel's `run_in_transaction = false`, refinery's
//! `-- refinery:noTransaction`), when it holds a statement PostgreSQL refuses inside a transaction
//! block (`CREATE INDEX CONCURRENTLY`, `VACUUM`, ...; see
//! [`split::Statement::needs_autocommit`]), when it manages its own transactions (`BEGIN` ...
//! `COMMIT`), or when running it in one transaction failed because an enum value it adds is used
//! in the same file (SQLSTATE 55P04; the transaction is rolled back and the file run again).

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use schemalock_runtime::Snapshot;

mod apply;
pub mod cluster;
mod database;
pub mod layout;
pub mod split;

pub use layout::{Layout, Migration};

use crate::cleanup;
use crate::url::redact_in;

/// What went wrong, broadly; [`Error`]'s message says exactly what and what to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The migrations directory: missing, unreadable, no known layout, bad names.
    Layout,
    /// A migration failed to apply (or cannot be split into statements).
    Migration,
    /// Connecting to the server failed, or the URL is invalid.
    Connect,
    /// Creating or dropping the shadow database failed.
    Database,
    /// No local PostgreSQL could be found or started.
    LocalCluster,
    /// Reading the shadow database's schema failed.
    Introspect,
}

/// Why a snapshot could not be built from migrations. The message is lowercase, says what failed
/// and what to try, and never shows a URL's password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong, broadly.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    fn redacted(mut self, url: Option<&str>) -> Self {
        if let Some(url) = url {
            self.message = redact_in(&self.message, url);
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Progress of [`snapshot_from_migrations_with`], for a progress indicator or `--verbose`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Progress<'a> {
    /// The migrations were read: how many, in which layout.
    Loaded { layout: Layout, migrations: usize },
    /// A local cluster is being started from these binaries.
    StartingCluster { bin: &'a Path },
    /// The directory of a local cluster left by an earlier run that died was removed.
    RemovedStaleCluster { dir: &'a Path },
    /// A shadow database left by an earlier run that died was dropped.
    DroppedAbandoned { name: &'a str },
    /// A shadow database left by an earlier run that died could not be dropped.
    KeptAbandoned { name: &'a str, reason: &'a str },
    /// The shadow database was created.
    CreatedDatabase { name: &'a str },
    /// Migration `index` of `total` (1-based) is being applied.
    Applying {
        index: usize,
        total: usize,
        name: &'a str,
    },
    /// The migrated database is being introspected.
    Introspecting,
    /// The shadow database or cluster is being removed.
    CleaningUp,
}

/// Options of [`snapshot_from_migrations_with`]; `Options::default()` is a local cluster, every
/// schema, the layout detected.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// The server to create the shadow database on; `None` for a throwaway local cluster.
    pub database_url: Option<&'a str>,
    /// The schemas to snapshot; `None` for every schema that is not a system or extension schema.
    pub schemas: Option<&'a [String]>,
    /// The bin directory of the PostgreSQL for the local cluster; `None` to look for one
    /// ([`cluster::find_bin_dir`]: `PG_BIN`, `PATH`, `/usr/lib/postgresql/*/bin`).
    pub pg_bin: Option<&'a Path>,
    /// The layout of the migrations directory; `None` to detect it.
    pub layout: Option<Layout>,
    /// Called as the work progresses.
    pub progress: Option<&'a dyn Fn(Progress<'_>)>,
}

impl fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("database_url", &self.database_url.map(crate::url::redact))
            .field("schemas", &self.schemas)
            .field("pg_bin", &self.pg_bin)
            .field("layout", &self.layout)
            .field("progress", &self.progress.map(|_| "..."))
            .finish()
    }
}

/// Applies the migrations in `dir` to a fresh temporary database and snapshots it: on the server
/// of `database_url` (a new database, dropped afterwards), or without one on a throwaway local
/// cluster. `schemas` as for introspection (`None`: every non-system schema).
pub fn snapshot_from_migrations(
    dir: &Path,
    database_url: Option<&str>,
    schemas: Option<&[String]>,
) -> Result<Snapshot, Error> {
    snapshot_from_migrations_with(
        dir,
        &Options {
            database_url,
            schemas,
            ..Options::default()
        },
    )
}

/// [`snapshot_from_migrations`] with every option.
pub fn snapshot_from_migrations_with(dir: &Path, options: &Options<'_>) -> Result<Snapshot, Error> {
    run(dir, options).map_err(|e| e.redacted(options.database_url))
}

fn run(dir: &Path, options: &Options<'_>) -> Result<Snapshot, Error> {
    let (layout, migrations) = layout::load(dir, options.layout)?;
    let plans = apply::plan(&migrations)?;
    let progress = options.progress;
    if let Some(p) = progress {
        p(Progress::Loaded {
            layout,
            migrations: migrations.len(),
        });
    }
    if let Some(url) = options.database_url {
        let config: postgres::Config = url.parse().map_err(|e| {
            Error::new(
                ErrorKind::Connect,
                format!(
                    "invalid database URL {url}: {e}; expected postgres://user:password@host:port/database"
                ),
            )
        })?;
        let server = Server {
            admin: config,
            description: format!("the server of {url}"),
            connect_hint: "check the URL (--database-url or DATABASE_URL), that the server is \
                           running and reachable, and the user name and password",
            local_bin: None,
            server_log: None,
        };
        return shadow(&server, layout, &plans, options);
    }

    let bin = match options.pg_bin {
        Some(bin) => bin.to_owned(),
        None => cluster::find_bin_dir().map_err(|e| {
            Error::new(
                ErrorKind::LocalCluster,
                format!(
                    "cannot build the shadow database: no --database-url was given, and {e}; \
                     or pass --database-url to use an existing server"
                ),
            )
        })?,
    };
    if let Some(p) = progress {
        p(Progress::StartingCluster { bin: &bin });
    }
    let cluster = cluster::LocalCluster::start(&bin).map_err(|e| {
        Error::new(
            ErrorKind::LocalCluster,
            format!(
                "cannot start a local PostgreSQL for the shadow database: {e}\n(or pass \
                 --database-url to build the shadow database on an existing server)"
            ),
        )
    })?;
    if let Some(p) = progress {
        for dir in cluster.removed_stale_dirs() {
            p(Progress::RemovedStaleCluster { dir });
        }
    }
    let log = || cluster.server_log();
    let server = Server {
        admin: cluster.config("postgres"),
        description: format!("a throwaway local cluster from {}", bin.display()),
        connect_hint: "the local server may have stopped; see its log above",
        local_bin: Some(&bin),
        server_log: Some(&log),
    };
    let result = shadow(&server, layout, &plans, options);
    if let Some(p) = progress {
        p(Progress::CleaningUp);
    }
    let closed = cluster.close();
    let snapshot = result?;
    closed.map_err(|e| {
        Error::new(
            ErrorKind::LocalCluster,
            format!("the snapshot was built, but cleaning up the local PostgreSQL failed: {e}"),
        )
    })?;
    Ok(snapshot)
}

/// Where the shadow database goes.
struct Server<'a> {
    /// A connection to an existing database of the server (to create and drop the shadow).
    admin: postgres::Config,
    description: String,
    connect_hint: &'static str,
    local_bin: Option<&'a Path>,
    server_log: Option<&'a dyn Fn() -> String>,
}

impl Server<'_> {
    /// The admin connection's configuration, with our application name.
    fn admin_config(&self) -> postgres::Config {
        let mut config = self.admin.clone();
        if config.get_application_name().is_none() {
            config.application_name("cargo-schemalock");
        }
        config
    }

    fn connect(&self, db: Option<&str>) -> Result<postgres::Client, Error> {
        let mut config = self.admin_config();
        if let Some(db) = db {
            config.dbname(db);
        }
        // The CLI's one connect: its deadline, `PGPASSWORD` and `~/.pgpass`, its hints.
        crate::db::connect::connect(&config).map_err(|e| {
            let mut msg = format!(
                "cannot connect to {}{}: {e}; {}",
                self.description,
                db.map(|d| format!(" (database {d})")).unwrap_or_default(),
                self.connect_hint
            );
            if let Some(log) = self.server_log {
                msg.push_str(&format!("\nserver log:\n{}", log()));
            }
            Error::new(ErrorKind::Connect, msg)
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing is left half-done under the lock, so a poisoned one holds consistent data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A failed statement on the admin session.
fn admin_error(server: &Server<'_>, what: &str, e: &postgres::Error) -> Error {
    Error::new(
        ErrorKind::Database,
        format!(
            "cannot {what} {}: {}",
            server.description,
            apply::driver_error_text(e)
        ),
    )
}

/// Double-quotes an identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn shadow(
    server: &Server<'_>,
    layout: Layout,
    plans: &[apply::Plan<'_>],
    options: &Options<'_>,
) -> Result<Snapshot, Error> {
    let mut admin = server.connect(None)?;
    let (version_num, version): (i32, String) = admin
        .query_one(
            "SELECT current_setting('server_version_num')::int, current_setting('server_version')",
            &[],
        )
        .map(|row| (row.get(0), row.get(1)))
        .map_err(|e| {
            Error::new(
                ErrorKind::Connect,
                format!(
                    "cannot read the version of {}: {}",
                    server.description,
                    apply::driver_error_text(&e)
                ),
            )
        })?;
    admin
        .batch_execute(&format!(
            "SET statement_timeout = '{}'",
            database::ADMIN_STATEMENT_TIMEOUT
        ))
        .map_err(|e| admin_error(server, "set a statement timeout on", &e))?;
    // Databases that runs killed before they could drop them: nobody holds their lock.
    let abandoned = database::drop_abandoned(&mut admin, version_num)
        .map_err(|e| admin_error(server, "look for abandoned shadow databases on", &e))?;
    if let Some(p) = options.progress {
        for a in &abandoned {
            match &a.dropped {
                Ok(()) => p(Progress::DroppedAbandoned { name: &a.name }),
                Err(reason) => p(Progress::KeptAbandoned {
                    name: &a.name,
                    reason,
                }),
            }
        }
    }
    // The lock first, held by this session until the database is dropped: a database is never
    // without it while its run is alive.
    let name = database::lock_new_name(&mut admin)?;
    let dropper = Arc::new(Mutex::new(database::Dropper {
        admin: Some(admin),
        config: server.admin_config(),
        name: name.clone(),
        version_num,
        description: server.description.clone(),
        dropped: false,
    }));
    // Registered before the database exists: a signal during CREATE DATABASE waits for it, then
    // drops it.
    let guard = {
        let dropper = Arc::clone(&dropper);
        let url = options.database_url.map(str::to_owned);
        cleanup::register(format!("the shadow database {name}"), move || {
            lock(&dropper)
                .drop_database()
                .map_err(|e| e.redacted(url.as_deref()).to_string())
        })
    };
    let created = {
        let mut d = lock(&dropper);
        let admin = d.admin.as_mut().expect("connected");
        // template0: a database with nothing added, whatever was installed into template1.
        admin.batch_execute(&format!(
            "CREATE DATABASE {} TEMPLATE template0",
            quote_ident(&name)
        ))
    };
    if let Err(e) = created {
        // Nothing to drop: the database does not exist.
        lock(&dropper).dropped = true;
        drop(guard);
        let mut msg = format!(
            "cannot create the shadow database {name} on {}: {}",
            server.description,
            apply::driver_error_text(&e)
        );
        if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
            msg.push_str(
                "\nthe role needs the CREATEDB privilege (`ALTER ROLE ... CREATEDB`); or run \
                 without --database-url to use a throwaway local PostgreSQL",
            );
        }
        return Err(Error::new(ErrorKind::Database, msg));
    }
    if let Some(p) = options.progress {
        p(Progress::CreatedDatabase { name: &name });
    }
    let result = (|| {
        let target = apply::Target {
            description: format!(
                "{} (PostgreSQL {})",
                server.description,
                schemalock_runtime::introspect::numeric_version(&version)
            ),
            local_bin: server.local_bin,
            server_log: server.server_log,
        };
        {
            let mut client = server.connect(Some(&name))?;
            apply::apply(&mut client, layout, plans, &target, options.progress)?;
        }
        if let Some(p) = options.progress {
            p(Progress::Introspecting);
        }
        // A new session: settings made by the migrations (`SET search_path ...`) do not leak in.
        let mut client = server.connect(Some(&name))?;
        schemalock_runtime::introspect::postgres::snapshot(&mut client, options.schemas).map_err(
            |e| {
                Error::new(
                    ErrorKind::Introspect,
                    format!(
                        "reading the schema of the shadow database built from the migrations \
                         failed: {e}"
                    ),
                )
            },
        )
    })();
    if let Some(p) = options.progress {
        p(Progress::CleaningUp);
    }
    // Through the guard: a signal arriving meanwhile waits for the drop to finish.
    let dropped = guard
        .run()
        .map_err(|message| Error::new(ErrorKind::Database, message));
    match (result, dropped) {
        (Ok(snapshot), Ok(())) => Ok(snapshot),
        (Err(e), Ok(())) | (Ok(_), Err(e)) => Err(e),
        (Err(mut e), Err(d)) => {
            e.message.push_str(&format!("\nalso, {d}"));
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_errors_never_show_the_password() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("1_init.sql"), "CREATE TABLE t (a int);").unwrap();
        // Nothing listens on port 1.
        let url = "postgres://app:s3cr%40t@127.0.0.1:1/app?connect_timeout=5";
        let err = snapshot_from_migrations(dir.path(), Some(url), None).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.kind(), ErrorKind::Connect);
        assert!(
            text.starts_with("cannot connect to the server of postgres://app:***@127.0.0.1:1/app"),
            "{text}"
        );
        assert!(!text.contains("s3cr"), "{text}");
        assert!(text.contains("--database-url"), "{text}");
        let err = snapshot_from_migrations(
            dir.path(),
            Some("postgres://a:hunter2@/x?port=notanumber"),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("invalid database URL"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        let options = Options {
            database_url: Some(url),
            ..Options::default()
        };
        assert!(!format!("{options:?}").contains("s3cr"));
    }

    #[test]
    fn layout_errors_come_before_any_server_work() {
        let dir = tempfile::tempdir().unwrap();
        let err = snapshot_from_migrations(dir.path(), Some("postgres://a:b@127.0.0.1:1/x"), None)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Layout);
    }
}
