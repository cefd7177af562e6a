//! Names written as PostgreSQL needs them, checked against real servers:
//! - `schemalock::ident` against `quote_ident` and `pg_get_keywords()` of PostgreSQL 18 (the
//!   release its keyword list comes from; exactly equal) and of 15 and 16 (never bare where they
//!   quote);
//! - the constants a derive generates (`TABLE`, `COLUMN_LIST`, `COLUMNS`) for tables and columns
//!   with hostile names, in queries that must return the row.

use std::path::PathBuf;

use schemalock::ident::{self, KeywordCategory};
use schemalock_runtime::Snapshot;
use schemalock_tests::pg::{Cluster, workspace_root};

fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/tests/fixtures").join(name)
}

/// A model of `"user"`: every column needs quotes but `type`.
#[derive(schemalock::Table)]
#[schemalock(table = "user", snapshot = "tests/fixtures/hostile.json")]
#[allow(dead_code)]
struct User {
    order: i32,
    r#type: String,
    select: String,
    int: String,
    left: String,
    #[sqlx(rename = "MixedCol")]
    mixed_col: String,
    #[sqlx(rename = "with\"quote")]
    with_quote: String,
    #[sqlx(rename = "with space")]
    with_space: String,
    #[sqlx(rename = "ünïcode")]
    unicode: String,
    #[sqlx(rename = "$dollar")]
    dollar: String,
    #[sqlx(rename = "a$b")]
    a_dollar_b: String,
    #[sqlx(rename = "1st")]
    first: String,
    #[sqlx(rename = "line\nbreak")]
    line_break: String,
}

#[derive(schemalock::Table)]
#[schemalock(
    schema = "Select Schema",
    table = "Order",
    snapshot = "tests/fixtures/hostile.json"
)]
#[allow(dead_code)]
struct Order {
    from: i32,
    plain: String,
}

#[derive(schemalock::Table)]
#[schemalock(
    schema = "table",
    table = "column",
    snapshot = "tests/fixtures/hostile.json"
)]
#[allow(dead_code)]
struct Column {
    id: i32,
}

/// Names to compare with the server's `quote_ident`: every keyword in three spellings, the
/// hostile names, and each ASCII character and some non-ASCII ones at the start, inside and
/// alone.
fn names() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for k in ident::keywords() {
        names.push(k.word.to_owned());
        names.push(k.word.to_uppercase());
        names.push(format!("{}_", k.word));
    }
    for c in (0x20u8..0x7f)
        .map(char::from)
        .chain(['é', 'ß', 'Ä', 'ı', '€', '😀', '\u{a0}'])
    {
        names.push(format!("{c}"));
        names.push(format!("{c}x"));
        names.push(format!("x{c}"));
        names.push(format!("x{c}y"));
    }
    names.extend(
        [
            "",
            "user",
            "order",
            "select",
            "type",
            "MixedCol",
            "with\"quote",
            "with space",
            "ünïcode",
            "$dollar",
            "a$b",
            "1st",
            "_1",
            "a1",
            "line\nbreak",
            "current_user",
            "pg_catalog",
            "int4",
            "char",
            "varchar",
            "\"",
            "\"\"",
        ]
        .map(String::from),
    );
    names
}

