use super::*;

fn no_env(_: &str) -> Option<String> {
    None
}

fn params(conn: &str) -> (String, Params) {
    split(conn).unwrap()
}

#[test]
fn tls_keys_leave_urls_and_keyword_strings() {
    let (rest, p) = params(
        "postgres://u:p@h/db?application_name=x&sslmode=verify-full&sslrootcert=%2Fca%20dir%2Fca.pem&connect_timeout=3",
    );
    assert_eq!(
        rest,
        "postgres://u:p@h/db?application_name=x&connect_timeout=3"
    );
    assert_eq!(p.sslmode.as_deref(), Some("verify-full"));
    assert_eq!(p.sslrootcert.as_deref(), Some("/ca dir/ca.pem"));
    let (rest, p) = params("postgres://h/db?sslmode=require");
    assert_eq!(rest, "postgres://h/db");
    assert_eq!(p.sslmode.as_deref(), Some("require"));
    let (rest, p) = params(
        "host=h  sslmode = verify-ca password='a b\\'c' sslcert='/c d.pem' sslkey=/k.pem user=u",
    );
    assert_eq!(rest, "host=h password='a b\\'c' user=u");
    assert_eq!(p.sslmode.as_deref(), Some("verify-ca"));
    assert_eq!(p.sslcert.as_deref(), Some("/c d.pem"));
    assert_eq!(p.sslkey.as_deref(), Some("/k.pem"));
    // Ignored, as rustls does these anyway.
    let (rest, _) = params("postgres://h/db?sslsni=1&sslcompression=0");
    assert_eq!(rest, "postgres://h/db");
    let err = split("postgres://h/db?sslpassword=s3cret").unwrap_err();
    assert!(err.contains("`sslpassword` is not supported"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}

#[test]
fn modes_and_roots_resolve_as_libpq_does() {
    let home = tempfile::tempdir().unwrap();
    let resolve = |conn: &str, env: &dyn Fn(&str) -> Option<String>| {
        Tls::resolve(&params(conn).1, env, Some(home.path()))
    };
    // libpq's default is `prefer`, unchecked.
    let t = resolve("postgres://h/db", &no_env).unwrap();
    assert_eq!((t.mode, t.roots), (SslMode::Prefer, None));
    // The environment, when the string says nothing.
    let env = |v: &str| (v == "PGSSLMODE").then(|| "require".to_owned());
    assert_eq!(
        resolve("postgres://h/db", &env).unwrap().mode,
        SslMode::Require
    );
    assert_eq!(
        resolve("postgres://h/db?sslmode=disable", &env)
            .unwrap()
            .mode,
        SslMode::Disable
    );
    let err = resolve("postgres://h/db?sslmode=verify-everything", &no_env).unwrap_err();
    assert!(err.contains("expected `disable`"), "{err}");
    // verify-* need roots.
    let err = resolve("postgres://h/db?sslmode=verify-full", &no_env).unwrap_err();
    assert!(err.contains(".postgresql/root.crt"), "{err}");
    assert!(err.contains("sslrootcert=system"), "{err}");
    let t = resolve(
        "postgres://h/db?sslmode=verify-ca&sslrootcert=/ca.pem",
        &no_env,
    )
    .unwrap();
    assert_eq!(t.roots, Some(RootCert::File("/ca.pem".into())));
    let env = |v: &str| (v == "PGSSLROOTCERT").then(|| "/env-ca.pem".to_owned());
    let t = resolve("postgres://h/db?sslmode=verify-full", &env).unwrap();
    assert_eq!(t.roots, Some(RootCert::File("/env-ca.pem".into())));
    // `system` means verify-full, and refuses weaker modes.
    let t = resolve("postgres://h/db?sslrootcert=system", &no_env).unwrap();
    assert_eq!(
        (t.mode, t.roots),
        (SslMode::VerifyFull, Some(RootCert::System))
    );
    let err = resolve(
        "postgres://h/db?sslrootcert=system&sslmode=require",
        &no_env,
    )
    .unwrap_err();
    assert!(err.contains("needs `sslmode=verify-full`"), "{err}");
    // The default root file makes `require` check the chain, as in libpq; `prefer` never checks.
    let dir = home.path().join(".postgresql");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("root.crt"), "").unwrap();
    let t = resolve("postgres://h/db?sslmode=require", &no_env).unwrap();
    assert_eq!(t.roots, Some(RootCert::File(dir.join("root.crt"))));
    assert_eq!(resolve("postgres://h/db", &no_env).unwrap().roots, None);
    // The default client certificate, when present.
    assert_eq!(resolve("postgres://h/db", &no_env).unwrap().client, None);
    std::fs::write(dir.join("postgresql.crt"), "").unwrap();
    assert_eq!(
        resolve("postgres://h/db", &no_env).unwrap().client,
        Some((dir.join("postgresql.crt"), dir.join("postgresql.key")))
    );
    // `disable` reads none of them.
    assert_eq!(
        resolve("postgres://h/db?sslmode=disable", &no_env).unwrap(),
        Tls::disabled()
    );
}

#[test]
fn unreadable_certificate_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("client.key");
    std::fs::write(
        &key,
        "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let not_pem = dir.path().join("ca.pem");
    std::fs::write(&not_pem, "c2VjcmV0LWtleS1ieXRlcw== not a certificate").unwrap();
    let tls = Tls {
        mode: SslMode::VerifyFull,
        roots: Some(RootCert::File(not_pem.clone())),
        client: None,
    };
    let err = tls.connector().unwrap_err();
    assert!(err.contains(&not_pem.display().to_string()), "{err}");
    assert!(err.contains("holds no certificate"), "{err}");
    assert!(!err.contains("c2VjcmV0"), "{err}");
    let tls = Tls {
        mode: SslMode::VerifyFull,
        roots: Some(RootCert::File(dir.path().join("missing.pem"))),
        client: None,
    };
    let err = tls.connector().unwrap_err();
    assert!(err.contains("missing.pem"), "{err}");
    let tls = Tls {
        mode: SslMode::Require,
        roots: None,
        client: Some((not_pem, key)),
    };
    let err = tls.connector().unwrap_err();
    assert!(err.contains("client certificate"), "{err}");
    assert!(!err.contains("c2VjcmV0"), "{err}");
}
