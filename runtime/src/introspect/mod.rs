//! Reads a [`Snapshot`](crate::Snapshot) out of a live database's catalogs.
//!
//! The introspection is a fixed, small list of SQL statements that any driver can run, plus
//! [`assemble`], which turns their text results into a snapshot. The `postgres` feature adds
//! [`postgres::read`] and [`postgres::snapshot`] on top of the `postgres` crate; startup
//! verification ([`crate::verify`]) runs the same read over `postgres`, `tokio-postgres` and sqlx.
//!
//! # Protocol
//!
//! On one connection, with no other statements in between:
//!
//! 1. A transaction: a plain `BEGIN` (sent by the driver's transaction guard, so that a read
//!    dropped half way still rolls back), then [`TRANSACTION_MODE`] (repeatable read, so every
//!    query sees the same state; read only), then [`Options::statements`]: `lock_timeout` and
//!    `statement_timeout`, so the read never waits without bound.
//! 2. [`MIGRATION_PROBE`] (no parameters): the migration tables that exist, and whether the role
//!    may read them. Then [`migration_head_query`] for the tables in order until one gives a
//!    version: that is the migration head. A table the role may not read stops the walk: the
//!    head is unknown, which a [`Notice`] says. Both resolve the table names through the
//!    session's own `search_path`, as the migration tools do, so they run before step 3
//!    changes it.
//! 3. Each statement of [`SESSION_SETTINGS`], which pin the settings that change how
//!    PostgreSQL prints types and expressions (`search_path`, `DateStyle`, ...), so the snapshot
//!    does not depend on the role's or the server's configuration.
//! 4. Each of [`QUERIES`], with one parameter `$1` of type `text[]`: the schemas to describe, or
//!    NULL for every schema that is not a system schema (`pg_catalog`, `information_schema`,
//!    `pg_toast*`, `pg_temp*`) and not owned by an extension. Each returns one row with one
//!    `text` column, NULL or JSON.
//! 5. `ROLLBACK` (nothing was written).
//!
//! Then [`assemble`] the results. The statements only read the system catalogs (and the
//! migration table when readable), so a role with `CONNECT` on the database and `USAGE` on the
//! schemas, and `SELECT` on no table, can run them. Written for PostgreSQL 12 and newer; tested
//! on 15, 16 and 18.
//!
//! # Locks, and schemas changing during the read
//!
//! Printing a partial index's predicate, an expression index's keys or a check constraint takes
//! a share lock on the table (PostgreSQL opens the table to name its columns; there is no
//! lock-free way to print them), so a migration holding `ACCESS EXCLUSIVE` makes the read wait.
//! It waits for [`Options::lock_timeout`] at most, then fails with [`Error::Locked`] naming the
//! locked relations, their lock holders and for how long they have held them.
//!
//! The catalog queries see the transaction's snapshot, but the functions that print types and
//! expressions look objects up in the catalog cache, which sees every commit: an object dropped
//! after the read began is still listed, then cannot be printed (`cache lookup failed for
//! relation 16384`, or a NULL where text was due). The whole read is then tried again, up to
//! [`Options::attempts`] times, and fails with [`Error::SchemaChanged`] after that. Objects
//! created during the read are simply not seen. The drivers share all of this: it is written
//! once, in `read.rs`.
//!
//! # What is described
//!
//! Tables, partitioned tables (with their partitions folded under them, never as tables of their
//! own: every partition below the table, sub-partitions included, with its bound and what is
//! declared on it alone: indexes, keys, foreign keys, checks, triggers), views and materialized
//! views with their columns and queries; storage parameters, partition keys, `UNLOGGED`,
//! row-level security and its policies; column collations, generation expressions and identity
//! sequences; enums, domains and standalone composite types; primary key, unique, foreign key
//! and check constraints (deferrability, `MATCH FULL`, `NOT VALID`); indexes; triggers;
//! functions, procedures and aggregates; sequences with their owner columns; extensions (all of
//! them, `plpgsql` included, with version and schema); the migration head. Not described:
//! exclusion constraints (their index is), comments, privileges and owners, statistics
//! objects, rules, casts, operators, range types, text search configurations. Objects
//! owned by an extension (`pg_depend.deptype = 'e'`) are left out. Types and expressions are
//! printed as a session whose `search_path` is `public` prints them: objects in `pg_catalog` and
//! `public` by bare name, others qualified with their schema. (PostgreSQL leaves a schema the role
//! has no `USAGE` on out of its `search_path`, so a role without `USAGE` on `public`, which every
//! role has by default, would see `public.` prefixes.) Every list is sorted, so the same schema
//! always gives the same snapshot.

