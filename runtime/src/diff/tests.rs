//! The comparison, object kind by object kind, on a small schema with one of everything; and
//! the renderer's words.

use std::collections::BTreeMap;

use super::*;
use crate::snapshot::{
    Attribute, Check, Column, Composite, Domain, EnumType, Extension, ForeignKey, Generated,
    Identity, Index, IndexKey, KeyConstraint, MigrationHead, Reference, RelationKind, Schema,
    Table,
};

/// The renderer's words for a difference on its own, as `check` says it.
fn said(d: &Difference) -> String {
    let sides = Sides {
        expected: "snapshot".into(),
        found: "database".into(),
        article: Article::The,
        compared: String::new(),
    };
    format!("{}: {}", render::group(d), render::line(d, &sides))
}

fn col(name: &str, ty: &str) -> Column {
    Column {
        array: false,
        default: None,
        generated: None,
        identity: None,
        name: name.into(),
        nullable: false,
        type_display: ty.into(),
        type_name: ty.into(),
        type_schema: "pg_catalog".into(),
    }
}

fn table(columns: Vec<Column>) -> Table {
    Table {
        checks: vec![],
        columns,
        foreign_keys: vec![],
        indexes: vec![],
        kind: RelationKind::Table,
        partitions: vec![],
        primary_key: None,
        unique_constraints: vec![],
    }
}

fn btree(name: &str, column: &str) -> Index {
    Index {
        include: vec![],
        keys: vec![IndexKey {
            column: Some(column.into()),
            descending: false,
            expression: None,
            nulls_first: None,
            opclass: None,
        }],
        method: "btree".into(),
        name: name.into(),
        options: BTreeMap::new(),
        predicate: None,
        primary: false,
        unique: false,
    }
}

/// A small schema with one of everything.
fn base() -> Snapshot {
    let mut s = Snapshot::new();
    s.server_version = Some("16.4".into());
    s.extensions.insert(
        "vector".into(),
        Extension {
            schema: "public".into(),
            version: "0.8.0".into(),
        },
    );
    s.migration_head = Some(MigrationHead {
        table: "_sqlx_migrations".into(),
        version: "2".into(),
    });
    let mut public = Schema::default();
    public.enums.insert(
        "mood".into(),
        EnumType {
            labels: vec!["sad".into(), "ok".into(), "happy".into()],
        },
    );
    public.domains.insert(
        "positive".into(),
        Domain {
            array: false,
            checks: vec![Check {
                definition: "CHECK (VALUE > 0)".into(),
                name: "positive_check".into(),
            }],
            default: None,
            not_null: false,
            type_display: "integer".into(),
            type_name: "int4".into(),
            type_schema: "pg_catalog".into(),
        },
    );
    public.composites.insert(
        "pair".into(),
        Composite {
            attributes: vec![
                Attribute {
                    array: false,
                    name: "a".into(),
                    type_display: "integer".into(),
                    type_name: "int4".into(),
                    type_schema: "pg_catalog".into(),
                },
                Attribute {
                    array: false,
                    name: "b".into(),
                    type_display: "text".into(),
                    type_name: "text".into(),
                    type_schema: "pg_catalog".into(),
                },
            ],
        },
    );
    let mut users = table(vec![col("id", "uuid"), col("email", "text")]);
    users.primary_key = Some(KeyConstraint {
        columns: vec!["id".into()],
        name: "users_pkey".into(),
    });
    users.unique_constraints.push(KeyConstraint {
        columns: vec!["email".into()],
        name: "users_email_key".into(),
    });
    users.indexes.push(btree("users_email_key", "email"));
    let mut pkey = btree("users_pkey", "id");
    pkey.primary = true;
    pkey.unique = true;
    users.indexes.push(pkey);
    public.tables.insert("users".into(), users);
    let mut posts = table(vec![
        col("id", "bigint"),
        col("user_id", "uuid"),
        col("title", "text"),
        col("mood", "mood"),
    ]);
    posts.columns[0].identity = Some(Identity::Always);
    posts.columns[2].default = Some("''::text".into());
    posts.columns[3].type_schema = "public".into();
    posts.columns[3].nullable = true;
    posts.checks.push(Check {
        definition: "CHECK (length(title) < 200)".into(),
        name: "posts_title_check".into(),
    });
    posts.foreign_keys.push(ForeignKey {
        columns: vec!["user_id".into()],
        name: "posts_user_id_fkey".into(),
        on_delete: "cascade".into(),
        on_update: "no action".into(),
        references: Reference {
            columns: vec!["id".into()],
            schema: "public".into(),
            table: "users".into(),
        },
    });
    let mut hnsw = btree("posts_embedding_idx", "embedding");
    hnsw.method = "hnsw".into();
    hnsw.keys[0].opclass = Some("vector_cosine_ops".into());
    hnsw.options.insert("m".into(), "16".into());
    hnsw.options.insert("ef_construction".into(), "64".into());
    posts.indexes.push(hnsw);
    posts.indexes.push(btree("posts_title_idx", "title"));
    public.tables.insert("posts".into(), posts);
    let mut events = table(vec![col("at", "timestamp with time zone")]);
    events.kind = RelationKind::PartitionedTable;
    events.partitions = vec!["events_2024".into(), "events_2025".into()];
    public.tables.insert("events".into(), events);
    s.schemas.insert("public".into(), public);
    s
}

