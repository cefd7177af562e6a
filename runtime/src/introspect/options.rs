//! How long a read may wait, how often it is tried again, and where a caller can see which step
//! it is at.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How long introspection may wait, and how many times it reads again when the schema changes
/// under it. Every driver's read (the snapshot readers here, and [`crate::verify`]) applies them
/// the same way.
///
/// ```
/// # use std::time::Duration;
/// # use schemalock_runtime::introspect::Options;
/// let options = Options::default().lock_timeout(Duration::from_secs(30));
/// assert_eq!(options.statement_timeout, Duration::from_secs(60));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The longest wait for a lock another session holds (`lock_timeout`). Printing a partial
    /// index's predicate, an expression index's keys or a check constraint takes a share lock on
    /// the table, which waits behind a migration's `ACCESS EXCLUSIVE`; when this runs out, the
    /// read fails with [`Error::Locked`](super::Error::Locked), naming the table. Default 5 s.
    pub lock_timeout: Duration,
    /// The longest any one statement of the read may run (`statement_timeout`). Default 60 s.
    pub statement_timeout: Duration,
    /// How many times the whole read is tried when objects are dropped while it runs; then it
    /// fails with [`Error::SchemaChanged`](super::Error::SchemaChanged). At least 1; default 3.
    pub attempts: u32,
    /// Where the read marks the steps it is running, for a caller that waits on it from another
    /// thread and must say what it waited for when it gives up. Default: none.
    pub steps: Option<Steps>,
}

impl Options {
    /// The lock timeout unless set otherwise.
    pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);
    /// The statement timeout unless set otherwise.
    pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(60);
    /// The number of attempts unless set otherwise.
    pub const DEFAULT_ATTEMPTS: u32 = 3;

    /// Sets [`Options::lock_timeout`]. Zero is taken as one millisecond: a read never waits
    /// without bound.
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Sets [`Options::statement_timeout`]. Zero is taken as one millisecond.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = timeout;
        self
    }

    /// Sets [`Options::attempts`]; 0 is taken as 1.
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// Sets [`Options::steps`]: the read marks its steps there (keep a clone to look).
    pub fn steps(mut self, steps: Steps) -> Self {
        self.steps = Some(steps);
        self
    }

    /// The statements that apply the timeouts, for the start of the read's transaction: `SET
    /// LOCAL`, so they end with it and the connection keeps its own settings.
    pub fn statements(&self) -> [String; 2] {
        [
            format!("SET LOCAL lock_timeout = {}", millis(self.lock_timeout)),
            format!(
                "SET LOCAL statement_timeout = {}",
                millis(self.statement_timeout)
            ),
        ]
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lock_timeout: Self::DEFAULT_LOCK_TIMEOUT,
            statement_timeout: Self::DEFAULT_STATEMENT_TIMEOUT,
            attempts: Self::DEFAULT_ATTEMPTS,
            steps: None,
        }
    }
}

/// The steps of a read that are running now, by name: `transaction setup`, `migration probe`,
/// `migration head`, `session settings`, the name of each of [`QUERIES`](super::QUERIES)
/// (`relations`, ...), `rollback`, `locks`. Clones share one list; two lists are equal when they
/// are the same one.
///
/// ```
/// # use schemalock_runtime::introspect::{Options, Steps};
/// let steps = Steps::default();
/// let options = Options::default().steps(steps.clone());
/// // ... the read runs on another thread; this one gives up waiting:
/// assert_eq!(steps.running(), Vec::<&str>::new());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Steps(Arc<Mutex<Vec<&'static str>>>);

impl Steps {
    /// The steps running now, in the order they started (two at once when the catalog queries
    /// run on two connections).
    pub fn running(&self) -> Vec<&'static str> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Runs `work` marked as `step`.
    #[cfg(feature = "__driver")]
    pub(crate) async fn during<F: Future>(&self, step: &'static str, work: F) -> F::Output {
        let _running = Running::start(self, step);
        work.await
    }

    /// Runs `work` marked as `step`, for the blocking drivers' threads.
    #[cfg(feature = "postgres")]
    pub(crate) fn during_blocking<T>(&self, step: &'static str, work: impl FnOnce() -> T) -> T {
        let _running = Running::start(self, step);
        work()
    }
}

impl PartialEq for Steps {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Steps {}

/// A step marked running until dropped (also when the read fails or panics).
#[cfg(feature = "__driver")]
struct Running<'a> {
    steps: &'a Steps,
    step: &'static str,
}

#[cfg(feature = "__driver")]
impl<'a> Running<'a> {
    fn start(steps: &'a Steps, step: &'static str) -> Self {
        steps
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(step);
        Running { steps, step }
    }
}

#[cfg(feature = "__driver")]
impl Drop for Running<'_> {
    fn drop(&mut self) {
        let mut running = self.steps.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(at) = running.iter().rposition(|s| *s == self.step) {
            running.remove(at);
        }
    }
}

/// Whole milliseconds for a PostgreSQL timeout setting, rounded up, from 1 (0 would mean no
/// timeout at all) to the largest value the server takes.
fn millis(d: Duration) -> u64 {
    let ms = d.as_nanos().div_ceil(1_000_000);
    ms.clamp(1, i32::MAX as u128) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_bounded_whole_milliseconds() {
        let o = Options::default();
        assert_eq!(
            o.statements(),
            [
                "SET LOCAL lock_timeout = 5000",
                "SET LOCAL statement_timeout = 60000"
            ]
        );
        let o = Options::default()
            .lock_timeout(Duration::ZERO)
            .statement_timeout(Duration::from_micros(1500));
        assert_eq!(
            o.statements(),
            [
                "SET LOCAL lock_timeout = 1",
                "SET LOCAL statement_timeout = 2"
            ]
        );
        let o = Options::default().lock_timeout(Duration::from_secs(u64::MAX));
        assert_eq!(o.statements()[0], "SET LOCAL lock_timeout = 2147483647");
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn steps_are_marked_while_they_run() {
        let steps = Steps::default();
        let seen = steps.during_blocking("relations", || {
            steps.during_blocking("types", || steps.running())
        });
        assert_eq!(seen, ["relations", "types"]);
        assert_eq!(steps.running(), Vec::<&str>::new());
        assert_eq!(Options::default(), Options::default());
        assert_ne!(
            Options::default().steps(steps.clone()),
            Options::default().steps(Steps::default())
        );
        assert_eq!(
            Options::default().steps(steps.clone()),
            Options::default().steps(steps)
        );
    }
}
