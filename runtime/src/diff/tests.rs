//! The comparison, object kind by object kind, on a small schema with one of everything; and
//! the renderer's words.

use super::*;
use crate::snapshot::fixtures::{btree, column as col, partition, table};
use crate::snapshot::{
    Attribute, Check, Composite, Domain, EnumType, Extension, ForeignKey, Generated, Identity,
    IndexKey, KeyConstraint, MigrationHead, Reference, RelationKind, Schema, Table,
};

/// The renderer's words for a difference on its own, as `check` says it.
fn said(d: &Difference) -> String {
    let sides = Sides {
        expected: "snapshot".into(),
        found: "database".into(),
        article: Article::The,
        compared: String::new(),
        views: Default::default(),
    };
    format!("{}: {}", render::group(d), render::line(d, &sides))
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
        ..KeyConstraint::default()
    });
    users.unique_constraints.push(KeyConstraint {
        columns: vec!["email".into()],
        name: "users_email_key".into(),
        ..KeyConstraint::default()
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
        ..ForeignKey::default()
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
    events.partitions = vec![partition("events_2024"), partition("events_2025")];
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

/// The row of a difference that is not about a member.
fn row(
    table: Option<&'static str>,
    object: ObjectKind,
    name: &'static str,
    change: Change,
    e: Option<&'static str>,
    f: Option<&'static str>,
) -> Row<'static> {
    (table, object, name, None, change, e, f)
}

/// The row of a difference of the foreign key of `posts`.
fn fk(change: Change, e: Option<&'static str>, f: Option<&'static str>) -> Row<'static> {
    row(
        Some("posts"),
        O::ForeignKey,
        "posts_user_id_fkey",
        change,
        e,
        f,
    )
}

