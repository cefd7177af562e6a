//! Comparing the engine with the server, statement by statement, and the figures it adds up to.

use std::fmt;

use schemalock_runtime::statement::{Analysis, Nullability, SqlType, Stage};

use super::corpus::Stmt;
use super::server::{Described, Ty3, Verdict};

/// The figures of one corpus (or of all).
#[derive(Debug, Default)]
pub struct Tally {
    pub statements: usize,
    pub both_accept: usize,
    pub both_reject: usize,
    /// Accepted by the server, rejected by the engine: the goal is none.
    pub false_rejections: Vec<String>,
    /// Rejected by the server, accepted by the engine (a check the engine does not make).
    pub missed: Vec<String>,
    pub columns: usize,
    pub typed: usize,
    pub type_disagreements: Vec<String>,
    pub name_disagreements: Vec<String>,
    pub params: usize,
    pub params_typed: usize,
    pub param_disagreements: Vec<String>,
    /// Result columns the engine calls NOT NULL.
    pub not_null: usize,
    /// ... of which sqlx's offline data says nullable (sqlx leans nullable: listed to explain).
    pub sqlx_says_nullable: Vec<String>,
    /// Statements marked `reject` that the server accepted: the corpus is wrong.
    pub corpus_errors: Vec<String>,
    /// The engine says every written row fails; the server's run wrote none, so cannot tell.
    pub undecided: Vec<String>,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.statements += other.statements;
        self.both_accept += other.both_accept;
        self.both_reject += other.both_reject;
        self.false_rejections.extend(other.false_rejections);
        self.missed.extend(other.missed);
        self.columns += other.columns;
        self.typed += other.typed;
        self.type_disagreements.extend(other.type_disagreements);
        self.name_disagreements.extend(other.name_disagreements);
        self.params += other.params;
        self.params_typed += other.params_typed;
        self.param_disagreements.extend(other.param_disagreements);
        self.not_null += other.not_null;
        self.sqlx_says_nullable.extend(other.sqlx_says_nullable);
        self.corpus_errors.extend(other.corpus_errors);
        self.undecided.extend(other.undecided);
    }

    pub fn typed_percent(&self) -> f64 {
        if self.columns == 0 {
            100.0
        } else {
            100.0 * self.typed as f64 / self.columns as f64
        }
    }
}

/// The deepest stage the engine's findings claim PostgreSQL fails at (what the server must be
/// asked to go through), `Stage::Plan` when there is none.
pub fn stage_needed(a: &Analysis) -> Stage {
    let execute_only =
        !a.findings.is_empty() && a.findings.iter().all(|f| f.kind.stage() == Stage::Execute);
    if execute_only {
        Stage::Execute
    } else {
        Stage::Plan
    }
}

fn short(sql: &str) -> String {
    let one: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 140 {
        format!("{}...", one.chars().take(140).collect::<String>())
    } else {
        one
    }
}

fn engine_ty(t: &SqlType) -> Ty3 {
    let t = &t.decoded;
    (t.schema.clone(), t.name.clone(), t.array)
}

/// Compares one statement.
pub fn compare(t: &mut Tally, stmt: &Stmt, a: &Analysis, v: &Verdict) {
    t.statements += 1;
    let engine_rejects = !a.findings.is_empty();
    let what = format!("[{}] {}", stmt.label, short(&stmt.sql));
    if stmt.expect_reject && v.accepted() {
        t.corpus_errors.push(what.clone());
    }
    match (engine_rejects, v) {
        (true, Verdict::Rejected { .. }) => t.both_reject += 1,
        (true, Verdict::Unwritten) => {
            let f: Vec<String> = a.findings.iter().map(|f| f.message.clone()).collect();
            t.undecided
                .push(format!("{what}\n      engine: {}", f.join(" | ")));
        }
        (false, Verdict::Unwritten) => t.both_accept += 1,
        (true, Verdict::Accepted(_)) => {
            let f: Vec<String> = a.findings.iter().map(|f| f.message.clone()).collect();
            t.false_rejections
                .push(format!("{what}\n      engine: {}", f.join(" | ")));
        }
        (false, Verdict::Rejected { stage, message }) => {
            t.missed
                .push(format!("{what}\n      server ({stage:?}): {message}"));
        }
        (false, Verdict::Accepted(d)) => {
            t.both_accept += 1;
            if let Some(d) = d {
                describe(t, stmt, a, d, &what);
            }
        }
    }
}

