use super::*;

fn texts(sql: &str) -> Vec<&str> {
    let s = split(sql);
    assert_eq!(s.unclosed, None, "{sql}");
    s.statements.iter().map(|s| s.text()).collect()
}

#[test]
fn plain_statements_and_positions() {
    let sql =
        "-- header\n\nCREATE TABLE a (id int);\n  /* c */ INSERT INTO a VALUES (1);;\nSELECT 1";
    let s = split(sql);
    let got: Vec<_> = s
        .statements
        .iter()
        .map(|s| (s.text(), s.line(), s.number()))
        .collect();
    assert_eq!(
        got,
        [
            ("CREATE TABLE a (id int)", 3, 1),
            ("INSERT INTO a VALUES (1)", 4, 2),
            ("SELECT 1", 5, 3),
        ]
    );
    assert_eq!(&sql[s.statements[1].offset()..][..6], "INSERT");
    assert!(texts("").is_empty());
    assert!(texts("  -- only a comment\n/* and another */\n;\n").is_empty());
}

#[test]
fn quotes_and_escapes() {
    assert_eq!(
        texts("SELECT 'a;b''c;'; SELECT E'x\\';y'; SELECT e'\\\\'; SELECT 'back\\'; SELECT 2"),
        [
            "SELECT 'a;b''c;'",
            "SELECT E'x\\';y'",
            "SELECT e'\\\\'",
            "SELECT 'back\\'",
            "SELECT 2"
        ]
    );
    assert_eq!(
        texts(
            "SELECT \"a;\"\"b\" FROM t; SELECT B'101', X'1;F', N'n;', U&'d\\0061;'; SELECT U&\"a;\""
        ),
        [
            "SELECT \"a;\"\"b\" FROM t",
            "SELECT B'101', X'1;F', N'n;', U&'d\\0061;'",
            "SELECT U&\"a;\""
        ]
    );
    // A name ending in `e` followed by a string is no escape string prefix.
    assert_eq!(
        texts("SELECT name'\\'; SELECT 1"),
        ["SELECT name'\\'", "SELECT 1"]
    );
}

#[test]
fn dollar_quotes() {
    let sql = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\
               CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN $x$;$x$; END; $body$ LANGUAGE plpgsql;\n\
               SELECT $1, a$b$ FROM t; SELECT $_$;$_$, $a1$ $ $a1$; SELECT 'x$$'; SELECT 3";
    assert_eq!(
        texts(sql),
        [
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
            "CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN $x$;$x$; END; $body$ LANGUAGE plpgsql",
            "SELECT $1, a$b$ FROM t",
            "SELECT $_$;$_$, $a1$ $ $a1$",
            "SELECT 'x$$'",
            "SELECT 3",
        ]
    );
    // A nested delimiter with another tag does not close the body.
    assert_eq!(
        texts("DO $outer$ BEGIN EXECUTE $in$ SELECT 1; $in$; END $outer$; SELECT 4"),
        [
            "DO $outer$ BEGIN EXECUTE $in$ SELECT 1; $in$; END $outer$",
            "SELECT 4"
        ]
    );
    // `$1x` is no delimiter: a tag cannot start with a digit.
    assert_eq!(texts("SELECT $1x; SELECT 5"), ["SELECT $1x", "SELECT 5"]);
}

#[test]
fn comments() {
    assert_eq!(
        texts(
            "SELECT 1 -- not; the end\n; SELECT /* a; /* nested; */ still; */ 2; SELECT 3 /* ; */"
        ),
        [
            "SELECT 1 -- not; the end",
            "SELECT /* a; /* nested; */ still; */ 2",
            "SELECT 3 /* ; */"
        ]
    );
    // Comment markers inside strings are text.
    assert_eq!(
        texts("SELECT '--', '/*'; SELECT 6"),
        ["SELECT '--', '/*'", "SELECT 6"]
    );
    // A lone `-` or `/` is an operator.
    assert_eq!(
        texts("SELECT 1-2/3; SELECT 7"),
        ["SELECT 1-2/3", "SELECT 7"]
    );
}

