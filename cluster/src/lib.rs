//! Throwaway local PostgreSQL clusters: `initdb` into a private temporary directory, a server that
//! only this process (and root) can reach, stopped and deleted on drop, on SIGINT/SIGTERM/SIGHUP
//! (through [`cleanup`], when the binary installed its handlers), and, on Linux, killed
//! with this process even on SIGKILL.
//!
//! Used by `cargo schemalock` (the `cargo-schemalock` crate) for shadow databases when no server
//! is given, and by schemalock's test harness (`schemalock-tests`); neither depends on the other.
//! This crate has no opinion on connecting: [`LocalCluster::config`] says how, the caller
//! connects (and bounds the wait).
//!
//! Modules: `start.rs` (the private directory, `initdb`, `pg_hba.conf`, starting the server),
//! `server.rs` (what the cleanup shares: stopping the server, removing the directory),
//! `process.rs` (children tied to this process, liveness of earlier runs' processes),
//! `stale.rs` (directories of earlier runs that died), `install.rs` (which binaries, which
//! user), [`cleanup`] (what must be undone even on Ctrl-C).
//!
//! ```no_run
//! use schemalock_cluster::{LocalCluster, find_bin_dir};
//! let bin = find_bin_dir()?; // PG_BIN, else initdb on PATH, else /usr/lib/postgresql/*/bin
//! let cluster = LocalCluster::start(&bin)?;
//! let mut client = cluster.config("postgres").connect(postgres::NoTls)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Who can connect: the server listens on a Unix socket in a directory of mode 0700 owned by the
//! server's user, with `trust` there only; with [`Network::None`] (what the CLI uses) it has no
//! TCP listener at all (`listen_addresses = ''`). With [`Network::LoopbackWithPassword`] (what
//! the tests use, for `postgres://` URLs) it also listens on a free port on 127.0.0.1 with
//! `scram-sha-256` and a random per-cluster password for `postgres`; `pg_hba.conf` has no
//! `trust` line for a network address. The data directory, the log and the socket are all in the
//! private directory.
//!
//! Lifetime: the server is a direct child of this process, spawned with a parent-death signal
//! (Linux, see `process.rs`): when this process dies, even of SIGKILL, the server gets SIGQUIT
//! and takes its backends down. Its directory is named after this process
//! (`schemalock-pg-<pid>-<start time>-<random>`), so that a later run removes directories whose
//! process and server are both gone (`stale.rs`). On other platforms a SIGKILL leaves the server
//! running; its directory is removed by the first run after it stops.
//!
//! PostgreSQL refuses to run as root. When this process is root, the server binaries run as an
//! unprivileged user instead: [`SERVER_USER_ENV`] if set, else `postgres`. The temporary
//! directory is handed to that user, and the binaries and their installation must be readable by
//! it. The server runs in its own process group, so a Ctrl-C in a terminal reaches this process,
//! which stops the server in order, and not the server directly.

#![warn(missing_docs)]

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use crate::cleanup::Cleanup;

pub mod cleanup;
mod install;
mod process;
mod server;
mod stale;
mod start;
#[cfg(test)]
mod tests;

pub use install::{
    DEFAULT_SERVER_USER, PG_BIN_ENV, REQUIRED_BINARIES, SERVER_USER_ENV, ServerUser, find_bin_dir,
    find_bin_dir_from, running_as_root, server_user, server_user_for,
};
pub use process::{children_of, parent_of, random_hex, start_time as process_start_time};
use server::{Shared, lock};

/// How long the server may take to start or stop.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Why a local cluster could not be found, started or stopped. The message says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterError {
    message: String,
}

impl ClusterError {
    fn new(message: impl Into<String>) -> Self {
        ClusterError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ClusterError {}

/// Whether a [`LocalCluster`] listens on TCP besides its Unix socket in a private directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// No TCP listener (`listen_addresses = ''`): only the Unix socket. What `cargo schemalock`
    /// uses. (Without Unix sockets, as on Windows, this falls back to
    /// [`Network::LoopbackWithPassword`].)
    None,
    /// Also a free TCP port on 127.0.0.1, where every role must log in with a password
    /// (`scram-sha-256`); `postgres` gets a random one, [`LocalCluster::password`].
    LoopbackWithPassword,
}

/// The number in the socket's name when there is no TCP listener: the socket directory is
/// private, so it cannot clash with another server's.
const SOCKET_ONLY_PORT: u16 = 5432;

/// A running throwaway cluster. Stopped and deleted on [`LocalCluster::close`], on drop, and on
/// a signal the CLI handles.
pub struct LocalCluster {
    shared: Arc<Shared>,
    network: Network,
    port: u16,
    password: Option<String>,
    removed_stale: Vec<PathBuf>,
    /// Runs `Shared::shut_down` once: on close, on drop or on a signal.
    cleanup: Option<Cleanup>,
}

impl fmt::Debug for LocalCluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalCluster")
            .field("bin", &self.shared.bin)
            .field("dir", &self.shared.root)
            .field("network", &self.network)
            .field("port", &self.port)
            .field("user", &self.shared.user.as_ref().map(|u| &u.name))
            .field("running", &lock(&self.shared.server).is_some())
            .finish_non_exhaustive()
    }
}

