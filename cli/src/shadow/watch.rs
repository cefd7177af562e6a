//! Every wait of a shadow database build is bounded: the work on the server runs on a worker
//! thread, which announces each step before it starts it; the caller's thread waits for the next
//! announcement at most that step's limit, and when it runs out, reports which step hung.
//!
//! The blocking driver cannot give up on a query (a stopped server never answers, and
//! `statement_timeout` is the server's own, so a stopped server never applies it either). So
//! the caller walks away instead: the worker stays blocked until the process ends. The caller
//! keeps what must be undone whatever the worker does: the worker hands it the shadow
//! database's cleanup as soon as it is registered, and progress callbacks run on the caller's
//! thread.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use schemalock_runtime::Snapshot;
use schemalock_runtime::introspect::Steps;

use super::{Error, Progress};
use crate::db::connect::connect_limit;
use crate::db::wait::{SERVER_STALLED, timed_out, timeouts};
use schemalock_cluster::cleanup::Cleanup;

/// How much longer than a connect's own deadline the caller waits, so that the connect's own
/// message (which says what went wrong) arrives first.
const CONNECT_GRACE: Duration = Duration::from_secs(5);

/// What may keep a migration from answering.
const MIGRATION_STALLED: &str =
    "the server may be stopped, overloaded, or waiting on a lock, or the migration runs long";

/// A step of the work, as the caller waits for it.
#[derive(Debug, Clone)]
pub(super) struct Step {
    /// What is waited for, as a message says it: "applying migration `m/2_x.sql` to ...".
    what: String,
    limit: Duration,
    why: &'static str,
    /// The flag that changes the limit.
    flag: &'static str,
    /// For a read: the queries running.
    queries: Option<Steps>,
}

impl Step {
    /// Connecting with `config`; the connect bounds itself, this only waits a little longer.
    pub(super) fn connect(what: String, config: &postgres::Config) -> Step {
        Step {
            what,
            limit: connect_limit(config) + CONNECT_GRACE,
            why: SERVER_STALLED,
            flag: "--connect-timeout",
            queries: None,
        }
    }

    /// Statements on the server that are not a migration's: `--migration-timeout`.
    pub(super) fn server(what: String) -> Step {
        Step {
            what,
            limit: timeouts().migration,
            why: SERVER_STALLED,
            flag: "--migration-timeout",
            queries: None,
        }
    }

    /// Applying one migration file: `--migration-timeout`.
    pub(super) fn migration(what: String) -> Step {
        Step {
            why: MIGRATION_STALLED,
            ..Step::server(what)
        }
    }

    /// Reading the migrated schema, whose queries mark themselves in `queries`:
    /// `--read-timeout`.
    pub(super) fn read(what: String, queries: Steps) -> Step {
        Step {
            what,
            limit: timeouts().read,
            why: SERVER_STALLED,
            flag: "--read-timeout",
            queries: Some(queries),
        }
    }

    /// The limit of the step.
    pub(super) fn limit(&self) -> Duration {
        self.limit
    }

    /// The message for this step running out.
    pub(super) fn timed_out(&self) -> String {
        let running = self
            .queries
            .as_ref()
            .map(Steps::running)
            .unwrap_or_default();
        timed_out(&self.what, self.limit, &running, self.why, self.flag)
    }
}

/// What the worker tells the caller.
enum Event {
    Step(Step),
    Progress(Progress),
    Cleanup(Cleanup),
    Done(Result<Snapshot, Error>),
}

/// The worker's side: each call tells the caller something. A caller that stopped listening
/// (it gave up waiting) is no error: the worker just carries on until its blocked call ends.
pub(super) struct Events(Sender<Event>);

impl Events {
    /// The next step starts now.
    pub(super) fn step(&self, step: Step) {
        let _ = self.0.send(Event::Step(step));
    }

    /// For the caller's progress callback.
    pub(super) fn progress(&self, progress: Progress) {
        let _ = self.0.send(Event::Progress(progress));
    }

    /// Hands the caller the cleanup of what the worker created, to run whatever becomes of the
    /// worker. When the caller is gone, the cleanup runs here, now.
    pub(super) fn cleanup(&self, cleanup: Cleanup) {
        if let Err(mpsc::SendError(Event::Cleanup(cleanup))) = self.0.send(Event::Cleanup(cleanup))
        {
            drop(cleanup);
        }
    }
}

