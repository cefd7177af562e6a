//! The harness itself: each installed server starts, takes SQL through psql and a client, and
//! goes away on drop; nobody else on the machine can use it.

#[cfg(target_os = "linux")]
use schemalock_tests::os::OUTSIDER;
use schemalock_tests::pg::{Cluster, VERSIONS};

#[test]
fn every_installed_version_starts_and_answers() {
    for version in VERSIONS {
        let Some(pg) = Cluster::start(version) else {
            continue;
        };
        let url = pg.create_database("smoke");
        assert_eq!(
            url,
            format!(
                "postgres://postgres:{}@127.0.0.1:{}/smoke",
                pg.password(),
                pg.port()
            )
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.sql");
        std::fs::write(
            &file,
            "CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1), (2);\n",
        )
        .unwrap();
        pg.psql_file("smoke", &file);
        let err = pg
            .try_psql_file("smoke", &{
                let bad = dir.path().join("bad.sql");
                std::fs::write(
                    &bad,
                    "INSERT INTO t VALUES (3);\nSELECT nope;\nINSERT INTO t VALUES (4);\n",
                )
                .unwrap();
                bad
            })
            .unwrap_err();
        assert!(err.contains("nope"), "{err}");
        // ON_ERROR_STOP: the statement before the error was committed, the one after never ran.
        let mut client = pg.connect("smoke");
        let n: i64 = client
            .query_one("SELECT count(*) FROM t", &[])
            .unwrap()
            .get(0);
        assert_eq!(n, 3);
        let v: String = client.query_one("SHOW server_version", &[]).unwrap().get(0);
        assert!(v.starts_with(&format!("{version}.")), "{v}");
        let addr: Option<String> = client
            .query_one("SELECT inet_server_addr()::text", &[])
            .unwrap()
            .get(0);
        assert_eq!(addr.as_deref(), Some("127.0.0.1/32"));
        let data_dir = pg.socket_dir().parent().unwrap().to_owned();
        drop(client);
        drop(pg);
        assert!(!data_dir.exists(), "{} left behind", data_dir.display());
    }
}

/// Another OS user can reach the harness's server neither through its socket nor over TCP, where
/// every role needs the cluster's random password; no `host` line of `pg_hba.conf` trusts.
#[cfg(target_os = "linux")]
#[test]
fn another_os_user_cannot_connect() {
    use schemalock_tests::os::Outsider;
    let Some(pg) = Cluster::start(15) else { return };
    if let Some(outsider) = Outsider::get() {
        let bin = pg.bin_dir();
        let tcp = outsider.psql(bin, "127.0.0.1", pg.port());
        assert!(tcp.is_err(), "{OUTSIDER} got in over TCP: {tcp:?}");
        let tcp = tcp.unwrap_err();
        assert!(tcp.contains("no password supplied"), "{tcp}");
        let socket = outsider.psql(bin, &pg.socket_dir().to_string_lossy(), pg.port());
        assert!(
            socket.is_err(),
            "{OUTSIDER} got in over the socket: {socket:?}"
        );
        let socket = socket.unwrap_err();
        assert!(socket.contains("Permission denied"), "{socket}");
    }
    let rules = pg.psql(
        "postgres",
        "SELECT type || ' ' || coalesce(address, '-') || ' ' || auth_method \
         FROM pg_hba_file_rules ORDER BY line_number",
    );
    assert_eq!(
        rules.lines().collect::<Vec<_>>(),
        ["local - trust", "host 127.0.0.1 scram-sha-256"],
        "{rules}"
    );
    // Logins over TCP need the password, also for this process.
    let mut config = postgres::Config::new();
    config
        .host("127.0.0.1")
        .port(pg.port())
        .user("postgres")
        .dbname("postgres")
        .connect_timeout(std::time::Duration::from_secs(10));
    let err = match config.connect(postgres::NoTls) {
        Ok(_) => panic!("a login without the password got in"),
        Err(e) => format!("{e:?}"),
    };
    assert!(err.contains("password missing"), "{err}");
    config.password("not-the-password");
    let err = match config.connect(postgres::NoTls) {
        Ok(_) => panic!("a login with a wrong password got in"),
        Err(e) => format!("{e:?}"),
    };
    assert!(err.contains("password authentication failed"), "{err}");
    assert_eq!(pg.psql("postgres", "SELECT 1").trim(), "1");
}
