//! The live database side: where its URL comes from, and reading a snapshot within the read
//! deadline. Connecting is [`crate::db::connect`]'s; messages show the URL as
//! [`DatabaseUrl::shown`], and [`crate::out`] masks any password that still gets into one.

use std::fmt;
use std::path::{Path, PathBuf};

use postgres::error::SqlState;
use schemalock_runtime::introspect::{self, Options, Read, Steps};

use crate::db::{
    self,
    connect::{TimedOut, bounded, error_chain, timed_out, timeouts},
    url::redact,
};
use crate::error::Error;

/// The environment variable (and `.env` key) holding the database URL.
pub const DATABASE_URL: &str = "DATABASE_URL";

/// A database URL and where it was found.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    pub url: String,
    pub source: UrlSource,
}

// The URL holds a password: keep it out of `{:?}` too.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseUrl")
            .field("url", &redact(&self.url))
            .field("source", &self.source)
            .finish()
    }
}

impl DatabaseUrl {
    /// The URL as it may be shown.
    pub fn shown(&self) -> String {
        redact(&self.url)
    }

    fn new(url: String, source: UrlSource) -> Self {
        // Before anything can print it: a `.env` file is read after the arguments' secrets
        // were collected.
        crate::out::add_secrets_in(&url);
        DatabaseUrl { url, source }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    Flag,
    Environment,
    DotEnv(PathBuf),
    /// A side of `diff`.
    Argument,
}

impl fmt::Display for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlSource::Flag => write!(f, "`--database-url`"),
            UrlSource::Environment => write!(f, "the `{DATABASE_URL}` environment variable"),
            UrlSource::DotEnv(p) => write!(f, "`{DATABASE_URL}` in `{}`", p.display()),
            UrlSource::Argument => write!(f, "the command line"),
        }
    }
}

/// The database URL: `flag`, else `DATABASE_URL` from the environment, else from the nearest
/// `.env` file at or above `cwd` that defines it. `None` when there is none anywhere.
pub fn resolve_url(flag: Option<&str>, cwd: &Path) -> Result<Option<DatabaseUrl>, Error> {
    if let Some(url) = flag {
        return Ok(Some(DatabaseUrl::new(url.to_owned(), UrlSource::Flag)));
    }
    if let Some(url) = std::env::var(DATABASE_URL).ok().filter(|v| !v.is_empty()) {
        return Ok(Some(DatabaseUrl::new(url, UrlSource::Environment)));
    }
    for dir in cwd.ancestors() {
        let path = dir.join(".env");
        if !path.is_file() {
            continue;
        }
        if let Some(url) = read_dotenv(&path)? {
            return Ok(Some(DatabaseUrl::new(url, UrlSource::DotEnv(path))));
        }
    }
    Ok(None)
}