/// `(name, quote_ident(name))` from the server, for every name.
fn server_quotes(client: &mut postgres::Client, names: &[String]) -> Vec<(String, String)> {
    client
        .query(
            "SELECT n, quote_ident(n) FROM unnest($1::text[]) WITH ORDINALITY AS u(n, i) ORDER BY i",
            &[&names],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn matches_quote_ident(pg: &Cluster, client: &mut postgres::Client) {
    let names = names();
    let quoted = server_quotes(client, &names);
    assert_eq!(quoted.len(), names.len());
    let mut differences = Vec::new();
    for (name, theirs) in &quoted {
        let ours = ident::quote_ident(name);
        if ours != theirs.as_str() {
            differences.push(format!("{name:?}: ours {ours}, PostgreSQL {theirs}"));
        }
    }
    if pg.version() >= 18 {
        assert!(
            differences.is_empty(),
            "quote_ident differs from PostgreSQL {}:\n{}",
            pg.version(),
            differences.join("\n")
        );
    }
    // Older releases have fewer keywords: we may quote a word they leave bare (harmless), never
    // the other way round.
    for (name, theirs) in &quoted {
        assert!(
            ident::needs_quotes(name) || !theirs.starts_with('"'),
            "PostgreSQL {} quotes {name:?} ({theirs}) and we do not",
            pg.version()
        );
    }
}

fn keyword_list_is_postgresql_18s(client: &mut postgres::Client) {
    let theirs: Vec<(String, String, bool)> = client
        .query(
            "SELECT word, catcode::text, barelabel FROM pg_get_keywords() ORDER BY word COLLATE \"C\"",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let ours: Vec<(String, String, bool)> = ident::keywords()
        .iter()
        .map(|k| {
            let code = match k.category {
                KeywordCategory::Unreserved => "U",
                KeywordCategory::ColumnName => "C",
                KeywordCategory::TypeFuncName => "T",
                KeywordCategory::Reserved => "R",
            };
            (k.word.to_owned(), code.to_owned(), k.bare_label)
        })
        .collect();
    assert_eq!(ours, theirs);
}

/// The fixture the derives compiled against is what the server makes of `hostile.sql`.
fn fixture_is_what_postgresql_reads(client: &mut postgres::Client) {
    let schemas: Vec<String> = ["public", "Select Schema", "table"]
        .map(String::from)
        .into();
    let live = schemalock_runtime::introspect::postgres::snapshot(client, Some(&schemas)).unwrap();
    let committed = Snapshot::load(&fixture("hostile.json")).unwrap();
    if live.schemas != committed.schemas {
        let mut expected = live.clone();
        expected.server_version = None;
        let out = std::env::temp_dir().join("hostile.json");
        expected.save(&out).unwrap();
        panic!(
            "tests/tests/fixtures/hostile.json is not what PostgreSQL reads from hostile.sql; \
             the introspected snapshot is in {}",
            out.display()
        );
    }
}

fn hostile_names_round_trip(client: &mut postgres::Client) {
    assert_eq!(User::TABLE, "\"user\"");
    assert_eq!(User::COLUMNS.order, "\"order\"");
    assert_eq!(User::COLUMNS.r#type, "type");
    assert_eq!(User::COLUMNS.with_quote, "\"with\"\"quote\"");
    assert_eq!(
        User::COLUMN_LIST,
        "\"order\", type, \"select\", \"int\", \"left\", \"MixedCol\", \"with\"\"quote\", \
         \"with space\", \"ünïcode\", \"$dollar\", \"a$b\", \"1st\", \"line\nbreak\""
    );
    assert_eq!(Order::TABLE, "\"Select Schema\".\"Order\"");
    assert_eq!(Order::COLUMNS.from, "\"from\"");
    assert_eq!(Column::TABLE, "\"table\".\"column\"");

    // Written with the constants too.
    let columns = User::COLUMN_LIST.split(", ").count();
    let params: Vec<String> = (1..=columns).map(|i| format!("${i}")).collect();
    let insert = format!(
        "INSERT INTO {} ({}) VALUES (7, {})",
        User::TABLE,
        User::COLUMN_LIST,
        params[1..]
            .iter()
            .enumerate()
            .map(|(i, _)| format!("'v{}'", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    );
    client.execute(&insert, &[]).unwrap();
    client
        .execute(
            &format!("INSERT INTO {} VALUES (3, 'p')", Order::TABLE),
            &[],
        )
        .unwrap();
    client
        .execute(&format!("INSERT INTO {} VALUES (5)", Column::TABLE), &[])
        .unwrap();

    let sql = format!(
        "SELECT {} FROM {} WHERE {} = $1 AND {} = 'v5' AND {} = 'v12'",
        User::COLUMN_LIST,
        User::TABLE,
        User::COLUMNS.order,
        User::COLUMNS.mixed_col,
        User::COLUMNS.line_break,
    );
    let rows = client.query(&sql, &[&7i32]).unwrap();
    assert_eq!(rows.len(), 1, "{sql}");
    let row = &rows[0];
    assert_eq!(row.get::<_, i32>(0), 7);
    let texts: Vec<String> = (1..columns).map(|i| row.get(i)).collect();
    let wanted: Vec<String> = (1..columns).map(|i| format!("v{i}")).collect();
    assert_eq!(texts, wanted);
    // The names the server reports are the catalog's, which the metadata keeps.
    let reported: Vec<&str> = row.columns().iter().map(|c| c.name()).collect();
    let meta: Vec<&str> = <User as schemalock::Table>::META
        .columns
        .iter()
        .map(|c| c.column)
        .collect();
    assert_eq!(reported, meta);

    let sql = format!(
        "SELECT {} FROM {} WHERE {} = 3",
        Order::COLUMN_LIST,
        Order::TABLE,
        Order::COLUMNS.from
    );
    let row = client.query_one(&sql, &[]).unwrap();
    assert_eq!(row.get::<_, String>(1), "p");
    let sql = format!("SELECT {} FROM {}", Column::COLUMN_LIST, Column::TABLE);
    assert_eq!(client.query_one(&sql, &[]).unwrap().get::<_, i32>(0), 5);
}

fn on(version: u32) {
    let Some(pg) = Cluster::start(version) else {
        return;
    };
    pg.create_database("hostile");
    pg.psql_file("hostile", &fixture("hostile.sql"));
    let mut client = pg.connect("hostile");
    matches_quote_ident(&pg, &mut client);
    if version == 18 {
        keyword_list_is_postgresql_18s(&mut client);
    }
    fixture_is_what_postgresql_reads(&mut client);
    hostile_names_round_trip(&mut client);
}

#[test]
fn names_on_postgresql_18() {
    on(18);
}

#[test]
fn names_on_postgresql_16() {
    on(16);
}

#[test]
fn names_on_postgresql_15() {
    on(15);
}
