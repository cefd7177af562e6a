//! TLS, as libpq does it: `sslmode` (`disable`, `allow`, `prefer`, `require`, `verify-ca`,
//! `verify-full`), `sslrootcert` (a file, or `system` for the operating system's roots),
//! `sslcert` and `sslkey`, from the connection string, else from `PGSSLMODE`, `PGSSLROOTCERT`,
//! `PGSSLCERT` and `PGSSLKEY`, else libpq's defaults (`prefer`, and the files in
//! `~/.postgresql/` when they exist). With rustls (no OpenSSL).
//!
//! The driver's own parser knows only `disable`, `prefer` and `require` and no certificate keys,
//! so [`split`] takes the TLS keys out of the connection string first; [`Tls::resolve`] adds the
//! environment and the defaults; [`Tls::connector`] builds what the connect hands the driver.
//!
//! What each mode checks, as in libpq: `prefer` and `require` encrypt without checking who the
//! server is (but `require` with a root certificate file checks it like `verify-ca`);
//! `verify-ca` checks that the server's certificate chains to a trusted root; `verify-full`
//! also checks that it names the host connected to. Keys and certificates are read here and
//! never printed; messages name their paths only.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};

mod stream;
#[cfg(test)]
mod tests;
mod verify;

pub(crate) use stream::Connector;
use verify::{Check, Checked};

/// `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SslMode {
    /// No TLS.
    Disable,
    /// TLS when the server insists; taken as `prefer` (the driver cannot try without first).
    Allow,
    /// TLS when the server offers it, unchecked; libpq's default.
    Prefer,
    /// TLS always; the server checked only when a root certificate file is there.
    Require,
    /// TLS, the server's certificate chained to a trusted root.
    VerifyCa,
    /// `verify-ca`, and the certificate names the host.
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Option<SslMode> {
        Some(match value {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    /// As written in a connection string.
    pub(crate) fn name(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    /// What the driver is told: it knows only these three, and does the negotiation.
    fn driver(self) -> tokio_postgres::config::SslMode {
        use tokio_postgres::config::SslMode as D;
        match self {
            SslMode::Disable => D::Disable,
            SslMode::Allow | SslMode::Prefer => D::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => D::Require,
        }
    }
}

/// Where the trusted roots come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RootCert {
    /// A PEM file of CA certificates.
    File(PathBuf),
    /// `sslrootcert=system`: the operating system's roots.
    System,
}

/// The TLS keys of a connection string, as written (see [`split`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Params {
    pub(crate) sslmode: Option<String>,
    pub(crate) sslrootcert: Option<String>,
    pub(crate) sslcert: Option<String>,
    pub(crate) sslkey: Option<String>,
}

/// TLS keys libpq knows that cannot be honoured here: refused by name rather than ignored.
const UNSUPPORTED: [&str; 5] = [
    "sslpassword",
    "sslcrl",
    "sslcrldir",
    "sslcertmode",
    "ssl_max_protocol_version",
];
/// Keys that change nothing with rustls: it always sends SNI for a host name, never compresses,
/// and speaks TLS 1.2 and 1.3 only.
const IGNORED: [&str; 3] = ["sslsni", "sslcompression", "ssl_min_protocol_version"];

/// The connection string without its TLS keys (for the driver's parser), and those keys. A
/// URL's query and a keyword/value string are both understood; the rest of the text is kept as
/// it was. The error names the key, never a value.
pub(crate) fn split(conn: &str) -> Result<(String, Params), String> {
    let mut params = Params::default();
    let mut take = |key: &str, value: String| -> Result<bool, String> {
        let slot = match key {
            "sslmode" => &mut params.sslmode,
            "sslrootcert" => &mut params.sslrootcert,
            "sslcert" => &mut params.sslcert,
            "sslkey" => &mut params.sslkey,
            k if IGNORED.contains(&k) => return Ok(true),
            k if UNSUPPORTED.contains(&k) => {
                return Err(format!(
                    "`{k}` is not supported by cargo-schemalock; leave it out (an encrypted \
                     client key must be decrypted first: `openssl pkey -in KEY -out KEY.plain`)"
                ));
            }
            _ => return Ok(false),
        };
        *slot = Some(value);
        Ok(true)
    };
    if conn.starts_with("postgres://") || conn.starts_with("postgresql://") {
        let Some((base, query)) = conn.split_once('?') else {
            return Ok((conn.to_owned(), params));
        };
        let (query, fragment) = match query.split_once('#') {
            Some((q, f)) => (q, Some(f)),
            None => (query, None),
        };
        let mut kept = Vec::new();
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !take(key, super::url::percent_decode(value))? {
                kept.push(pair);
            }
        }
        let mut out = base.to_owned();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
        return Ok((out, params));
    }
    let mut kept = Vec::new();
    for (key, value, raw) in keyword_pairs(conn) {
        if !take(&key, value)? {
            kept.push(raw);
        }
    }
    Ok((kept.join(" "), params))
}