fn changed(f: impl FnOnce(&mut Snapshot)) -> SchemaDiff {
    let mut found = base();
    f(&mut found);
    diff(&base(), &found)
}

fn public(s: &mut Snapshot) -> &mut Schema {
    s.schemas.get_mut("public").unwrap()
}

fn tbl<'a>(s: &'a mut Snapshot, name: &str) -> &'a mut Table {
    public(s).tables.get_mut(name).unwrap()
}

/// `(table, object, name, member, change, expected, found)` of each difference.
type Row<'a> = (
    Option<&'a str>,
    ObjectKind,
    &'a str,
    Option<&'a str>,
    Change,
    Option<&'a str>,
    Option<&'a str>,
);

fn rows(r: &SchemaDiff) -> Vec<Row<'_>> {
    r.differences
        .iter()
        .map(|d| {
            (
                d.table.as_deref(),
                d.object,
                d.name.as_str(),
                d.member.as_deref(),
                d.change,
                d.expected.as_deref(),
                d.found.as_deref(),
            )
        })
        .collect()
}

fn one(r: &SchemaDiff) -> Row<'_> {
    let rows = rows(r);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    rows[0]
}

use Change as C;
use ObjectKind as O;

#[test]
fn identical_snapshots_have_no_differences_whatever_the_server() {
    let r = changed(|s| s.server_version = Some("18.0".into()));
    assert!(r.is_empty(), "{r:#?}");
    assert_eq!(r.len(), 0);
}

#[test]
fn tables_missing_extra_and_kind() {
    let r = changed(|s| {
        public(s).tables.remove("users");
        public(s)
            .tables
            .insert("tags".into(), table(vec![col("t", "text")]));
        tbl(s, "posts").kind = RelationKind::View;
    });
    assert_eq!(
        rows(&r),
        [
            (
                Some("posts"),
                O::Table,
                "posts",
                None,
                C::Kind,
                Some("table"),
                Some("view")
            ),
            (
                Some("tags"),
                O::Table,
                "tags",
                None,
                C::Extra,
                None,
                Some("table with 1 column")
            ),
            (
                Some("users"),
                O::Table,
                "users",
                None,
                C::Missing,
                Some("table with 2 columns"),
                None
            ),
        ]
    );
    assert_eq!(r.table_count(), 3);
    assert_eq!(r.other_object_count(), 0);
}

#[test]
fn columns_missing_extra_renamed() {
    let r = changed(|s| tbl(s, "posts").columns[2].name = "headline".into());
    assert_eq!(
        rows(&r),
        [
            (
                Some("posts"),
                O::Column,
                "title",
                None,
                C::Missing,
                Some("text NOT NULL DEFAULT ''::text"),
                None
            ),
            (
                Some("posts"),
                O::Column,
                "headline",
                None,
                C::Extra,
                None,
                Some("text NOT NULL DEFAULT ''::text")
            ),
        ]
    );
}

