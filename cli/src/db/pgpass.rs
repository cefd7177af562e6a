//! Passwords from where libpq looks when the connection string has none: `PGPASSWORD`, then the
//! password file (`PGPASSFILE`, by default `~/.pgpass`).
//!
//! The file follows libpq's rules: lines `host:port:database:user:password`; each of the first
//! four fields a literal or `*` (anything); `\:` and `\\` escape; the first matching line wins;
//! lines starting with `#` are comments; `localhost` matches a Unix-socket connection to the
//! default socket directory; and on Unix a file that its group or others may access is ignored,
//! with a warning. A password found either way joins the secrets the output masks before it is
//! used.

use std::fmt;
use std::path::{Path, PathBuf};

use postgres::config::Host;

/// Where a password came from, for messages ("the password from `PGPASSWORD` was rejected").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// The connection string itself.
    Url,
    /// The `PGPASSWORD` environment variable.
    Environment,
    /// Line `line` (1-based) of a password file.
    File { path: PathBuf, line: usize },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Url => write!(f, "the URL"),
            Source::Environment => write!(f, "`PGPASSWORD`"),
            Source::File { path, line } => write!(f, "`{}` line {line}", path.display()),
        }
    }
}

/// Sets the password of `config` the way libpq would when it has none (or an empty one):
/// `PGPASSWORD`, else the password file. Returns where the password came from, `None` when
/// there is none anywhere.
pub(crate) fn fill_password(config: &mut postgres::Config) -> Option<Source> {
    if config.get_password().is_some_and(|p| !p.is_empty()) {
        return Some(Source::Url);
    }
    if let Some(pw) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
        crate::out::add_secret(&pw);
        config.password(pw);
        return Some(Source::Environment);
    }
    let path = password_file()?;
    let text = readable_file(&path)?;
    for target in targets(config) {
        if let Some((password, line)) = lookup(&text, &target) {
            crate::out::add_secret(&password);
            config.password(password);
            return Some(Source::File { path, line });
        }
    }
    None
}

/// `PGPASSFILE`, else `.pgpass` in the home directory.
fn password_file() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PGPASSFILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    // `HOME`, else the password database, like libpq.
    #[allow(deprecated)] // deprecated before Rust 1.86 for Windows' sake; right on Unix
    std::env::home_dir().map(|h| h.join(".pgpass"))
}

/// The file's text, unless it is missing or unreadable (silently, like libpq), not a plain file,
/// or open to its group or others (both with a warning, like libpq).
fn readable_file(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        crate::out::eprintln(&format!(
            "warning: password file `{}` is not a plain file; ignoring it",
            path.display()
        ));
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            crate::out::eprintln(&format!(
                "warning: password file `{}` has group or world access; permissions should be \
                 u=rw (0600) or less: ignoring it (`chmod 0600 {}`)",
                path.display(),
                path.display()
            ));
            return None;
        }
    }
    let bytes = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The connection parameters a password file line is matched against.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    host: String,
    port: String,
    database: String,
    user: String,
}

/// Directories where a socket counts as `localhost`: libpq's default socket directory, which is
/// `/tmp` upstream and `/var/run/postgresql` in Debian's and Red Hat's builds.
const DEFAULT_SOCKET_DIRS: [&str; 3] = ["/var/run/postgresql", "/run/postgresql", "/tmp"];

/// One target per host of `config`, in order, with the driver's defaults filled in (port 5432,
/// the login name as user, the user as database).
fn targets(config: &postgres::Config) -> Vec<Target> {
    let user = match config.get_user() {
        Some(u) => u.to_owned(),
        None => whoami::username().unwrap_or_default(),
    };
    let database = config.get_dbname().unwrap_or(&user).to_owned();
    let ports = config.get_ports();
    let port = |i: usize| {
        ports
            .get(i)
            .or(ports.first())
            .copied()
            .unwrap_or(5432)
            .to_string()
    };
    let mut hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(dir) => {
                let dir = dir.to_string_lossy();
                let dir = dir.trim_end_matches('/');
                if DEFAULT_SOCKET_DIRS.contains(&dir) {
                    "localhost".to_owned()
                } else {
                    dir.to_owned()
                }
            }
        })
        .collect();
    if hosts.is_empty() {
        hosts = config
            .get_hostaddrs()
            .iter()
            .map(ToString::to_string)
            .collect();
    }
    if hosts.is_empty() {
        hosts.push("localhost".to_owned());
    }
    hosts
        .into_iter()
        .enumerate()
        .map(|(i, host)| Target {
            host,
            port: port(i),
            database: database.clone(),
            user: user.clone(),
        })
        .collect()
}

