//! Test support for schemalock, shared by the integration tests here (`tests/tests/`) and by the
//! CLI's tests: [`pg`] starts a real PostgreSQL of a given version for one test (on
//! `schemalock-cluster`'s local clusters, with TCP and a password), [`shared`] loads the real-world
//! schemas of `../shared/schemas`, and `os` (Linux) looks at what a test started from the
//! outside: its processes, their listeners, another OS user. The servers come from
//! `.ci/setup-postgres.sh`.

#[cfg(target_os = "linux")]
pub mod os;

pub mod pg;
pub mod shared;

/// Says that the running test skips, and why, where it cannot be missed: on the process's
/// stderr past the test harness's capture (which hides what a passing test prints), so that a
/// run without PostgreSQL or `../shared` shows each test that did not really run. Under
/// `CI=true` the harness fails instead of skipping.
pub fn skip(why: &str) {
    use std::io::Write as _;
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr().lock(), "\nSKIPPED {test}: {why}\n");
}