/// The row of a difference of the table `name` itself.
fn of_table(
    name: &'static str,
    change: Change,
    e: Option<&'static str>,
    f: Option<&'static str>,
) -> Row<'static> {
    (Some(name), O::Table, name, None, change, e, f)
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
            of_table("posts", C::Kind, Some("table"), Some("view")),
            of_table("tags", C::Extra, None, Some("table with 1 column")),
            of_table("users", C::Missing, Some("table with 2 columns"), None),
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
            row(
                Some("posts"),
                O::Column,
                "title",
                C::Missing,
                Some("text NOT NULL DEFAULT ''::text"),
                None
            ),
            row(
                Some("posts"),
                O::Column,
                "headline",
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
        row(
            Some("posts"),
            O::Column,
            "title",
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
            row(
                Some("posts"),
                O::Column,
                "id",
                C::Identity,
                Some("GENERATED ALWAYS AS IDENTITY"),
                Some("GENERATED BY DEFAULT AS IDENTITY")
            ),
            row(
                Some("posts"),
                O::Column,
                "user_id",
                C::Nullable,
                Some("NOT NULL"),
                Some("NULL")
            ),
            row(
                Some("posts"),
                O::Column,
                "title",
                C::Default,
                Some("''::text"),
                None
            ),
            row(
                Some("posts"),
                O::Column,
                "mood",
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
            of_table(
                "posts",
                C::Order,
                Some("id, user_id, title, mood"),
                Some("id, user_id, mood, title")
            ),
            row(
                Some("posts"),
                O::Column,
                "extra",
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
            row(
                None,
                O::Enum,
                "mood",
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
            row(
                None,
                O::Enum,
                "feeling",
                C::Extra,
                None,
                Some("ENUM ('sad', 'ok', 'happy')")
            ),
            row(
                None,
                O::Enum,
                "mood",
                C::Missing,
                Some("ENUM ('sad', 'ok', 'happy')"),
                None
            ),
            row(
                None,
                O::Domain,
                "positive",
                C::Missing,
                Some("integer CHECK (VALUE > 0)"),
                None
            ),
            row(
                None,
                O::Composite,
                "pair",
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
            row(
                None,
                O::Domain,
                "positive",
                C::Type,
                Some("integer"),
                Some("bigint")
            ),
            row(
                None,
                O::Domain,
                "positive",
                C::Nullable,
                Some("NULL"),
                Some("NOT NULL")
            ),
            row(None, O::Domain, "positive", C::Default, None, Some("1")),
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
            row(
                Some("users"),
                O::PrimaryKey,
                "users_pkey",
                C::Name,
                Some("users_pkey"),
                Some("users_pk")
            ),
            row(
                Some("users"),
                O::PrimaryKey,
                "users_pkey",
                C::Columns,
                Some("(id)"),
                Some("(id, email)")
            ),
        ]
    );
    let r = changed(|s| tbl(s, "users").primary_key = None);
    assert_eq!(
        one(&r),
        row(
            Some("users"),
            O::PrimaryKey,
            "users_pkey",
            C::Missing,
            Some("(id)"),
            None
        )
    );
    let r = changed(|s| {
        tbl(s, "posts").primary_key = Some(KeyConstraint {
            columns: vec!["id".into()],
            name: "posts_pkey".into(),
            ..KeyConstraint::default()
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
            fk(C::Columns, Some("(user_id)"), Some("(id)")),
            fk(
                C::References,
                Some("public.users (id)"),
                Some("public.accounts (id)")
            ),
            fk(C::OnDelete, Some("cascade"), Some("restrict")),
            fk(C::OnUpdate, Some("no action"), Some("cascade")),
            row(
                Some("posts"),
                O::Check,
                "posts_title_check",
                C::Definition,
                Some("CHECK (length(title) < 200)"),
                Some("CHECK (length(title) < 100)")
            ),
            row(
                Some("users"),
                O::UniqueConstraint,
                "users_email_key",
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
            fk(
                C::Missing,
                Some("(user_id) REFERENCES public.users (id) ON DELETE CASCADE"),
                None
            ),
            row(
                Some("posts"),
                O::Check,
                "posts_title_check",
                C::Missing,
                Some("CHECK (length(title) < 200)"),
                None
            ),
            row(
                Some("users"),
                O::UniqueConstraint,
                "users_email_key",
                C::Missing,
                Some("(email)"),
                None
            ),
            row(
                Some("users"),
                O::UniqueConstraint,
                "users_email_uq",
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
            row(
                Some("posts"),
                O::Index,
                "posts_title_idx",
                C::Missing,
                Some("btree (title)"),
                None
            ),
            row(
                Some("posts"),
                O::Index,
                "posts_user_idx",
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
            row(
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                C::Method,
                Some("hnsw"),
                Some("ivfflat")
            ),
            row(
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                C::Keys,
                Some("(embedding vector_cosine_ops)"),
                Some("(embedding vector_l2_ops)")
            ),
            row(
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                C::Include,
                None,
                Some("(title)")
            ),
            row(
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                C::Predicate,
                None,
                Some("(id > 0)")
            ),
            row(
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                C::Unique,
                Some("not unique"),
                Some("unique")
            ),
            row(
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
                C::Primary,
                Some("not primary key"),
                Some("primary key")
            ),
            row(
                Some("posts"),
                O::Index,
                "posts_embedding_idx",
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
    let r = changed(|s| {
        tbl(s, "events").partitions = vec![partition("events_2025"), partition("events_2026")]
    });
    assert_eq!(
        rows(&r),
        [
            row(
                Some("events"),
                O::Partition,
                "events_2024",
                C::Missing,
                Some("partition DEFAULT"),
                None
            ),
            row(
                Some("events"),
                O::Partition,
                "events_2026",
                C::Extra,
                None,
                Some("partition DEFAULT")
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
            row(
                None,
                O::Extension,
                "pg_trgm",
                C::Extra,
                None,
                Some("version 1.6 in schema public")
            ),
            row(
                None,
                O::Extension,
                "vector",
                C::Version,
                Some("0.8.0"),
                Some("0.7.4")
            ),
            row(
                None,
                O::Extension,
                "vector",
                C::Schema,
                Some("public"),
                Some("ext")
            ),
            row(
                None,
                O::MigrationHead,
                "_sqlx_migrations",
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
            row(
                None,
                O::Extension,
                "vector",
                C::Missing,
                Some("version 0.8.0 in schema public"),
                None
            ),
            row(
                None,
                O::MigrationHead,
                "_sqlx_migrations",
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
            row(
                None,
                O::Schema,
                "app",
                C::Extra,
                None,
                Some("schema with 3 tables, 1 enum, 1 domain, 1 composite type")
            ),
            row(
                None,
                O::Schema,
                "audit",
                C::Extra,
                None,
                Some("empty schema")
            ),
            row(
                None,
                O::Schema,
                "public",
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