#[test]
fn column_type_by_display_and_by_catalog_name() {
    let r = changed(|s| tbl(s, "posts").columns[2].type_display = "character varying(20)".into());
    assert_eq!(
        one(&r),
        (
            Some("posts"),
            O::Column,
            "title",
            None,
            C::Type,
            Some("text"),
            Some("character varying(20)")
        )
    );
    // Same printed name, another schema's type.
    let r = changed(|s| tbl(s, "posts").columns[3].type_schema = "other".into());
    assert_eq!(
        one(&r).5..one(&r).6,
        Some("mood (public.mood)")..Some("mood (other.mood)")
    );
    let r = changed(|s| tbl(s, "posts").columns[2].array = true);
    assert_eq!(one(&r).4, C::Type);
    assert_eq!(one(&r).6, Some("text (pg_catalog.text[])"));
    let r = changed(|s| tbl(s, "posts").columns[2].type_name = "varchar".into());
    assert_eq!(one(&r).4, C::Type);
}

#[test]
fn column_nullability_default_identity_generated() {
    let r = changed(|s| {
        let c = &mut tbl(s, "posts").columns;
        c[0].identity = Some(Identity::ByDefault);
        c[1].nullable = true;
        c[2].default = None;
        c[3].generated = Some(Generated::Stored);
    });
    assert_eq!(
        rows(&r),
        [
            (
                Some("posts"),
                O::Column,
                "id",
                None,
                C::Identity,
                Some("GENERATED ALWAYS AS IDENTITY"),
                Some("GENERATED BY DEFAULT AS IDENTITY")
            ),
            (
                Some("posts"),
                O::Column,
                "user_id",
                None,
                C::Nullable,
                Some("NOT NULL"),
                Some("NULL")
            ),
            (
                Some("posts"),
                O::Column,
                "title",
                None,
                C::Default,
                Some("''::text"),
                None
            ),
            (
                Some("posts"),
                O::Column,
                "mood",
                None,
                C::Generated,
                None,
                Some("GENERATED ALWAYS AS (...) STORED")
            ),
        ]
    );
}

#[test]
fn view_nullability_is_not_judged() {
    let mut expected = base();
    tbl(&mut expected, "users").kind = RelationKind::View;
    let mut found = expected.clone();
    tbl(&mut found, "users").columns[1].nullable = true;
    assert!(diff(&expected, &found).is_empty());
}

#[test]
fn column_order_of_the_common_columns() {
    let r = changed(|s| {
        let c = &mut tbl(s, "posts").columns;
        let title = c.remove(2);
        c.push(title);
        c.push(col("extra", "int4"));
    });
    assert_eq!(
        rows(&r),
        [
            (
                Some("posts"),
                O::Table,
                "posts",
                None,
                C::Order,
                Some("id, user_id, title, mood"),
                Some("id, user_id, mood, title")
            ),
            (
                Some("posts"),
                O::Column,
                "extra",
                None,
                C::Extra,
                None,
                Some("int4 NOT NULL")
            ),
        ]
    );
    // A column added at the end changes no order.
    let r = changed(|s| tbl(s, "posts").columns.insert(0, col("first", "int4")));
    assert_eq!(one(&r).4, C::Extra);
}

#[test]
fn enum_labels_added_removed_reordered() {
    let r = changed(|s| {
        public(s).enums.get_mut("mood").unwrap().labels =
            vec!["ok".into(), "sad".into(), "meh".into()];
    });
    assert_eq!(
        rows(&r),
        [
            (
                None,
                O::Enum,
                "mood",
                Some("happy"),
                C::Missing,
                Some("'happy'"),
                None
            ),
            (
                None,
                O::Enum,
                "mood",
                Some("meh"),
                C::Extra,
                None,
                Some("'meh'")
            ),
            (
                None,
                O::Enum,
                "mood",
                None,
                C::Order,
                Some("sad, ok"),
                Some("ok, sad")
            ),
        ]
    );
    assert_eq!(r.table_count(), 0);
    assert_eq!(r.other_object_count(), 1);
    assert_eq!(
        said(&r.differences[1]),
        "enum public.mood: label `meh`: not in the snapshot"
    );
}

