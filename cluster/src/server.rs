//! The part of a local cluster that its cleanup action shares, and may use from the signal
//! thread: the server process and the private directory.

#[cfg(unix)]
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};

use super::process::{self, DeathSignal};
use super::{ClusterError, ServerUser, TIMEOUT, output_text};

/// What a cluster shares with its cleanup action, which may run on the signal thread.
pub(super) struct Shared {
    pub(super) bin: PathBuf,
    pub(super) user: Option<ServerUser>,
    /// The private temporary directory.
    pub(super) root: PathBuf,
    pub(super) server: Mutex<Option<Child>>,
    /// `None` once removed.
    pub(super) dir: Mutex<Option<tempfile::TempDir>>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing is left half-done under these locks, so a poisoned one holds consistent data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub(super) fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    pub(super) fn server_command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(program));
        #[cfg(unix)]
        if let Some(user) = &self.user {
            cmd.uid(user.uid).gid(user.gid).env("USER", &user.name);
        }
        // Our own working directory may be unreadable for the server's user.
        cmd.current_dir(&self.root)
            .env("LC_ALL", "C")
            .env("TZ", "UTC")
            .env_remove("PGDATA")
            .env_remove("PGPORT")
            .env_remove("PGHOST")
            .stdin(Stdio::null());
        cmd
    }

    /// Stops the server (fast shutdown: open sessions are ended), holding the lock throughout so
    /// that a concurrent stop (the signal thread's) waits for this one.
    pub(super) fn stop(&self) -> Result<(), ClusterError> {
        let mut server = lock(&self.server);
        let Some(mut child) = server.take() else {
            return Ok(());
        };
        if let Ok(Some(_)) = child.try_wait() {
            return Ok(());
        }
        let mut pg_ctl = self.server_command("pg_ctl");
        pg_ctl
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "fast", "-w", "-t"])
            .arg(TIMEOUT.as_secs().to_string())
            .arg("stop");
        process::tie_to_parent(&mut pg_ctl, DeathSignal::Term);
        let problem = match pg_ctl.output() {
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
                // The server is our child: end it and its backends rather than leave them
                // running (or stopped).
                process::kill_with_children(&mut child);
                Err(ClusterError::new(format!(
                    "pg_ctl stop failed for the PostgreSQL in {} (the server was killed): {problem}",
                    self.root.display()
                )))
            }
        }
    }

    /// Ends the server and its backends at once, without a shutdown: for a server that no
    /// longer answers (a stopped backend never ends on a shutdown request).
    pub(super) fn kill(&self) {
        if let Some(mut child) = lock(&self.server).take() {
            process::kill_with_children(&mut child);
        }
    }

    pub(super) fn remove_dir(&self) -> Result<(), ClusterError> {
        match lock(&self.dir).take() {
            Some(dir) => dir.close().map_err(|e| {
                ClusterError::new(format!("cannot remove {}: {e}", self.root.display()))
            }),
            None => Ok(()),
        }
    }

    pub(super) fn shut_down(&self) -> Result<(), ClusterError> {
        let stopped = self.stop();
        let removed = self.remove_dir();
        stopped.and(removed)
    }
}
