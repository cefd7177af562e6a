//! Shadow databases: a migrations directory applied to a fresh temporary database, then
//! snapshotted.
