//! Throwaway local PostgreSQL clusters: `initdb` into a temporary directory, a server on a Unix
//! socket in that directory and on a free TCP port on 127.0.0.1 only, trust authentication; stopped
//! and deleted on drop.
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
//! PostgreSQL refuses to run as root. When this process is root, the server binaries run as an
//! unprivileged user instead: [`SERVER_USER_ENV`] if set, else `postgres`. The temporary
//! directory is handed to that user, and the binaries and their installation must be readable by
//! it. The server is a child of this process and in its process group, so a Ctrl-C in a terminal
//! stops it too.

use std::ffi::OsStr;
use std::fmt;
use std::fs::File;
use std::net::TcpListener;
#[cfg(unix)]
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The environment variable naming the bin directory of the PostgreSQL to use.
pub const PG_BIN_ENV: &str = "PG_BIN";

/// The environment variable naming the user the server runs as when this process is root.
pub const SERVER_USER_ENV: &str = "SCHEMALOCK_PG_USER";

/// The user the server runs as when this process is root and [`SERVER_USER_ENV`] is not set.
pub const DEFAULT_SERVER_USER: &str = "postgres";

/// The programs a bin directory must hold.
pub const REQUIRED_BINARIES: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

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

fn missing_binaries(dir: &Path) -> Vec<&'static str> {
    REQUIRED_BINARIES
        .into_iter()
        .filter(|b| !dir.join(b).is_file())
        .collect()
}

/// The bin directory of the PostgreSQL to use: [`PG_BIN_ENV`] if set, else the directory of the
/// `initdb` found on `PATH` (symlinks resolved), else the newest `/usr/lib/postgresql/*/bin`.
pub fn find_bin_dir() -> Result<PathBuf, ClusterError> {
    find_bin_dir_from(
        std::env::var_os(PG_BIN_ENV).as_deref(),
        std::env::var_os("PATH").as_deref(),
        Path::new("/usr/lib/postgresql"),
    )
}

/// [`find_bin_dir`] with the environment given: `pg_bin` for `PG_BIN`, `path` for `PATH`, and the
/// directory holding one folder per major version (`/usr/lib/postgresql`).
pub fn find_bin_dir_from(
    pg_bin: Option<&OsStr>,
    path: Option<&OsStr>,
    versions_root: &Path,
) -> Result<PathBuf, ClusterError> {
    if let Some(dir) = pg_bin.filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        let missing = missing_binaries(&dir);
        if missing.is_empty() {
            return Ok(dir);
        }
        return Err(ClusterError::new(format!(
            "{PG_BIN_ENV} is set to {}, which has no {}: set {PG_BIN_ENV} to the bin directory \
             of a PostgreSQL installation (the one holding initdb, pg_ctl and postgres)",
            dir.display(),
            missing.join(", ")
        )));
    }
    if let Some(path) = path {
        for dir in std::env::split_paths(path) {
            let initdb = dir.join("initdb");
            if !initdb.is_file() {
                continue;
            }
            // `/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb`: the real directory
            // holds the whole installation.
            let real = std::fs::canonicalize(&initdb)
                .ok()
                .and_then(|p| p.parent().map(Path::to_owned));
            for candidate in real.into_iter().chain([dir]) {
                if missing_binaries(&candidate).is_empty() {
                    return Ok(candidate);
                }
            }
        }
    }
    let mut versions: Vec<(Vec<u64>, PathBuf)> = std::fs::read_dir(versions_root)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let key: Option<Vec<u64>> = name.split('.').map(|p| p.parse().ok()).collect();
            Some((key?, e.path().join("bin")))
        })
        .filter(|(_, bin)| missing_binaries(bin).is_empty())
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    Err(ClusterError::new(format!(
        "no PostgreSQL server binaries found: {PG_BIN_ENV} is not set, there is no initdb on \
         PATH, and no {}/<version>/bin; install the PostgreSQL server (for example `apt-get \
         install postgresql`), or set {PG_BIN_ENV} to the bin directory of an installation",
        versions_root.display()
    )))
}

/// The unprivileged user the server runs as when this process is root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUser {
    /// The user name.
    pub name: String,
    /// Its user id.
    pub uid: u32,
    /// Its primary group id.
    pub gid: u32,
}

/// True when this process runs as root (effective uid 0).
pub fn running_as_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // `/proc/self` is owned by the effective user; elsewhere ask `id`.
        if let Ok(meta) = std::fs::metadata("/proc/self") {
            return meta.uid() == 0;
        }
        Command::new("id")
            .arg("-u")
            .output()
            .ok()
            .is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    }
    #[cfg(not(unix))]
    false
}

