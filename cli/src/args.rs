//! The command line: commands, flags, and help text with examples.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::db::wait::Timeouts;

mod plan;

pub(crate) use plan::PlanArgs;

const ABOUT: &str = "Refresh the schemalock snapshot from PostgreSQL or migrations, check drift, diff schemas, plan migrations.";

const LONG_ABOUT: &str = "\
Refresh the schemalock snapshot (`schemalock.json`) from PostgreSQL or from your migrations, \
check that a database still matches it, diff any two schemas, and plan the migration from one \
to the other.

The schemalock derives check your models against the snapshot at compile time; this tool keeps \
the snapshot true.";

const AFTER_HELP: &str = "\
Examples:
  cargo schemalock refresh
      Write schemalock.json from the database in DATABASE_URL.
  cargo schemalock refresh --migrations migrations
      Write it from your migrations, applied to a throwaway shadow database.
  cargo schemalock refresh --check --migrations migrations
      CI: fail (exit 1) when the committed snapshot does not match the migrations.
  cargo schemalock check --database-url postgres://app@db.internal/app
      CI: fail (exit 1) when the database drifted from the committed snapshot.
  cargo schemalock diff schemalock.json postgres://localhost/app_dev
  cargo schemalock plan --migration migrations
      Write the next migration: the live database brought to the snapshot, safely.

The database URL comes from --database-url, else the DATABASE_URL environment variable, else \
DATABASE_URL in a .env file in the current directory or a parent. When it has no password, the \
password comes from PGPASSWORD, else from the password file (PGPASSFILE, default ~/.pgpass), as \
with psql. No password is ever printed. Every wait on a server is bounded: --connect-timeout \
(default: the URL's connect_timeout, else 10 s) and --read-timeout (default 60 s); inside the \
read, --lock-timeout (default 5 s) for a table another session has locked (a migration \
running), which is then named with the session holding it, and --statement-timeout (default \
60 s) for each query; with --migrations, --migration-timeout (default 300 s) for each step of \
building the shadow database (creating it, each migration file, dropping it). Durations are \
seconds (`30`, `2.5`) or have a unit (`500ms`, `5s`, `2m`).

Exit codes: 0 no differences, 1 differences found, 2 error (bad arguments, unreachable server, \
failed login, missing database, unreadable snapshot, a table locked for too long).";

const REFRESH_AFTER_HELP: &str = "\
Examples:
  cargo schemalock refresh
  cargo schemalock refresh --database-url postgres://app@localhost/app_dev --schema public --schema audit
  cargo schemalock refresh --snapshot db/schemalock.json
  cargo schemalock refresh --migrations migrations
  cargo schemalock refresh --migrations migrations --layout plain    # not sqlx's, though named 0001_x.sql
  cargo schemalock refresh --check --migrations migrations    # CI guard; exit 1 when stale

Without --snapshot the file is the schemalock.json the derives would use from the current \
directory (the first one walking up, or SCHEMALOCK_SNAPSHOT); when there is none yet, \
schemalock.json in the workspace root (the directory whose Cargo.toml has [workspace]), else in \
the current directory. The file is replaced atomically: parallel builds read the old file or the \
new one, never a torn one.";

const CHECK_AFTER_HELP: &str = "\
Examples:
  cargo schemalock check
  cargo schemalock check --format json > drift.json
  cargo schemalock check --snapshot db/schemalock.json --schema public

The database is read with the schemas the snapshot has (or those given with --schema), in one \
read-only transaction. Exit codes: 0 the database matches the snapshot, 1 drift, 2 error.";

const PLAN_AFTER_HELP: &str = "\
Examples:
  cargo schemalock plan > fix.sql
      The live database (DATABASE_URL) brought to the snapshot, as a psql script.
  cargo schemalock plan --rename entities.type=entity_type \\
      --using 'entities.canon_layer=UPPER(canon_layer)::canonlayer' --migration migrations
  cargo schemalock plan --from old.schemalock.json --to schemalock.json --format json
  cargo schemalock plan --from empty --to schemalock.json --allow-hazards all

Steps run in dependency order in online-safe forms (CREATE INDEX CONCURRENTLY, constraints \
NOT VALID then VALIDATE, SET NOT NULL after a validated CHECK), each with its lock level, \
lock_timeout and statement_timeout; checks of the data run before the first step and name the \
rows that would make a step fail. Hazards (see docs/hazards.md) are refused unless allowed by \
name. The plan is verified, when local PostgreSQL binaries are found (or with --verify, on the \
server of the database URL): the source schema is built in a throwaway database, the plan \
applied, and the result compared with the target.

Exit codes: 0 the plan needs nothing that is not allowed (or there is nothing to do), 1 it \
needs hazards not allowed (the plan is still written, with why) or its verification found \
differences, 2 error.";

const DIFF_AFTER_HELP: &str = "\
Examples:
  cargo schemalock diff schemalock.json postgres://app@localhost/app_dev
  cargo schemalock diff old.schemalock.json schemalock.json
  cargo schemalock diff postgres://localhost/staging postgres://localhost/prod --schema public

A side that starts with postgres:// or postgresql:// is a database, read in one read-only \
transaction; anything else is a snapshot file. Against a file, a database is read with the \
file's schemas unless --schema is given. Exit codes: 0 same schema, 1 differences, 2 error.";

const GENERATE_AFTER_HELP: &str = "\
Examples:
  cargo schemalock generate --features chrono,uuid,serde_json > src/models.rs
  cargo schemalock generate --table users --table posts --insertable
  cargo schemalock generate --derive postgres --features time --schema audit -o src/audit.rs

One struct per table or view (`#[derive(schemalock::Table)]`, with `sqlx::FromRow` unless \
--derive says otherwise), one enum per enum type (`#[derive(schemalock::PgEnum)]`), `Option` for \
nullable columns, names the derives read back as the database's (a rename only where Rust needs \
one). A column no enabled feature maps is left out, with a comment saying which feature would \
map it. The text is formatted with rustfmt (when installed) and the same for the same snapshot.";

/// `cargo schemalock`.
#[derive(Debug, Parser)]
#[command(
    name = "cargo-schemalock",
    bin_name = "cargo schemalock",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    propagate_version = true,
    arg_required_else_help = true
)]
pub(crate) struct Cli {
    /// Print only results and errors: no progress, no informational lines.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,