/// How the watched work ended.
pub(super) struct Watched {
    pub(super) result: Result<Snapshot, Stop>,
    /// What the worker handed over to undo.
    pub(super) cleanup: Option<Cleanup>,
}

/// Why there is no snapshot.
pub(super) enum Stop {
    Failed(Error),
    /// This step did not end within its limit.
    TimedOut(Step),
}

/// Runs `work` on a worker thread and waits for each of its steps at most the step's limit,
/// passing progress to `progress` on this thread. `first` is the step the work starts with.
pub(super) fn watch(
    first: Step,
    progress: Option<&dyn Fn(Progress)>,
    work: impl FnOnce(&Events) -> Result<Snapshot, Error> + Send + 'static,
) -> Watched {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("schemalock-shadow".into())
        .spawn(move || {
            let events = Events(tx);
            let result = work(&events);
            let _ = events.0.send(Event::Done(result));
        })
        .expect("spawn a thread");
    wait(&rx, first, progress, worker)
}

fn wait(
    rx: &Receiver<Event>,
    first: Step,
    progress: Option<&dyn Fn(Progress)>,
    worker: std::thread::JoinHandle<()>,
) -> Watched {
    let mut step = first;
    let mut cleanup = None;
    loop {
        match rx.recv_timeout(step.limit()) {
            Ok(Event::Step(next)) => step = next,
            Ok(Event::Progress(p)) => {
                if let Some(f) = progress {
                    f(p);
                }
            }
            Ok(Event::Cleanup(c)) => cleanup = Some(c),
            Ok(Event::Done(result)) => {
                return Watched {
                    result: result.map_err(Stop::Failed),
                    cleanup,
                };
            }
            Err(RecvTimeoutError::Timeout) => {
                return Watched {
                    result: Err(Stop::TimedOut(step)),
                    cleanup,
                };
            }
            // The worker always sends `Done` unless it panicked: the panic goes on here, and
            // `cleanup` is dropped on the way, which runs it.
            Err(RecvTimeoutError::Disconnected) => match worker.join() {
                Err(panic) => std::panic::resume_unwind(panic),
                Ok(()) => unreachable!("the worker sends `Done` before it ends"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick(what: &str) -> Step {
        Step {
            limit: Duration::from_millis(200),
            ..Step::server(what.to_owned())
        }
    }

    #[test]
    fn each_step_is_waited_for_at_most_its_limit() {
        let seen = std::cell::RefCell::new(Vec::new());
        let record = |p: Progress| seen.borrow_mut().push(format!("{p:?}"));
        let watched = watch(quick("first"), Some(&record), |events| {
            events.progress(Progress::Introspecting);
            events.step(Step {
                limit: Duration::from_secs(60),
                ..quick("second")
            });
            // Longer than the first step's limit, shorter than the second's.
            std::thread::sleep(Duration::from_millis(400));
            Ok(Snapshot::new())
        });
        assert!(watched.result.is_ok());
        assert_eq!(*seen.borrow(), ["Introspecting"]);

        let (tx, rx) = mpsc::channel::<()>();
        let watched = watch(quick("first"), None, move |events| {
            events.step(quick("applying migration `2_x.sql`"));
            // Blocks until the test ends and drops `tx`.
            let _ = rx.recv();
            Ok(Snapshot::new())
        });
        let Err(Stop::TimedOut(step)) = watched.result else {
            panic!("the step did not time out");
        };
        let message = step.timed_out();
        assert!(
            message.starts_with("applying migration `2_x.sql` timed out: no answer within 0.2 s"),
            "{message}"
        );
        assert!(
            message.contains("`--migration-timeout SECONDS`"),
            "{message}"
        );
        drop(tx);
    }

    #[test]
    fn a_panicking_worker_panics_the_caller() {
        let r = std::panic::catch_unwind(|| {
            watch(quick("first"), None, |_| -> Result<Snapshot, Error> {
                panic!("boom")
            })
        });
        assert!(r.is_err());
    }
}
