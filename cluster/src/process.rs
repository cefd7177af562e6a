//! The processes of a local cluster: started so that they die with this process, even when it is
//! killed with SIGKILL, and liveness checks for processes of earlier runs.
//!
//! Linux: the server gets a parent-death signal (`PR_SET_PDEATHSIG`). The kernel sends it when
//! the *thread* that forked the child exits, so the server is spawned from a thread that lives as
//! long as the process ([`spawn_tied`]); helpers that run to completion (`initdb`, `pg_ctl`) are
//! waited for by the thread that starts them, which therefore outlives them. Other platforms have
//! no such signal: there the server outlives a SIGKILL (SIGINT and SIGTERM are handled by
//! [`crate::cleanup`]), and its directory is removed by a later run once it has stopped.

use std::io;
use std::process::{Child, Command};
use std::sync::OnceLock;
use std::sync::mpsc;

/// The signal a child gets when this process dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DeathSignal {
    /// SIGQUIT: for the postmaster, an immediate shutdown that takes every backend down with it
    /// (SIGKILL would leave backends running until they next look for the postmaster).
    Quit,
    /// SIGTERM: for helpers, which clean up after themselves on it.
    Term,
}

/// Makes `cmd`'s process receive `signal` when the thread spawning it exits (Linux; elsewhere
/// nothing). Must be called after `uid`/`gid`: the kernel clears the setting when credentials
/// change, and std runs `pre_exec` after changing them.
pub(super) fn tie_to_parent(cmd: &mut Command, signal: DeathSignal) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let signal = match signal {
            DeathSignal::Quit => libc::SIGQUIT,
            DeathSignal::Term => libc::SIGTERM,
        };
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: the closure calls only async-signal-safe functions (prctl, getppid) and does
        // not allocate.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, signal as libc::c_ulong, 0, 0, 0) != 0 {
                    return Err(io::Error::last_os_error());
                }
                // This process died between fork and prctl: the signal will never come.
                if libc::getppid() != parent {
                    return Err(io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (cmd, signal);
}

type Request = (Command, mpsc::Sender<io::Result<Child>>);

/// Spawns `cmd` (already [`tie_to_parent`]d) from a thread that lives as long as the process, so
/// its parent-death signal comes when the process dies, not when the calling thread ends.
pub(super) fn spawn_tied(cmd: Command) -> io::Result<Child> {
    static SPAWNER: OnceLock<Result<mpsc::Sender<Request>, String>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Request>();
        std::thread::Builder::new()
            .name("schemalock-pg-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            })
            .map(|_| tx)
            .map_err(|e| e.to_string())
    });
    let spawner = spawner
        .as_ref()
        .map_err(|e| io::Error::other(format!("cannot start the spawner thread: {e}")))?;
    let (tx, rx) = mpsc::channel();
    spawner
        .send((cmd, tx))
        .map_err(|_| io::Error::other("the spawner thread is gone"))?;
    rx.recv()
        .map_err(|_| io::Error::other("the spawner thread is gone"))?
}

/// Ends `child`, a postmaster, and its children (the backends) at once with SIGKILL, which also
/// ends stopped ones, then reaps `child`. The backends lead process groups of their own, so
/// they are found by their parent (Linux); elsewhere only `child` ends, and its backends end
/// when they notice it is gone.
pub(super) fn kill_with_children(child: &mut Child) {
    #[cfg(target_os = "linux")]
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // Stopped first, so that it forks no child between the listing and its end.
        // SAFETY: kill has no memory-safety preconditions.
        unsafe {
            libc::kill(pid, libc::SIGSTOP);
        }
        for c in children_of(child.id()) {
            if let Ok(c) = libc::pid_t::try_from(c) {
                // SAFETY: as above.
                unsafe {
                    libc::kill(c, libc::SIGKILL);
                }
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The fields of `/proc/<pid>/stat` after the command name: state, parent, ... (Linux).
#[cfg(target_os = "linux")]
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid ...`: comm may hold spaces and parentheses; fields after the last
    // `)` are plain.
    let rest = &stat[stat.rfind(')')? + 1..];
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

/// The parent of a live process (Linux; `None` elsewhere, or when it is gone).
pub fn parent_of(pid: u32) -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        stat_fields(pid)?.get(1)?.parse().ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        None
    }
}

/// The live children of a process (Linux; none elsewhere).
pub fn children_of(pid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .filter(|&child| parent_of(child) == Some(pid))
        .collect()
}

/// The identity of a live process: its start time in clock ticks since boot (Linux), `Some(0)`
/// where that is unknown; `None` when there is no such process (or it is a zombie: dead, and
/// waiting for a parent that may never reap it).
pub fn start_time(pid: u32) -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        // State is field 3, start time field 22.
        let fields = stat_fields(pid)?;
        if matches!(fields.first().map(String::as_str), Some("Z") | Some("X")) {
            return None;
        }
        fields.get(19)?.parse().ok()
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let pid = libc::pid_t::try_from(pid).ok()?;
        // SAFETY: signal 0 only checks that the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0
            || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
        alive.then_some(0)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        Some(0)
    }
}

/// True when process `pid` is alive and, if `started` is known (not 0), is the process that
/// started then (not a later one that reused the id).
pub(super) fn is_alive(pid: u32, started: u64) -> bool {
    match start_time(pid) {
        None => false,
        Some(now) => started == 0 || now == 0 || now == started,
    }
}

/// This process's start time as [`start_time`] gives it (0 where unknown).
pub(super) fn own_start_time() -> u64 {
    start_time(std::process::id()).unwrap_or(0)
}

/// The effective user id of this process.
pub(super) fn effective_uid() -> Option<u32> {
    #[cfg(unix)]
    {
        // SAFETY: geteuid cannot fail.
        Some(unsafe { libc::geteuid() })
    }
    #[cfg(not(unix))]
    None
}

/// `n` random bytes from the operating system, as lowercase hex: names and passwords nobody can
/// guess.
pub fn random_hex(n: usize) -> io::Result<String> {
    let mut bytes = vec![0u8; n];
    #[cfg(unix)]
    {
        use std::io::Read;
        std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    }
    #[cfg(not(unix))]
    {
        use std::hash::BuildHasher;
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = std::collections::hash_map::RandomState::new().hash_one(i) as u8;
        }
    }
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
