//! The operating system's view of what a test started: processes, their TCP listeners, and
//! another OS user who must not be able to reach any of it (Linux, `/proc`).
//!
//! ```no_run
//! use schemalock_tests::os;
//! let Some(outsider) = os::Outsider::get() else { return }; // not root: skipped
//! let refused = outsider.psql("/usr/lib/postgresql/15/bin".as_ref(), "127.0.0.1", 5432);
//! assert!(refused.is_err());
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The unprivileged user the tests connect as, to show they are refused: `nobody` (Debian and
/// most others have it; `.ci/setup-postgres.sh` creates it where missing).
pub const OUTSIDER: &str = "nobody";

/// Another OS user than this process's and the server's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outsider {
    pub uid: u32,
    pub gid: u32,
}

impl Outsider {
    /// [`OUTSIDER`], or `None` (after printing why) when this process cannot act as another
    /// user (it is not root) or the user does not exist. Under `CI=true`, which runs as root, a
    /// missing user panics.
    pub fn get() -> Option<Outsider> {
        if !schemalock_cluster::running_as_root() {
            eprintln!("skipping: only root can connect as another OS user ({OUTSIDER})");
            return None;
        }
        match schemalock_cluster::server_user_for(true, OUTSIDER) {
            Ok(Some(u)) => Some(Outsider {
                uid: u.uid,
                gid: u.gid,
            }),
            other => {
                let msg = format!("cannot act as OS user `{OUTSIDER}`: {other:?}");
                if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                    panic!("{msg}");
                }
                eprintln!("skipping: {msg}");
                None
            }
        }
    }

    /// Runs `psql` from `bin` as this user against `host` (an address, or a socket directory)
    /// and `port`, as `postgres` with no password (and never asking for one): `Ok(output)` when it
    /// got in and ran `SELECT current_user`, `Err(output)` when it was refused.
    pub fn psql(&self, bin: &Path, host: &str, port: u16) -> Result<String, String> {
        let out = Command::new(bin.join("psql"))
            .args(["-X", "-w", "-A", "-t", "-U", "postgres", "-d", "postgres"])
            .args(["-h", host, "-p", &port.to_string()])
            .args(["-c", "SELECT current_user"])
            .env_remove("PGPASSWORD")
            .env_remove("PGPASSFILE")
            .env_remove("PGSERVICE")
            .env("HOME", "/nonexistent")
            .env("PGCONNECT_TIMEOUT", "10")
            .current_dir("/")
            .stdin(Stdio::null())
            .uid(self.uid)
            .gid(self.gid)
            .output()
            .unwrap_or_else(|e| panic!("cannot run psql as {OUTSIDER}: {e}"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.success() {
            Ok(text)
        } else {
            Err(text)
        }
    }
}

/// The start time of a live process (clock ticks since boot), or `None` when it is gone or a
/// zombie.
pub use schemalock_cluster::process_start_time as start_time;
/// The parent and the children of a live process.
pub use schemalock_cluster::{children_of, parent_of};

/// A process, identified by pid and start time so that a reused pid is not mistaken for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Process {
    pub pid: u32,
    pub started: u64,
}

impl Process {
    /// The live process `pid`, if any.
    pub fn get(pid: u32) -> Option<Process> {
        start_time(pid).map(|started| Process { pid, started })
    }

    /// Still running (not a zombie, not a later process with the same pid).
    pub fn is_alive(&self) -> bool {
        start_time(self.pid) == Some(self.started)
    }

    /// Its live children.
    pub fn children(&self) -> Vec<Process> {
        children_of(self.pid)
            .into_iter()
            .filter_map(Process::get)
            .collect()
    }

    /// The TCP addresses it listens on (IPv4 and IPv6).
    pub fn tcp_listeners(&self) -> Vec<SocketAddr> {
        let mut inodes = Vec::new();
        let fds = std::fs::read_dir(format!("/proc/{}/fd", self.pid));
        for fd in fds.into_iter().flatten().flatten() {
            if let Ok(target) = std::fs::read_link(fd.path()) {
                let t = target.to_string_lossy();
                if let Some(inode) = t.strip_prefix("socket:[").and_then(|t| t.strip_suffix(']')) {
                    inodes.push(inode.to_owned());
                }
            }
        }
        let mut out = Vec::new();
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let Ok(text) = std::fs::read_to_string(table) else {
                continue;
            };
            for line in text.lines().skip(1) {
                let f: Vec<&str> = line.split_whitespace().collect();
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if f.len() < 10 || f[3] != "0A" || !inodes.iter().any(|i| i == f[9]) {
                    continue;
                }
                out.extend(parse_proc_net_addr(f[1]));
            }
        }
        out
    }
}

/// `0100007F:1F90` (IPv4) or 32 hex digits and a port (IPv6), as `/proc/net/tcp*` writes them
/// (each 32-bit word in host byte order).
fn parse_proc_net_addr(s: &str) -> Option<SocketAddr> {
    let (ip, port) = s.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let words: Option<Vec<u32>> = (0..ip.len() / 8)
        .map(|i| u32::from_str_radix(&ip[i * 8..i * 8 + 8], 16).ok())
        .collect();
    let bytes: Vec<u8> = words?.iter().flat_map(|w| w.to_ne_bytes()).collect();
    let ip = match bytes.len() {
        4 => IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])),
        16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// Processes stopped with SIGSTOP, as a server that hangs; resumed (SIGCONT) when dropped, also
/// when an assertion failed: a stopped server cannot shut down. Processes that are gone by then
/// are fine.
#[derive(Debug, Default)]
pub struct Stopped(Vec<u32>);

impl Stopped {
    /// Stops `pid` (the test's own process's or, as root, anyone's); one that has just ended
    /// is left alone.
    pub fn stop(&mut self, pid: u32) {
        if signal("-STOP", pid) {
            self.0.push(pid);
        } else {
            assert!(start_time(pid).is_none(), "kill -STOP {pid} failed");
        }
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        for pid in self.0.drain(..) {
            signal("-CONT", pid);
        }
    }
}

/// Sends `signal` (`-STOP`) to `pid` with `kill(1)`; whether it was delivered.
fn signal(signal: &str, pid: u32) -> bool {
    Command::new("kill")
        .args([signal, &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Polls `done` every 50 ms until it is true or `timeout` passed; panics saying what it waited
/// for. For conditions that take an unknown time on a loaded machine.
pub fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < timeout,
            "waited {}s for {what}",
            timeout.as_secs()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_net_addresses() {
        assert_eq!(
            parse_proc_net_addr("0100007F:1F90"),
            Some("127.0.0.1:8080".parse().unwrap())
        );
        assert_eq!(
            parse_proc_net_addr("00000000000000000000000001000000:0016"),
            Some("[::1]:22".parse().unwrap())
        );
    }

    #[test]
    fn this_process_is_alive_and_listens_where_it_binds() {
        let me = Process::get(std::process::id()).unwrap();
        assert!(me.is_alive());
        let l = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        assert!(
            me.tcp_listeners().contains(&l.local_addr().unwrap()),
            "{:?}",
            me.tcp_listeners()
        );
    }
}
