//! Shadow databases: a migrations directory applied to a fresh temporary database, then
//! snapshotted.
//!
//! [`snapshot_from_migrations_with`] reads the migrations (the layout is detected, see
//! [`layout::Layout`]), then, with a database URL, creates a uniquely named database
//! (`schemalock_shadow_<key>`, marked in use by an advisory lock on that key; see `database.rs`)
//! on that server, after dropping the ones earlier runs left when they were killed; or without
//! one starts a throwaway local cluster ([`cluster::LocalCluster`]) from the PostgreSQL binaries
//! on this machine, reachable only by this process and removed with it. It applies
//! the migrations there as their tool would (each file in its own transaction when it can run in
//! one, the tool's bookkeeping table included, so the migration head is in the snapshot),
//! introspects the result, and drops the database or the cluster, also when something failed,
//! and on SIGINT, SIGTERM or SIGHUP (through [`schemalock_cluster::cleanup`], whose handlers
//! the CLI installs).
//!
//! Modules: `layout.rs` (which tool's layout, the migrations in order), `split.rs` and
//! `statement.rs` (a file cut into statements, and what kind each is), `apply.rs` (applying the
//! files as their tool would, and what a failure means), `database.rs` (the shadow database's
//! name, lock and drop), `watch.rs` (the worker thread and the deadline of each step),
//! `tests.rs` (against real PostgreSQL).
//!
//! Every wait on the server is bounded (`watch.rs`): the work runs on a worker thread that
//! announces each step (connecting, preparing the server, creating the database, each migration
//! file, reading the result); the caller waits for each at most its deadline, then fails naming
//! the step, and drops the database (its wait bounded too) or removes the cluster at once.
//!
//! A file runs statement by statement outside a transaction when it asks to (sqlx's
//! `-- no-transaction`, diesel's `run_in_transaction = false`, refinery's
//! `-- refinery:noTransaction`), when it holds a statement PostgreSQL refuses inside a transaction
//! block (`CREATE INDEX CONCURRENTLY`, `VACUUM`, ...; see
//! [`statement::Statement::needs_autocommit`]), when it manages its own transactions (`BEGIN` ...
//! `COMMIT`), or when running it in one transaction failed because an enum value it adds is used
//! in the same file (SQLSTATE 55P04; the transaction is rolled back and the file run again).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use schemalock_runtime::Snapshot;
use schemalock_runtime::introspect::{self, Steps};

mod apply;
mod database;
pub(crate) mod layout;
pub(crate) mod split;
mod statement;
mod watch;

pub(crate) use layout::{Layout, Migration};

use schemalock_cluster as cluster;

use crate::db::url::redact;
use watch::{Events, Step, Stop};

/// What went wrong, broadly; [`Error`]'s message says exactly what and what to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum ErrorKind {
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
    /// A step on the server did not end within its deadline.
    TimedOut,
}

/// Why a snapshot could not be built from migrations. The message is lowercase, says what failed
/// and what to try, and never shows a URL's password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Error {
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
    #[cfg(test)]
    pub(crate) fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Progress of [`snapshot_from_migrations_with`], for a progress indicator or `--verbose`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub(crate) enum Progress {
    /// The migrations were read: how many, in which layout.
    Loaded { layout: Layout, migrations: usize },
    /// A local cluster is being started from these binaries.
    StartingCluster { bin: PathBuf },
    /// The directory of a local cluster left by an earlier run that died was removed.
    RemovedStaleCluster { dir: PathBuf },
    /// A shadow database left by an earlier run that died was dropped.
    DroppedAbandoned { name: String },
    /// A shadow database left by an earlier run that died could not be dropped.
    KeptAbandoned { name: String, reason: String },
    /// The shadow database was created.
    CreatedDatabase { name: String },
    /// Migration `index` of `total` (1-based) is being applied.
    Applying {
        index: usize,
        total: usize,
        name: String,
    },
    /// The migrated database is being introspected.
    Introspecting,
    /// The shadow database or cluster is being removed.
    CleaningUp,
}

/// Options of [`snapshot_from_migrations_with`]; `Options::default()` is a local cluster, every
/// schema, the layout detected.
#[derive(Clone, Copy, Default)]
pub(crate) struct Options<'a> {
    /// The server to create the shadow database on; `None` for a throwaway local cluster.
    pub(crate) database_url: Option<&'a str>,
    /// The schemas to snapshot; `None` for every schema that is not a system or extension schema.
    pub(crate) schemas: Option<&'a [String]>,
    /// The bin directory of the PostgreSQL for the local cluster; `None` to look for one
    /// ([`cluster::find_bin_dir`]: `PG_BIN`, `PATH`, `/usr/lib/postgresql/*/bin`).
    pub(crate) pg_bin: Option<&'a Path>,
    /// The layout of the migrations directory; `None` to detect it.
    pub(crate) layout: Option<Layout>,
    /// Called as the work progresses, always on the calling thread.
    pub(crate) progress: Option<&'a dyn Fn(Progress)>,
}

