//! The database side that every command shares: URL syntax and redaction ([`url`]), where a
//! password comes from when the URL has none ([`pgpass`]), and the one bounded way to connect
//! ([`connect`]).
//!
//! Who may touch what: every connection the CLI opens, to a user's server, to a shadow database
//! or to a throwaway local cluster, goes through [`connect::connect`], so one deadline, one
//! password lookup and one set of hints apply everywhere. Longer waits on a connected server go
//! through [`connect::bounded`]. Nothing here prints, except the password file warnings, which
//! go through [`crate::out`] like everything else.

pub(crate) mod connect;
pub(crate) mod pgpass;
pub(crate) mod url;