#[test]
fn types_missing_and_extra() {
    let r = changed(|s| {
        let p = public(s);
        let mood = p.enums.remove("mood").unwrap();
        p.enums.insert("feeling".into(), mood);
        p.domains.remove("positive");
        p.composites.remove("pair");
    });
    assert_eq!(
        rows(&r),
        [
            (
                None,
                O::Enum,
                "feeling",
                None,
                C::Extra,
                None,
                Some("ENUM ('sad', 'ok', 'happy')")
            ),
            (
                None,
                O::Enum,
                "mood",
                None,
                C::Missing,
                Some("ENUM ('sad', 'ok', 'happy')"),
                None
            ),
            (
                None,
                O::Domain,
                "positive",
                None,
                C::Missing,
                Some("integer CHECK (VALUE > 0)"),
                None
            ),
            (
                None,
                O::Composite,
                "pair",
                None,
                C::Missing,
                Some("(a integer, b text)"),
                None
            ),
        ]
    );
}

#[test]
fn domains_type_not_null_default_checks() {
    let r = changed(|s| {
        let d = public(s).domains.get_mut("positive").unwrap();
        d.type_display = "bigint".into();
        d.type_name = "int8".into();
        d.not_null = true;
        d.default = Some("1".into());
        d.checks[0].definition = "CHECK (VALUE >= 0)".into();
        d.checks.push(Check {
            definition: "CHECK (VALUE < 10)".into(),
            name: "small".into(),
        });
    });
    assert_eq!(
        rows(&r),
        [
            (
                None,
                O::Domain,
                "positive",
                None,
                C::Type,
                Some("integer"),
                Some("bigint")
            ),
            (
                None,
                O::Domain,
                "positive",
                None,
                C::Nullable,
                Some("NULL"),
                Some("NOT NULL")
            ),
            (
                None,
                O::Domain,
                "positive",
                None,
                C::Default,
                None,
                Some("1")
            ),
            (
                None,
                O::Domain,
                "positive",
                Some("positive_check"),
                C::Definition,
                Some("CHECK (VALUE > 0)"),
                Some("CHECK (VALUE >= 0)")
            ),
            (
                None,
                O::Domain,
                "positive",
                Some("small"),
                C::Extra,
                None,
                Some("CHECK (VALUE < 10)")
            ),
        ]
    );
}

#[test]
fn composite_attributes() {
    let r = changed(|s| {
        let c = public(s).composites.get_mut("pair").unwrap();
        c.attributes.swap(0, 1);
        c.attributes[0].type_display = "character varying".into();
        c.attributes.remove(1);
        let mut z = c.attributes[0].clone();
        z.name = "z".into();
        c.attributes.push(z);
    });
    assert_eq!(
        rows(&r),
        [
            (
                None,
                O::Composite,
                "pair",
                Some("a"),
                C::Missing,
                Some("a integer"),
                None
            ),
            (
                None,
                O::Composite,
                "pair",
                Some("z"),
                C::Extra,
                None,
                Some("z character varying")
            ),
            (
                None,
                O::Composite,
                "pair",
                Some("b"),
                C::Type,
                Some("text"),
                Some("character varying")
            ),
        ]
    );
    let r = changed(|s| {
        public(s)
            .composites
            .get_mut("pair")
            .unwrap()
            .attributes
            .swap(0, 1)
    });
    assert_eq!(one(&r).4, C::Order);
}

#[test]
fn primary_keys() {
    let r = changed(|s| {
        let pk = tbl(s, "users").primary_key.as_mut().unwrap();
        pk.name = "users_pk".into();
        pk.columns.push("email".into());
    });
    assert_eq!(
        rows(&r),
        [
            (
                Some("users"),
                O::PrimaryKey,
                "users_pkey",
                None,
                C::Name,
                Some("users_pkey"),
                Some("users_pk")
            ),
            (
                Some("users"),
                O::PrimaryKey,
                "users_pkey",
                None,
                C::Columns,
                Some("(id)"),
                Some("(id, email)")
            ),
        ]
    );
    let r = changed(|s| tbl(s, "users").primary_key = None);
    assert_eq!(
        one(&r),
        (
            Some("users"),
            O::PrimaryKey,
            "users_pkey",
            None,
            C::Missing,
            Some("(id)"),
            None
        )
    );
    let r = changed(|s| {
        tbl(s, "posts").primary_key = Some(KeyConstraint {
            columns: vec!["id".into()],
            name: "posts_pkey".into(),
        })
    });
    assert_eq!(one(&r).4, C::Extra);
}