impl fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("database_url", &self.database_url.map(redact))
            .field("schemas", &self.schemas)
            .field("pg_bin", &self.pg_bin)
            .field("layout", &self.layout)
            .field("progress", &self.progress.map(|_| "..."))
            .finish()
    }
}

/// Applies the migrations in `dir` to a fresh temporary database and snapshots it: on the server
/// of `options.database_url` (a new database, dropped afterwards), or without one on a throwaway
/// local cluster. Every wait on the server is bounded (see
/// `watch.rs`): connecting by the connect deadline, creating and dropping the shadow database and
/// applying each migration file by the migration deadline, reading the result by the read
/// deadline ([`crate::db::wait::timeouts`]).
pub(crate) fn snapshot_from_migrations_with(
    dir: &Path,
    options: &Options<'_>,
) -> Result<Snapshot, Error> {
    run(dir, options)
}

fn run(dir: &Path, options: &Options<'_>) -> Result<Snapshot, Error> {
    let (layout, migrations) = layout::load(dir, options.layout)?;
    // Refused here, before any server work; the worker plans again from its own copy.
    apply::plan(&migrations)?;
    let progress = |p: Progress| {
        if let Some(f) = options.progress {
            f(p);
        }
    };
    progress(Progress::Loaded {
        layout,
        migrations: migrations.len(),
    });
    let job = |server| Job {
        server,
        layout,
        migrations,
        schemas: options.schemas.map(<[String]>::to_vec),
    };
    if let Some(url) = options.database_url {
        let config: postgres::Config = url.parse().map_err(|e| {
            Error::new(
                ErrorKind::Connect,
                format!(
                    "invalid database URL {}: {e}; expected \
                     postgres://user:password@host:port/database",
                    redact(url)
                ),
            )
        })?;
        let server = Server {
            admin: config,
            description: format!("the server of {}", redact(url)),
            connect_hint: "check the URL (--database-url or DATABASE_URL), that the server is \
                           running and reachable, and the user name and password",
            local: None,
        };
        return shadow(job(server), options.progress);
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
    progress(Progress::StartingCluster { bin: bin.clone() });
    let cluster = cluster::LocalCluster::start(&bin).map_err(|e| {
        Error::new(
            ErrorKind::LocalCluster,
            format!(
                "cannot start a local PostgreSQL for the shadow database: {e}\n(or pass \
                 --database-url to build the shadow database on an existing server)"
            ),
        )
    })?;
    for dir in cluster.removed_stale_dirs() {
        progress(Progress::RemovedStaleCluster { dir: dir.clone() });
    }
    let server = Server {
        admin: cluster.config("postgres"),
        description: format!("a throwaway local cluster from {}", bin.display()),
        connect_hint: "the local server may have stopped; see its log above",
        local: Some(Local {
            bin: bin.clone(),
            log: cluster.log_path(),
        }),
    };
    let result = shadow(job(server), options.progress);
    progress(Progress::CleaningUp);
    let closed = match &result {
        // A server that stopped answering would keep a shutdown waiting too.
        Err(e) if e.kind == ErrorKind::TimedOut => cluster.abort(),
        _ => cluster.close(),
    };
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
struct Server {
    /// A connection to an existing database of the server (to create and drop the shadow).
    admin: postgres::Config,
    /// "the server of URL", the URL without its password.
    description: String,
    connect_hint: &'static str,
    /// The throwaway local cluster it is, if it is one.
    local: Option<Local>,
}

/// A throwaway local cluster, for messages.
struct Local {
    /// Its bin directory.
    bin: PathBuf,
    /// Its server log.
    log: PathBuf,
}

impl Server {
    /// The admin connection's configuration, with our application name.
    fn admin_config(&self) -> postgres::Config {
        let mut config = self.admin.clone();
        if config.get_application_name().is_none() {
            config.application_name("cargo-schemalock");
        }
        config
    }

    /// The step of connecting to `db` (the admin database when `None`).
    fn connecting(&self, db: Option<&str>) -> Step {
        Step::connect(
            format!("connecting to {}{}", self.description, database_in(db)),
            &self.admin_config(),
        )
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
                database_in(db),
                self.connect_hint
            );
            if let Some(local) = &self.local {
                msg.push_str(&format!("\nserver log:\n{}", cluster::read_log(&local.log)));
            }
            Error::new(ErrorKind::Connect, msg)
        })
    }
}

