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