/// `DATABASE_URL` from one `.env` file, without touching the process environment (the file may
/// set other variables that are none of our business).
fn read_dotenv(path: &Path) -> Result<Option<String>, Error> {
    let iter = dotenvy::from_path_iter(path).map_err(|e| dotenv_error(path, e))?;
    for item in iter {
        // A parse error quotes the offending line, which may hold a password: report the line
        // number only.
        let (key, value) = item.map_err(|e| dotenv_error(path, e))?;
        if key == DATABASE_URL && !value.is_empty() {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

fn dotenv_error(path: &Path, e: dotenvy::Error) -> Error {
    let what = match e {
        dotenvy::Error::LineParse(_, index) => format!("cannot parse it at character {index}"),
        dotenvy::Error::Io(io) => io.to_string(),
        dotenvy::Error::EnvVar(v) => v.to_string(),
        _ => "cannot read it".to_owned(),
    };
    Error::new(format!(
        "`{}`: {what}; fix the file, or pass `--database-url`",
        path.display()
    ))
}

/// The error for a command that needs a database and found no URL.
pub fn no_url_error() -> Error {
    Error::new(format!(
        "no database URL: pass `--database-url postgres://user:password@host/db`, set `{DATABASE_URL}`, \
         or add `{DATABASE_URL}=...` to a `.env` file"
    ))
}

/// The `sslmode` a URL or keyword/value connection string asks for, lowercased.
fn sslmode(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("sslmode=") {
        let start = from + i;
        from = start + "sslmode=".len();
        let boundary = start == 0 || matches!(lower.as_bytes()[start - 1], b'?' | b'&' | b' ');
        if boundary {
            let rest = &lower[from..];
            let end = rest.find(['&', ' ', '#']).unwrap_or(rest.len());
            return Some(rest[..end].to_owned());
        }
    }
    None
}

/// Fails when the URL requires TLS, which is not supported yet: refusing beats silently
/// connecting in clear text.
pub fn refuse_tls(db: &DatabaseUrl) -> Result<(), Error> {
    match sslmode(&db.url) {
        Some(mode) if matches!(mode.as_str(), "require" | "verify-ca" | "verify-full") => {
            Err(Error::new(format!(
                "`{}` asks for `sslmode={mode}`, but cargo-schemalock does not support TLS yet; \
                 connect over a trusted network or a Unix socket with `sslmode=disable` (or `prefer`), \
                 or through a local tunnel (`ssh -L`)",
                db.shown()
            )))
        }
        _ => Ok(()),
    }
}

/// Connects without TLS (see [`refuse_tls`]), through [`db::connect`]: the password from the
/// URL, `PGPASSWORD` or `~/.pgpass`, the whole connect within the connect deadline.
pub fn connect(db: &DatabaseUrl) -> Result<postgres::Client, Error> {
    let shown = db.shown();
    let config = db::connect::parse(&db.url).map_err(|e| {
        Error::new(format!(
            "invalid database URL `{shown}` (from {}): {e}",
            db.source
        ))
    })?;
    refuse_tls(db)?;
    db::connect::connect(&config)
        .map_err(|e| Error::new(format!("cannot connect to `{shown}`: {e}")))
}

/// What [`read`] could not do.
#[derive(Debug)]
pub enum ReadError {
    /// Schemas that were asked for are not in the database.
    MissingSchemas(Vec<String>),
    Other(Error),
}

impl From<ReadError> for Error {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::MissingSchemas(names) => {
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                Error::new(format!(
                    "schema{} {} not found in the database; check `--schema`",
                    if names.len() == 1 { "" } else { "s" },
                    quoted.join(", ")
                ))
            }
            ReadError::Other(e) => e,
        }
    }
}

/// Reads a snapshot of `schemas` (all user schemas when `None`) in one read-only transaction:
/// on a second connection too, which imports the first one's snapshot so the server answers the
/// catalog queries two at a time; on `client` alone when a second connection cannot be had.
pub fn read(
    client: &mut postgres::Client,
    db: &DatabaseUrl,
    schemas: Option<&[String]>,
    options: &Options,
) -> Result<Read, ReadError> {
    let result = match connect(db) {
        Ok(mut helper) => {
            introspect::postgres::read_parallel(client, &mut helper, schemas, options)
        }
        Err(_) => introspect::postgres::read(client, schemas, options),
    };
    result.map_err(|e| match e {
        introspect::Error::MissingSchemas(names) => ReadError::MissingSchemas(names),
        introspect::Error::Postgres(pe) => {
            let what = match pe.as_db_error() {
                Some(d) => d.message().to_owned(),
                None => error_chain(&pe),
            };
            let hint = if pe.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
                "the role needs `CONNECT` on the database and `USAGE` on the schemas"
            } else {
                "check the connection and the server log"
            };
            ReadError::Other(Error::new(format!(
                "reading the schema of `{}` failed: {what}; {hint}",
                db.shown()
            )))
        }
        other => {
            let hint = match other {
                introspect::Error::Locked { .. } => {
                    "; retry when the migration is done, or raise `--lock-timeout`"
                }
                introspect::Error::Canceled { .. } => {
                    "; if the server is just slow, raise `--statement-timeout`"
                }
                introspect::Error::SchemaChanged { .. } => "; retry when the migrations are done",
                _ => "",
            };
            // The message names objects of the database: no control characters get through.
            ReadError::Other(Error::new(format!(
                "reading the schema of `{}` failed: {}{hint}",
                db.shown(),
                crate::report::escape(&other.to_string())
            )))
        }
    })
}

/// Like [`read`], but schemas the database lacks are left out instead of failing, so a comparison
/// can report them as missing.
pub fn read_lenient(
    client: &mut postgres::Client,
    db: &DatabaseUrl,
    schemas: Option<&[String]>,
    options: &Options,
) -> Result<Read, Error> {
    match read(client, db, schemas, options) {
        Ok(s) => Ok(s),
        Err(ReadError::MissingSchemas(missing)) => {
            let present: Vec<String> = schemas
                .unwrap_or_default()
                .iter()
                .filter(|s| !missing.contains(s))
                .cloned()
                .collect();
            Ok(read(client, db, Some(&present), options)?)
        }
        Err(ReadError::Other(e)) => Err(e),
    }
}