#[test]
fn unique_check_and_foreign_key_constraints() {
    let r = changed(|s| {
        let u = tbl(s, "users");
        u.unique_constraints[0].columns = vec!["email".into(), "id".into()];
        let p = tbl(s, "posts");
        p.checks[0].definition = "CHECK (length(title) < 100)".into();
        let fk = &mut p.foreign_keys[0];
        fk.columns = vec!["id".into()];
        fk.references.table = "accounts".into();
        fk.on_delete = "restrict".into();
        fk.on_update = "cascade".into();
    });
    assert_eq!(
        rows(&r),
        [
            (
                Some("posts"),
                O::ForeignKey,
                "posts_user_id_fkey",
                None,
                C::Columns,
                Some("(user_id)"),
                Some("(id)")
            ),
            (
                Some("posts"),
                O::ForeignKey,
                "posts_user_id_fkey",
                None,
                C::References,
                Some("public.users (id)"),
                Some("public.accounts (id)")
            ),
            (
                Some("posts"),
                O::ForeignKey,
                "posts_user_id_fkey",
                None,
                C::OnDelete,
                Some("cascade"),
                Some("restrict")
            ),
            (
                Some("posts"),
                O::ForeignKey,
                "posts_user_id_fkey",
                None,
                C::OnUpdate,
                Some("no action"),
                Some("cascade")
            ),
            (
                Some("posts"),
                O::Check,
                "posts_title_check",
                None,
                C::Definition,
                Some("CHECK (length(title) < 200)"),
                Some("CHECK (length(title) < 100)")
            ),
            (
                Some("users"),
                O::UniqueConstraint,
                "users_email_key",
                None,
                C::Columns,
                Some("(email)"),
                Some("(email, id)")
            ),
        ]
    );
    let r = changed(|s| {
        let p = tbl(s, "posts");
        p.checks.clear();
        p.foreign_keys.clear();
        tbl(s, "users").unique_constraints[0].name = "users_email_uq".into();
    });
    assert_eq!(
        rows(&r),
        [
            (
                Some("posts"),
                O::ForeignKey,
                "posts_user_id_fkey",
                None,
                C::Missing,
                Some("(user_id) REFERENCES public.users (id) ON DELETE CASCADE"),
                None
            ),
            (
                Some("posts"),
                O::Check,
                "posts_title_check",
                None,
                C::Missing,
                Some("CHECK (length(title) < 200)"),
                None
            ),
            (
                Some("users"),
                O::UniqueConstraint,
                "users_email_key",
                None,
                C::Missing,
                Some("(email)"),
                None
            ),
            (
                Some("users"),
                O::UniqueConstraint,
                "users_email_uq",
                None,
                C::Extra,
                None,
                Some("(email)")
            ),
        ]
    );
}

