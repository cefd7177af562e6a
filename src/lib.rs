//! schemalock: make a stale PostgreSQL schema a compile error.