/// The `key=value` pairs of a keyword/value string: each key, its unquoted value, and the pair as
/// written. Lenient: what the driver's parser would refuse is kept for it to refuse.
fn keyword_pairs(s: &str) -> Vec<(String, String, &str)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i] != b'=' && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = s[start..i].to_owned();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            if !key.is_empty() {
                out.push((key, String::new(), &s[start..i]));
            }
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = Vec::new();
        let quoted = b.get(i) == Some(&b'\'');
        if quoted {
            i += 1;
        }
        while i < b.len() {
            match b[i] {
                b'\\' if i + 1 < b.len() => {
                    value.push(b[i + 1]);
                    i += 2;
                    continue;
                }
                b'\'' if quoted => {
                    i += 1;
                    break;
                }
                c if !quoted && c.is_ascii_whitespace() => break,
                c => value.push(c),
            }
            i += 1;
        }
        out.push((
            key,
            String::from_utf8_lossy(&value).into_owned(),
            &s[start..i],
        ));
    }
    out
}

/// The TLS settings of one connection, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tls {
    pub(crate) mode: SslMode,
    /// The roots to check the server against; `None` when nothing is checked.
    pub(crate) roots: Option<RootCert>,
    /// The client certificate and its key, when both are there.
    pub(crate) client: Option<(PathBuf, PathBuf)>,
}

impl Tls {
    /// No TLS: a Unix socket, or a throwaway local cluster.
    pub(crate) fn disabled() -> Tls {
        Tls {
            mode: SslMode::Disable,
            roots: None,
            client: None,
        }
    }

    /// The settings of `params`, else of the environment (`env` reads a variable), else libpq's
    /// defaults in `home` (`~/.postgresql/root.crt`, `postgresql.crt`, `postgresql.key`).
    pub(crate) fn resolve(
        params: &Params,
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
    ) -> Result<Tls, String> {
        let pick = |given: &Option<String>, var: &str| {
            given.clone().or_else(|| env(var)).filter(|v| !v.is_empty())
        };
        let mode_text = pick(&params.sslmode, "PGSSLMODE");
        let mode = match &mode_text {
            Some(m) => SslMode::parse(m).ok_or_else(|| {
                format!(
                    "`sslmode={m}` is not a mode; expected `disable`, `allow`, `prefer`, \
                     `require`, `verify-ca` or `verify-full`"
                )
            })?,
            None => SslMode::Prefer,
        };
        if mode == SslMode::Disable {
            // Nothing to read: a broken default certificate must not stop a plain connection.
            return Ok(Tls::disabled());
        }
        let default_file = |name: &str| home.map(|h| h.join(".postgresql").join(name));
        let root = pick(&params.sslrootcert, "PGSSLROOTCERT");
        let (mode, roots) = match root.as_deref() {
            Some("system") => {
                // As libpq 16: the system's roots mean checking the host name too.
                if mode_text.is_some() && mode != SslMode::VerifyFull {
                    return Err(format!(
                        "`sslrootcert=system` needs `sslmode=verify-full` (found `{}`): any \
                         public CA can sign a certificate for some other name",
                        mode.name()
                    ));
                }
                (SslMode::VerifyFull, Some(RootCert::System))
            }
            Some(path) => (mode, Some(RootCert::File(PathBuf::from(path)))),
            None => {
                let file = default_file("root.crt").filter(|f| f.is_file());
                (mode, file.map(RootCert::File))
            }
        };
        let roots = match mode {
            SslMode::Disable | SslMode::Allow | SslMode::Prefer => None,
            // libpq: `require` with a root file checks the chain, as `verify-ca`.
            SslMode::Require => roots.filter(|r| matches!(r, RootCert::File(f) if f.is_file())),
            SslMode::VerifyCa | SslMode::VerifyFull => match roots {
                Some(r) => Some(r),
                None => {
                    let expected = default_file("root.crt")
                        .map_or("~/.postgresql/root.crt".to_owned(), |p| {
                            p.display().to_string()
                        });
                    return Err(format!(
                        "`sslmode={}` checks the server's certificate, but there is no root \
                         certificate: `{expected}` does not exist; give the CA's certificate \
                         with `sslrootcert=PATH` (or `PGSSLROOTCERT`), use the system's roots \
                         with `sslrootcert=system`, or use `sslmode=require` to encrypt \
                         without checking",
                        mode.name()
                    ));
                }
            },
        };
        let cert = pick(&params.sslcert, "PGSSLCERT").map(PathBuf::from);
        let key = pick(&params.sslkey, "PGSSLKEY").map(PathBuf::from);
        let client = match (cert, key) {
            (Some(c), Some(k)) => Some((c, k)),
            (Some(c), None) => Some((c, default_file("postgresql.key").unwrap_or_default())),
            (None, given_key) => default_file("postgresql.crt")
                .filter(|c| c.is_file())
                .map(|c| {
                    let key = given_key
                        .or_else(|| default_file("postgresql.key"))
                        .unwrap_or_default();
                    (c, key)
                }),
        };
        Ok(Tls {
            mode,
            roots,
            client,
        })
    }