#[test]
fn indexes_missing_extra_and_every_aspect() {
    let r = changed(|s| {
        let p = tbl(s, "posts");
        p.indexes.retain(|i| i.name != "posts_title_idx");
        p.indexes.push(btree("posts_user_idx", "user_id"));
    });
    assert_eq!(
        rows(&r),
        [
            (
                Some("posts"),
                O::Index,
                "posts_title_idx",
                None,
                C::Missing,
                Some("btree (title)"),
                None
            ),
            (
                Some("posts"),
                O::Index,
                "posts_user_idx",
                None,
                C::Extra,
                None,
                Some("btree (user_id)")
            ),
        ]
    );
    let r = changed(|s| {
        let i = &mut tbl(s, "posts").indexes[0];
        i.method = "ivfflat".into();
        i.keys[0].opclass = Some("vector_l2_ops".into());
        i.include = vec!["title".into()];
        i.predicate = Some("(id > 0)".into());
        i.unique = true;
        i.primary = true;
        i.options.insert("m".into(), "32".into());
    });
    assert_eq!(
        rows(&r),
        [
            (
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                None,
                C::Method,
                Some("hnsw"),
                Some("ivfflat")
            ),
            (
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                None,
                C::Keys,
                Some("(embedding vector_cosine_ops)"),
                Some("(embedding vector_l2_ops)")
            ),
            (
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                None,
                C::Include,
                None,
                Some("(title)")
            ),
            (
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                None,
                C::Predicate,
                None,
                Some("(id > 0)")
            ),
            (
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                None,
                C::Unique,
                Some("not unique"),
                Some("unique")
            ),
            (
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                None,
                C::Primary,
                Some("not primary key"),
                Some("primary key")
            ),
            (
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                None,
                C::Options,
                Some("ef_construction=64, m=16"),
                Some("ef_construction=64, m=32")
            ),
        ]
    );
    let r = changed(|s| {
        let k = &mut tbl(s, "posts").indexes[1].keys;
        k[0].descending = true;
        k[0].nulls_first = Some(false);
        k.push(IndexKey {
            column: None,
            descending: false,
            expression: Some("lower(title)".into()),
            nulls_first: None,
            opclass: None,
        });
    });
    assert_eq!(
        one(&r).5..one(&r).6,
        Some("(title)")..Some("(title DESC NULLS LAST, lower(title))")
    );
}

#[test]
fn partitions() {
    let r =
        changed(|s| tbl(s, "events").partitions = vec!["events_2025".into(), "events_2026".into()]);
    assert_eq!(
        rows(&r),
        [
            (
                Some("events"),
                O::Partition,
                "events_2024",
                None,
                C::Missing,
                Some("partition of `events`"),
                None
            ),
            (
                Some("events"),
                O::Partition,
                "events_2026",
                None,
                C::Extra,
                None,
                Some("partition of `events`")
            ),
        ]
    );
}

#[test]
fn extensions_and_migration_head() {
    let r = changed(|s| {
        s.extensions.get_mut("vector").unwrap().version = "0.7.4".into();
        s.extensions.get_mut("vector").unwrap().schema = "ext".into();
        s.extensions.insert(
            "pg_trgm".into(),
            Extension {
                schema: "public".into(),
                version: "1.6".into(),
            },
        );
        s.migration_head.as_mut().unwrap().version = "1".into();
    });
    assert_eq!(
        rows(&r),
        [
            (
                None,
                O::Extension,
                "pg_trgm",
                None,
                C::Extra,
                None,
                Some("version 1.6 in schema public")
            ),
            (
                None,
                O::Extension,
                "vector",
                None,
                C::Version,
                Some("0.8.0"),
                Some("0.7.4")
            ),
            (
                None,
                O::Extension,
                "vector",
                None,
                C::Schema,
                Some("public"),
                Some("ext")
            ),
            (
                None,
                O::MigrationHead,
                "_sqlx_migrations",
                None,
                C::Version,
                Some("2 in _sqlx_migrations"),
                Some("1 in _sqlx_migrations")
            ),
        ]
    );
    assert!(r.differences.iter().all(|d| d.schema.is_none()));
    let r = changed(|s| {
        s.extensions.clear();
        s.migration_head = None;
    });
    assert_eq!(
        rows(&r),
        [
            (
                None,
                O::Extension,
                "vector",
                None,
                C::Missing,
                Some("version 0.8.0 in schema public"),
                None
            ),
            (
                None,
                O::MigrationHead,
                "_sqlx_migrations",
                None,
                C::Missing,
                Some("2 in _sqlx_migrations"),
                None
            ),
        ]
    );
}

