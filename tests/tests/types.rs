//! The type rule against the drivers, on a real server (PostgreSQL 15 with contrib, for ltree,
//! hstore and citext): for each column type schemalock maps beyond the everyday ones, a value is
//! written, every Rust type the rule says reads it decodes it with its driver (sqlx 0.9 or
//! postgres), and types the rule rejects fail to decode there too: never looser than a driver.

use schemalock::PgCompatible;
use schemalock_runtime::snapshot::Snapshot;
use schemalock_runtime::types::{ColumnFacts, rule};
use schemalock_tests::pg::Cluster;
use sqlx::Row as _;
use sqlx::types::chrono::{DateTime, NaiveDate, NaiveDateTime};
/// A `tstzrange` bound.
type Utc = DateTime<sqlx::types::chrono::Utc>;
use sqlx::postgres::types::{
    Oid, PgCiText, PgHstore, PgInterval, PgLQuery, PgLTree, PgMoney, PgRange,
};

const SCHEMA: &str = "
CREATE EXTENSION ltree;
CREATE EXTENSION hstore;
CREATE EXTENSION citext;
CREATE TABLE t (
    path ltree, query lquery, attrs hstore, name citext, span interval, price money, o oid,
    r4 int4range, r8 int8range, rts tsrange, rtz tstzrange, rd daterange, doc xml
);
INSERT INTO t VALUES (
    'a.b', 'a.*', 'k=>v, n=>NULL', 'Ab', '1 day 2 hours', 1.5, 42,
    '[1,2)', '[1,2)', '[2020-01-01,2020-01-02)', '[2020-01-01 00:00+00,2020-01-02 00:00+00)',
    '[2020-01-01,2020-01-02)', '<a/>'
);
";

/// The facts of column `name` of `t`, as the derives and verification see them.
fn facts(snapshot: &Snapshot, name: &str) -> ColumnFacts<String> {
    let table = snapshot.table("public", "t").unwrap();
    let column = table.column(name).unwrap();
    ColumnFacts::of_column(snapshot, "public", "t", table, column)
}

fn accepts<T: PgCompatible + ?Sized>(snapshot: &Snapshot, column: &str) -> bool {
    rule::accepts(&T::ACCEPTS, &facts(snapshot, column).as_ref().ty)
}

#[test]
fn the_rule_agrees_with_what_the_drivers_decode() {
    let Some(pg) = Cluster::start(15) else {
        return;
    };
    pg.create_database("types");
    pg.psql("types", SCHEMA);
    let mut client = pg.connect("types");
    let snapshot = schemalock_runtime::introspect::postgres::snapshot(&mut client, None).unwrap();
    let row = client.query_one("SELECT * FROM t", &[]).unwrap();

    // postgres-types: `u32` reads `oid`, `HashMap<String, Option<String>>` reads `hstore`.
    type Hstore = std::collections::HashMap<String, Option<String>>;
    assert!(accepts::<u32>(&snapshot, "o"));
    assert_eq!(row.try_get::<_, u32>("o").unwrap(), 42);
    assert!(accepts::<Hstore>(&snapshot, "attrs"));
    assert_eq!(row.try_get::<_, Hstore>("attrs").unwrap()["n"], None);
    // Rejected by the rule, rejected by the driver.
    for (column, rejected) in [("o", accepts::<i64>(&snapshot, "o")), ("doc", false)] {
        assert!(!rejected, "{column}");
        assert!(row.try_get::<_, i64>(column).is_err(), "{column}");
    }
    assert!(!accepts::<String>(&snapshot, "doc"));
    assert!(
        row.try_get::<_, String>("doc").is_err(),
        "postgres decodes xml"
    );
    // `citext` reads into `String` in both drivers.
    assert!(accepts::<String>(&snapshot, "name"));
    assert_eq!(row.try_get::<_, String>("name").unwrap(), "Ab");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&pg.url("types"))
            .await
            .unwrap();
        let row = sqlx::query("SELECT * FROM t").fetch_one(&pool).await.unwrap();
        macro_rules! decodes {
            ($($ty:ty => $column:literal;)+) => {$(
                assert!(accepts::<$ty>(&snapshot, $column), "rule: {} on {}", stringify!($ty), $column);
                if let Err(e) = row.try_get::<$ty, _>($column) {
                    panic!("sqlx: {} on {}: {e}", stringify!($ty), $column);
                }
            )+};
        }
        decodes! {
            PgLTree => "path";
            PgLQuery => "query";
            PgHstore => "attrs";
            PgCiText => "name";
            String => "name";
            PgInterval => "span";
            PgMoney => "price";
            Oid => "o";
            PgRange<i32> => "r4";
            PgRange<i64> => "r8";
            PgRange<NaiveDateTime> => "rts";
            PgRange<Utc> => "rtz";
            PgRange<NaiveDate> => "rd";
        }
        macro_rules! rejects {
            ($($ty:ty => $column:literal;)+) => {$(
                assert!(!accepts::<$ty>(&snapshot, $column), "rule: {} on {}", stringify!($ty), $column);
                assert!(row.try_get::<$ty, _>($column).is_err(), "sqlx decodes {} from {}", stringify!($ty), $column);
            )+};
        }
        // postgres-types takes ltree and lquery into `String`; sqlx does not, so neither do we.
        rejects! {
            String => "path";
            String => "query";
            String => "doc";
            PgRange<i64> => "r4";
            PgRange<i32> => "r8";
            PgRange<NaiveDateTime> => "rtz";
            PgLTree => "query";
            i64 => "o";
        }
    });
}