    /// Also say where the database URL and the snapshot came from, and what was read.
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,

    #[command(flatten)]
    pub(crate) timeouts: TimeoutArgs,

    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write the snapshot from a database or from migrations (or, with --check, compare).
    #[command(
        after_help = REFRESH_AFTER_HELP,
        mut_arg("snapshot", |a| a.help("The snapshot file to write (or compare with --check)"))
    )]
    Refresh(RefreshArgs),
    /// Compare the snapshot with a live database: exit 1 on drift.
    #[command(
        after_help = CHECK_AFTER_HELP,
        mut_arg("schemas", |a| a.help(
            "Compare only this schema; repeat for several. Default: the snapshot's schemas"
        ))
    )]
    Check {
        #[command(flatten)]
        files: Files,

        #[command(flatten)]
        compare: Compare,
    },
    /// Compare two schemas, each a snapshot file or a postgres:// URL.
    #[command(after_help = DIFF_AFTER_HELP)]
    Diff(DiffArgs),
    /// Write starting models (structs and enums with schemalock's derives) from the snapshot.
    #[command(after_help = GENERATE_AFTER_HELP)]
    Generate(GenerateArgs),
    /// Plan the migration from one schema to another: ordered, online-safe, verified.
    #[command(after_help = PLAN_AFTER_HELP)]
    Plan(PlanArgs),
}

/// The flags of `generate`.
#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// The snapshot file. Default: the one the derives would use from the current directory.
    #[arg(long, value_name = "PATH")]
    pub(crate) snapshot: Option<PathBuf>,

    /// Only this schema's tables, views and enums; repeat for several. Default: every schema.
    #[arg(long = "schema", value_name = "NAME")]
    pub(crate) schemas: Vec<String>,

    /// Only this table or view (`name` or `schema.name`), and the enums it uses; repeat for
    /// several. Default: all.
    #[arg(long = "table", value_name = "NAME")]
    pub(crate) tables: Vec<String>,

    /// The driver derives beside schemalock's: `sqlx` (`FromRow`, `Type`), `postgres`
    /// (postgres-types' `ToSql`, `FromSql` on enums) or `none`.
    #[arg(long, value_enum, value_name = "DRIVER", default_value_t = crate::generate::Driver::Sqlx)]
    pub(crate) derive: crate::generate::Driver,

    /// The schemalock features whose types to use, comma-separated, as enabled in your
    /// Cargo.toml: chrono or time, uuid, serde_json, rust_decimal or bigdecimal, pgvector,
    /// ipnetwork, bit-vec. Columns of other types are left out, with a comment.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    pub(crate) features: Vec<crate::generate::Feature>,

    /// Also a `New<Table>` struct per table, `#[schemalock(insertable)]`, with the columns an
    /// insert gives (those without a default, identity or generation).
    #[arg(long)]
    pub(crate) insertable: bool,

    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// The flags of `refresh`.
#[derive(Debug, Args)]
pub(crate) struct RefreshArgs {
    #[command(flatten)]
    pub(crate) files: Files,

    /// A schema to describe; repeat for several. Default: every schema that is not a system or
    /// extension schema.
    #[arg(long = "schema", value_name = "NAME")]
    pub(crate) schemas: Vec<String>,