/// The password of the first line of a password file matching `target`, and its line number.
fn lookup(text: &str, target: &Target) -> Option<(String, usize)> {
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.starts_with('#') {
            continue;
        }
        let mut rest = line;
        let mut matched = true;
        for want in [&target.host, &target.port, &target.database, &target.user] {
            match field_matches(rest, want) {
                Some(r) => rest = r,
                None => {
                    matched = false;
                    break;
                }
            }
        }
        if matched {
            let password = unescape_field(rest);
            return (!password.is_empty()).then_some((password, n + 1));
        }
    }
    None
}

/// When the first field of `s` is `*` or, unescaped, equals `want`: the text after its `:`.
fn field_matches<'a>(s: &'a str, want: &str) -> Option<&'a str> {
    if let Some(rest) = s.strip_prefix("*:") {
        return Some(rest);
    }
    let mut value = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => value.push(chars.next()?.1),
            ':' => return (value == want).then(|| &s[i + 1..]),
            _ => value.push(c),
        }
    }
    // A field that no `:` ends: the line has too few fields.
    None
}

/// A field up to its first unescaped `:` (a password; any further fields are ignored, as libpq
/// does), escapes removed.
fn unescape_field(s: &str) -> String {
    let mut value = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) => value.push(n),
                None => value.push('\\'),
            },
            ':' => break,
            _ => value.push(c),
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(host: &str, port: &str, database: &str, user: &str) -> Target {
        Target {
            host: host.into(),
            port: port.into(),
            database: database.into(),
            user: user.into(),
        }
    }

    #[test]
    fn first_matching_line_wins_with_wildcards_and_escapes() {
        let text = "# host:port:db:user:password\n\
                    db.internal:5432:app:alice:first\n\
                    *:*:app:alice:second\n\
                    we\\:ird:5433:*:b\\\\ob:p\\:w\\\\d:extra\n\
                    *:*:*:*:fallback\r\n";
        let t = |h, p, d, u| lookup(text, &target(h, p, d, u));
        assert_eq!(
            t("db.internal", "5432", "app", "alice"),
            Some(("first".into(), 2))
        );
        assert_eq!(t("other", "1", "app", "alice"), Some(("second".into(), 3)));
        assert_eq!(
            t("we:ird", "5433", "x", "b\\ob"),
            Some(("p:w\\d".into(), 4))
        );
        assert_eq!(t("h", "5432", "x", "y"), Some(("fallback".into(), 5)));
        // A literal `*` only matches as a whole field.
        assert_eq!(lookup("a*:1:d:u:pw", &target("ab", "1", "d", "u")), None);
        // Too few fields, an empty password: no match.
        assert_eq!(lookup("h:1:d:u", &target("h", "1", "d", "u")), None);
        assert_eq!(lookup("h:1:d:u:", &target("h", "1", "d", "u")), None);
        assert_eq!(
            lookup("h:1:d:u:\\", &target("h", "1", "d", "u")),
            Some(("\\".into(), 1))
        );
    }

    #[test]
    fn targets_fill_in_the_defaults() {
        let config: postgres::Config = "postgres://u@db.internal/app".parse().unwrap();
        assert_eq!(
            targets(&config),
            [target("db.internal", "5432", "app", "u")]
        );
        let config: postgres::Config = "host=/var/run/postgresql,h2 port=1,2 user=u"
            .parse()
            .unwrap();
        assert_eq!(
            targets(&config),
            [
                target("localhost", "1", "u", "u"),
                target("h2", "2", "u", "u")
            ]
        );
        let config: postgres::Config = "host=/srv/sock user=u dbname=d".parse().unwrap();
        assert_eq!(targets(&config), [target("/srv/sock", "5432", "d", "u")]);
    }
}
