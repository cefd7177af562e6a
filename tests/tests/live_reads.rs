//! Reading databases that others are using, on every installed server: a migration holding a
//! lock, tables created and dropped during the read, a role that may not read the migration
//! table.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use schemalock_runtime::introspect::{self, Error, Notice, Options};
use schemalock_runtime::snapshot::{MigrationHead, Snapshot};
use schemalock_tests::pg::Cluster;

/// Runs `f` on its own thread and fails the test when it has not returned within `limit`: a read
/// that waits without bound would hang the suite instead.
fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(v) => v,
        Err(RecvTimeoutError::Timeout) => panic!("{what} still waiting after {limit:?}"),
        Err(RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

fn connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// Tables that each need a share lock to be printed (a partial index with an expression default
/// and a check, and a view over it; a check alone; an expression index alone), and one that
/// needs none.
const LOCKABLE: &str = "
CREATE TABLE entities (
    id bigint PRIMARY KEY,
    name text NOT NULL DEFAULT lower('NEW'),
    score integer CHECK (score > 0),
    deleted_at timestamptz
);
CREATE INDEX entities_live ON entities (name) WHERE deleted_at IS NULL;
CREATE VIEW live_entities AS SELECT id, name FROM entities WHERE deleted_at IS NULL;
CREATE TABLE scored (id int PRIMARY KEY, score int CONSTRAINT positive CHECK (score > 0));
CREATE TABLE lowered (id int PRIMARY KEY, email text);
CREATE INDEX lowered_email ON lowered (lower(email));
CREATE TABLE plain (id int PRIMARY KEY, note text DEFAULT 'x');
";

/// Another session in the middle of a migration: `ACCESS EXCLUSIVE` on `table` until dropped.
struct Holder {
    client: postgres::Client,
    pid: i32,
}

impl Holder {
    fn lock(pg: &Cluster, db: &str, table: &str) -> Holder {
        let mut client = pg.connect(db);
        let pid: i32 = client
            .query_one("SELECT pg_backend_pid()", &[])
            .unwrap()
            .get(0);
        client
            .batch_execute(&format!(
                "BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"
            ))
            .unwrap();
        Holder { client, pid }
    }

    fn release(mut self) {
        self.client.batch_execute("ROLLBACK").unwrap();
    }
}

fn assert_locked(err: &Error, table: &str, pid: i32, timeout: Duration) {
    let Error::Locked {
        relations,
        timeout: t,
    } = err
    else {
        panic!("expected a lock error naming `{table}`, found: {err}");
    };
    assert_eq!(*t, timeout);
    assert_eq!(relations.len(), 1, "{err}");
    let r = &relations[0];
    assert_eq!(
        (
            r.schema.as_str(),
            r.name.as_str(),
            r.kind,
            r.mode.as_str(),
            r.pid
        ),
        ("public", table, "table", "AccessExclusiveLock", Some(pid)),
        "{err}"
    );
    // The superuser sees how long the holder's transaction has been open.
    assert!(r.held_for.is_some(), "{err}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "table `public.{table}` is locked (`AccessExclusiveLock` by pid {pid} for "
        )),
        "{text}"
    );
    assert!(
        text.contains("the read gave up after the lock timeout"),
        "{text}"
    );
}