/// What may keep a read from answering.
pub const READ_STALLED: &str = "the server may be stopped, overloaded, or waiting on a lock";

/// Connects and reads, with progress; the reading (every query, and the second connection)
/// within the read deadline, each lock wait and query within theirs. What the read could not see
/// (a migration head the role may not read) is in the [`Read`]'s notices, for the command to say.
pub fn snapshot_of(
    db: &DatabaseUrl,
    schemas: Option<&[String]>,
    lenient: bool,
    ui: &crate::ui::Ui,
) -> Result<Read, Error> {
    let shown = db.shown();
    ui.detail(&format!("database `{shown}` (from {})", db.source));
    let progress = ui.progress(&format!("connecting to {shown}"));
    let started = std::time::Instant::now();
    let mut client = connect(db)?;
    progress.set(&format!("reading the schema of {shown}"));
    let deadlines = timeouts();
    let limit = deadlines.read;
    let steps = Steps::default();
    let options = Options::default()
        .lock_timeout(deadlines.lock)
        .statement_timeout(deadlines.statement)
        .steps(steps.clone());
    let (db_owned, schemas_owned) = (db.clone(), schemas.map(<[String]>::to_vec));
    let result = bounded(limit, move || {
        let (db, schemas) = (&db_owned, schemas_owned.as_deref());
        if lenient {
            read_lenient(&mut client, db, schemas, &options)
        } else {
            read(&mut client, db, schemas, &options).map_err(Error::from)
        }
    });
    drop(progress);
    let read = result.map_err(|TimedOut { after }| {
        Error::new(timed_out(
            &format!("reading the schema of `{shown}`"),
            after,
            &steps.running(),
            READ_STALLED,
            "--read-timeout",
        ))
    })??;
    ui.detail(&format!(
        "read {} from `{shown}` in {:.2}s",
        crate::report::contents(&read.snapshot),
        started.elapsed().as_secs_f64()
    ));
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_from_urls_and_keyword_strings() {
        assert_eq!(
            sslmode("postgres://a:b@h/db?sslmode=require").as_deref(),
            Some("require")
        );
        assert_eq!(
            sslmode("postgres://h/db?application_name=x&sslmode=Verify-Full&x=1").as_deref(),
            Some("verify-full")
        );
        assert_eq!(
            sslmode("host=h sslmode=verify-ca user=u").as_deref(),
            Some("verify-ca")
        );
        assert_eq!(sslmode("postgres://h/db?nosslmode=require"), None);
        assert_eq!(sslmode("postgres://h/db"), None);
    }

    #[test]
    fn tls_is_refused_before_connecting() {
        let db = DatabaseUrl {
            url: "postgres://app:hunter2@192.0.2.1/db?sslmode=require".into(),
            source: UrlSource::Flag,
        };
        let Err(err) = connect(&db) else {
            panic!("connected without TLS")
        };
        let err = err.to_string();
        assert!(err.contains("does not support TLS"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(format!("{db:?}").contains("app:***@"));
    }

    #[test]
    fn dotenv_in_a_parent_directory() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(
            dir.path().join(".env"),
            "OTHER=1\nDATABASE_URL=postgres://u:p@h/db\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("a/.env"), "OTHER=2\n").unwrap();
        // Tests run in parallel, and the environment is the process's: only read it here.
        if std::env::var_os(DATABASE_URL).is_some() {
            return;
        }
        let found = resolve_url(None, &nested).unwrap().unwrap();
        assert_eq!(found.url, "postgres://u:p@h/db");
        assert_eq!(found.source, UrlSource::DotEnv(dir.path().join(".env")));
        let flag = resolve_url(Some("postgres://x/y"), &nested)
            .unwrap()
            .unwrap();
        assert_eq!(flag.source, UrlSource::Flag);
    }

    #[test]
    fn unparsable_dotenv_does_not_echo_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".env"),
            "DATABASE_URL='postgres://u:s3cret@h/db\n",
        )
        .unwrap();
        if std::env::var_os(DATABASE_URL).is_some() {
            return;
        }
        let err = resolve_url(None, dir.path()).unwrap_err().to_string();
        assert!(!err.contains("s3cret"), "{err}");
        assert!(err.contains(".env"), "{err}");
    }
}
