//! `cargo schemalock generate`: models from the snapshot ([`crate::generate`]), formatted by
//! rustfmt when it is installed (the text is laid out as rustfmt would anyway), to stdout or a
//! file.

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::args::GenerateArgs;
use crate::error::{Error, Outcome};
use crate::generate::{self, Insertable, Options};
use crate::source::file;
use crate::ui::Ui;

pub(crate) fn run(args: &GenerateArgs, ui: &Ui, cwd: &Path) -> Result<Outcome, Error> {
    let path = file::existing_snapshot(args.snapshot.as_deref(), cwd)?;
    let shown = file::shown(&path, cwd);
    ui.detail(&format!("snapshot `{shown}`"));
    let snapshot = file::load(&path, cwd)?;
    let options = Options {
        driver: args.derive,
        features: args.features.clone(),
        schemas: args.schemas.clone(),
        tables: args.tables.clone(),
        insertable: if args.insertable {
            Insertable::Yes
        } else {
            Insertable::No
        },
    };
    let generated = generate::generate(&snapshot, &options).map_err(Error::new)?;
    for note in &generated.notes {
        ui.info(&format!("note: {note}"));
    }
    let code = match rustfmt(&generated.code) {
        Ok(formatted) => formatted,
        Err(why) => {
            ui.detail(&format!(
                "not run through rustfmt ({why}); written as rustfmt lays it out"
            ));
            generated.code
        }
    };
    match &args.output {
        Some(out) => {
            let target = cwd.join(out);
            std::fs::write(&target, &code).map_err(|e| {
                Error::new(format!(
                    "cannot write `{}`: {e}; check that its directory exists",
                    out.display()
                ))
            })?;
            ui.info(&format!("wrote `{}` from `{shown}`", out.display()));
        }
        None => crate::report::print(&code)?,
    }
    Ok(Outcome::Clean)
}

/// `code` through `rustfmt --edition 2024`, within [`RUSTFMT_LIMIT`]; `Err` says why not (not
/// installed, failed, too slow: then it is killed).
fn rustfmt(code: &str) -> Result<String, String> {
    let rustfmt = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(rustfmt)
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no stdin")?;
    let input = code.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let read = |pipe: Option<std::process::ChildStdout>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut text);
            }
            text
        })
    };
    let stdout = read(child.stdout.take());
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < RUSTFMT_LIMIT => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "rustfmt took longer than {} s",
                    RUSTFMT_LIMIT.as_secs()
                ));
            }
            Err(e) => return Err(format!("rustfmt failed: {e}")),
        }
    };
    let _ = writer.join();
    let text = stdout.join().unwrap_or_default();
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        return Err(format!("rustfmt failed: {}", err.trim()));
    }
    String::from_utf8(text).map_err(|_| "rustfmt wrote text that is not UTF-8".to_owned())
}

/// How long rustfmt may take on the generated models.
const RUSTFMT_LIMIT: Duration = Duration::from_secs(20);
