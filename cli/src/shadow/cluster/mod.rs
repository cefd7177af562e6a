//! Throwaway local PostgreSQL clusters: `initdb` into a private temporary directory, a server that
//! only this process (and root) can reach, stopped and deleted on drop, on SIGINT/SIGTERM/SIGHUP
//! (through [`crate::cleanup`], when the binary installed its handlers), and, on Linux, killed
//! with this process even on SIGKILL.
//!
//! Used by `cargo schemalock` for shadow databases when no server is given, and by the test
//! harness (`schemalock-tests`).
//!
//! ```no_run
//! use schemalock_cli::shadow::cluster::{LocalCluster, find_bin_dir};
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

use std::fmt;
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cleanup::{self, Cleanup};

mod install;
pub(crate) mod process;
mod server;
mod stale;
#[cfg(test)]
mod tests;

use install::missing_binaries;
pub use install::{
    DEFAULT_SERVER_USER, PG_BIN_ENV, REQUIRED_BINARIES, SERVER_USER_ENV, ServerUser, find_bin_dir,
    find_bin_dir_from, running_as_root, server_user, server_user_for,
};
use process::DeathSignal;
pub use process::{children_of, parent_of, start_time as process_start_time};
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

fn free_port() -> Result<u16, ClusterError> {
    let l = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| ClusterError::new(format!("cannot find a free port on 127.0.0.1: {e}")))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| ClusterError::new(format!("cannot find a free port on 127.0.0.1: {e}")))
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

#[cfg(unix)]
fn chown(path: &Path, user: &ServerUser) -> Result<(), ClusterError> {
    std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid)).map_err(|e| {
        ClusterError::new(format!(
            "cannot hand {} to user `{}`: {e}",
            path.display(),
            user.name
        ))
    })
}

#[cfg(not(unix))]
fn chown(_: &Path, _: &ServerUser) -> Result<(), ClusterError> {
    Ok(())
}

/// Makes `path` private to its owner (mode 0700 or 0600).
fn make_private(path: &Path, mode: u32) -> Result<(), ClusterError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| {
            ClusterError::new(format!("cannot make {} private: {e}", path.display()))
        })?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Creates a file only its owner can read, holding `contents`.