#[test]
fn parentheses_keep_semicolons() {
    assert_eq!(
        texts(
            "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO u VALUES (1); INSERT INTO u VALUES (2)); SELECT 8"
        ),
        [
            "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO u VALUES (1); INSERT INTO u VALUES (2))",
            "SELECT 8"
        ]
    );
    // A stray `)` does not make the depth negative.
    assert_eq!(texts("SELECT 1); SELECT 9"), ["SELECT 1)", "SELECT 9"]);
}

#[test]
fn begin_atomic_bodies() {
    let sql = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\n\
               BEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  SELECT a;\nEND;\n\
               CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END;\n\
               BEGIN;\nSELECT 1;\nEND;\n\
               CREATE TABLE t (begin int);\nSELECT CASE WHEN true THEN 1 END;";
    assert_eq!(
        texts(sql),
        [
            "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  SELECT a;\nEND",
            "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END",
            "BEGIN",
            "SELECT 1",
            "END",
            "CREATE TABLE t (begin int)",
            "SELECT CASE WHEN true THEN 1 END",
        ]
    );
    // A function with a string body is not a BEGIN ... END block, even with BEGIN in it.
    assert_eq!(
        texts("CREATE FUNCTION f() RETURNS void AS 'begin' LANGUAGE plpgsql; SELECT 10"),
        [
            "CREATE FUNCTION f() RETURNS void AS 'begin' LANGUAGE plpgsql",
            "SELECT 10"
        ]
    );
}

#[test]
fn unclosed_text_is_reported_with_its_line() {
    let s = split("SELECT 1;\nSELECT 'oops;\nSELECT 2;");
    assert_eq!(s.unclosed, Some((Unclosed::String, 2)));
    assert_eq!(s.statements.len(), 2);
    assert_eq!(
        split("SELECT $$ x").unclosed,
        Some((Unclosed::DollarQuote, 1))
    );
    assert_eq!(
        split("SELECT 1;\n\n/* /* */").unclosed,
        Some((Unclosed::BlockComment, 3))
    );
    assert_eq!(
        split("SELECT \"a").unclosed,
        Some((Unclosed::QuotedIdentifier, 1))
    );
    assert_eq!(split("SELECT E'\\'").unclosed, Some((Unclosed::String, 1)));
}

#[test]
fn lines_count_inside_strings_and_comments() {
    let sql = "SELECT '\n\n';\n/*\n\n*/ SELECT $$\n$$;\n-- c\nSELECT \"a\nb\";";
    let lines: Vec<_> = split(sql).statements.iter().map(|s| s.line()).collect();
    assert_eq!(lines, [1, 6, 9]);
}

#[test]
fn non_ascii_text() {
    assert_eq!(
        texts("CREATE DOMAIN bıgınt AS bigint; SELECT 'é;'; SELECT ü$ä$ FROM t; SELECT $é$;$é$"),
        [
            "CREATE DOMAIN bıgınt AS bigint",
            "SELECT 'é;'",
            "SELECT ü$ä$ FROM t",
            "SELECT $é$;$é$"
        ]
    );
    assert_eq!(line_and_column("ab\ncdé f", 8), (2, 5));
    assert_eq!(line_and_column("x", 0), (1, 1));
}

