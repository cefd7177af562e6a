//! A plan as text: one script for `psql -v ON_ERROR_STOP=1 -f` (autocommit, so every step
//! holds its lock no longer than itself; a step of several statements in its own `BEGIN` ...
//! `COMMIT`), or as chunks for a migration tool that runs each file in a transaction (a chunk
//! per run of steps that may share one, one per step that needs its own, and one per statement
//! that cannot run in a transaction at all, alone in its file).

use std::time::Duration as Wait;

use serde::Serialize;

use super::step::{Duration, Step, Transaction};
use super::{NoteKind, PREFLIGHT_SCHEMA, Plan};

/// How a script is written.
#[derive(Debug, Clone)]
pub struct ScriptOptions {
    /// `lock_timeout` of every step: how long it waits for its lock before giving up.
    pub lock_timeout: Wait,
    /// `statement_timeout` of steps that only change the catalog.
    pub catalog_timeout: Wait,
    /// `statement_timeout` of steps that read or write the rows of existing tables (index
    /// builds, validations, rewrites).
    pub data_timeout: Wait,
    /// Comment lines at the top: where the plan goes from and to.
    pub header: Vec<String>,
}

impl Default for ScriptOptions {
    fn default() -> Self {
        ScriptOptions {
            lock_timeout: Wait::from_secs(5),
            catalog_timeout: Wait::from_secs(60),
            data_timeout: Wait::from_secs(3600),
            header: Vec::new(),
        }
    }
}

/// `5s`, `500ms`, `1h`: as PostgreSQL reads a timeout setting.
fn setting(w: Wait) -> String {
    let ms = w.as_millis();
    if ms == 0 {
        "0".to_owned()
    } else if ms % 3_600_000 == 0 {
        format!("{}h", ms / 3_600_000)
    } else if ms % 60_000 == 0 {
        format!("{}min", ms / 60_000)
    } else if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// A part of a plan for one migration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chunk {
    /// Whether the file may run in a transaction (the migration tool's default); `false` for
    /// a file holding one statement that cannot (`CREATE INDEX CONCURRENTLY`).
    pub transactional: bool,
    /// A short name for the file: what its first step does.
    pub name: String,
    /// The file's SQL.
    pub sql: String,
}