fn write_private(path: &Path, contents: &str) -> Result<(), ClusterError> {
    let mut options = File::options();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let fail =
        |e: std::io::Error| ClusterError::new(format!("cannot write {}: {e}", path.display()));
    let mut file = options.open(path).map_err(fail)?;
    std::io::Write::write_all(&mut file, contents.as_bytes()).map_err(fail)
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

    /// Starts a cluster from the binaries in `bin`, running them as `user` (`None`: as this
    /// process's user). First removes the directories of earlier runs that died (see `stale.rs`).
    pub fn start_as(
        bin: &Path,
        user: Option<ServerUser>,
        network: Network,
    ) -> Result<LocalCluster, ClusterError> {
        let network = if cfg!(unix) {
            network
        } else {
            Network::LoopbackWithPassword
        };
        let missing = missing_binaries(bin);
        if !missing.is_empty() {
            return Err(ClusterError::new(format!(
                "{} has no {}: it is not the bin directory of a PostgreSQL installation",
                bin.display(),
                missing.join(", ")
            )));
        }
        let parent = std::env::temp_dir();
        let removed_stale = stale::remove_stale_dirs(
            &parent,
            process::effective_uid(),
            user.as_ref().map(|u| u.uid),
        );
        let dir = tempfile::Builder::new()
            .prefix(&stale::prefix_for_this_process())
            .tempdir_in(&parent)
            .map_err(|e| {
                ClusterError::new(format!(
                    "cannot create a temporary directory for PostgreSQL in {}: {e}",
                    parent.display()
                ))
            })?;
        let root = dir.path().to_owned();
        let shared = Arc::new(Shared {
            bin: bin.to_owned(),
            user,
            root: root.clone(),
            server: Mutex::new(None),
            dir: Mutex::new(Some(dir)),
        });
        let cleanup = {
            let shared = Arc::clone(&shared);
            cleanup::register(
                format!("the local PostgreSQL in {}", root.display()),
                move || shared.shut_down().map_err(|e| e.to_string()),
            )
        };
        let mut cluster = LocalCluster {
            shared,
            network,
            port: SOCKET_ONLY_PORT,
            password: None,
            removed_stale,
            cleanup: Some(cleanup),
        };
        if network == Network::LoopbackWithPassword {
            cluster.password =
                Some(process::random_hex(16).map_err(|e| {
                    ClusterError::new(format!("cannot make a random password: {e}"))
                })?);
        }
        make_private(&root, 0o700)?;
        std::fs::create_dir(cluster.socket_dir()).map_err(|e| {
            ClusterError::new(format!(
                "cannot create {}: {e}",
                cluster.socket_dir().display()
            ))
        })?;
        make_private(&cluster.socket_dir(), 0o700)?;
        if let Some(user) = &cluster.shared.user {
            chown(&root, user)?;
            chown(&cluster.socket_dir(), user)?;
        }
        cluster.check_runnable()?;
        cluster.initdb()?;
        cluster.write_hba()?;
        if network == Network::None {
            cluster.start_server().map_err(|(e, _)| e)?;
            return Ok(cluster);
        }
        // A free port can be taken by someone else between our check and the server's bind.
        let mut last = None;
        for _ in 0..3 {
            cluster.port = free_port()?;
            match cluster.start_server() {
                Ok(()) => return Ok(cluster),
                Err((e, retry)) => {
                    last = Some(e);
                    if !retry {
                        break;
                    }
                }
            }
        }
        Err(last.expect("at least one attempt"))
    }

    /// When running as another user, the binaries must be executable by it.
    fn check_runnable(&self) -> Result<(), ClusterError> {
        let Some(user) = &self.shared.user else {
            return Ok(());
        };
        let mut cmd = self.server_command("postgres");
        process::tie_to_parent(&mut cmd, DeathSignal::Term);
        let problem = match cmd.arg("--version").output() {
            Ok(out) if out.status.success() => return Ok(()),
            Ok(out) => output_text(&out),
            Err(e) => e.to_string(),
        };
        Err(ClusterError::new(format!(
            "PostgreSQL refuses to run as root, so it must run as user `{}`, who cannot run {} \
             ({problem}); make the installation readable by that user (every directory above it \
             searchable, e.g. `chmod -R a+rX` on it), or set {PG_BIN_ENV} to a PostgreSQL \
             installation that user can run",
            user.name,
            self.shared.bin.join("postgres").display()
        )))
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

    fn initdb(&self) -> Result<(), ClusterError> {
        let mut cmd = self.server_command("initdb");
        cmd.arg("-D").arg(self.data_dir()).args([
            "-U",
            "postgres",
            "--auth-local=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        // The password goes through a file in the private directory, removed right after.
        let pwfile = self.dir().join("pwfile");
        match &self.password {
            Some(password) => {
                write_private(&pwfile, password)?;
                if let Some(user) = &self.shared.user {
                    chown(&pwfile, user)?;
                }
                cmd.arg("--auth-host=scram-sha-256")
                    .arg("--pwfile")
                    .arg(&pwfile);
            }
            None => {
                cmd.arg("--auth-host=reject");
            }
        }
        process::tie_to_parent(&mut cmd, DeathSignal::Term);
        let out = cmd.output();
        if self.password.is_some() {
            std::fs::remove_file(&pwfile).map_err(|e| {
                ClusterError::new(format!("cannot remove {}: {e}", pwfile.display()))
            })?;
        }
        let out = out.map_err(|e| {
            ClusterError::new(format!(
                "cannot run {}: {e}",
                self.shared.bin.join("initdb").display()
            ))
        })?;
        if out.status.success() {
            return Ok(());
        }
        let hint = match &self.shared.user {
            Some(u) => format!(
                "; it ran as user `{}`, who must be able to read the installation in {} and \
                 reach {} (set TMPDIR to a directory that user can reach)",
                u.name,
                self.shared.bin.display(),
                self.dir().display()
            ),
            None => String::new(),
        };
        Err(ClusterError::new(format!(
            "initdb from {} failed:\n{}{hint}",
            self.shared.bin.display(),
            output_text(&out)
        )))
    }

    /// Replaces initdb's `pg_hba.conf`: trust only on the private socket; on TCP, if any, a
    /// password for every role.
    fn write_hba(&self) -> Result<(), ClusterError> {
        let mut hba = String::from(
            "# Written by cargo-schemalock. Only the Unix socket, in a directory of mode 0700, is\n\
             # trusted; a network address never is.\n\
             local all all trust\n",
        );
        if self.network == Network::LoopbackWithPassword {
            hba.push_str("host all all 127.0.0.1/32 scram-sha-256\n");
        }
        let path = self.data_dir().join("pg_hba.conf");
        // The file exists (initdb made it, owned by the server's user): rewriting keeps its owner.
        std::fs::write(&path, hba)
            .map_err(|e| ClusterError::new(format!("cannot write {}: {e}", path.display())))
    }

    /// Starts the server on `self.port`; on failure, whether another port may help.
    fn start_server(&mut self) -> Result<(), (ClusterError, bool)> {
        let fail = |m: String| (ClusterError::new(m), false);
        let log_path = self.log_path();
        let mut options = File::options();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let log = options
            .open(&log_path)
            .map_err(|e| fail(format!("cannot open {}: {e}", log_path.display())))?;
        if let Some(user) = &self.shared.user {
            chown(&log_path, user).map_err(|e| (e, false))?;
        }
        let log_err = log
            .try_clone()
            .map_err(|e| fail(format!("cannot open {}: {e}", log_path.display())))?;
        let listen = match self.network {
            Network::None => "",
            Network::LoopbackWithPassword => "127.0.0.1",
        };
        let settings = [
            format!("listen_addresses={listen}"),
            format!("port={}", self.port),
            format!("unix_socket_directories={}", self.socket_dir().display()),
            "unix_socket_permissions=0700".to_owned(),
            "fsync=off".to_owned(),
            "synchronous_commit=off".to_owned(),
            "full_page_writes=off".to_owned(),
            "max_connections=30".to_owned(),
            "shared_buffers=32MB".to_owned(),
            "log_min_messages=warning".to_owned(),
            "log_min_error_statement=error".to_owned(),
            "log_line_prefix=%m [%p] %q%u@%d ".to_owned(),
            "timezone=UTC".to_owned(),
        ];
        let mut cmd = self.server_command("postgres");
        cmd.arg("-D").arg(self.data_dir());
        for s in &settings {
            cmd.arg("-c").arg(s);
        }
        cmd.stdout(Stdio::from(log)).stderr(Stdio::from(log_err));
        // Its own process group: a terminal's Ctrl-C goes to us, and we stop it in order.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        process::tie_to_parent(&mut cmd, DeathSignal::Quit);
        let child = process::spawn_tied(cmd).map_err(|e| {
            fail(format!(
                "cannot run {}: {e}",
                self.shared.bin.join("postgres").display()
            ))
        })?;
        *lock(&self.shared.server) = Some(child);
        match self.wait_ready() {
            Ok(()) => Ok(()),
            Err(e) => {
                let log = self.server_log();
                let retry = self.network == Network::LoopbackWithPassword
                    && (log.contains("could not bind") || log.contains("already in use"));
                let _ = self.shared.stop();
                Err((ClusterError::new(format!("{e}\nserver log:\n{log}")), retry))
            }
        }
    }

    /// Waits until `postmaster.pid` says the server is ready, or the server exits.
    fn wait_ready(&self) -> Result<(), String> {
        let pid_file = self.data_dir().join("postmaster.pid");
        let started = Instant::now();
        loop {
            {
                let mut server = lock(&self.shared.server);
                let Some(child) = server.as_mut() else {
                    return Err("the PostgreSQL server was stopped during startup".to_owned());
                };
                match child.try_wait() {
                    Ok(Some(status)) => {
                        *server = None;
                        return Err(format!(
                            "PostgreSQL from {} exited during startup ({status})",
                            self.shared.bin.display()
                        ));
                    }
                    Ok(None) => {}
                    Err(e) => return Err(format!("cannot watch the PostgreSQL server: {e}")),
                }
            }
            // Line 8 of postmaster.pid is the server's status (PostgreSQL 10 and later).
            if let Ok(text) = std::fs::read_to_string(&pid_file) {
                if text.lines().nth(7).is_some_and(|s| s.trim() == "ready") {
                    return Ok(());
                }
            }
            if started.elapsed() > TIMEOUT {
                return Err(format!(
                    "PostgreSQL from {} did not become ready within {} seconds",
                    self.shared.bin.display(),
                    TIMEOUT.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
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
