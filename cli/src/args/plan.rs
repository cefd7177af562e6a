//! The flags of `cargo schemalock plan`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{Format, LayoutArg, parse_seconds};

/// The flags of `plan`.
#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    /// The database the plan starts from when --from is not given, e.g.
    /// postgres://user:password@localhost:5432/app. Default: DATABASE_URL, from the environment
    /// or from a .env file in the current directory or a parent.
    #[arg(long, value_name = "URL")]
    pub(crate) database_url: Option<String>,

    /// The snapshot the plan goes to when --to is not given. Default: the one the derives would
    /// use from the current directory.
    #[arg(long, value_name = "PATH", conflicts_with = "to")]
    pub(crate) snapshot: Option<PathBuf>,

    /// Where the plan starts: a snapshot file, a postgres:// URL, or `empty` (nothing).
    /// Default: the database URL.
    #[arg(long, value_name = "SCHEMA")]
    pub(crate) from: Option<String>,

    /// Where the plan goes: a snapshot file or a postgres:// URL. Default: the snapshot.
    #[arg(long, value_name = "SCHEMA")]
    pub(crate) to: Option<String>,

    /// Plan only this schema; repeat for several. Default: the schemas of the snapshot side
    /// (every schema when both sides are databases).
    #[arg(long = "schema", value_name = "NAME")]
    pub(crate) schemas: Vec<String>,

    /// A renamed object, planned as a rename instead of a drop and an add:
    /// `table.old=new` for a column, `schema.table.old=new`, `table=new` for a table, an index
    /// or a constraint; repeat for several.
    #[arg(long = "rename", value_name = "OLD=NEW")]
    pub(crate) renames: Vec<String>,

    /// The conversion of a column whose type changes: `table.column=EXPRESSION` (default: a
    /// plain cast); repeat for several.
    #[arg(long = "using", value_name = "COLUMN=EXPRESSION")]
    pub(crate) using: Vec<String>,

    /// The hazards the plan may run, comma-separated (`deletes-data,builds-index`), or `all`
    /// (for throwaway databases). See docs/hazards.md.
    #[arg(long, value_name = "NAMES")]
    pub(crate) allow_hazards: Option<String>,

    /// Write the script to this file instead of stdout.
    #[arg(long, value_name = "FILE", conflicts_with = "migration")]
    pub(crate) output: Option<PathBuf>,

    /// Write the plan as the next migration in this folder, in its layout (sqlx, diesel,
    /// refinery or plain; detected, or --layout), split into files where the tool runs each
    /// file in a transaction.
    #[arg(long, value_name = "DIR")]
    pub(crate) migration: Option<PathBuf>,

    /// The layout of --migration's folder, when it cannot be detected (an empty folder).
    #[arg(long, value_enum, requires = "migration")]
    pub(crate) layout: Option<LayoutArg>,

    /// Output format: the script, or the steps as JSON.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,

    /// Verify the plan on a throwaway database even without local PostgreSQL binaries: on the
    /// server of the database URL (a database created and dropped).
    #[arg(long, conflicts_with = "no_verify")]
    pub(crate) verify: bool,

    /// Do not verify the plan.
    #[arg(long)]
    pub(crate) no_verify: bool,

    /// `lock_timeout` of every step: how long it waits for its lock. Default: 5s.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) step_lock_timeout: Option<Duration>,

    /// `statement_timeout` of steps that only change the catalog. Default: 60s.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) step_timeout: Option<Duration>,

    /// `statement_timeout` of steps that read or write every row of a table (index builds,
    /// validations, rewrites). Default: 1h.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) data_step_timeout: Option<Duration>,
}
