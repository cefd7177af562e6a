//! How long a read may wait, and how often it is tried again.

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
}