    /// Build the snapshot from this migrations directory, applied to a fresh temporary database:
    /// on the server of the database URL when there is one, else on a throwaway local cluster.
    #[arg(long, value_name = "DIR")]
    pub(crate) migrations: Option<PathBuf>,

    /// The layout of the migrations directory, when detection guesses wrong (`--verbose` says
    /// which it detected and why): `sqlx` records them in `_sqlx_migrations`, `diesel` in
    /// `__diesel_schema_migrations`, `refinery` in `refinery_schema_history`, `plain` applies
    /// the `.sql` files in file-name order and records them nowhere.
    #[arg(long, value_enum, value_name = "LAYOUT", requires = "migrations")]
    pub(crate) layout: Option<LayoutArg>,

    /// Do not write: compare what would be written with the file, exit 1 when they differ.
    #[arg(long)]
    pub(crate) check: bool,

    /// Report format for --check.
    #[arg(long, value_enum, default_value_t = Format::Text, requires = "check")]
    pub(crate) format: Format,
}

/// What `check` and `diff` compare, and how they report it.
#[derive(Debug, Args)]
pub(crate) struct Compare {
    /// Compare only this schema; repeat for several.
    #[arg(long = "schema", value_name = "NAME")]
    pub(crate) schemas: Vec<String>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}

/// The arguments of `diff`.
#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The expected side: a snapshot file or a postgres:// URL.
    #[arg(value_name = "A")]
    pub(crate) a: String,

    /// The found side: a snapshot file or a postgres:// URL.
    #[arg(value_name = "B")]
    pub(crate) b: String,

    #[command(flatten)]
    pub(crate) compare: Compare,
}

/// The database and the snapshot file of `refresh` and `check`.
#[derive(Debug, Args)]
pub(crate) struct Files {
    /// The database, e.g. postgres://user:password@localhost:5432/app. Default: DATABASE_URL,
    /// from the environment or from a .env file in the current directory or a parent.
    #[arg(long, value_name = "URL")]
    pub(crate) database_url: Option<String>,

    /// The snapshot file. Default: the one the derives would use from the current directory.
    #[arg(long, value_name = "PATH")]
    pub(crate) snapshot: Option<PathBuf>,
}

/// How long to wait for a server; every wait is bounded and, when it runs out, the command
/// fails (exit 2) saying what it waited for.
#[derive(Debug, Args)]
pub(crate) struct TimeoutArgs {
    /// The longest to wait for a server to accept a connection and log us in (every host of
    /// the URL together). Default: the URL's connect_timeout, else 10.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) connect_timeout: Option<Duration>,

    /// The longest reading a database's schema may take once connected, all its queries
    /// together: a live database, or the shadow database of --migrations. Default: 60.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) read_timeout: Option<Duration>,

    /// The longest the read waits for a table another session has locked (a migration
    /// running); then it stops, naming the table and the session holding it. Default: 5.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) lock_timeout: Option<Duration>,

    /// The longest the server may spend on any one query of the read. Default: 60.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) statement_timeout: Option<Duration>,

    /// With --migrations, the longest each step of building the shadow database may take:
    /// creating it, applying one migration file, dropping it. Default: 300.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) migration_timeout: Option<Duration>,
}

impl TimeoutArgs {
    pub(crate) fn get(&self) -> Timeouts {
        let default = Timeouts::default();
        Timeouts {
            connect: self.connect_timeout,
            read: self.read_timeout.unwrap_or(default.read),
            lock: self.lock_timeout.unwrap_or(default.lock),
            statement: self.statement_timeout.unwrap_or(default.statement),
            migration: self.migration_timeout.unwrap_or(default.migration),
        }
    }
}

/// A duration above 0 and at most a day: seconds (`30`, `2.5`), or a number with a unit (`500ms`,
/// `5s`, `2m`, `1h`).
fn parse_seconds(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale = match unit {
        "" | "s" => Some(1.0),
        "ms" => Some(0.001),
        "m" | "min" => Some(60.0),
        "h" => Some(3600.0),
        _ => None,
    };
    scale
        .zip(number.trim().parse::<f64>().ok())
        .map(|(scale, v)| v * scale)
        .filter(|v| *v > 0.0 && *v <= 86_400.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            "expected seconds above 0 and at most a day, such as `30` or `2.5`, or a number with \
             a unit, such as `500ms`, `5s` or `2m`"
                .to_owned()
        })
}

/// `--layout`: a migrations directory's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LayoutArg {
    /// `<version>_<name>.sql` (or `.up.sql`), recorded in `_sqlx_migrations`.
    Sqlx,
    /// `<version>_<name>/up.sql` folders, recorded in `__diesel_schema_migrations`.
    Diesel,
    /// `V<n>__<name>.sql`, recorded in `refinery_schema_history`.
    Refinery,
    /// `.sql` files in file-name order, recorded nowhere.
    Plain,
}