mod assemble;
mod details;
#[cfg(feature = "__driver")]
pub(crate) mod driver;
mod error;
mod migration;
mod options;
mod partitions;
#[cfg(feature = "postgres")]
pub mod postgres;
mod raw;
#[cfg(feature = "__driver")]
pub(crate) mod read;
mod routines;
mod sequences;
mod sql;
#[cfg(feature = "sqlx")]
pub(crate) mod sqlx;
#[cfg(feature = "sqlx-0_8")]
pub(crate) mod sqlx_0_8;
#[cfg(test)]
mod tests;
#[cfg(feature = "tokio-postgres")]
pub(crate) mod tokio_postgres;
mod triggers;

pub use self::assemble::{Missing, assemble, assemble_allowing_missing, numeric_version};
pub use self::error::{Error, LockedRelation};
pub use self::migration::{MIGRATION_PROBE, MIGRATION_TABLES, Notice, migration_head_query};
pub use self::options::{Options, Steps};
#[cfg(feature = "__driver")]
pub use self::read::Read;

use crate::snapshot::MigrationHead;

/// The first statement of the read's transaction, right after `BEGIN`: a consistent, read-only
/// snapshot.
pub const TRANSACTION_MODE: &str = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

/// Settings that change how types and expressions are printed, pinned for the transaction.
pub const SESSION_SETTINGS: &[&str] = &[
    "SET LOCAL search_path TO public",
    "SET LOCAL datestyle TO 'ISO, YMD'",
    "SET LOCAL intervalstyle TO postgres",
    "SET LOCAL timezone TO 'UTC'",
    "SET LOCAL extra_float_digits TO 1",
    "SET LOCAL bytea_output TO hex",
    "SET LOCAL quote_all_identifiers TO off",
];

/// One catalog query of [`QUERIES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query {
    /// A short name used in error messages.
    pub name: &'static str,
    /// The SQL; takes `$1::text[]` and returns one row with one `text` column.
    pub sql: &'static str,
}

/// The catalog queries, in the order their results are given to [`assemble`].
pub const QUERIES: [Query; 10] = [
    Query {
        name: "meta",
        sql: sql::META,
    },
    Query {
        name: "relations",
        sql: sql::RELATIONS,
    },
    Query {
        name: "constraints",
        sql: sql::CONSTRAINTS,
    },
    Query {
        name: "indexes",
        sql: sql::INDEXES,
    },
    Query {
        name: "types",
        sql: sql::TYPES,
    },
    Query {
        name: "details",
        sql: details::DETAILS,
    },
    Query {
        name: "partitions",
        sql: partitions::PARTITIONS,
    },
    Query {
        name: "routines",
        sql: routines::ROUTINES,
    },
    Query {
        name: "sequences",
        sql: sequences::SEQUENCES,
    },
    Query {
        name: "triggers",
        sql: triggers::TRIGGERS,
    },
];

/// What the statements returned, for [`assemble`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Results {
    /// The result of each of [`QUERIES`], in order (`None` for SQL NULL).
    pub catalog: Vec<Option<String>>,
    /// The migration head found by step 2 of the protocol, if any.
    pub migration_head: Option<MigrationHead>,
}
