//! `cargo schemalock plan`: the migration from one schema to another (the live database to the
//! snapshot by default), planned by the runtime's planner (`schemalock_runtime::plan`), written
//! as a psql script, as JSON, or as the next migration of a folder ([`files`]), and verified on
//! a throwaway database ([`verify`]).

mod files;
mod verify;

use std::path::Path;

use schemalock_runtime::plan::{
    self, Allowed, HazardKind, Options, Plan, Rename, ScriptOptions, Using,
};
use serde::Serialize;

use crate::args::{Format, PlanArgs};
use crate::db::database_url::{self, DatabaseUrl};
use crate::error::{Error, Outcome};
use crate::report;
use crate::source::{Source, file, read_pair, schemas};
use crate::ui::Ui;

/// One side of a plan.
enum Side {
    /// `--from empty`.
    Empty,
    /// A snapshot file or a database.
    Source(Source),
}

impl Side {
    /// The source to read, `None` for nothing.
    fn source(&self) -> Option<&Source> {
        match self {
            Side::Empty => None,
            Side::Source(s) => Some(s),
        }
    }

    fn shown(&self, cwd: &Path) -> String {
        match self {
            Side::Empty => "nothing".to_owned(),
            Side::Source(s) => s.shown(cwd),
        }
    }
}

pub(crate) fn run(args: &PlanArgs, ui: &Ui, cwd: &Path) -> Result<Outcome, Error> {
    let options = Options {
        renames: parse_all(&args.renames, Rename::parse, "--rename")?,
        using: parse_all(&args.using, Using::parse, "--using")?,
    };
    let allowed = match &args.allow_hazards {
        Some(list) => {
            Allowed::parse(list).map_err(|e| Error::new(format!("--allow-hazards: {e}")))?
        }
        None => Allowed::Nothing,
    };
    let url = || -> Result<DatabaseUrl, Error> {
        database_url::resolve_url(args.database_url.as_deref(), cwd)?
            .ok_or_else(database_url::no_url_error)
    };
    let from = match args.from.as_deref() {
        Some("empty") => Side::Empty,
        Some(arg) => Side::Source(Source::parse(arg, cwd)?),
        None => Side::Source(Source::Database(url()?)),
    };
    let to = match (&args.to, &args.snapshot) {
        (Some(arg), _) => Side::Source(Source::parse(arg, cwd)?),
        (None, explicit) => Side::Source(Source::File(file::existing_snapshot(
            explicit.as_deref(),
            cwd,
        )?)),
    };
    let pair = read_pair(from.source(), to.source(), &args.schemas, cwd, ui)?;
    schemas::check_requested(
        &args.schemas,
        pair.in_files
            .iter()
            .chain(pair.a.snapshot.schemas.keys())
            .chain(pair.b.snapshot.schemas.keys()),
    )?;
    let (source, target) = (pair.a.snapshot, pair.b.snapshot);
    ui.detail(&format!("from {} to {}", from.shown(cwd), to.shown(cwd)));

    let plan = plan::plan(&source, &target, &options).map_err(|e| Error::new(e.to_string()))?;
    let script_options = ScriptOptions {
        lock_timeout: args
            .step_lock_timeout
            .unwrap_or(ScriptOptions::default().lock_timeout),
        catalog_timeout: args
            .step_timeout
            .unwrap_or(ScriptOptions::default().catalog_timeout),
        data_timeout: args
            .data_step_timeout
            .unwrap_or(ScriptOptions::default().data_timeout),
        header: vec![
            format!("Plan by cargo schemalock {}", env!("CARGO_PKG_VERSION")),
            format!("from: {}", from.shown(cwd)),
            format!("to:   {}", to.shown(cwd)),
        ],
    };
    let refused = plan.refused(&allowed);

    let wanted = verify::wanted(args, &from, cwd);
    if let verify::Wanted::No(why) = &wanted {
        ui.info(&format!("plan not verified: {why}"));
    }
    let verification = verify::run(
        wanted,
        &source,
        &target,
        &plan,
        &script_options,
        &args.schemas,
        ui,
    )?;

    match args.format {
        Format::Json => report::print(&json(
            &plan,
            &script_options,
            &refused,
            verification.as_ref(),
        ))?,
        Format::Text => write_plan(args, &plan, &script_options, ui, cwd)?,
    }
    summarize(&plan, &refused, ui);
    if let Some(v) = &verification {
        verify::tell(v, &target, ui)?;
    }
    let differs = verification
        .as_ref()
        .is_some_and(|v| !v.differences.is_empty());
    Ok(if refused.is_empty() && !differs {
        Outcome::Clean
    } else {
        Outcome::Drift
    })
}

/// Parses every value of a repeated flag.
fn parse_all<T>(
    values: &[String],
    parse: fn(&str) -> Result<T, String>,
    flag: &str,
) -> Result<Vec<T>, Error> {
    values
        .iter()
        .map(|v| parse(v).map_err(|e| Error::new(format!("{flag} `{v}`: {e}"))))
        .collect()
}

/// The script to stdout, `--output` or `--migration`.
fn write_plan(
    args: &PlanArgs,
    plan: &Plan,
    options: &ScriptOptions,
    ui: &Ui,
    cwd: &Path,
) -> Result<(), Error> {
    if let Some(dir) = &args.migration {
        if plan.is_empty() {
            ui.info("nothing to do: no migration written");
            return Ok(());
        }
        let written = files::write(&cwd.join(dir), args.layout, plan, options)?;
        for f in &written {
            report::print(&format!("{}\n", file::shown(f, cwd)))?;
        }
        return Ok(());
    }
    let script = plan.script(options);
    match &args.output {
        Some(path) => std::fs::write(cwd.join(path), script).map_err(|e| {
            Error::new(format!(
                "cannot write `{}`: {e}",
                file::shown(&cwd.join(path), cwd)
            ))
        }),
        None => report::print(&script),
    }
}

/// What the plan needs and what was refused, on stderr.
fn summarize(plan: &Plan, refused: &[HazardKind], ui: &Ui) {
    for note in &plan.notes {
        ui.info(&format!("note: {}", note.message));
    }
    if plan.is_empty() {
        ui.info(if plan.notes.is_empty() {
            "nothing to do: the schemas are the same"
        } else {
            "nothing to do that a statement can do"
        });
        return;
    }
    ui.info(&plan.summary());
    if !refused.is_empty() {
        for k in refused {
            let steps: Vec<String> = plan
                .steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.hazards.iter().any(|h| h.kind == *k))
                .map(|(i, _)| (i + 1).to_string())
                .collect();
            ui.warn(&format!(
                "hazard `{k}` not allowed ({}): step {}",
                k.explanation(),
                steps.join(", ")
            ));
        }
        ui.warn(&format!(
            "the plan needs hazards that were not allowed; read the steps, then pass `--allow-hazards {}`",
            plan::hazard::names(refused)
        ));
    }
}

/// `--format json`.
fn json(
    plan: &Plan,
    options: &ScriptOptions,
    refused: &[HazardKind],
    verification: Option<&verify::Verification>,
) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        steps: &'a [plan::Step],
        preflight: &'a [plan::Preflight],
        notes: &'a [plan::Note],
        hazards: Vec<HazardKind>,
        refused: &'a [HazardKind],
        verified: Option<&'a verify::Verification>,
        script: String,
    }
    let out = Out {
        steps: &plan.steps,
        preflight: &plan.preflight,
        notes: &plan.notes,
        hazards: plan.hazard_kinds(),
        refused,
        verified: verification,
        script: plan.script(options),
    };
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
    text.push('\n');
    text
}
