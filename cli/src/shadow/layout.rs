//! Migration directory layouts: which files are migrations, in which order, and how the tool
//! that owns the layout records them.

use std::fmt;
use std::path::{Path, PathBuf};

use super::Error;

/// How a migrations directory is organised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Layout {
    /// sqlx: `<version>_<name>.sql`, or reversible `<version>_<name>.up.sql` and `.down.sql`
    /// (only `up` is applied); ordered by the numeric version; recorded in `_sqlx_migrations`.
    Sqlx,
    /// diesel: `<version>_<name>/up.sql` folders, ordered by the version with its dashes removed
    /// (compared as text, as diesel does); recorded in `__diesel_schema_migrations`.
    Diesel,
    /// refinery: `V<n>__<name>.sql` (and unversioned `U<n>__<name>.sql`), in any sub-folder,
    /// ordered by `n`; recorded in `refinery_schema_history`.
    Refinery,
    /// Any other folder of `.sql` files, applied in file-name order, recorded nowhere.
    Plain,
}

impl Layout {
    /// Every layout, in the order detection tries them.
    pub(crate) const ALL: [Layout; 4] = [
        Layout::Diesel,
        Layout::Refinery,
        Layout::Sqlx,
        Layout::Plain,
    ];

    /// A short name: `sqlx`, `diesel`, `refinery`, `plain`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Layout::Sqlx => "sqlx",
            Layout::Diesel => "diesel",
            Layout::Refinery => "refinery",
            Layout::Plain => "plain",
        }
    }

    fn pattern(self) -> &'static str {
        match self {
            Layout::Sqlx => "sqlx (`<version>_<name>.sql`, or `<version>_<name>.up.sql`)",
            Layout::Diesel => "diesel (`<version>_<name>/up.sql`)",
            Layout::Refinery => "refinery (`V<n>__<name>.sql`)",
            Layout::Plain => "a plain folder of `.sql` files (applied in file-name order)",
        }
    }

    /// The layouts as a sentence, for messages.
    pub(crate) fn describe_all() -> String {
        let all: Vec<&str> = Layout::ALL.iter().map(|l| l.pattern()).collect();
        all.join(", ")
    }

    /// The table the migration tool records applied migrations in, if any.
    pub(crate) fn history_table(self) -> Option<&'static str> {
        match self {
            Layout::Sqlx => Some("_sqlx_migrations"),
            Layout::Diesel => Some("__diesel_schema_migrations"),
            Layout::Refinery => Some("refinery_schema_history"),
            Layout::Plain => None,
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a migration is recorded in its tool's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Record {
    /// `_sqlx_migrations (version, description, ...)`.
    Sqlx { version: i64, description: String },
    /// `__diesel_schema_migrations (version)`.
    Diesel { version: String },
    /// `refinery_schema_history (version, name, ...)`.
    Refinery { version: i32, name: String },
    /// Not recorded.
    None,
}

/// One migration file to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Migration {
    /// The SQL file.
    pub(crate) path: PathBuf,
    /// The path relative to the migrations directory, for messages.
    pub(crate) name: String,
    /// The file's text.
    pub(crate) sql: String,
    /// The tool asks for this migration to run outside a transaction (sqlx's
    /// `-- no-transaction` first line, diesel's `run_in_transaction = false`, refinery's
    /// `-- refinery:noTransaction`).
    pub(crate) no_transaction: bool,
    /// How the tool records it.
    pub(crate) record: Record,
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::new(
        super::ErrorKind::Layout,
        format!("cannot read {what} {}: {e}", path.display()),
    )
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<(String, PathBuf, bool)>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| io_error("migrations directory", dir, &e))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_error("migrations directory", dir, &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Follows symlinks, as the tools do.
        let is_dir = path.is_dir();
        out.push((name, path, is_dir));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn read_sql(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| io_error("migration", path, &e))
}

/// `<digits>_<rest>.sql`: (version, rest without `.sql`).
fn sqlx_parts(name: &str) -> Option<(i64, &str)> {
    let stem = name.strip_suffix(".sql")?;
    let (version, rest) = stem.split_once('_')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((version.parse().ok()?, rest))
}

