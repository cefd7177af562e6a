//! `plan --verify`: the source schema built in a throwaway database (a plan from nothing,
//! applied), the plan applied after it, the result read and compared with the target. Both
//! scripts go through the shadow database as a plain migrations folder, so they run as psql
//! would run them, every wait bounded, the database (or local cluster) removed afterwards.

use std::path::Path;

use schemalock_runtime::Snapshot;
use schemalock_runtime::diff::{Article, Difference, Sides, Style, diff, render};
use schemalock_runtime::plan::{self, Options, Plan, ScriptOptions};
use serde::Serialize;

use super::Side;
use crate::args::PlanArgs;
use crate::db::database_url::{self, DatabaseUrl};
use crate::error::Error;
use crate::shadow::Layout;
use crate::source::{Source, migrations};
use crate::ui::Ui;

/// Whether and where to verify.
pub(super) enum Wanted {
    /// Not: why.
    No(String),
    /// On a throwaway local cluster; `explicit` when `--verify` asked for it.
    Local { explicit: bool },
    /// On the server of this URL (`--verify` without local binaries).
    Server(DatabaseUrl),
}

/// What the verification found.
#[derive(Debug, Serialize)]
pub(super) struct Verification {
    /// Where it ran: "a throwaway local cluster", "the server of URL".
    pub(super) on: String,
    /// What the target has that the result of the plan does not, and the other way round.
    pub(super) differences: Vec<Difference>,
}

pub(super) fn wanted(args: &PlanArgs, from: &Side, cwd: &Path) -> Wanted {
    if args.no_verify {
        return Wanted::No("--no-verify".to_owned());
    }
    if schemalock_cluster::find_bin_dir().is_ok() {
        return Wanted::Local {
            explicit: args.verify,
        };
    }
    if !args.verify {
        return Wanted::No(
            "no local PostgreSQL binaries (set PG_BIN), and --verify was not given to verify on \
             the server of the database URL"
                .to_owned(),
        );
    }
    let url = match from {
        Side::Source(Source::Database(db)) => Some(db.clone()),
        _ => database_url::resolve_url(args.database_url.as_deref(), cwd)
            .ok()
            .flatten(),
    };
    match url {
        Some(db) => Wanted::Server(db),
        None => Wanted::No(
            "--verify needs local PostgreSQL binaries (PG_BIN) or a database URL to create the \
             throwaway database on"
                .to_owned(),
        ),
    }
}

/// Verifies `plan`; `None` when verification was not asked for and could not run (said as a
/// warning). A failure to verify when `--verify` asked for it is an error.
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    wanted: Wanted,
    source: &Snapshot,
    target: &Snapshot,
    plan: &Plan,
    options: &ScriptOptions,
    schemas: &[String],
    ui: &Ui,
) -> Result<Option<Verification>, Error> {
    let (server, explicit) = match wanted {
        Wanted::No(_) => return Ok(None),
        Wanted::Local { explicit } => (None, explicit),
        Wanted::Server(db) => (Some(db), true),
    };
    let on = match &server {
        Some(db) => format!("the server of `{}`", db.shown()),
        None => "a throwaway local cluster".to_owned(),
    };
    match apply(source, plan, options, server.as_ref(), schemas, ui) {
        Ok(result) => {
            let differences = compare(target, &result);
            Ok(Some(Verification { on, differences }))
        }
        Err(e) if !explicit => {
            ui.warn(&format!("plan not verified on {on}: {e}"));
            Ok(None)
        }
        Err(e) => Err(Error::new(format!("cannot verify the plan on {on}: {e}"))),
    }
}

/// The source schema built from nothing, then the plan, in a throwaway database; its schema.
fn apply(
    source: &Snapshot,
    plan: &Plan,
    options: &ScriptOptions,
    server: Option<&DatabaseUrl>,
    schemas: &[String],
    ui: &Ui,
) -> Result<Snapshot, Error> {
    let dir = tempfile::Builder::new()
        .prefix("schemalock-verify-")
        .tempdir()
        .map_err(|e| Error::new(format!("cannot create a temporary folder: {e}")))?;
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text)
            .map_err(|e| Error::new(format!("cannot write a temporary file: {e}")))
    };
    let build = plan::plan(&Snapshot::new(), source, &Options::default())
        .map_err(|e| Error::new(format!("cannot build the source schema: {e}")))?;
    if !build.is_empty() {
        write("1_source.sql", &build.script(options))?;
    }
    write("2_plan.sql", &plan.script(options))?;
    let wanted = (!schemas.is_empty()).then_some(schemas);
    migrations::snapshot(
        dir.path(),
        "the plan",
        server,
        Some(Layout::Plain),
        wanted,
        ui,
    )
}

/// What differs between the target and the result, the migration tools' tables and head aside
/// (a plan leaves them to their tools).
fn compare(target: &Snapshot, result: &Snapshot) -> Vec<Difference> {
    let (target, result) = (
        plan::without_tool_tables(target),
        plan::without_tool_tables(result),
    );
    diff(&target, &result).differences
}

/// The verification for people, on stderr.
pub(super) fn tell(v: &Verification, target: &Snapshot, ui: &Ui) -> Result<(), Error> {
    if v.differences.is_empty() {
        ui.info(&format!("plan verified on {}: no differences", v.on));
        return Ok(());
    }
    let sides = Sides {
        expected: "target".into(),
        found: "result".into(),
        article: Article::The,
        compared: render::contents(target),
        views: render::views(&[target]),
    };
    let report = schemalock_runtime::diff::SchemaDiff {
        differences: v.differences.clone(),
    };
    ui.warn(&format!(
        "the plan, applied on {}, does not give the target:",
        v.on
    ));
    crate::out::eprint(&render::text(&report, &sides, Style::Plain));
    Ok(())
}