/// The user the server must run as: `None` when this process is not root (the server runs as
/// this user); else [`SERVER_USER_ENV`] or `postgres`, which must exist.
pub fn server_user() -> Result<Option<ServerUser>, ClusterError> {
    let name = std::env::var(SERVER_USER_ENV)
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_SERVER_USER.to_owned());
    server_user_for(running_as_root(), &name)
}

/// [`server_user`] for a given answer to "are we root?" and user name.
pub fn server_user_for(is_root: bool, name: &str) -> Result<Option<ServerUser>, ClusterError> {
    if !is_root {
        return Ok(None);
    }
    let lookup = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, "--", name]).output().ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    match (lookup("-u"), lookup("-g")) {
        (Some(0), _) => Err(ClusterError::new(format!(
            "PostgreSQL refuses to run as root, and user `{name}` is root too: set \
             {SERVER_USER_ENV} to an unprivileged user"
        ))),
        (Some(uid), Some(gid)) => Ok(Some(ServerUser {
            name: name.to_owned(),
            uid,
            gid,
        })),
        _ => Err(ClusterError::new(format!(
            "PostgreSQL refuses to run as root, and there is no user `{name}` to run it as: \
             create one (for example `useradd --system --user-group {name}`), set \
             {SERVER_USER_ENV} to an existing unprivileged user, or run as a non-root user"
        ))),
    }
}

/// A running throwaway cluster. Stopped and deleted on drop.
pub struct LocalCluster {
    bin: PathBuf,
    user: Option<ServerUser>,
    port: u16,
    server: Option<Child>,
    // `None` once removed.
    dir: Option<tempfile::TempDir>,
}

impl fmt::Debug for LocalCluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalCluster")
            .field("bin", &self.bin)
            .field("dir", &self.dir.as_ref().map(|d| d.path()))
            .field("port", &self.port)
            .field("user", &self.user.as_ref().map(|u| &u.name))
            .field("running", &self.server.is_some())
            .finish()
    }
}

fn free_port() -> Result<u16, ClusterError> {
    let l = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| ClusterError::new(format!("cannot find a free port on 127.0.0.1: {e}")))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| ClusterError::new(format!("cannot find a free port on 127.0.0.1: {e}")))
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

impl LocalCluster {
    /// Starts a cluster from the binaries in `bin`, as [`server_user`] when this process is root.
    pub fn start(bin: &Path) -> Result<LocalCluster, ClusterError> {
        LocalCluster::start_as(bin, server_user()?)
    }