    /// The driver's `sslmode` for these settings.
    pub(crate) fn driver_mode(&self) -> tokio_postgres::config::SslMode {
        self.mode.driver()
    }

    /// The connector for the driver: reads the roots and the client certificate now, so a
    /// missing or unreadable file fails before connecting, naming the file.
    pub(crate) fn connector(&self) -> Result<Connector, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS: {e}"))?;
        let verifier: Arc<dyn ServerCertVerifier> = match &self.roots {
            None => Arc::new(Checked::new(Check::Unchecked, &provider)),
            Some(roots) => {
                let store = root_store(roots)?;
                let webpki =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
                        .build()
                        .map_err(|e| format!("cannot use the root certificates: {e}"))?;
                match self.mode {
                    SslMode::VerifyFull => webpki,
                    _ => Arc::new(Checked::new(Check::ChainOnly(webpki), &provider)),
                }
            }
        };
        let builder = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let config = match &self.client {
            None => builder.with_no_client_auth(),
            Some((cert, key)) => {
                let chain = certificates(cert, "client certificate (`sslcert`)")?;
                let key = PrivateKeyDer::from_pem_file(key).map_err(|e| {
                    format!(
                        "cannot read the client key (`sslkey`) `{}`: {}",
                        key.display(),
                        pem_error(&e)
                    )
                })?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| format!("cannot use the client certificate: {e}"))?
            }
        };
        Ok(Connector(Arc::new(config)))
    }
}

/// A PEM error's words, without any of the file's contents.
fn pem_error(e: &rustls::pki_types::pem::Error) -> String {
    use rustls::pki_types::pem::Error as E;
    match e {
        E::Io(io) => io.to_string(),
        E::NoItemsFound => "no PEM item of the expected kind in it".to_owned(),
        _ => "it is not valid PEM".to_owned(),
    }
}

fn certificates(path: &Path, what: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let read = |e: &rustls::pki_types::pem::Error| {
        format!(
            "cannot read the {what} `{}`: {}",
            path.display(),
            pem_error(e)
        )
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| read(&e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| read(&e))?;
    if certs.is_empty() {
        return Err(format!(
            "the {what} `{}` holds no certificate (`-----BEGIN CERTIFICATE-----`)",
            path.display()
        ));
    }
    Ok(certs)
}

fn root_store(roots: &RootCert) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match roots {
        RootCert::File(path) => {
            for cert in certificates(path, "root certificate file (`sslrootcert`)")? {
                store.add(cert).map_err(|e| {
                    format!(
                        "the root certificate file (`sslrootcert`) `{}` holds a certificate \
                         that cannot be a root: {e}",
                        path.display()
                    )
                })?;
            }
        }
        RootCert::System => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = store.add_parsable_certificates(found.certs);
            if added == 0 {
                let why = found
                    .errors
                    .first()
                    .map_or(String::new(), |e| format!(": {e}"));
                return Err(format!(
                    "`sslrootcert=system`: no trusted root certificates found on this \
                     system{why}; install the CA certificates (`ca-certificates`), or give a \
                     file with `sslrootcert=PATH`"
                ));
            }
        }
    }
    Ok(store)
}
