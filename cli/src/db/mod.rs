//! The database side that every command shares: which database a command means
//! ([`database_url`]), URL syntax and redaction ([`url`]), where a password comes from when the
//! URL has none ([`pgpass`]), the one bounded way to connect ([`connect`]), and the deadline on
//! every wait for a server ([`wait`]).
//!
//! Who may touch what: every connection the CLI opens, to a user's server, to a shadow database
//! or to a throwaway local cluster, goes through [`connect::connect`], so one deadline, one
//! password lookup and one set of hints apply everywhere. Longer waits on a connected server go
//! through [`wait::bounded`], and say what ran out with [`wait::timed_out`]. Nothing here prints,
//! except the password file warnings, which go through [`crate::out`] like everything else.

pub(crate) mod connect;
pub(crate) mod database_url;
pub(crate) mod pgpass;
pub(crate) mod url;
pub(crate) mod wait;
