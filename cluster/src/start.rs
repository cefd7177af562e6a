//! Starting a local cluster: the private directory, `initdb`, `pg_hba.conf`, the server, and
//! waiting until it is ready.

use std::fs::File;
use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::install::missing_binaries;
use super::process::{self, DeathSignal};
use super::server::{Shared, lock};
use super::{
    ClusterError, LocalCluster, Network, PG_BIN_ENV, SOCKET_ONLY_PORT, ServerUser, TIMEOUT,
    cleanup, output_text, stale,
};

fn free_port() -> Result<u16, ClusterError> {
    let l = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| ClusterError::new(format!("cannot find a free port on 127.0.0.1: {e}")))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| ClusterError::new(format!("cannot find a free port on 127.0.0.1: {e}")))
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
}