fn locks_on(version: u32) {
    let Some(pg) = Cluster::start(version) else {
        return;
    };
    let url = pg.create_database("busy");
    pg.psql("busy", LOCKABLE);
    let mut client = connect(&url);
    let baseline = introspect::postgres::snapshot(&mut client, None).unwrap();
    let short = Options::default().lock_timeout(Duration::from_millis(300));

    // A table whose description needs no lock can be locked: the read does not wait.
    let holder = Holder::lock(&pg, "busy", "plain");
    let read = introspect::postgres::read(&mut client, None, &short).unwrap();
    assert_eq!(read.snapshot, baseline);
    holder.release();

    // Each kind of expression that is printed against its table waits for the lock, and the
    // error names the table, its holder and the timeout, through both readers.
    for table in ["entities", "scored", "lowered"] {
        let holder = Holder::lock(&pg, "busy", table);
        let err = introspect::postgres::read(&mut client, None, &short).unwrap_err();
        assert_locked(&err, table, holder.pid, short.lock_timeout);
        let mut helper = connect(&url);
        let err = introspect::postgres::read_parallel(&mut client, &mut helper, None, &short)
            .unwrap_err();
        assert_locked(&err, table, holder.pid, short.lock_timeout);
        holder.release();
    }

    // The default timeout (5 s) bounds the convenience readers too.
    let holder = Holder::lock(&pg, "busy", "entities");
    let pid = holder.pid;
    let err = within(Duration::from_secs(60), "snapshot()", {
        let url = url.clone();
        move || introspect::postgres::snapshot(&mut connect(&url), None).unwrap_err()
    });
    assert_locked(&err, "entities", pid, Options::DEFAULT_LOCK_TIMEOUT);

    // A statement timeout shorter than the lock timeout cancels the waiting statement.
    let slow = Options::default()
        .lock_timeout(Duration::from_secs(30))
        .statement_timeout(Duration::from_millis(300));
    let err = introspect::postgres::read(&mut client, None, &slow).unwrap_err();
    assert!(
        matches!(&err, Error::Canceled { timeout, .. } if *timeout == Duration::from_millis(300)),
        "{err}"
    );
    assert!(err.to_string().contains("statement timeout"), "{err}");
    holder.release();

    // The failed reads left the connection as it was: outside a transaction, with its own
    // settings, and able to read again.
    let row = client
        .query_one(
            "SELECT current_setting('transaction_isolation'), current_setting('lock_timeout'), \
             current_setting('statement_timeout')",
            &[],
        )
        .unwrap();
    let settings: (String, String, String) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(settings, ("read committed".into(), "0".into(), "0".into()));
    let read = introspect::postgres::read(&mut client, None, &short).unwrap();
    assert_eq!(read.snapshot, baseline);
    assert!(read.notices.is_empty());
}

#[test]
fn locks_pg15() {
    locks_on(15);
}

#[test]
fn locks_pg16() {
    locks_on(16);
}

#[test]
fn locks_pg18() {
    locks_on(18);
}

/// Startup verification reads the same way through each driver: bounded, naming the table.
fn verify_locks_on(version: u32) {
    use schemalock::verify::{self, Models};
    let Some(pg) = Cluster::start(version) else {
        return;
    };
    let url = pg.create_database("busy");
    pg.psql("busy", LOCKABLE);
    // Any model of schema `public` makes verification read that schema.
    let models = || Models::none().table::<writeros::models::Entity>();
    let holder = Holder::lock(&pg, "busy", "entities");
    let pid = holder.pid;
    let expect_locked = |driver: &str, err: verify::Error, timeout: &str| {
        let text = err.to_string();
        let expected = format!(
            "schemalock: could not verify the database: table `public.entities` is locked \
             (`AccessExclusiveLock` by pid {pid} for "
        );
        assert!(text.starts_with(&expected), "{driver}: {text}");
        assert!(
            text.ends_with(&format!(
                "the read gave up after the lock timeout ({timeout})"
            )),
            "{driver}: {text}"
        );
    };
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let tokio_client = |url: String| async move {
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
    };

    // The default options: each driver gives up after 5 s. The three wait side by side.
    let waits = [
        std::thread::spawn({
            let url = url.clone();
            move || {
                within(Duration::from_secs(60), "verify::postgres", move || {
                    verify::postgres_only(&mut connect(&url), &models()).unwrap_err()
                })
            }
        }),
        std::thread::spawn({
            let url = url.clone();
            move || {
                within(
                    Duration::from_secs(60),
                    "verify::tokio_postgres",
                    move || {
                        runtime().block_on(async {
                            let mut client = tokio_client(url).await;
                            verify::tokio_postgres_only(&mut client, &models())
                                .await
                                .unwrap_err()
                        })
                    },
                )
            }
        }),
        std::thread::spawn({
            let url = url.clone();
            move || {
                within(Duration::from_secs(60), "verify::sqlx", move || {
                    runtime().block_on(async {
                        let pool = sqlx::postgres::PgPoolOptions::new()
                            .max_connections(1)
                            .connect(&url)
                            .await
                            .unwrap();
                        let err = verify::sqlx_only(&pool, &models()).await.unwrap_err();
                        // The connection went back to the pool outside the transaction, with
                        // its own settings.
                        let row: (String, String) = sqlx::query_as(
                            "SELECT current_setting('transaction_isolation'), \
                             current_setting('lock_timeout')",
                        )
                        .fetch_one(&pool)
                        .await
                        .unwrap();
                        assert_eq!(row, ("read committed".into(), "0".into()));
                        err
                    })
                })
            }
        }),
    ];
    for (driver, wait) in ["postgres", "tokio-postgres", "sqlx"]
        .into_iter()
        .zip(waits)
    {
        expect_locked(driver, wait.join().unwrap(), "5 s");
    }

    // Options set the wait.
    let short = verify::Options::default().lock_timeout(Duration::from_millis(300));
    let err = verify::postgres_with(&mut connect(&url), &models(), &short).unwrap_err();
    expect_locked("postgres", err, "300 ms");
    runtime().block_on(async {
        let mut client = tokio_client(url.clone()).await;
        let err = verify::tokio_postgres_with(&mut client, &models(), &short)
            .await
            .unwrap_err();
        expect_locked("tokio-postgres", err, "300 ms");
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap();
        let err = verify::sqlx_with(&pool, &models(), &short)
            .await
            .unwrap_err();
        expect_locked("sqlx", err, "300 ms");
    });
    holder.release();
    // Released: verification runs (and finds the model does not fit this schema).
    let report = verify::postgres_with(&mut connect(&url), &models(), &short).unwrap();
    assert!(!report.is_clean());
}