fn describe(t: &mut Tally, stmt: &Stmt, a: &Analysis, d: &Described, what: &str) {
    if a.columns.len() != d.columns.len() {
        if a.columns_known {
            t.name_disagreements.push(format!(
                "{what}\n      engine has {} columns, server {}",
                a.columns.len(),
                d.columns.len()
            ));
        }
    } else {
        for (i, (ours, (name, ty))) in a.columns.iter().zip(&d.columns).enumerate() {
            t.columns += 1;
            if ours.name != *name {
                t.name_disagreements.push(format!(
                    "{what}\n      column {}: engine `{}`, server `{name}`",
                    i + 1,
                    ours.name
                ));
            }
            if let Some(et) = &ours.ty {
                t.typed += 1;
                if engine_ty(et) != *ty {
                    t.type_disagreements.push(format!(
                        "{what}\n      column `{name}`: engine {:?}, server {:?}",
                        engine_ty(et),
                        ty
                    ));
                }
            }
            if ours.nullability == Nullability::NotNull {
                t.not_null += 1;
                let sqlx = stmt
                    .sqlx
                    .as_ref()
                    .and_then(|s| s.nullable.get(i).copied().flatten());
                if sqlx == Some(true) {
                    t.sqlx_says_nullable
                        .push(format!("{what}\n      column `{name}`"));
                }
            }
        }
    }
    for (i, server) in d.params.iter().enumerate() {
        t.params += 1;
        let Some(p) = a.params.get(i).and_then(|p| p.ty.as_ref()) else {
            continue;
        };
        t.params_typed += 1;
        // A parameter of a domain type is described as the domain.
        let ours = match &p.domain {
            Some((s, n)) => (s.clone(), n.clone(), false),
            None => engine_ty(p),
        };
        if ours != *server {
            t.param_disagreements.push(format!(
                "{what}\n      ${}: engine {ours:?}, server {server:?}",
                i + 1
            ));
        }
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "  statements {:>4}: both accept {}, both reject {}, engine rejects what the server accepts {}, engine accepts what the server rejects {}",
            self.statements,
            self.both_accept,
            self.both_reject,
            self.false_rejections.len(),
            self.missed.len()
        )?;
        writeln!(
            f,
            "  result columns {}: typed {} ({:.1} %), type disagreements {}, name disagreements {}",
            self.columns,
            self.typed,
            self.typed_percent(),
            self.type_disagreements.len(),
            self.name_disagreements.len()
        )?;
        writeln!(
            f,
            "  parameters {}: typed {}, disagreements {}; columns called NOT NULL {} (sqlx says nullable for {})",
            self.params,
            self.params_typed,
            self.param_disagreements.len(),
            self.not_null,
            self.sqlx_says_nullable.len()
        )?;
        let lists: [(&str, &Vec<String>); 8] = [
            ("engine rejects, server accepts", &self.false_rejections),
            ("engine accepts, server rejects", &self.missed),
            ("type disagreement", &self.type_disagreements),
            ("name disagreement", &self.name_disagreements),
            ("parameter disagreement", &self.param_disagreements),
            (
                "NOT NULL where sqlx says nullable",
                &self.sqlx_says_nullable,
            ),
            ("marked reject but the server accepts", &self.corpus_errors),
            (
                "every row fails, the server's run wrote no row",
                &self.undecided,
            ),
        ];
        for (title, items) in lists {
            for i in items {
                writeln!(f, "    {title}: {i}")?;
            }
        }
        Ok(())
    }
}