fn comment(text: &str) -> String {
    text.lines()
        .map(|l| format!("-- {l}").trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The comment block above a step.
fn step_comment(number: usize, total: usize, s: &Step) -> String {
    let mut lines = vec![format!("Step {number} of {total}: {}", s.description)];
    let on = if s.lock.on.is_empty() {
        String::new()
    } else {
        format!(" on {}", s.lock.on.join(", "))
    };
    lines.push(format!("  lock: {}{on}", s.lock.level.sql_name()));
    for h in &s.hazards {
        lines.push(format!("  hazard {}: {}", h.kind, h.detail));
    }
    if let Some(p) = &s.preflight {
        lines.push(format!("  checked before step 1: {}", p.checks));
    }
    if let Some(n) = &s.note {
        lines.push(format!("  note: {n}"));
    }
    comment(&lines.join("\n"))
}

impl Plan {
    /// The pre-flight checks with the scratch types they need, for a transaction.
    fn preflight_body(&self) -> String {
        let mut out = String::new();
        if !self.scratch_types.is_empty() {
            out.push_str(&format!("CREATE SCHEMA {PREFLIGHT_SCHEMA};\n"));
            for t in &self.scratch_types {
                out.push_str(t);
                out.push_str(";\n");
            }
            out.push_str(&format!(
                "SET LOCAL search_path TO {PREFLIGHT_SCHEMA}, public;\n"
            ));
        }
        for p in &self.preflight {
            out.push_str(&format!("-- {}\n{};\n", p.checks, p.sql));
        }
        out.push_str(&super::preflight::verdict());
        out.push_str(";\n");
        out
    }

    /// The script for `psql -v ON_ERROR_STOP=1 -f`.
    pub fn script(&self, options: &ScriptOptions) -> String {
        let mut out = String::new();
        for line in &options.header {
            out.push_str(&comment(line));
            out.push('\n');
        }
        if self.steps.is_empty() && self.notes.is_empty() {
            out.push_str("-- Nothing to do: the schemas are the same.\n");
            return out;
        }
        if self.steps.is_empty() {
            out.push_str("-- Nothing to do that a statement can do; what differs:\n");
        } else {
            out.push_str(&format!(
                "-- {}.\n-- Run with: psql -v ON_ERROR_STOP=1 -f <this file>\n",
                self.summary()
            ));
        }
        for n in &self.notes {
            let label = match n.kind {
                NoteKind::RenameSuggestion => "rename?",
                NoteKind::Unplanned => "not planned",
            };
            out.push_str(&comment(&format!("{label}: {}", n.message)));
            out.push('\n');
        }
        if self.steps.is_empty() {
            return out;
        }
        if !self.preflight.is_empty() {
            out.push_str(&format!(
                "\n-- Pre-flight: the data every step needs, checked before anything changes, in a\n\
                 -- transaction that is rolled back. A failed check names the rows to fix; fix them\n\
                 -- and run this script again.\nBEGIN;\nSET LOCAL lock_timeout = '{}';\nSET LOCAL statement_timeout = '{}';\n{}ROLLBACK;\n",
                setting(options.lock_timeout),
                setting(options.data_timeout),
                self.preflight_body()
            ));
        }
        // Expressions and types are printed for this search_path; functions are created
        // before the tables their bodies read.
        out.push_str("\nSET search_path TO public;\nSET check_function_bodies = false;\n");
        let mut timeouts: Option<(Wait, Wait)> = None;
        let total = self.steps.len();
        for (i, s) in self.steps.iter().enumerate() {
            out.push('\n');
            out.push_str(&step_comment(i + 1, total, s));
            out.push('\n');
            let statement_timeout = match s.duration {
                Duration::Catalog => options.catalog_timeout,
                Duration::Data => options.data_timeout,
            };
            if timeouts != Some((options.lock_timeout, statement_timeout)) {
                out.push_str(&format!(
                    "SET lock_timeout = '{}';\nSET statement_timeout = '{}';\n",
                    setting(options.lock_timeout),
                    setting(statement_timeout)
                ));
                timeouts = Some((options.lock_timeout, statement_timeout));
            }
            let atomic = s.statements.len() > 1 && s.transaction != Transaction::None;
            if atomic {
                out.push_str("BEGIN;\n");
            }
            for st in &s.statements {
                out.push_str(st);
                out.push_str(";\n");
            }
            if atomic {
                out.push_str("COMMIT;\n");
            }
        }
        out.push_str(
            "\nRESET lock_timeout;\nRESET statement_timeout;\nRESET check_function_bodies;\nRESET search_path;\n",
        );
        out
    }

    /// The plan cut into chunks for migration files that run in a transaction each.
    pub fn chunks(&self, options: &ScriptOptions) -> Vec<Chunk> {
        let mut chunks = Vec::new();
        let total = self.steps.len();
        let mut current: Option<(String, String)> = None;
        let open = |name: &str| {
            (
                name.to_owned(),
                "SET LOCAL search_path TO public;\nSET LOCAL check_function_bodies = false;\n"
                    .to_owned(),
            )
        };
        let close = |current: &mut Option<(String, String)>, chunks: &mut Vec<Chunk>| {
            if let Some((name, sql)) = current.take() {
                chunks.push(Chunk {
                    transactional: true,
                    name,
                    sql,
                });
            }
        };
        if !self.preflight.is_empty() {
            let mut sql = format!(
                "-- Pre-flight: the data every step needs, checked before anything changes.\n\
                 SET LOCAL lock_timeout = '{}';\nSET LOCAL statement_timeout = '{}';\n{}",
                setting(options.lock_timeout),
                setting(options.data_timeout),
                self.preflight_body()
            );
            if !self.scratch_types.is_empty() {
                sql.push_str(&format!("DROP SCHEMA {PREFLIGHT_SCHEMA} CASCADE;\n"));
            }
            chunks.push(Chunk {
                transactional: true,
                name: "pre-flight checks".to_owned(),
                sql,
            });
        }
        for (i, s) in self.steps.iter().enumerate() {
            let statement_timeout = match s.duration {
                Duration::Catalog => options.catalog_timeout,
                Duration::Data => options.data_timeout,
            };
            let head = format!(
                "\n{}\nSET LOCAL lock_timeout = '{}';\nSET LOCAL statement_timeout = '{}';\n",
                step_comment(i + 1, total, s),
                setting(options.lock_timeout),
                setting(statement_timeout)
            );
            match s.transaction {
                Transaction::None => {
                    close(&mut current, &mut chunks);
                    // Alone: a migration tool sends a file as one query string, and more than
                    // one statement in it would make an implicit transaction.
                    chunks.push(Chunk {
                        transactional: false,
                        name: s.description.clone(),
                        sql: format!(
                            "{}\n{};\n",
                            step_comment(i + 1, total, s),
                            s.statements.join(";\n")
                        ),
                    });
                }
                Transaction::Own | Transaction::Any => {
                    if s.transaction == Transaction::Own {
                        close(&mut current, &mut chunks);
                    }
                    let c = current.get_or_insert_with(|| open(&s.description));
                    c.1.push_str(&head);
                    for st in &s.statements {
                        c.1.push_str(st);
                        c.1.push_str(";\n");
                    }
                    if s.transaction == Transaction::Own {
                        close(&mut current, &mut chunks);
                    }
                }
            }
        }
        close(&mut current, &mut chunks);
        chunks
    }
}

#[cfg(test)]
mod tests {
    use super::setting;
    use std::time::Duration;

    #[test]
    fn settings_read_as_postgresql_reads_them() {
        assert_eq!(setting(Duration::from_secs(5)), "5s");
        assert_eq!(setting(Duration::from_millis(1500)), "1500ms");
        assert_eq!(setting(Duration::from_secs(120)), "2min");
        assert_eq!(setting(Duration::from_secs(3600)), "1h");
        assert_eq!(setting(Duration::ZERO), "0");
    }
}
