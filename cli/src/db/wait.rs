//! The deadline on every wait for a server, and how a wait that ran out is told.
//!
//! The blocking driver has no per-query timeout, and a stopped server never applies its own
//! `statement_timeout`. So each wait runs on a worker thread ([`bounded`]) while the caller's
//! thread waits at most a deadline; when it passes, the caller reports what it waited for
//! ([`timed_out`]) and moves on, and the worker is left blocked until the process ends. The
//! caller's thread keeps ownership of everything that must be cleaned up (shadow databases, local
//! clusters).
//!
//! Deadlines ([`Timeouts`]) are set once from the command line ([`set_timeouts`]): connecting
//! (a connection string's `connect_timeout` applies when the flag is absent), reading a schema,
//! each step of building a shadow database; and `--lock-timeout` and `--statement-timeout`, which
//! the server itself enforces inside a read (`schemalock_runtime::introspect::Options`).

use std::sync::OnceLock;
use std::sync::mpsc::{RecvTimeoutError, sync_channel};
use std::time::Duration;

use schemalock_runtime::introspect::{Options, Steps};

/// How long to wait for a server to let us in, unless told otherwise.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long reading a schema may take once connected, unless told otherwise. Introspecting the
/// largest schemas we test with takes well under a second; this leaves room for slow links and
/// busy servers while still ending a hang.
pub(crate) const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// How long each step of building a shadow database (creating or dropping it, applying one
/// migration file) may take, unless told otherwise. On a new, empty database a migration file
/// takes milliseconds to seconds (crates.io's 285 take a few seconds together); five minutes
/// leaves room for extensions, seed data and busy servers while still ending a hang.
pub(crate) const DEFAULT_MIGRATION_TIMEOUT: Duration = Duration::from_secs(300);

/// How long each wait on a server may last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeouts {
    /// Connecting: every host, the TCP connect, the startup and authentication together. `None`:
    /// the connection string's `connect_timeout`, else [`DEFAULT_CONNECT_TIMEOUT`].
    pub(crate) connect: Option<Duration>,
    /// Reading a schema once connected, all its queries together.
    pub(crate) read: Duration,
    /// Inside the read, the server's wait for a lock another session holds.
    pub(crate) lock: Duration,
    /// Inside the read, the server's limit on each statement.
    pub(crate) statement: Duration,
    /// Each step of building a shadow database: creating or dropping it, applying one migration
    /// file.
    pub(crate) migration: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: None,
            read: DEFAULT_READ_TIMEOUT,
            lock: Options::DEFAULT_LOCK_TIMEOUT,
            statement: Options::DEFAULT_STATEMENT_TIMEOUT,
            migration: DEFAULT_MIGRATION_TIMEOUT,
        }
    }
}

static TIMEOUTS: OnceLock<Timeouts> = OnceLock::new();

/// Sets the deadlines of this process, once (the command line's); later calls change nothing.
pub(crate) fn set_timeouts(timeouts: Timeouts) {
    let _ = TIMEOUTS.set(timeouts);
}

/// The deadlines of this process: those set by [`set_timeouts`], else the defaults.
pub(crate) fn timeouts() -> Timeouts {
    TIMEOUTS.get().copied().unwrap_or_default()
}

/// A wait on a server that ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimedOut {
    pub(crate) after: Duration,
}

/// Runs `work` on a worker thread and waits at most `limit` for it. On time-out the worker is
/// abandoned (it ends with the process); a panic in `work` resumes here.
pub(crate) fn bounded<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, TimedOut> {
    let (tx, rx) = sync_channel(1);
    let worker = std::thread::Builder::new()
        .name("schemalock-db".into())
        .spawn(move || {
            let _ = tx.send(work());
        })
        .expect("spawn a thread");
    match rx.recv_timeout(limit) {
        Ok(value) => Ok(value),
        Err(RecvTimeoutError::Timeout) => Err(TimedOut { after: limit }),
        Err(RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends before it ends"),
        },
    }
}

/// What may keep a server from answering, for [`timed_out`].
pub(crate) const SERVER_STALLED: &str =
    "the server may be stopped, overloaded, or waiting on a lock";

/// The options of every schema read: the lock and statement deadlines of [`timeouts`], the
/// running queries marked in `steps` (to name the one a timed-out read waited on).
pub(crate) fn read_options(steps: &Steps) -> Options {
    let deadlines = timeouts();
    Options::default()
        .lock_timeout(deadlines.lock)
        .statement_timeout(deadlines.statement)
        .steps(steps.clone())
}

/// What a wait that ran out says: `WHAT timed out: no answer within 3 s to query `relations`
/// (WHY); check the server, or wait longer with `FLAG SECONDS``. `running` are the steps of a
/// read that were running then ([`schemalock_runtime::introspect::Steps`]).
pub(crate) fn timed_out(
    what: &str,
    after: Duration,
    running: &[&str],
    why: &str,
    flag: &str,
) -> String {
    let quoted: Vec<String> = running.iter().map(|s| format!("`{s}`")).collect();
    let during = match quoted.as_slice() {
        [] => String::new(),
        [one] => format!(" to query {one}"),
        [first @ .., last] => format!(" to queries {} and {last}", first.join(", ")),
    };
    format!(
        "{what} timed out: no answer within {}{during} ({why}); check the server, or wait longer \
         with `{flag} SECONDS`",
        seconds(after)
    )
}

/// `10 s`, `2.5 s`.
pub(crate) fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_waits_at_most_the_limit() {
        assert_eq!(bounded(Duration::from_secs(5), || 7), Ok(7));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let started = std::time::Instant::now();
        // Blocks until the test ends and drops `tx`.
        let r = bounded(Duration::from_millis(100), move || rx.recv().is_ok());
        assert_eq!(
            r,
            Err(TimedOut {
                after: Duration::from_millis(100)
            })
        );
        // Only "did not wait forever": timing assertions are for benchmarks.
        assert!(started.elapsed() < Duration::from_secs(60));
        drop(tx);
    }

    #[test]
    fn a_panicking_worker_panics_the_caller() {
        let r = std::panic::catch_unwind(|| bounded(Duration::from_secs(5), || panic!("boom")));
        assert!(r.is_err());
    }

    #[test]
    fn timeouts_say_what_was_running() {
        let why = "the server may be stopped";
        assert_eq!(
            timed_out(
                "reading",
                Duration::from_secs(3),
                &[],
                why,
                "--read-timeout"
            ),
            "reading timed out: no answer within 3 s (the server may be stopped); check the \
             server, or wait longer with `--read-timeout SECONDS`"
        );
        let one = timed_out("x", Duration::from_secs(1), &["relations"], why, "--f");
        assert!(
            one.contains("within 1 s to query `relations` (the"),
            "{one}"
        );
        let three = timed_out("x", Duration::from_secs(1), &["a", "b", "c"], why, "--f");
        assert!(three.contains("to queries `a`, `b` and `c` ("), "{three}");
    }

    #[test]
    fn seconds_are_short() {
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(2500)), "2.5 s");
    }
}
