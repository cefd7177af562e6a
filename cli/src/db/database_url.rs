//! Which database a command means: a URL and where it was found (`--database-url`,
//! `DATABASE_URL` in the environment or in a `.env` file, a side of `diff`), and connecting to it
//! without TLS through [`super::connect`]. Messages show the URL as [`DatabaseUrl::shown`];
//! [`crate::out`] masks any password that still gets into one.

use std::fmt;
use std::path::{Path, PathBuf};

use super::url::redact;
use crate::error::Error;

/// The environment variable (and `.env` key) holding the database URL.
pub(crate) const DATABASE_URL: &str = "DATABASE_URL";

/// A database URL and where it was found.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct DatabaseUrl {
    pub(crate) url: String,
    pub(crate) source: UrlSource,
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
    pub(crate) fn shown(&self) -> String {
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
pub(crate) enum UrlSource {
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
pub(crate) fn resolve_url(flag: Option<&str>, cwd: &Path) -> Result<Option<DatabaseUrl>, Error> {
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
pub(crate) fn no_url_error() -> Error {
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
pub(crate) fn refuse_tls(db: &DatabaseUrl) -> Result<(), Error> {
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

/// Connects without TLS (see [`refuse_tls`]), through [`super::connect::connect`]: the password from the
/// URL, `PGPASSWORD` or `~/.pgpass`, the whole connect within the connect deadline.
pub(crate) fn connect(db: &DatabaseUrl) -> Result<postgres::Client, Error> {
    let shown = db.shown();
    let config = super::connect::parse(&db.url).map_err(|e| {
        Error::new(format!(
            "invalid database URL `{shown}` (from {}): {e}",
            db.source
        ))
    })?;
    refuse_tls(db)?;
    super::connect::connect(&config)
        .map_err(|e| Error::new(format!("cannot connect to `{shown}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::dir_with;

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
        let dir = dir_with(&[
            (".env", "OTHER=1\nDATABASE_URL=postgres://u:p@h/db\n"),
            ("a/.env", "OTHER=2\n"),
        ]);
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
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
        let dir = dir_with(&[(".env", "DATABASE_URL='postgres://u:s3cret@h/db\n")]);
        if std::env::var_os(DATABASE_URL).is_some() {
            return;
        }
        let err = resolve_url(None, dir.path()).unwrap_err().to_string();
        assert!(!err.contains("s3cret"), "{err}");
        assert!(err.contains(".env"), "{err}");
    }
}
