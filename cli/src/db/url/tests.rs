use super::*;

#[test]
fn passwords_are_replaced() {
    assert_eq!(
        redact("postgres://app:s3cret@db.internal:5432/prod"),
        "postgres://app:***@db.internal:5432/prod"
    );
    assert_eq!(
        redact("postgresql://app:p@ss:w/rd@host/db?sslmode=require"),
        "postgresql://app:***@host/db?sslmode=require"
    );
    assert_eq!(redact("postgres://app@host/db"), "postgres://app@host/db");
    assert_eq!(redact("postgres://host/db"), "postgres://host/db");
    assert_eq!(
        redact("postgres://host/db?user=a&password=x1&sslmode=disable"),
        "postgres://host/db?user=a&password=***&sslmode=disable"
    );
    assert_eq!(
        redact("host=db user=a password=hunter2 dbname=x"),
        "host=db user=a password=*** dbname=x"
    );
    assert_eq!(redact("not a url"), "not a url");
}

#[test]
fn malformed_urls_and_keyword_forms_are_redacted() {
    for (raw, shown) in [
        ("postgres:/u:pw@h/db", "postgres:/u:***@h/db"),
        ("postgres//u:pw@h/db", "postgres//u:***@h/db"),
        ("postgress://u:pw@h/db", "postgress://u:***@h/db"),
        ("pgsql://u:pw@h/db", "pgsql://u:***@h/db"),
        ("postgres:u:pw@h/db", "postgres:u:***@h/db"),
        (
            "host=h password = pw dbname=d",
            "host=h password = *** dbname=d",
        ),
        (
            "host=h password='a b' dbname=d",
            "host=h password=*** dbname=d",
        ),
        ("host=h PASSWORD = 'a \\' b'", "host=h PASSWORD = ***"),
        ("host=h password='unterminated", "host=h password=***"),
        (
            "host=h password=a\\ b dbname=d",
            "host=h password=*** dbname=d",
        ),
    ] {
        assert_eq!(redact(raw), shown, "{raw}");
    }
}

#[test]
fn secrets_cover_every_reading() {
    let has = |s: &str, want: &[&str]| {
        let got = secrets_in(s);
        for w in want {
            assert!(
                got.iter().any(|g| g == w),
                "{w:?} not in {got:?} (from {s:?})"
            );
        }
    };
    has("postgres://u:s%40cret@h/db", &["s%40cret", "s@cret"]);
    // The driver ends the userinfo at the first `@`, a person at the last: both are secrets.
    has("postgres://u:p@ss@h/db", &["p", "p@ss"]);
    has("postgres:/u:pw1@h/db", &["pw1"]);
    has("postgres//u:pw2@h/db", &["pw2"]);
    has("u:pw3@h/db", &["pw3"]);
    has("host=h password = pw4", &["pw4"]);
    has("host=h password='a pw5' x=y", &["a pw5"]);
    has("host=h password='it\\'s' x=y", &["it\\'s", "it's"]);
    has("postgres://h/db?password=p%26w&x=1", &["p%26w", "p&w"]);
    has("PGPASSWORD=pw6", &["pw6"]);
    assert!(secrets_in("postgres://u@h/db").is_empty());
    assert!(secrets_in("schemalock.json").is_empty());
    assert!(secrets_in("host=h password=").is_empty());
}

#[test]
fn percent_decoding_is_total() {
    assert_eq!(percent_decode("PanicPw%aé"), "PanicPw%aé");
    assert_eq!(percent_decode("%é%"), "%é%");
    assert_eq!(percent_decode("a%41%4"), "aA%4");
    assert_eq!(percent_decode("%ff"), "\u{fffd}");
    assert_eq!(percent_decode("%%41"), "%A");
    // Every short string over a nasty alphabet: no panic, and redaction neither.
    let alphabet = [
        "%", "é", "a", "4", "@", ":", "/", "'", "\\", "=", " ", "password",
    ];
    let mut inputs = vec![String::new()];
    for _ in 0..4 {
        let mut next = Vec::new();
        for s in &inputs {
            for a in alphabet {
                next.push(format!("{s}{a}"));
            }
        }
        inputs = next;
    }
    for s in inputs {
        let _ = percent_decode(&s);
        let _ = redact(&format!("postgres://{s}"));
        let _ = redact(&s);
        let _ = secrets_in(&s);
        let _ = secrets_in(&format!("postgres://{s}"));
        let _ = looks_like_url(&s);
    }
}

#[test]
fn what_looks_like_a_url() {
    for s in [
        "postgres:/u:pw@h/db",
        "postgres//u:pw@h/db",
        "postgress://h/db",
        "pgsql://h",
        "postgres:u:pw@h",
    ] {
        assert!(looks_like_url(s), "{s}");
    }
    for s in [
        "postgres://h/db",
        "postgresql://h/db",
        "schemalock.json",
        "dir/s.json",
        "snap:shot.json",
        "host=h password=x",
        "",
    ] {
        assert!(!looks_like_url(s), "{s}");
    }
}