/// ` (database NAME)`, or nothing for the admin database.
fn database_in(db: Option<&str>) -> String {
    db.map(|d| format!(" (database {d})")).unwrap_or_default()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing is left half-done under the lock, so a poisoned one holds consistent data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A failed statement on the admin session.
fn admin_error(server: &Server, what: &str, e: &postgres::Error) -> Error {
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

/// Everything the worker needs, owned: it may outlive the caller's wait.
struct Job {
    server: Server,
    layout: Layout,
    migrations: Vec<Migration>,
    schemas: Option<Vec<String>>,
}

/// Builds the shadow database on a worker thread, waiting for each step at most its limit, then
/// drops the database (also when a step timed out; its own wait is bounded too).
fn shadow(job: Job, progress: Option<&dyn Fn(Progress)>) -> Result<Snapshot, Error> {
    let first = job.server.connecting(None);
    let local = job.server.local.is_some();
    let watched = watch::watch(first, progress, move |events| build(job, events));
    if let Some(p) = progress {
        p(Progress::CleaningUp);
    }
    let result = watched.result.map_err(|stop| match stop {
        Stop::Failed(e) => e,
        Stop::TimedOut(step) => Error::new(ErrorKind::TimedOut, step.timed_out()),
    });
    let dropped = match watched.cleanup {
        // A database of a local cluster goes with the cluster, which is removed next: no need
        // to wait on a server that just failed to answer.
        Some(cleanup) if local && matches!(&result, Err(e) if e.kind == ErrorKind::TimedOut) => {
            cleanup.dismiss();
            Ok(())
        }
        // Through the guard: a signal arriving meanwhile waits for the drop to finish.
        Some(cleanup) => cleanup
            .run()
            .map_err(|message| Error::new(ErrorKind::Database, message)),
        None => Ok(()),
    };
    match (result, dropped) {
        (Ok(snapshot), Ok(())) => Ok(snapshot),
        (Err(e), Ok(())) | (Ok(_), Err(e)) => Err(e),
        (Err(mut e), Err(d)) => {
            e.message.push_str(&format!("\nalso, {d}"));
            Err(e)
        }
    }
}

/// The worker's part: prepare the server, create the shadow database (handing its cleanup to the
/// caller), apply the migrations, read the result. Each step is announced before it starts.
fn build(job: Job, events: &Events) -> Result<Snapshot, Error> {
    let Job {
        server,
        layout,
        migrations,
        schemas,
    } = job;
    let plans = apply::plan(&migrations)?;
    let mut admin = server.connect(None)?;
    events.step(Step::server(format!(
        "preparing {} for the shadow database",
        server.description
    )));
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
        .map_err(|e| admin_error(&server, "set a statement timeout on", &e))?;
    // Databases that runs killed before they could drop them: nobody holds their lock.
    let abandoned = database::drop_abandoned(&mut admin, version_num)
        .map_err(|e| admin_error(&server, "look for abandoned shadow databases on", &e))?;
    for a in abandoned {
        events.progress(match a.dropped {
            Ok(()) => Progress::DroppedAbandoned { name: a.name },
            Err(reason) => Progress::KeptAbandoned {
                name: a.name,
                reason,
            },
        });
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
    events.cleanup(database::register_drop(&dropper));
    events.step(Step::server(format!(
        "creating the shadow database {name} on {}",
        server.description
    )));
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
    events.progress(Progress::CreatedDatabase { name: name.clone() });
    let target = apply::Target {
        description: format!(
            "{} (PostgreSQL {})",
            server.description,
            schemalock_runtime::introspect::numeric_version(&version)
        ),
        local_bin: server.local.as_ref().map(|l| l.bin.as_path()),
        server_log: server.local.as_ref().map(|l| l.log.as_path()),
        database: name.clone(),
    };
    {
        events.step(server.connecting(Some(&name)));
        let mut client = server.connect(Some(&name))?;
        apply::apply(&mut client, layout, &plans, &target, events)?;
    }
    events.progress(Progress::Introspecting);
    // A new session: settings made by the migrations (`SET search_path ...`) do not leak in.
    events.step(server.connecting(Some(&name)));
    let mut client = server.connect(Some(&name))?;
    let steps = Steps::default();
    let options = crate::db::wait::read_options(&steps);
    events.step(Step::read(
        format!("reading the schema of the shadow database {name} built from the migrations"),
        steps,
    ));
    introspect::postgres::read(&mut client, schemas.as_deref(), &options)
        .map(|read| read.snapshot)
        .map_err(|e| {
            Error::new(
                ErrorKind::Introspect,
                format!(
                    "reading the schema of the shadow database built from the migrations failed: \
                     {e}"
                ),
            )
        })
}

#[cfg(test)]
mod tests;