#[test]
fn statement_kinds() {
    let one = |sql: &'static str| split(sql).statements.remove(0);
    for sql in [
        "CREATE INDEX CONCURRENTLY i ON t (a)",
        "create unique index concurrently if not exists i on t (a)",
        "DROP INDEX CONCURRENTLY IF EXISTS i",
        "REINDEX (VERBOSE) INDEX CONCURRENTLY i",
        "REINDEX DATABASE d",
        "VACUUM (ANALYZE) t",
        "ALTER SYSTEM SET work_mem = '8MB'",
        "CREATE DATABASE d",
        "DROP DATABASE d",
        "ALTER TABLE p DETACH PARTITION c CONCURRENTLY",
        "CLUSTER",
    ] {
        assert!(one(sql).needs_autocommit().is_some(), "{sql}");
    }
    for sql in [
        "CREATE INDEX i ON t (a)",
        "-- CREATE INDEX CONCURRENTLY\nCREATE INDEX i ON t (a)",
        "CREATE INDEX \"concurrently\" ON t (a)",
        "COMMENT ON INDEX i IS 'CREATE INDEX CONCURRENTLY'",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY m",
        "REINDEX TABLE t",
        "CREATE TABLE concurrently (a int)",
        "CLUSTER t USING i",
        "ALTER TABLE p DETACH PARTITION c",
        "SELECT 'VACUUM'",
    ] {
        assert_eq!(one(sql).needs_autocommit(), None, "{sql}");
    }
    for sql in [
        "BEGIN",
        "begin transaction isolation level serializable",
        "START TRANSACTION",
        "COMMIT",
        "END",
        "ROLLBACK",
        "ABORT",
    ] {
        assert!(one(sql).is_transaction_control(), "{sql}");
    }
    for sql in [
        "ROLLBACK TO SAVEPOINT a",
        "ROLLBACK TO a",
        "SAVEPOINT a",
        "SELECT 1",
    ] {
        assert!(!one(sql).is_transaction_control(), "{sql}");
    }
    assert!(one("COPY t (a) FROM stdin").is_copy_from_stdin());
    assert!(!one("COPY t TO stdout").is_copy_from_stdin());
    assert!(one("ALTER TYPE e ADD VALUE 'x'").starts_with_words(&["alter", "type"]));
    // Words inside parentheses, strings and comments are not listed.
    assert_eq!(
        one("CREATE /* x */ TABLE t (a int, b text DEFAULT 'y') WITH (fillfactor = 70)").words,
        ["CREATE", "TABLE", "t", "WITH"]
    );
}

#[test]
fn summaries() {
    let s = split("CREATE TABLE t (\n  a int\n)").statements.remove(0);
    assert_eq!(s.summary(80), "CREATE TABLE t ( ...");
    assert_eq!(s.summary(6), "CREATE...");
    let s = split("SELECT 1").statements.remove(0);
    assert_eq!(s.summary(80), "SELECT 1");
}

/// The crates.io migrations (285 of them, concatenated): the statement count matches what
/// psql sees, and no statement swallowed the next migration's header.
#[test]
fn crates_io_schema() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/schemas/crates-io.sql");
    let Ok(sql) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: {} is absent", path.display());
        return;
    };
    let s = split(&sql);
    assert_eq!(s.unclosed, None);
    assert!(s.statements.len() > 500, "{}", s.statements.len());
    for st in &s.statements {
        assert!(
            !st.text().contains("-- ==== migration:"),
            "statement {} at line {} spans two migrations:\n{}",
            st.number(),
            st.line(),
            st.text()
        );
        assert!(!st.text().is_empty());
    }
    let concurrently = s
        .statements
        .iter()
        .filter(|s| s.needs_autocommit().is_some())
        .count();
    // 1 DROP INDEX CONCURRENTLY and 6 CREATE [UNIQUE] INDEX CONCURRENTLY. (The schemas README
    // says 8: a grep also finds `REFRESH MATERIALIZED VIEW CONCURRENTLY` inside a function
    // body, which runs at call time and is allowed in a transaction anyway.)
    assert_eq!(concurrently, 7);
    // The functions with `$$` bodies containing `;` stay whole.
    assert!(s.statements.iter().any(|s| {
        s.text()
            .starts_with("CREATE OR REPLACE FUNCTION diesel_manage_updated_at")
            && s.text().ends_with("LANGUAGE plpgsql")
    }));
}
