//! `plan --migration DIR`: the plan as the next migration of a folder, in the folder's layout
//! (the shadow database's [`Layout`], detected the same way). Tools that run each file in a
//! transaction (sqlx, diesel, refinery) get one file per [`Chunk`], each marked as the tool
//! wants when it cannot run in a transaction (`CREATE INDEX CONCURRENTLY`); a plain folder, run
//! with psql, gets the one script.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use schemalock_runtime::plan::{Chunk, Plan, ScriptOptions};

use crate::args::LayoutArg;
use crate::error::Error;
use crate::shadow::layout::{self, Layout, Record};

/// Writes the plan into `dir`; returns the files written, in the order they apply.
pub(super) fn write(
    dir: &Path,
    layout: Option<LayoutArg>,
    plan: &Plan,
    options: &ScriptOptions,
) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::new(format!("cannot create `{}`: {e}", dir.display())))?;
    let layout = match layout {
        Some(l) => Layout::from(l),
        None => detect(dir)?,
    };
    let existing = match layout::load(dir, Some(layout)) {
        Ok((_, migrations)) => migrations,
        Err(_) => Vec::new(),
    };
    let files = match layout {
        Layout::Plain => {
            let names = existing.iter().map(|m| m.name.as_str());
            vec![(
                PathBuf::from(plain_name(names, "schemalock_plan")),
                plan.script(options),
            )]
        }
        _ => {
            let chunks = plan.chunks(options);
            named(layout, &existing, &chunks)
        }
    };
    let mut written = Vec::new();
    for (relative, text) in files {
        let path = dir.join(&relative);
        if path.exists() {
            return Err(Error::new(format!(
                "`{}` already exists; nothing was written over it",
                path.display()
            )));
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::new(format!("cannot create `{}`: {e}", parent.display())))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| Error::new(format!("cannot write `{}`: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}

/// The folder's layout; an empty folder has none, and is refused with what to pass.
fn detect(dir: &Path) -> Result<Layout, Error> {
    layout::detect(dir).map(|d| d.layout).map_err(|e| {
        Error::new(format!(
            "{e}\nto start a migrations folder, pass `--layout sqlx`, `diesel`, `refinery` or `plain`"
        ))
    })
}

/// A file name part from a chunk's name: `create_index_posts_title_idx`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
        if out.len() >= 48 {
            break;
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.is_empty() {
        "step".to_owned()
    } else {
        out
    }
}

/// The next file of a plain folder: the number after the highest, as wide as theirs.
fn plain_name<'a>(existing: impl Iterator<Item = &'a str>, name: &str) -> String {
    let numbers: Vec<(u64, usize)> = existing
        .filter_map(|n| {
            let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
            Some((digits.parse().ok()?, digits.len()))
        })
        .collect();
    let next = numbers.iter().map(|(n, _)| n + 1).max().unwrap_or(1);
    let width = numbers.iter().map(|(_, w)| *w).max().unwrap_or(4);
    format!("{next:0width$}_{name}.sql")
}

/// Each chunk's file (relative path and text) in `layout`, versions after the existing ones.
fn named(
    layout: Layout,
    existing: &[layout::Migration],
    chunks: &[Chunk],
) -> Vec<(PathBuf, String)> {
    let now = timestamp(SystemTime::now());
    match layout {
        Layout::Sqlx => {
            let last = existing
                .iter()
                .filter_map(|m| match m.record {
                    Record::Sqlx { version, .. } => Some(version),
                    _ => None,
                })
                .max();
            let reversible = existing.iter().any(|m| m.name.ends_with(".up.sql"));
            // Timestamps when the folder uses them (as `sqlx migrate add` does), else numbers.
            let stamp: i64 = now.compact().parse().unwrap_or(0);
            let first = match last {
                Some(v) if v >= 10_000_000_000_000 => stamp.max(v + 1),
                Some(v) => v + 1,
                None => stamp,
            };
            let mut out = Vec::new();
            for (next, c) in (first..).zip(chunks) {
                let marker = if c.transactional {
                    ""
                } else {
                    "-- no-transaction\n"
                };
                let base = format!("{next}_{}", slug(&c.name));
                let text = format!("{marker}{}", c.sql);
                if reversible {
                    out.push((PathBuf::from(format!("{base}.up.sql")), text));
                    out.push((
                        PathBuf::from(format!("{base}.down.sql")),
                        "-- schemalock writes no down migration: plan back with `cargo schemalock plan`.\n"
                            .to_owned(),
                    ));
                } else {
                    out.push((PathBuf::from(format!("{base}.sql")), text));
                }
            }
            out
        }
        Layout::Diesel => {
            let last = existing
                .iter()
                .filter_map(|m| match &m.record {
                    Record::Diesel { version } => Some(version.clone()),
                    _ => None,
                })
                .max();
            let mut out = Vec::new();
            let mut at = now;
            for c in chunks {
                // Versions compare as text without dashes, as diesel compares them.
                while last
                    .as_deref()
                    .is_some_and(|l| at.compact() <= l.replace('-', ""))
                {
                    at = at.plus_one();
                }
                let folder = format!("{}_{}", at.dashed(), slug(&c.name));
                out.push((PathBuf::from(&folder).join("up.sql"), c.sql.clone()));
                out.push((
                    PathBuf::from(&folder).join("down.sql"),
                    "-- schemalock writes no down migration: plan back with `cargo schemalock plan`.\n"
                        .to_owned(),
                ));
                if !c.transactional {
                    out.push((
                        PathBuf::from(&folder).join("metadata.toml"),
                        "run_in_transaction = false\n".to_owned(),
                    ));
                }
                at = at.plus_one();
            }
            out
        }
        Layout::Refinery => {
            let last = existing
                .iter()
                .filter_map(|m| match m.record {
                    Record::Refinery { version, .. } => Some(version),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            chunks
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let marker = if c.transactional {
                        ""
                    } else {
                        "-- refinery:noTransaction\n"
                    };
                    (
                        PathBuf::from(format!("V{}__{}.sql", last + 1 + i as i32, slug(&c.name))),
                        format!("{marker}{}", c.sql),
                    )
                })
                .collect()
        }
        Layout::Plain => Vec::new(),
    }
}

/// A UTC time to the second, for versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    secs: u64,
}

fn timestamp(t: SystemTime) -> Stamp {
    Stamp {
        secs: t
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    }
}

impl Stamp {
    fn plus_one(self) -> Stamp {
        Stamp {
            secs: self.secs + 1,
        }
    }

    /// (year, month, day, hour, minute, second), from days since 1970 by the civil calendar.
    fn parts(self) -> (i64, u32, u32, u64, u64, u64) {
        let days = (self.secs / 86_400) as i64;
        let rem = self.secs % 86_400;
        // Howard Hinnant's `civil_from_days`.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        (year, month, day, rem / 3600, rem % 3600 / 60, rem % 60)
    }

    /// `20260130154502`, as sqlx names files.
    fn compact(self) -> String {
        let (y, mo, d, h, mi, s) = self.parts();
        format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}")
    }

    /// `2026-01-30-154502`, as diesel names folders.
    fn dashed(self) -> String {
        let (y, mo, d, h, mi, s) = self.parts();
        format!("{y:04}-{mo:02}-{d:02}-{h:02}{mi:02}{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_read_as_the_tools_write_them() {
        // 2026-11-30 15:45:02 UTC.
        let t = Stamp {
            secs: 1_796_053_502,
        };
        assert_eq!(t.compact(), "20261130154502");
        assert_eq!(t.dashed(), "2026-11-30-154502");
        assert_eq!(Stamp { secs: 0 }.compact(), "19700101000000");
        assert_eq!(Stamp { secs: 951_782_400 }.dashed(), "2000-02-29-000000");
    }

    #[test]
    fn names_follow_the_folder() {
        assert_eq!(
            plain_name(["001_init.sql", "002_more.sql"].into_iter(), "x"),
            "003_x.sql"
        );
        assert_eq!(plain_name(std::iter::empty(), "x"), "0001_x.sql");
        assert_eq!(
            slug("create index `posts_title_idx` on `public.posts`"),
            "create_index_posts_title_idx_on_public_posts"
        );
        assert_eq!(slug("--"), "step");
    }
}