#[test]
fn verify_locks_pg15() {
    verify_locks_on(15);
}

#[test]
fn verify_locks_pg16() {
    verify_locks_on(16);
}

#[test]
fn verify_locks_pg18() {
    verify_locks_on(18);
}

/// The asynchronous verifications can be spawned on a multi-threaded runtime.
#[allow(dead_code)]
fn verify_futures_are_send(
    client: &mut tokio_postgres::Client,
    pool: &sqlx::PgPool,
    models: &schemalock::verify::Models,
) {
    fn send<T: Send>(_: T) {}
    send(schemalock::verify::tokio_postgres_only(client, models));
    send(schemalock::verify::sqlx_only(pool, models));
}

/// Creates and drops a table with a check, a partial index and an expression index, over and
/// over, until stopped.
fn churn(url: String, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut client = connect(&url);
        let mut rounds = 0;
        while !stop.load(Ordering::Relaxed) {
            client
                .batch_execute(
                    "CREATE TABLE churn (id int PRIMARY KEY, x int DEFAULT 1 CHECK (x > 0), s text)",
                )
                .unwrap();
            client
                .batch_execute("CREATE INDEX churn_p ON churn (id) WHERE x > 5")
                .unwrap();
            client
                .batch_execute("CREATE INDEX churn_e ON churn (lower(s))")
                .unwrap();
            client.batch_execute("DROP TABLE churn").unwrap();
            rounds += 1;
        }
        rounds
    })
}

/// A snapshot read during the churn is the baseline, plus the churn table in one of the states
/// it really went through, each part of it complete.
fn assert_consistent(s: &Snapshot, baseline: &Snapshot) {
    let mut rest = s.clone();
    let churn = rest
        .schemas
        .get_mut("public")
        .and_then(|p| p.tables.remove("churn"));
    assert_eq!(&rest, baseline, "the rest of the schema changed");
    let Some(t) = churn else { return };
    let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["id", "x", "s"]);
    assert_eq!(t.checks.len(), 1);
    assert_eq!(t.checks[0].definition, "CHECK (x > 0)");
    for i in &t.indexes {
        match i.name.as_str() {
            "churn_pkey" => {}
            "churn_p" => assert_eq!(i.predicate.as_deref(), Some("x > 5")),
            "churn_e" => assert_eq!(i.keys[0].expression.as_deref(), Some("lower(s)")),
            other => panic!("index {other}"),
        }
    }
}