/// A server log ([`LocalCluster::log_path`]) so far, or why there is none.
pub fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| format!("(no log: {e})"))
}

/// stdout and stderr of a finished command.
pub fn output_text(out: &Output) -> String {
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr);
    if !err.is_empty() {
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&err);
    }
    s.trim_end().to_owned()
}

impl LocalCluster {
    /// Starts a cluster from the binaries in `bin`, reachable only through its private Unix
    /// socket ([`Network::None`]), as [`server_user`] when this process is root.
    pub fn start(bin: &Path) -> Result<LocalCluster, ClusterError> {
        LocalCluster::start_with(bin, Network::None)
    }

    /// Starts a cluster from the binaries in `bin` with the given network access, as
    /// [`server_user`] when this process is root.
    pub fn start_with(bin: &Path, network: Network) -> Result<LocalCluster, ClusterError> {
        LocalCluster::start_as(bin, server_user()?, network)
    }

    /// The private temporary directory holding the data directory, the socket and the log.
    pub fn dir(&self) -> &Path {
        &self.shared.root
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.shared.data_dir()
    }

    /// The directory holding the server's Unix socket (mode 0700).
    pub fn socket_dir(&self) -> PathBuf {
        self.dir().join("sock")
    }

    /// The server log.
    pub fn log_path(&self) -> PathBuf {
        self.dir().join("server.log")
    }

    /// The server log so far.
    pub fn server_log(&self) -> String {
        read_log(&self.log_path())
    }

    /// The bin directory the server runs from.
    pub fn bin_dir(&self) -> &Path {
        &self.shared.bin
    }

    /// The user the server runs as, when not this process's.
    pub fn server_user(&self) -> Option<&ServerUser> {
        self.shared.user.as_ref()
    }

    /// Whether the server also listens on TCP.
    pub fn network(&self) -> Network {
        self.network
    }

    /// The port: the TCP port on 127.0.0.1 with [`Network::LoopbackWithPassword`]; in every case
    /// the number in the socket's name (`.s.PGSQL.<port>`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The password of `postgres` over TCP ([`Network::LoopbackWithPassword`]); `None` without
    /// TCP. Never printed by this type.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The directories of dead earlier runs that starting this cluster removed.
    pub fn removed_stale_dirs(&self) -> &[PathBuf] {
        &self.removed_stale
    }

    /// A connection configuration for `db` as `postgres` over the Unix socket (TCP with the
    /// password where there are no Unix sockets).
    pub fn config(&self, db: &str) -> postgres::Config {
        let mut config = postgres::Config::new();
        #[cfg(unix)]
        config.host_path(self.socket_dir());
        #[cfg(not(unix))]
        {
            config.host("127.0.0.1");
            if let Some(password) = &self.password {
                config.password(password);
            }
        }
        config
            .port(self.port)
            .user("postgres")
            .dbname(db)
            .connect_timeout(Duration::from_secs(10));
        config
    }

    /// A command for one of the server's programs (`initdb`, `pg_ctl`, `postgres`, ...), run as
    /// the server's user, in the cluster's directory, with a C locale and UTC.
    pub fn server_command(&self, program: &str) -> Command {
        self.shared.server_command(program)
    }

    /// Stops the server now (fast shutdown: open sessions are ended). Also done on drop.
    pub fn stop(&mut self) -> Result<(), ClusterError> {
        self.shared.stop()
    }

    /// Stops the server and deletes its directory, reporting problems (drop does the same
    /// silently, printing problems to stderr).
    pub fn close(mut self) -> Result<(), ClusterError> {
        match self.cleanup.take() {
            Some(cleanup) => cleanup.run().map_err(ClusterError::new),
            None => Ok(()),
        }
    }

    /// Ends the server and its backends at once (SIGKILL), without waiting for a shutdown, and
    /// deletes its directory: for a server that stopped answering, which a shutdown would wait
    /// for in vain.
    pub fn abort(self) -> Result<(), ClusterError> {
        self.shared.kill();
        self.close()
    }

    /// Who runs the server, for messages: "user `postgres`" or "this user".
    pub fn runs_as(&self) -> String {
        match &self.shared.user {
            Some(u) => format!("user `{}`", u.name),
            None => "this user".to_owned(),
        }
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        // Runs the shutdown, printing problems to stderr.
        drop(self.cleanup.take());
    }
}