    /// Starts a cluster from the binaries in `bin`, running them as `user` (`None`: as this
    /// process's user).
    pub fn start_as(bin: &Path, user: Option<ServerUser>) -> Result<LocalCluster, ClusterError> {
        let missing = missing_binaries(bin);
        if !missing.is_empty() {
            return Err(ClusterError::new(format!(
                "{} has no {}: it is not the bin directory of a PostgreSQL installation",
                bin.display(),
                missing.join(", ")
            )));
        }
        let dir = tempfile::Builder::new()
            .prefix("schemalock-pg")
            .tempdir()
            .map_err(|e| {
                ClusterError::new(format!(
                    "cannot create a temporary directory for PostgreSQL in {}: {e}",
                    std::env::temp_dir().display()
                ))
            })?;
        let mut cluster = LocalCluster {
            bin: bin.to_owned(),
            user,
            port: 0,
            server: None,
            dir: Some(dir),
        };
        std::fs::create_dir(cluster.socket_dir()).map_err(|e| {
            ClusterError::new(format!(
                "cannot create {}: {e}",
                cluster.socket_dir().display()
            ))
        })?;
        if let Some(user) = &cluster.user {
            chown(cluster.dir(), user)?;
            chown(&cluster.socket_dir(), user)?;
        }
        cluster.check_runnable()?;
        cluster.initdb()?;
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
        let Some(user) = &self.user else {
            return Ok(());
        };
        let result = self.server_command("postgres").arg("--version").output();
        let problem = match result {
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
            self.bin.join("postgres").display()
        )))
    }

    /// The temporary directory holding the data directory, the socket and the log.
    pub fn dir(&self) -> &Path {
        self.dir.as_ref().expect("cluster directory").path()
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir().join("data")
    }

    /// The directory holding the server's Unix socket.
    pub fn socket_dir(&self) -> PathBuf {
        self.dir().join("sock")
    }

    /// The server log.
    pub fn log_path(&self) -> PathBuf {
        self.dir().join("server.log")
    }

    /// The server log so far.
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_else(|e| format!("(no log: {e})"))
    }

    /// The bin directory the server runs from.
    pub fn bin_dir(&self) -> &Path {
        &self.bin
    }

    /// The user the server runs as, when not this process's.
    pub fn server_user(&self) -> Option<&ServerUser> {
        self.user.as_ref()
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `postgres://postgres@127.0.0.1:PORT/db` (TCP).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// A connection configuration for `db` as `postgres` over the Unix socket (TCP where there
    /// are no Unix sockets).
    pub fn config(&self, db: &str) -> postgres::Config {
        let mut config = postgres::Config::new();
        #[cfg(unix)]
        config.host_path(self.socket_dir());
        #[cfg(not(unix))]
        config.host("127.0.0.1");
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
        let mut cmd = Command::new(self.bin.join(program));
        #[cfg(unix)]
        if let Some(user) = &self.user {
            cmd.uid(user.uid).gid(user.gid).env("USER", &user.name);
        }
        // Our own working directory may be unreadable for the server's user.
        cmd.current_dir(self.dir())
            .env("LC_ALL", "C")
            .env("TZ", "UTC")
            .env_remove("PGDATA")
            .env_remove("PGPORT")
            .env_remove("PGHOST")
            .stdin(Stdio::null());
        cmd
    }

    fn initdb(&self) -> Result<(), ClusterError> {
        let out = self
            .server_command("initdb")
            .arg("-D")
            .arg(self.data_dir())
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .output()
            .map_err(|e| {
                ClusterError::new(format!(
                    "cannot run {}: {e}",
                    self.bin.join("initdb").display()
                ))
            })?;
        if out.status.success() {
            return Ok(());
        }
        let hint = match &self.user {
            Some(u) => format!(
                "; it ran as user `{}`, who must be able to read the installation in {} and \
                 reach {} (set TMPDIR to a directory that user can reach)",
                u.name,
                self.bin.display(),
                self.dir().display()
            ),
            None => String::new(),
        };
        Err(ClusterError::new(format!(
            "initdb from {} failed:\n{}{hint}",
            self.bin.display(),
            output_text(&out)
        )))
    }

    /// Starts the server on `self.port`; on failure, whether another port may help.
    fn start_server(&mut self) -> Result<(), (ClusterError, bool)> {
        let fail = |m: String| (ClusterError::new(m), false);
        let log = File::options()
            .create(true)
            .append(true)
            .open(self.log_path())
            .map_err(|e| fail(format!("cannot open {}: {e}", self.log_path().display())))?;
        if let Some(user) = &self.user {
            chown(&self.log_path(), user).map_err(|e| (e, false))?;
        }
        let log_err = log
            .try_clone()
            .map_err(|e| fail(format!("cannot open {}: {e}", self.log_path().display())))?;
        let settings = [
            "listen_addresses=127.0.0.1".to_owned(),
            format!("port={}", self.port),
            format!("unix_socket_directories={}", self.socket_dir().display()),
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
        let child = cmd
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err))
            .spawn()
            .map_err(|e| {
                fail(format!(
                    "cannot run {}: {e}",
                    self.bin.join("postgres").display()
                ))
            })?;
        self.server = Some(child);
        match self.wait_ready() {
            Ok(()) => Ok(()),
            Err(e) => {
                let log = self.server_log();
                let retry = log.contains("could not bind") || log.contains("already in use");
                let _ = self.stop();
                Err((ClusterError::new(format!("{e}\nserver log:\n{log}")), retry))
            }
        }
    }

    /// Waits until `postmaster.pid` says the server is ready, or the server exits.
    fn wait_ready(&mut self) -> Result<(), String> {
        let pid_file = self.data_dir().join("postmaster.pid");
        let started = Instant::now();
        loop {
            let child = self.server.as_mut().expect("server started");
            match child.try_wait() {
                Ok(Some(status)) => {
                    self.server = None;
                    return Err(format!(
                        "PostgreSQL from {} exited during startup ({status})",
                        self.bin.display()
                    ));
                }
                Ok(None) => {}
                Err(e) => return Err(format!("cannot watch the PostgreSQL server: {e}")),
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
                    self.bin.display(),
                    TIMEOUT.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server now (fast shutdown: open sessions are ended). Also done on drop.
    pub fn stop(&mut self) -> Result<(), ClusterError> {
        let Some(mut child) = self.server.take() else {
            return Ok(());
        };
        if let Ok(Some(_)) = child.try_wait() {
            return Ok(());
        }
        let out = self
            .server_command("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "fast", "-w", "-t"])
            .arg(TIMEOUT.as_secs().to_string())
            .arg("stop")
            .output();
        let problem = match out {
            Ok(o) if o.status.success() => None,
            Ok(o) => Some(output_text(&o)),
            Err(e) => Some(e.to_string()),
        };
        match problem {
            None => {
                let _ = child.wait();
                Ok(())
            }
            Some(problem) => {
                // The server is our child: end it rather than leave it running.
                let _ = child.kill();
                let _ = child.wait();
                Err(ClusterError::new(format!(
                    "pg_ctl stop failed for the PostgreSQL in {} (the server was killed): {problem}",
                    self.dir().display()
                )))
            }
        }
    }

    /// Stops the server and deletes its directory, reporting problems (drop does the same
    /// silently, printing problems to stderr).
    pub fn close(mut self) -> Result<(), ClusterError> {
        let stopped = self.stop();
        let removed = self.remove_dir();
        stopped.and(removed)
    }

    fn remove_dir(&mut self) -> Result<(), ClusterError> {
        match self.dir.take() {
            Some(dir) => {
                let path = dir.path().to_owned();
                dir.close().map_err(|e| {
                    ClusterError::new(format!("cannot remove {}: {e}", path.display()))
                })
            }
            None => Ok(()),
        }
    }

    /// Who runs the server, for messages: "user `postgres`" or "this user".
    pub fn runs_as(&self) -> String {
        match &self.user {
            Some(u) => format!("user `{}`", u.name),
            None => "this user".to_owned(),
        }
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            eprintln!("{e}");
        }
        if let Err(e) = self.remove_dir() {
            eprintln!("{e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_install(root: &Path, name: &str, programs: &[&str]) -> PathBuf {
        let bin = root.join(name).join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        for p in programs {
            std::fs::write(bin.join(p), "").unwrap();
        }
        bin
    }

    #[cfg(unix)]
    #[test]
    fn bin_dir_resolution_order() {
        let root = tempfile::tempdir().unwrap();
        let lib = root.path().join("lib");
        let v9 = fake_install(&lib, "9.6", &REQUIRED_BINARIES);
        let v15 = fake_install(&lib, "15", &REQUIRED_BINARIES);
        fake_install(&lib, "18", &["initdb"]); // incomplete: skipped
        fake_install(&lib, "notes", &REQUIRED_BINARIES); // not a version: skipped
        // Newest complete version under the versions root.
        assert_eq!(find_bin_dir_from(None, None, &lib).unwrap(), v15);
        // initdb on PATH wins, through a symlink to the real installation.
        let on_path = root.path().join("usr-local-bin");
        std::fs::create_dir(&on_path).unwrap();
        std::os::unix::fs::symlink(v9.join("initdb"), on_path.join("initdb")).unwrap();
        let path = std::env::join_paths([root.path().join("empty"), on_path.clone()]).unwrap();
        assert_eq!(
            find_bin_dir_from(None, Some(&path), &lib).unwrap(),
            std::fs::canonicalize(&v9).unwrap()
        );
        // PG_BIN wins over everything, and must be complete.
        assert_eq!(
            find_bin_dir_from(Some(v15.as_os_str()), Some(&path), &lib).unwrap(),
            v15
        );
        let err = find_bin_dir_from(Some(on_path.as_os_str()), None, &lib)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("PG_BIN is set to "), "{err}");
        assert!(err.contains("has no pg_ctl, postgres"), "{err}");
        // Nothing anywhere.
        let err = find_bin_dir_from(None, None, &root.path().join("nothing"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no PostgreSQL server binaries found"), "{err}");
        assert!(err.contains("set PG_BIN"), "{err}");
    }

    #[test]
    fn root_needs_an_existing_unprivileged_user() {
        assert_eq!(server_user_for(false, "whoever").unwrap(), None);
        let err = server_user_for(true, "schemalock-no-such-user")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("there is no user `schemalock-no-such-user`"),
            "{err}"
        );
        assert!(err.contains(SERVER_USER_ENV), "{err}");
        let err = server_user_for(true, "root").unwrap_err().to_string();
        assert!(err.contains("is root too"), "{err}");
    }
}