impl From<LayoutArg> for crate::shadow::Layout {
    fn from(l: LayoutArg) -> Self {
        use crate::shadow::Layout;
        match l {
            LayoutArg::Sqlx => Layout::Sqlx,
            LayoutArg::Diesel => Layout::Diesel,
            LayoutArg::Refinery => Layout::Refinery,
            LayoutArg::Plain => Layout::Plain,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people: grouped by table, coloured on a terminal, with a summary line.
    Text,
    /// For machines: the report's differences, notices and a summary.
    Json,
}

/// The arguments without the `schemalock` that cargo inserts when it runs `cargo schemalock ...`
/// as `cargo-schemalock schemalock ...`.
pub(crate) fn strip_cargo_subcommand(mut args: Vec<OsString>) -> Vec<OsString> {
    if args.get(1).is_some_and(|a| a == "schemalock") {
        args.remove(1);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn cargo_inserts_the_subcommand_name() {
        let os = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            strip_cargo_subcommand(os(&["cargo-schemalock", "schemalock", "check"])),
            os(&["cargo-schemalock", "check"])
        );
        assert_eq!(
            strip_cargo_subcommand(os(&["cargo-schemalock", "check"])),
            os(&["cargo-schemalock", "check"])
        );
        assert_eq!(
            strip_cargo_subcommand(os(&["cargo-schemalock"])),
            os(&["cargo-schemalock"])
        );
    }

    #[test]
    fn flags_parse() {
        let cli = Cli::try_parse_from([
            "x", "refresh", "--schema", "a", "--schema", "b", "--check", "--format", "json", "-q",
        ])
        .unwrap();
        assert!(cli.quiet);
        let Command::Refresh(r) = cli.command else {
            panic!()
        };
        assert_eq!(r.schemas, ["a", "b"]);
        assert!(r.check);
        assert_eq!(r.format, Format::Json);
        assert!(Cli::try_parse_from(["x", "refresh", "--format", "json"]).is_err());
        assert!(Cli::try_parse_from(["x", "-q", "-v", "check"]).is_err());
    }

    #[test]
    fn timeouts_parse() {
        let cli = Cli::try_parse_from(["x", "check", "--connect-timeout", "2.5"]).unwrap();
        assert_eq!(
            cli.timeouts.get(),
            Timeouts {
                connect: Some(Duration::from_millis(2500)),
                ..Timeouts::default()
            }
        );
        let cli = Cli::try_parse_from(["x", "--read-timeout", "5", "diff", "a", "b"]).unwrap();
        assert_eq!(cli.timeouts.get().read, Duration::from_secs(5));
        let cli = Cli::try_parse_from([
            "x",
            "check",
            "--lock-timeout",
            "500ms",
            "--statement-timeout",
            "2m",
        ])
        .unwrap();
        let t = cli.timeouts.get();
        assert_eq!(
            (t.lock, t.statement),
            (Duration::from_millis(500), Duration::from_secs(120))
        );
        let t = Cli::try_parse_from(["x", "diff", "a", "b", "--lock-timeout", "1.5"])
            .unwrap()
            .timeouts
            .get();
        assert_eq!(
            (t.lock, t.statement),
            (Duration::from_millis(1500), Duration::from_secs(60))
        );
        assert_eq!(
            Cli::try_parse_from(["x", "refresh"])
                .unwrap()
                .timeouts
                .get()
                .lock,
            Duration::from_secs(5)
        );
        let t = Cli::try_parse_from(["x", "refresh", "--migration-timeout", "2m"])
            .unwrap()
            .timeouts
            .get();
        assert_eq!(t.migration, Duration::from_secs(120));
        assert_eq!(
            Cli::try_parse_from(["x", "refresh"])
                .unwrap()
                .timeouts
                .get()
                .migration,
            Duration::from_secs(300)
        );
        for (good, secs) in [
            ("1h", 3600.0),
            ("0.5m", 30.0),
            (" 7s ", 7.0),
            ("250 ms", 0.25),
        ] {
            assert_eq!(
                parse_seconds(good),
                Ok(Duration::from_secs_f64(secs)),
                "{good}"
            );
        }
        for bad in [
            "0", "-1", "x", "NaN", "inf", "100000", "0s", "5 weeks", "1e3s", "s", "2d",
        ] {
            assert!(
                Cli::try_parse_from(["x", "check", "--lock-timeout", bad]).is_err(),
                "{bad}"
            );
        }
        for bad in ["0", "-1", "x", "NaN", "inf", "100000"] {
            assert!(
                Cli::try_parse_from(["x", "check", "--connect-timeout", bad]).is_err(),
                "{bad}"
            );
        }
    }
}
