//! Cleanup that must happen even when the user presses Ctrl-C: a registry of actions (stop the
//! throwaway server, remove its directory, drop the shadow database) that the normal code path
//! runs itself, and that a signal handler thread runs instead on SIGINT, SIGTERM or SIGHUP before
//! the process dies of that signal.
//!
//! ```no_run
//! # fn remove_my_temp_files() -> Result<(), String> { Ok(()) }
//! use schemalock_cluster::cleanup;
//! cleanup::install_signal_handlers()?; // once, in `main`
//! let guard = cleanup::register("my temporary files", remove_my_temp_files);
//! // ... work that may be interrupted ...
//! guard.run()?; // or drop it: dropping runs it too, printing a failure to stderr
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Each action runs exactly once, on whichever thread gets to it first. While the normal path
//! runs an action, a signal waits for it to finish before the process exits; once a signal has
//! started cleaning up, a thread that tries to run an action (or drop a guard) blocks until the
//! process exits, so it cannot print errors caused by the cleanup or exit early. A second signal
//! during cleanup ends the process at once.
//!
//! Without [`install_signal_handlers`] (the library used from tests), the registry is inert:
//! guards just run their action when run or dropped. What cleanup has to say (a failure, the
//! notice that a signal is being handled) goes to standard error, or where [`set_printer`] says
//! (the CLI's output boundary, which masks passwords). SIGKILL cannot be caught; what must not
//! survive it needs its own mechanism (the local cluster's parent-death signal, the shadow
//! database's advisory lock).

use std::io::IsTerminal;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// A cleanup action: `Err` holds a message for stderr.
type Action = Box<dyn FnOnce() -> Result<(), String> + Send>;

/// How long a signal waits for an action the normal path is running.
const WAIT_FOR_RUNNING: Duration = Duration::from_secs(60);

#[derive(Default)]
struct State {
    next_id: u64,
    actions: Vec<(u64, String, Action)>,
    /// Actions the normal path is running right now.
    running: usize,
    /// A signal arrived and its cleanup started: nothing else may run.
    interrupted: bool,
}

/// The actions, and a condition variable signalled when a running one finishes. One for the
/// process ([`REGISTRY`]); the unit tests make their own.
struct Registry {
    state: Mutex<State>,
    finished: Condvar,
}

static REGISTRY: Registry = Registry::new();

impl Registry {
    const fn new() -> Registry {
        Registry {
            state: Mutex::new(State {
                next_id: 0,
                actions: Vec::new(),
                running: 0,
                interrupted: false,
            }),
            finished: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // An action never runs under the lock, so a poisoned lock has consistent data.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn register(&'static self, what: String, action: Action) -> Cleanup {
        let mut s = self.state();
        s.next_id += 1;
        let id = s.next_id;
        s.actions.push((id, what, action));
        Cleanup {
            registry: self,
            id: Some(id),
        }
    }

    /// Takes every action for a signal handler, newest first, after the ones the normal path is
    /// running have finished (at most [`WAIT_FOR_RUNNING`]).
    fn take_all_for_signal(&self) -> Vec<(String, Action)> {
        let mut s = self.state();
        s.interrupted = true;
        let mut actions: Vec<(String, Action)> =
            s.actions.drain(..).map(|(_, what, a)| (what, a)).collect();
        actions.reverse();
        let deadline = Instant::now() + WAIT_FOR_RUNNING;
        while s.running > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            s = self
                .finished
                .wait_timeout(s, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        actions
    }

    /// Runs every registered action as a signal handler does (newest first; failures to
    /// stderr), then returns.
    fn clean_up_for_signal(&self, signal_name: &str) {
        let actions = self.take_all_for_signal();
        if actions.is_empty() {
            return;
        }
        let list: Vec<&str> = actions.iter().map(|(what, _)| what.as_str()).collect();
        print(&format!(
            "{}interrupted by {signal_name}: removing {} (interrupt again to stop at once)",
            clear_line(),
            list.join(" and ")
        ));
        for (_, action) in actions {
            if let Err(e) = action() {
                print(&e);
            }
        }
    }
}

/// Registers `action`, described as `what` ("the shadow database `x`"), to run when the guard is
/// run or dropped, or on a signal.
pub fn register(
    what: impl Into<String>,
    action: impl FnOnce() -> Result<(), String> + Send + 'static,
) -> Cleanup {
    REGISTRY.register(what.into(), Box::new(action))
}

/// A registered cleanup action. Run it with [`Cleanup::run`]; dropping it runs it too.
#[must_use = "dropping the guard runs the cleanup at once"]
pub struct Cleanup {
    registry: &'static Registry,
    id: Option<u64>,
}

impl std::fmt::Debug for Cleanup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cleanup").field("id", &self.id).finish()
    }
}

impl Cleanup {
    /// Runs the action now, on this thread; a signal arriving meanwhile waits for it. If a signal
    /// is already cleaning up, this never returns: the process exits when that is done.
    pub fn run(mut self) -> Result<(), String> {
        self.run_once()
    }

    /// Removes the action without running it: what it would undo is undone another way (a
    /// database inside a local cluster that is being removed whole).
    pub fn dismiss(mut self) {
        if let Some(id) = self.id.take() {
            self.registry.state().actions.retain(|(i, _, _)| *i != id);
        }
    }

