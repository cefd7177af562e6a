//! Shadow databases: a migrations directory applied to a fresh temporary database, then
//! snapshotted.
//!
//! [`snapshot_from_migrations`] reads the migrations (the layout is detected, see
//! [`layout::Layout`]), then, with a database URL, creates a uniquely named database
//! (`schemalock_shadow_<pid>_<random>`) on that server, or without one starts a throwaway local
//! cluster ([`cluster::LocalCluster`]) from the PostgreSQL binaries on this machine. It applies
//! the migrations there as their tool would (each file in its own transaction when it can run in
//! one, the tool's bookkeeping table included, so the migration head is in the snapshot),
//! introspects the result, and drops the database or the cluster, also when something failed.
//!
//! A file runs statement by statement outside a transaction when it asks to (sqlx's
//! `-- no-transaction`, diesel's `run_in_transaction = false`, refinery's
//! `-- refinery:noTransaction`), when it holds a statement PostgreSQL refuses inside a transaction
//! block (`CREATE INDEX CONCURRENTLY`, `VACUUM`, ...; see
//! [`split::Statement::needs_autocommit`]), when it manages its own transactions (`BEGIN` ...
//! `COMMIT`), or when running it in one transaction failed because an enum value it adds is used
//! in the same file (SQLSTATE 55P04; the transaction is rolled back and the file run again).

use std::fmt;
use std::hash::BuildHasher;
use std::path::Path;
use std::time::Duration;

use schemalock_runtime::Snapshot;

mod apply;
// Prints only the local cluster's own problems (paths, pg_ctl output), never a URL.
#[allow(clippy::print_stderr)]
pub mod cluster;
pub mod layout;
pub mod split;

pub use layout::{Layout, Migration};

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
    fn connect(&self, db: Option<&str>) -> Result<postgres::Client, Error> {
        let mut config = self.admin.clone();
        if config.get_application_name().is_none() {
            config.application_name("cargo-schemalock");
        }
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

/// Double-quotes an identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `schemalock_shadow_<pid>_<random>`.
fn shadow_name() -> String {
    let random = std::collections::hash_map::RandomState::new()
        .hash_one((std::time::SystemTime::now(), std::thread::current().id()));
    format!(
        "schemalock_shadow_{}_{:08x}",
        std::process::id(),
        random as u32
    )
}

/// The shadow database; dropped when this is, also on error or panic.
struct ShadowDatabase<'a> {
    server: &'a Server<'a>,
    admin: Option<postgres::Client>,
    name: String,
    version_num: i32,
    redact_url: Option<&'a str>,
    dropped: bool,
}

impl ShadowDatabase<'_> {
    fn drop_database(&mut self) -> Result<(), Error> {
        if self.dropped {
            return Ok(());
        }
        let name = quote_ident(&self.name);
        let mut attempt = 0;
        loop {
            attempt += 1;
            if self.admin.as_ref().is_none_or(|c| c.is_closed()) {
                self.admin = Some(self.server.connect(None)?);
            }
            let client = self.admin.as_mut().expect("connected");
            let result = if self.version_num >= 130000 {
                client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            } else {
                client
                    .execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = $1 AND pid <> pg_backend_pid()",
                        &[&self.name],
                    )
                    .and_then(|_| client.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")))
            };
            match result {
                Ok(()) => {
                    self.dropped = true;
                    return Ok(());
                }
                Err(e)
                    if attempt < 3
                        && e.code() == Some(&postgres::error::SqlState::OBJECT_IN_USE) =>
                {
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::Database,
                        format!(
                            "cannot drop the shadow database {name} on {}: {}; drop it by hand \
                             with `DROP DATABASE {name}`",
                            self.server.description,
                            apply::driver_error_text(&e)
                        ),
                    ));
                }
            }
        }
    }
}

impl Drop for ShadowDatabase<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.drop_database() {
            crate::out::eprintln(&e.redacted(self.redact_url).to_string());
        }
    }
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
    let name = shadow_name();
    // template0: a database with nothing added, whatever was installed into template1.
    admin
        .batch_execute(&format!(
            "CREATE DATABASE {} TEMPLATE template0",
            quote_ident(&name)
        ))
        .map_err(|e| {
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
            Error::new(ErrorKind::Database, msg)
        })?;
    let mut guard = ShadowDatabase {
        server,
        admin: Some(admin),
        name,
        version_num,
        redact_url: options.database_url,
        dropped: false,
    };
    if let Some(p) = options.progress {
        p(Progress::CreatedDatabase { name: &guard.name });
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
            let mut client = server.connect(Some(&guard.name))?;
            apply::apply(&mut client, layout, plans, &target, options.progress)?;
        }
        if let Some(p) = options.progress {
            p(Progress::Introspecting);
        }
        // A new session: settings made by the migrations (`SET search_path ...`) do not leak in.
        let mut client = server.connect(Some(&guard.name))?;
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
    let dropped = guard.drop_database();
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
    fn shadow_names_are_unique_and_plain() {
        let a = shadow_name();
        let b = shadow_name();
        assert_ne!(a, b);
        assert!(a.starts_with(&format!("schemalock_shadow_{}_", std::process::id())));
        assert!(a.len() < 63, "{a}");
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
        );
    }

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
