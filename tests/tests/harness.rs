//! The harness itself: each installed server starts, takes SQL through psql and a client, and
//! goes away on drop.

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
            format!("postgres://postgres@127.0.0.1:{}/smoke", pg.port())
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
