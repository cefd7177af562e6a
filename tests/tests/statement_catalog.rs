//! `runtime/src/statement/catalog/pg.txt`, the PostgreSQL catalog the statement engine embeds,
//! is what `statements/catalog.sql` reads from PostgreSQL 15 (built-ins and contrib
//! extensions) and 16 (pgvector). Regenerate it after changing the query or the extension list:
//!
//! ```text
//! cargo test -p schemalock-tests --test statement_catalog -- --ignored
//! ```
//!
//! The test that is not ignored checks the committed file is current (extension versions and
//! the server's minor version aside).

use schemalock_tests::pg::{Cluster, quote_ident, workspace_root};

const REGENERATE: &str = "cargo test -p schemalock-tests --test statement_catalog -- --ignored";

/// Contrib extensions whose catalog is embedded (PostgreSQL 15's contrib).
const CONTRIB: &[&str] = &[
    "citext",
    "fuzzystrmatch",
    "hstore",
    "ltree",
    "pg_trgm",
    "pgcrypto",
    "uuid-ossp",
    "unaccent",
    "cube",
    "isn",
    "intarray",
    "tablefunc",
];

/// One section: `X <name> <version>`, then the query's lines.
fn section(client: &mut postgres::Client, ext: Option<&str>) -> String {
    let sql = std::fs::read_to_string(workspace_root().join("tests/tests/statements/catalog.sql"))
        .expect("read catalog.sql");
    let version: String = match ext {
        None => client
            .query_one(
                "SELECT split_part(current_setting('server_version'), ' ', 1)",
                &[],
            )
            .expect("server_version")
            .get(0),
        Some(e) => client
            .query_one(
                "SELECT extversion FROM pg_extension WHERE extname = $1",
                &[&e],
            )
            .expect("extension version")
            .get(0),
    };
    let mut out = format!("X {} {version}\n", ext.unwrap_or("pg_catalog"));
    for row in client.query(sql.as_str(), &[&ext]).expect("catalog query") {
        let line: String = row.get(0);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The whole file, from PostgreSQL 15 and 16, or `None` when a server or extension is missing.
fn generate() -> Option<String> {
    let pg15 = Cluster::start(15)?;
    let pg16 = Cluster::start(16)?;
    assert!(
        pg16.has_extension("vector"),
        "PostgreSQL 16 has no pgvector"
    );
    pg15.create_database("catalog");
    let mut client = pg15.connect("catalog");
    let mut text = String::from(
        "# PostgreSQL's own catalog, as much of it as the statement engine reads: types, casts, operators,\n\
         # functions and system relations of pg_catalog, then of the extensions it knows. Generated; do not edit:\n",
    );
    text.push_str(&format!("# {REGENERATE}\n"));
    text.push_str(&section(&mut client, None));
    for e in CONTRIB {
        client
            .batch_execute(&format!("CREATE EXTENSION {}", quote_ident(e)))
            .unwrap_or_else(|err| panic!("CREATE EXTENSION {e}: {err}"));
        text.push_str(&section(&mut client, Some(e)));
    }
    pg16.create_database("catalog");
    let mut client = pg16.connect("catalog");
    client
        .batch_execute("CREATE EXTENSION vector")
        .expect("CREATE EXTENSION vector");
    text.push_str(&section(&mut client, Some("vector")));
    Some(text)
}

fn path() -> std::path::PathBuf {
    workspace_root().join("runtime/src/statement/catalog/pg.txt")
}

/// The text without versions, which differ between builds of the same major version.
fn unversioned(text: &str) -> String {
    text.lines()
        .map(|l| match l.strip_prefix("X ") {
            Some(rest) => format!("X {}", rest.split(' ').next().unwrap_or("")),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
#[ignore = "writes runtime/src/statement/catalog/pg.txt; run to regenerate it"]
fn regenerate_statement_catalog() {
    let Some(text) = generate() else { return };
    std::fs::write(path(), text).expect("write pg.txt");
    eprintln!("wrote {}", path().display());
}

#[test]
fn statement_catalog_is_current() {
    let Some(text) = generate() else { return };
    let committed = std::fs::read_to_string(path()).expect("read pg.txt");
    assert!(
        unversioned(&committed) == unversioned(&text),
        "{} is not what the servers' catalogs give; regenerate it with `{REGENERATE}`",
        path().display()
    );
}
