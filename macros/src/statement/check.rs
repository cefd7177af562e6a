//! Runs the statement engine on a literal and reports each finding on it: the message, the
//! statement's line with a caret under the offending text (a string literal's inside cannot be
//! spanned on stable Rust), and the engine's help.

use schemalock_runtime::snapshot::Snapshot;
use schemalock_runtime::statement::{self, Analysis, Checker, Finding, Stage};
use schemalock_runtime::text::caret;
use syn::LitStr;

use crate::ctxt::Ctxt;

/// Checks the statement of `sql`; every finding goes to `cx`, spanned on the literal.
pub fn statement(
    cx: &Ctxt,
    sql: &LitStr,
    snapshot: &Snapshot,
    search_path: Vec<String>,
) -> Analysis {
    let text = sql.value();
    let checker = Checker::new(snapshot, &statement::Options { search_path });
    let analysis = checker.analyze(&text);
    for finding in &analysis.findings {
        cx.error_at(sql.span(), render(&text, finding));
    }
    analysis
}

/// The error's text: message, excerpt with caret, when PostgreSQL would fail if not when
/// preparing, and help.
fn render(text: &str, f: &Finding) -> String {
    let mut out = f.message.clone();
    out.push('\n');
    out.push_str(&caret(text, f.span.clone()));
    match f.kind.stage() {
        Stage::Prepare => {}
        Stage::Plan => out.push_str(
            "\n  = note: PostgreSQL prepares this statement but fails when it first runs it",
        ),
        Stage::Execute => out.push_str(
            "\n  = note: PostgreSQL accepts this statement but fails on every row it writes",
        ),
    }
    if let Some(help) = &f.help {
        out.push_str("\n  = help: ");
        out.push_str(help);
    }
    out
}