    fn run_once(&mut self) -> Result<(), String> {
        let Some(id) = self.id.take() else {
            return Ok(());
        };
        let action = {
            let mut s = self.registry.state();
            if s.interrupted {
                drop(s);
                wait_for_exit();
            }
            let Some(at) = s.actions.iter().position(|(i, _, _)| *i == id) else {
                return Ok(());
            };
            s.running += 1;
            s.actions.remove(at).2
        };
        let result = action();
        self.registry.state().running -= 1;
        self.registry.finished.notify_all();
        result
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Err(e) = self.run_once() {
            print(&e);
        }
    }
}

/// Parks this thread until the signal handler ends the process.
fn wait_for_exit() -> ! {
    loop {
        std::thread::park();
    }
}

/// Where [`print()`] writes, once set.
static PRINTER: OnceLock<fn(&str)> = OnceLock::new();

/// Sends what cleanup has to say (one line per call, without its newline) to `printer` instead
/// of standard error; the first call wins. The CLI passes its output boundary.
pub fn set_printer(printer: fn(&str)) {
    let _ = PRINTER.set(printer);
}

/// Writes a line through the printer ([`set_printer`]), else to standard error.
fn print(line: &str) {
    match PRINTER.get() {
        Some(printer) => printer(line),
        None => eprintln!("{line}"),
    }
}

/// Clears a progress spinner's line on a terminal.
fn clear_line() -> &'static str {
    if std::io::stderr().is_terminal() {
        "\r\x1b[2K"
    } else {
        ""
    }
}

/// Starts a thread that, on SIGINT, SIGTERM or SIGHUP, runs every registered action and then
/// lets the signal end the process as it would have (a shell sees "killed by SIGINT"). A second
/// such signal while cleaning up ends the process at once. Call once, early in `main`; the
/// library never installs handlers by itself. Does nothing on platforms without Unix signals.
pub fn install_signal_handlers() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::sync::Arc;
        use std::sync::atomic::AtomicBool;

        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        use signal_hook::flag;
        use signal_hook::iterator::Signals;

        const SIGNALS: [i32; 3] = [SIGINT, SIGTERM, SIGHUP];
        let again = Arc::new(AtomicBool::new(false));
        for signal in SIGNALS {
            // Registered first: on the first signal the flag is still false when this looks.
            flag::register_conditional_default(signal, Arc::clone(&again))?;
            flag::register(signal, Arc::clone(&again))?;
        }
        let mut signals = Signals::new(SIGNALS)?;
        std::thread::Builder::new()
            .name("schemalock-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    let name = signal_hook::low_level::signal_name(signal).unwrap_or("a signal");
                    REGISTRY.clean_up_for_signal(name);
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    // Only reached if the default action did not end the process.
                    std::process::exit(128 + signal);
                }
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn recorder(log: &Arc<Mutex<Vec<&'static str>>>, what: &'static str) -> Action {
        let log = Arc::clone(log);
        Box::new(move || {
            log.lock().unwrap().push(what);
            Ok(())
        })
    }

    #[test]
    fn actions_run_once_by_guard_run_drop_or_signal() {
        // Its own registry: a signal leaves one interrupted for good.
        let registry: &'static Registry = Box::leak(Box::new(Registry::new()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let guard = registry.register("a".into(), recorder(&log, "a"));
        assert_eq!(guard.run(), Ok(()));
        drop(registry.register("b".into(), recorder(&log, "b")));
        let failing = registry.register("c".into(), Box::new(|| Err("cannot remove c".into())));
        assert_eq!(failing.run().unwrap_err(), "cannot remove c");
        assert_eq!(*log.lock().unwrap(), ["a", "b"]);
        registry
            .register("dismissed".into(), recorder(&log, "dismissed"))
            .dismiss();

        // A signal runs the rest, newest first, and a guard run afterwards never returns.
        let first = registry.register("first".into(), recorder(&log, "first"));
        let second = registry.register("second".into(), recorder(&log, "second"));
        registry.clean_up_for_signal("SIGTERM");
        assert_eq!(*log.lock().unwrap(), ["a", "b", "second", "first"]);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = first.run();
            tx.send(()).unwrap();
        });
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "a guard run after a signal must block until the process exits"
        );
        std::mem::forget(second);
    }

    #[test]
    fn a_signal_waits_for_an_action_the_normal_path_is_running() {
        let registry: &'static Registry = Box::leak(Box::new(Registry::new()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let slow = {
            let log = Arc::clone(&log);
            registry.register(
                "slow".into(),
                Box::new(move || {
                    started_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    log.lock().unwrap().push("slow");
                    Ok(())
                }),
            )
        };
        let normal = std::thread::spawn(move || slow.run());
        started_rx.recv().unwrap();
        let signal = std::thread::spawn(move || registry.clean_up_for_signal("SIGINT"));
        // The signal thread must not finish before the running action does.
        std::thread::sleep(Duration::from_millis(100));
        assert!(!signal.is_finished());
        release_tx.send(()).unwrap();
        signal.join().unwrap();
        assert_eq!(normal.join().unwrap(), Ok(()));
        assert_eq!(*log.lock().unwrap(), ["slow"]);
    }
}