fn concurrent_ddl_on(version: u32) {
    let Some(pg) = Cluster::start(version) else {
        return;
    };
    let url = pg.create_database("ddl");
    pg.psql("ddl", LOCKABLE);
    let mut client = connect(&url);
    let mut helper = connect(&url);
    let baseline = introspect::postgres::snapshot(&mut client, None).unwrap();

    const READS: usize = 30;
    let stop = Arc::new(AtomicBool::new(false));
    let churner = churn(url.clone(), Arc::clone(&stop));
    // Every read either succeeds with a consistent snapshot, or says the schema changed: never
    // a raw `cache lookup failed`.
    let (mut succeeded, mut changed) = (0, 0);
    for i in 0..READS {
        let result = if i % 2 == 0 {
            introspect::postgres::snapshot(&mut client, None)
        } else {
            introspect::postgres::snapshot_parallel(&mut client, &mut helper, None)
        };
        match result {
            Ok(s) => {
                assert_consistent(&s, &baseline);
                succeeded += 1;
            }
            Err(e) => {
                assert!(
                    e.to_string()
                        .starts_with("the schema changed while it was being read (3 attempts"),
                    "read {i}: {e}"
                );
                changed += 1;
            }
        }
    }
    // One attempt per read: how often a single read runs into the churn.
    let single = Options::default().attempts(1);
    let mut single_failed = 0;
    for _ in 0..READS {
        match introspect::postgres::read(&mut client, None, &single) {
            Ok(r) => assert_consistent(&r.snapshot, &baseline),
            Err(Error::SchemaChanged { attempts: 1, .. }) => single_failed += 1,
            Err(e) => panic!("{e}"),
        }
    }
    stop.store(true, Ordering::Relaxed);
    let rounds = churner.join().unwrap();
    eprintln!(
        "PostgreSQL {version}, {rounds} create/drop rounds: with 3 attempts {succeeded}/{READS} \
         reads succeeded, {changed} said the schema changed; with 1 attempt \
         {single_failed}/{READS} failed"
    );
    assert!(rounds > 0);
    assert!(succeeded > 0, "no read succeeded during the churn");
}

#[test]
fn concurrent_ddl_pg15() {
    concurrent_ddl_on(15);
}

#[test]
fn concurrent_ddl_pg16() {
    concurrent_ddl_on(16);
}

#[test]
fn concurrent_ddl_pg18() {
    concurrent_ddl_on(18);
}

fn unreadable_head_on(version: u32) {
    let Some(pg) = Cluster::start(version) else {
        return;
    };
    pg.create_database("app");
    pg.psql(
        "app",
        "CREATE TABLE _sqlx_migrations (version bigint PRIMARY KEY, description text NOT NULL,
           success boolean NOT NULL);
         INSERT INTO _sqlx_migrations VALUES (20240101000000, 'init', true);
         CREATE TABLE users (id bigint PRIMARY KEY);
         CREATE ROLE reader LOGIN;
         REVOKE ALL ON DATABASE app FROM PUBLIC;
         REVOKE ALL ON SCHEMA public FROM PUBLIC;
         GRANT CONNECT ON DATABASE app TO reader;
         GRANT USAGE ON SCHEMA public TO reader;",
    );
    let options = Options::default();
    let owner = introspect::postgres::read(&mut pg.connect("app"), None, &options).unwrap();
    assert_eq!(
        owner.snapshot.migration_head,
        Some(MigrationHead {
            table: "_sqlx_migrations".into(),
            version: "20240101000000".into()
        })
    );
    assert!(owner.notices.is_empty() && !owner.migration_head_unread());

    // CONNECT and USAGE only: the head is unknown, and the read says why.
    let reader =
        introspect::postgres::read(&mut pg.connect_as("reader", "app"), None, &options).unwrap();
    assert_eq!(reader.snapshot.migration_head, None);
    assert!(reader.migration_head_unread());
    assert_eq!(
        reader.notices,
        [Notice::MigrationHeadUnread {
            role: "reader".into(),
            table: "_sqlx_migrations".into()
        }]
    );
    assert_eq!(
        reader.notices[0].to_string(),
        "the migration head was not read: the role `reader` has no SELECT on `_sqlx_migrations` \
         (`GRANT SELECT ON _sqlx_migrations TO reader` lets it)"
    );
    let mut rest = owner.snapshot.clone();
    rest.migration_head = None;
    assert_eq!(reader.snapshot, rest);
    // The parallel reader says the same.
    let parallel = introspect::postgres::read_parallel(
        &mut pg.connect_as("reader", "app"),
        &mut pg.connect_as("reader", "app"),
        None,
        &options,
    )
    .unwrap();
    assert_eq!(parallel, reader);

    // SELECT on the two columns the head is read from is enough.
    pg.psql(
        "app",
        "GRANT SELECT (version, success) ON _sqlx_migrations TO reader",
    );
    let granted =
        introspect::postgres::read(&mut pg.connect_as("reader", "app"), None, &options).unwrap();
    assert_eq!(granted, owner);
}

#[test]
fn unreadable_migration_head_pg15() {
    unreadable_head_on(15);
}

#[test]
fn unreadable_migration_head_pg16() {
    unreadable_head_on(16);
}

#[test]
fn unreadable_migration_head_pg18() {
    unreadable_head_on(18);
}