/// `V<digits>__<word chars>.sql` or `U...`: (versioned, version, name).
fn refinery_parts(name: &str) -> Option<(bool, &str, &str)> {
    let stem = name.strip_suffix(".sql")?;
    let versioned = match stem.as_bytes().first()? {
        b'V' => true,
        b'U' => false,
        _ => return None,
    };
    let (version, rest) = stem[1..].split_once("__")?;
    // refinery's `\w+`.
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) || !word(rest) {
        return None;
    }
    Some((versioned, version, rest))
}

fn is_down(name: &str) -> bool {
    name.ends_with(".down.sql")
}

/// Refinery migration files anywhere below `dir` (refinery walks sub-folders).
fn refinery_files(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) -> Result<(), Error> {
    for (name, path, is_dir) in read_dir_sorted(dir)? {
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if is_dir {
            refinery_files(&path, &rel, out)?;
        } else if refinery_parts(&name).is_some() {
            out.push((rel, path));
        }
    }
    Ok(())
}

/// Which layout `dir` uses: diesel when a sub-folder holds an `up.sql`; refinery when there are
/// `V<n>__<name>.sql` files and no other `.sql` file at the top; sqlx when every top-level `.sql`
/// file is named `<version>_<name>.sql`; else plain when there is any `.sql` file.
pub(crate) fn detect(dir: &Path) -> Result<Layout, Error> {
    if !dir.is_dir() {
        return Err(Error::new(
            super::ErrorKind::Layout,
            format!(
                "migrations directory {} does not exist or is not a directory",
                dir.display()
            ),
        ));
    }
    let entries = read_dir_sorted(dir)?;
    if entries
        .iter()
        .any(|(_, path, is_dir)| *is_dir && path.join("up.sql").is_file())
    {
        return Ok(Layout::Diesel);
    }
    let top_sql: Vec<&str> = entries
        .iter()
        .filter(|(name, _, is_dir)| !is_dir && name.ends_with(".sql"))
        .map(|(name, _, _)| name.as_str())
        .collect();
    let mut refinery = Vec::new();
    refinery_files(dir, "", &mut refinery)?;
    if !refinery.is_empty() && top_sql.iter().all(|n| refinery_parts(n).is_some()) {
        return Ok(Layout::Refinery);
    }
    if !top_sql.is_empty() {
        if top_sql.iter().all(|n| sqlx_parts(n).is_some()) {
            return Ok(Layout::Sqlx);
        }
        return Ok(Layout::Plain);
    }
    Err(Error::new(
        super::ErrorKind::Layout,
        format!(
            "no migrations found in {}: expected one of the layouts {}",
            dir.display(),
            Layout::describe_all()
        ),
    ))
}

/// The migrations of `dir` in the order they apply, for `layout` (detected when `None`).
pub(crate) fn load(dir: &Path, layout: Option<Layout>) -> Result<(Layout, Vec<Migration>), Error> {
    let layout = match layout {
        Some(l) => l,
        None => detect(dir)?,
    };
    let migrations = match layout {
        Layout::Sqlx => load_sqlx(dir)?,
        Layout::Diesel => load_diesel(dir)?,
        Layout::Refinery => load_refinery(dir)?,
        Layout::Plain => load_plain(dir)?,
    };
    if migrations.is_empty() {
        return Err(Error::new(
            super::ErrorKind::Layout,
            format!(
                "no {layout} migrations found in {}: expected {}",
                dir.display(),
                layout.pattern()
            ),
        ));
    }
    Ok((layout, migrations))
}

fn layout_error(message: String) -> Error {
    Error::new(super::ErrorKind::Layout, message)
}

fn load_sqlx(dir: &Path) -> Result<Vec<Migration>, Error> {
    let mut out: Vec<(i64, Migration)> = Vec::new();
    for (name, path, is_dir) in read_dir_sorted(dir)? {
        if is_dir || !name.ends_with(".sql") || is_down(&name) {
            continue;
        }
        let Some((version, rest)) = sqlx_parts(&name) else {
            return Err(layout_error(format!(
                "{} is not a sqlx migration name (`<version>_<name>.sql`) in {}; rename it, or \
                 move it out of the migrations directory",
                name,
                dir.display()
            )));
        };
        let description = rest.strip_suffix(".up").unwrap_or(rest).replace('_', " ");
        let sql = read_sql(&path)?;
        if let Some((_, other)) = out.iter().find(|(v, _)| *v == version) {
            return Err(layout_error(format!(
                "{} and {} have the same sqlx version {version}; give one of them another version",
                other.name, name
            )));
        }
        let no_transaction = sql.starts_with("-- no-transaction");
        out.push((
            version,
            Migration {
                path,
                name,
                sql,
                no_transaction,
                record: Record::Sqlx {
                    version,
                    description,
                },
            },
        ));
    }
    out.sort_by_key(|(v, _)| *v);
    Ok(out.into_iter().map(|(_, m)| m).collect())
}