#[test]
fn schemas_missing_and_extra_are_one_difference_each() {
    let r = changed(|s| {
        let p = s.schemas.remove("public").unwrap();
        s.schemas.insert("audit".into(), Schema::default());
        s.schemas.insert("app".into(), p);
    });
    assert_eq!(
        rows(&r),
        [
            (
                None,
                O::Schema,
                "app",
                None,
                C::Extra,
                None,
                Some("schema with 3 tables, 1 enum, 1 domain, 1 composite type")
            ),
            (
                None,
                O::Schema,
                "audit",
                None,
                C::Extra,
                None,
                Some("empty schema")
            ),
            (
                None,
                O::Schema,
                "public",
                None,
                C::Missing,
                Some("schema with 3 tables, 1 enum, 1 domain, 1 composite type"),
                None
            ),
        ]
    );
    assert_eq!(
        said(&r.differences[2]),
        "schema public: schema `public`: missing from the database (snapshot: schema with 3 tables, 1 enum, 1 domain, 1 composite type)"
    );
}

/// Every member of the format takes part: changing any one of them is a difference. Walks the
/// JSON form so a member added to the format later fails here until the diff compares it.
#[test]
fn every_member_of_the_format_is_compared() {
    let text = base().to_json();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut paths = Vec::new();
    leaves(&value, String::new(), &mut paths);
    assert!(paths.len() > 60, "{}", paths.len());
    let mut tested = 0;
    for path in paths {
        if path == "/server_version" || path == "/format_version" {
            continue;
        }
        let mut v = value.clone();
        let leaf = v.pointer_mut(&path).unwrap();
        *leaf = match leaf {
            serde_json::Value::Bool(b) => serde_json::Value::Bool(!*b),
            serde_json::Value::String(s) => {
                // Keep enums valid: swap to another value of the same set.
                let other = match s.as_str() {
                    "table" => "view",
                    "partitioned_table" => "table",
                    "always" => "by_default",
                    "stored" => "virtual",
                    _ => "",
                };
                if other.is_empty() {
                    serde_json::Value::String(format!("{s}_changed"))
                } else {
                    serde_json::Value::String(other.into())
                }
            }
            other => panic!("unexpected leaf {other} at {path}"),
        };
        let changed: Snapshot = serde_json::from_value(v).unwrap();
        assert!(
            !diff(&base(), &changed).is_empty(),
            "change at {path} not reported"
        );
        tested += 1;
    }
    assert!(tested > 60);
}

fn leaves(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                leaves(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        serde_json::Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                leaves(v, format!("{at}/{i}"), out);
            }
        }
        _ => out.push(at),
    }
}

#[test]
fn order_is_deterministic_and_grouped() {
    let mut expected = base();
    let mut other = Schema::default();
    other
        .tables
        .insert("t".into(), table(vec![col("x", "int4")]));
    expected.schemas.insert("a_schema".into(), other);
    let mut found = base();
    {
        let f = &mut found;
        f.extensions.clear();
        tbl(f, "users").columns[1].nullable = true;
        tbl(f, "posts").indexes.clear();
        public(f)
            .enums
            .get_mut("mood")
            .unwrap()
            .labels
            .push("meh".into());
        let mut o = Schema::default();
        o.tables.insert("t".into(), table(vec![]));
        f.schemas.insert("a_schema".into(), o);
    }
    let r2 = diff(&expected, &found);
    let keys: Vec<(Option<&str>, Option<&str>, ObjectKind, &str)> = r2
        .differences
        .iter()
        .map(|d| {
            (
                d.schema.as_deref(),
                d.table.as_deref(),
                d.object,
                d.name.as_str(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            (None, None, O::Extension, "vector"),
            (Some("a_schema"), Some("t"), O::Column, "x"),
            (Some("public"), None, O::Enum, "mood"),
            (
                Some("public"),
                Some("posts"),
                O::Index,
                "posts_embedding_idx"
            ),
            (Some("public"), Some("posts"), O::Index, "posts_title_idx"),
            (Some("public"), Some("users"), O::Column, "email"),
        ]
    );
    assert_eq!(diff(&expected, &found), r2);
}

#[test]
fn serializes_for_machines() {
    let r = changed(|s| tbl(s, "posts").columns[1].nullable = true);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"differences": [{
            "schema": "public", "table": "posts", "object": "column", "name": "user_id",
            "change": "nullable", "expected": "NOT NULL", "found": "NULL"
        }]})
    );
    assert_eq!(
        said(&r.differences[0]),
        "public.posts: column `user_id` nullability: snapshot `NOT NULL`, database `NULL`"
    );
}
