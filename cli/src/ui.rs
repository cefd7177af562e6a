//! What the commands tell a person besides their result: informational lines, verbose details,
//! a progress spinner, and whether to colour.
//!
//! Results (reports) go to stdout; everything here goes to stderr, so `--format json` output can be
//! piped while a person still sees progress. Both through [`crate::out`], which masks passwords.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::out;

/// True when `NO_COLOR` asks for no colours (set and not empty).
pub(crate) fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// How chatty to be, decided once from the flags and the terminals.
#[derive(Debug, Clone)]
pub(crate) struct Ui {
    quiet: bool,
    verbose: bool,
    spinner: bool,
    color: bool,
}

impl Ui {
    pub(crate) fn new(quiet: bool, verbose: bool) -> Self {
        Ui {
            quiet,
            verbose: verbose && !quiet,
            spinner: !quiet && out::stderr_is_terminal(),
            color: !no_color() && out::stdout_is_terminal(),
        }
    }

    pub(crate) fn quiet(&self) -> bool {
        self.quiet
    }

    /// True when stdout should carry ANSI colours.
    pub(crate) fn color(&self) -> bool {
        self.color
    }

    /// A line for a person, unless `--quiet`.
    pub(crate) fn info(&self, message: &str) {
        if !self.quiet {
            self.line(message);
        }
    }

    /// A warning, shown even with `--quiet`: `warning: ...`.
    pub(crate) fn warn(&self, message: &str) {
        self.line(&format!("warning: {message}"));
    }

    /// A line only with `--verbose`.
    pub(crate) fn detail(&self, message: &str) {
        if self.verbose {
            self.line(&format!("  {message}"));
        }
    }

    /// Prints a line on stderr; on a terminal, first clears a spinner frame that may be there, so
    /// the line does not start after it.
    fn line(&self, message: &str) {
        let clear = if self.spinner { "\r\x1b[2K" } else { "" };
        out::eprintln(&format!("{clear}{message}"));
    }

    /// Starts a progress indicator showing `message`; it disappears when dropped. Does nothing
    /// unless stderr is a terminal, so logs and pipes never see spinner frames.
    pub(crate) fn progress(&self, message: &str) -> Progress {
        Progress::start(self.spinner, message)
    }
}

/// A spinner on stderr with a phase message.
#[derive(Debug)]
pub(crate) struct Progress {
    state: Option<Spinner>,
}

#[derive(Debug)]
struct Spinner {
    message: Arc<Mutex<String>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

impl Progress {
    fn start(enabled: bool, message: &str) -> Self {
        if !enabled {
            return Progress { state: None };
        }
        let shared = Arc::new(Mutex::new(message.to_owned()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let shared = Arc::clone(&shared);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut frame = 0;
                while !stop.load(Ordering::Relaxed) {
                    let text = shared.lock().map(|m| m.clone()).unwrap_or_default();
                    out::eprint(&format!("\r\x1b[2K{} {text}", FRAMES[frame % FRAMES.len()]));
                    frame += 1;
                    std::thread::sleep(Duration::from_millis(80));
                }
                out::eprint("\r\x1b[2K");
            })
        };
        Progress {
            state: Some(Spinner {
                message: shared,
                stop,
                thread: Some(thread),
            }),
        }
    }

    /// Moves on to another phase.
    pub(crate) fn set(&self, message: &str) {
        if let Some(s) = &self.state {
            if let Ok(mut m) = s.message.lock() {
                *m = message.to_owned();
            }
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(s) = &mut self.state {
            s.stop.store(true, Ordering::Relaxed);
            if let Some(t) = s.thread.take() {
                // The line must be cleared before anything else is printed.
                let _ = t.join();
            }
        }
    }
}
