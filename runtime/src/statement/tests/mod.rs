//! Unit tests of the statement engine against `constructs.json`, the snapshot of
//! `tests/tests/statements/schema.sql` (PostgreSQL 15; `statement_differential.rs` checks it is
//! current and says how to regenerate it). The same statements against a real server are the
//! differential harness's business; these pin each rule and each message.

/// Statements and what the checker says of each, one a line: `ok "sql";` (nothing), or
/// `"sql" => Kind` (one finding, of that kind) with, optionally, `@ "text"` (the text it points
/// at) and one of `= "message"` (its message), `^ "start"` (how the message starts) or
/// `~ "part"` (a part of the message).
macro_rules! check {
    () => {};
    (ok $sql:literal; $($rest:tt)*) => {
        super::ok($sql);
        check!($($rest)*);
    };
    (
        $sql:literal => $kind:ident $(@ $at:literal)?
        $(= $is:literal)? $(^ $head:literal)? $(~ $part:literal)?;
        $($rest:tt)*
    ) => {
        let _f = super::one($sql, crate::statement::FindingKind::$kind);
        $(assert_eq!(super::at($sql, &_f), $at, "{}", $sql);)?
        $(assert_eq!(_f.message, $is, "{}", $sql);)?
        $(assert!(_f.message.starts_with($head), "{_f:?}");)?
        $(assert!(_f.message.contains($part), "{_f:?}");)?
        check!($($rest)*);
    };
}

mod findings;
mod nullability;
mod types;

use std::path::Path;
use std::sync::OnceLock;

use super::{Analysis, Checker, Finding, FindingKind, Nullability, Options, SqlType};
use crate::snapshot::Snapshot;

fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        Snapshot::from_json(
            include_str!("constructs.json"),
            Path::new("statement/tests/constructs.json"),
        )
        .expect("constructs.json")
    })
}

fn analyze(sql: &str) -> Analysis {
    Checker::new(snapshot(), &Options::default()).analyze(sql)
}

/// The analysis of a statement that must have no finding.
#[track_caller]
fn ok(sql: &str) -> Analysis {
    let a = analyze(sql);
    assert!(a.findings.is_empty(), "{sql}\n{:#?}", a.findings);
    a
}

/// The one finding of a statement, which must be of `kind`.
#[track_caller]
fn one(sql: &str, kind: FindingKind) -> Finding {
    let a = analyze(sql);
    assert_eq!(a.findings.len(), 1, "{sql}\n{:#?}", a.findings);
    let f = a.findings.into_iter().next().expect("one finding");
    assert_eq!(f.kind, kind, "{sql}\n{f:#?}");
    f
}

/// The one finding of `sql`, of `kind`, reading `message`.
fn reads(sql: &str, kind: FindingKind, message: &str) -> Finding {
    let f = one(sql, kind);
    assert_eq!(f.message, message);
    f
}

/// The one finding of `sql`, of `kind`, with `part` in its message.
fn saying(sql: &str, kind: FindingKind, part: &str) -> Finding {
    let f = one(sql, kind);
    assert!(f.message.contains(part), "{f:?}");
    f
}

/// The one finding of `sql`, of `kind`, whose message starts with `head`.
fn starting(sql: &str, kind: FindingKind, head: &str) -> Finding {
    let f = one(sql, kind);
    assert!(f.message.starts_with(head), "{f:?}");
    f
}

/// The text a finding points at.
fn at<'t>(sql: &'t str, f: &Finding) -> &'t str {
    &sql[f.span.clone()]
}

/// Each result column as `name:type` (`?` when untyped), arrays with `[]`.
fn columns(a: &Analysis) -> Vec<String> {
    a.columns
        .iter()
        .map(|c| format!("{}:{}", c.name, short(c.ty.as_ref())))
        .collect()
}

/// Each parameter's type (`?` when untyped).
fn params(a: &Analysis) -> Vec<String> {
    a.params.iter().map(|p| short(p.ty.as_ref())).collect()
}

/// For each `(sql, want)`: `of` the analysis of `sql` is `want`.
fn each(of: fn(&Analysis) -> Vec<String>, cases: &[(&str, &[&str])]) {
    for (sql, want) in cases {
        assert_eq!(of(&ok(sql)), *want, "{sql}");
    }
}

/// A type as `typname` with `[]` for an array, `?` when untyped.
fn short(ty: Option<&SqlType>) -> String {
    ty.map_or("?".to_owned(), |t| {
        let t = &t.decoded;
        format!("{}{}", t.name, if t.array { "[]" } else { "" })
    })
}

fn nulls(a: &Analysis) -> Vec<Nullability> {
    a.columns.iter().map(|c| c.nullability).collect()
}