/// `run_in_transaction = false` in a diesel `metadata.toml` (a line of its own; comments after
/// `#` ignored).
fn diesel_no_transaction(toml: &str) -> bool {
    toml.lines().any(|line| {
        let line = line.split('#').next().unwrap_or("");
        match line.split_once('=') {
            Some((key, value)) => key.trim() == "run_in_transaction" && value.trim() == "false",
            None => false,
        }
    })
}

fn load_diesel(dir: &Path) -> Result<Vec<Migration>, Error> {
    let mut out: Vec<(String, Migration)> = Vec::new();
    for (name, path, is_dir) in read_dir_sorted(dir)? {
        let up = path.join("up.sql");
        // Files next to the folders, and folders without an `up.sql`, are not migrations
        // (diesel ignores files; a folder without `up.sql` holds nothing to apply).
        if !is_dir || !up.is_file() {
            continue;
        }
        // diesel: the part before the first `_`, dashes removed, compared as text.
        let version = name.split('_').next().unwrap_or("").replace('-', "");
        let sql = read_sql(&up)?;
        let no_transaction = match std::fs::read_to_string(path.join("metadata.toml")) {
            Ok(toml) => diesel_no_transaction(&toml),
            Err(_) => false,
        };
        out.push((
            version.clone(),
            Migration {
                path: up,
                name: format!("{name}/up.sql"),
                sql,
                no_transaction,
                record: Record::Diesel { version },
            },
        ));
    }
    // Stable: equal versions keep folder-name order.
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out.into_iter().map(|(_, m)| m).collect())
}

/// refinery's `-- refinery:noTransaction` annotation (a line of its own).
fn refinery_no_transaction(sql: &str) -> bool {
    sql.lines().any(|line| {
        let dashes = line.bytes().take_while(|&b| b == b'-').count();
        dashes >= 2 && {
            let rest = &line[dashes..];
            let rest = rest.strip_prefix(char::is_whitespace).unwrap_or(rest);
            rest == "refinery:noTransaction"
        }
    })
}

fn load_refinery(dir: &Path) -> Result<Vec<Migration>, Error> {
    let mut files = Vec::new();
    refinery_files(dir, "", &mut files)?;
    let mut out: Vec<(i32, Migration)> = Vec::new();
    for (rel, path) in files {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some((_, version, name)) = refinery_parts(&file_name) else {
            continue;
        };
        let version: i32 = version.parse().map_err(|_| {
            layout_error(format!(
                "{rel}: refinery version {version} does not fit in a 32-bit integer"
            ))
        })?;
        if let Some((_, other)) = out.iter().find(|(v, _)| *v == version) {
            return Err(layout_error(format!(
                "{} and {rel} have the same refinery version {version}; give one of them another \
                 version",
                other.name
            )));
        }
        let sql = read_sql(&path)?;
        let no_transaction = refinery_no_transaction(&sql);
        out.push((
            version,
            Migration {
                path,
                name: rel,
                sql,
                no_transaction,
                record: Record::Refinery {
                    version,
                    name: name.to_owned(),
                },
            },
        ));
    }
    out.sort_by_key(|(v, _)| *v);
    Ok(out.into_iter().map(|(_, m)| m).collect())
}

fn load_plain(dir: &Path) -> Result<Vec<Migration>, Error> {
    let mut out = Vec::new();
    for (name, path, is_dir) in read_dir_sorted(dir)? {
        if is_dir || !name.ends_with(".sql") || is_down(&name) {
            continue;
        }
        let sql = read_sql(&path)?;
        out.push(Migration {
            path,
            name,
            sql,
            no_transaction: false,
            record: Record::None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
