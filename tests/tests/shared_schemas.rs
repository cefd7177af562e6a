//! Real-world schemas from `../shared/schemas` (see its README for where they come from and the
//! counts checked here), loaded with psql and introspected.

//!
//! The acceptance side (refresh with the CLI, `check` reports no drift, identical bytes on a
//! second refresh, PostgreSQL 15, 16 and 18 agree, crates.io against diesel's own facts) is
//! `cli/tests/acceptance.rs`.

use std::path::Path;

use schemalock_runtime::introspect;
use schemalock_runtime::snapshot::{RelationKind, Snapshot};
use schemalock_tests::pg::{Cluster, find_bin_dir};
use schemalock_tests::shared::{self, CRATES_IO, PAGILA, SYNAPSE, SharedSchema};

/// PostgreSQL 15 is what the README's counts were taken on; any installed version will do.
fn cluster() -> Option<Cluster> {
    let version = [15, 16, 18]
        .into_iter()
        .find(|v| find_bin_dir(*v).is_some());
    match version {
        Some(v) => Cluster::start(v),
        None => Cluster::start(15),
    }
}

/// Loads `schema` and introspects it, or `None` when the server lacks its extensions.
fn load(pg: &Cluster, dir: &Path, schema: SharedSchema) -> Option<Snapshot> {
    let db = schema.load(pg, dir)?;
    let mut client = pg.connect(&db);
    Some(introspect::postgres::snapshot(&mut client, None).unwrap())
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    tables: usize,
    columns: usize,
    views: usize,
    matviews: usize,
    enums: usize,
    enum_labels: usize,
    domains: usize,
    composites: usize,
    indexes: usize,
    non_btree: usize,
    partial: usize,
    expression: usize,
    unique: usize,
    primary: usize,
    fks: usize,
    checks: usize,
    partitions: usize,
    /// What a partition declares of its own.
    partition_fks: usize,
    partition_indexes: usize,
    functions: usize,
    sequences: usize,
    triggers: usize,
    view_definitions: usize,
}

fn counts(s: &Snapshot) -> Counts {
    let mut c = Counts::default();
    for schema in s.schemas.values() {
        c.enums += schema.enums.len();
        c.enum_labels += schema.enums.values().map(|e| e.labels.len()).sum::<usize>();
        c.domains += schema.domains.len();
        c.composites += schema.composites.len();
        c.functions += schema.functions.len();
        c.sequences += schema.sequences.len();
        for t in schema.tables.values() {
            c.triggers += t.triggers.len();
            c.view_definitions += usize::from(t.definition.is_some());
            for p in &t.partitions {
                c.partition_fks += p.foreign_keys.len();
                c.partition_indexes += p.indexes.len();
                c.triggers += p.triggers.len();
            }
            match t.kind {
                RelationKind::Table | RelationKind::PartitionedTable => {
                    c.tables += 1;
                    c.columns += t.columns.len();
                }
                RelationKind::View => c.views += 1,
                RelationKind::MaterializedView => c.matviews += 1,
            }
            c.partitions += t.partitions.len();
            c.fks += t.foreign_keys.len();
            c.checks += t.checks.len();
            for i in &t.indexes {
                c.indexes += 1;
                c.non_btree += usize::from(i.method != "btree");
                c.partial += usize::from(i.predicate.is_some());
                c.expression += usize::from(i.keys.iter().any(|k| k.expression.is_some()));
                c.unique += usize::from(i.unique);
                c.primary += usize::from(i.primary);
            }
        }
    }
    c
}

#[test]
fn pagila_and_synapse() {
    let Some(dir) = shared::dir() else { return };
    let Some(pg) = cluster() else { return };

    let pagila = load(&pg, &dir, PAGILA).unwrap();
    let c = counts(&pagila);
    assert_eq!(c.tables, 15, "{c:?}");
    assert_eq!(c.columns, 87, "{c:?}");
    assert_eq!(c.partitions, 55, "{c:?}");
    assert_eq!((c.views, c.matviews), (7, 1), "{c:?}");
    assert_eq!((c.enums, c.enum_labels), (1, 5), "{c:?}");
    assert_eq!(c.domains, 2, "{c:?}");
    assert_eq!((c.indexes, c.non_btree), (31, 1), "{c:?}");
    assert_eq!((c.partial, c.expression), (0, 0), "{c:?}");
    // The README's 36 foreign keys include 18 that pagila declares on payment's partitions
    // (payment itself has none), described under their partition.
    assert_eq!((c.fks, c.partition_fks), (18, 18), "{c:?}");
    // The README's 104 indexes with partitions' less those attached to payment's partitioned
    // primary key: the 18 `idx_fk_payment_p*` indexes the partitions declare.
    assert_eq!(c.partition_indexes, 18, "{c:?}");
    assert_eq!(
        (c.functions, c.sequences, c.triggers, c.view_definitions),
        (10, 13, 15, 8),
        "{c:?}"
    );
    let public = &pagila.schemas["public"];
    assert!(public.tables["payment"].foreign_keys.is_empty());
    assert_eq!(
        public.enums["mpaa_rating"].labels,
        ["G", "PG", "PG-13", "R", "NC-17"]
    );
    assert!(public.domains.contains_key("year"));
    assert!(public.domains.contains_key("bıgınt"));
    let mut views: Vec<&str> = public
        .tables
        .iter()
        .filter(|(_, t)| t.kind == RelationKind::View)
        .map(|(n, _)| n.as_str())
        .collect();
    views.sort();
    assert_eq!(
        views,
        [
            "actor_info",
            "customer_list",
            "film_list",
            "nicer_but_slower_film_list",
            "sales_by_film_category",
            "sales_by_store",
            "staff_list"
        ]
    );
    assert_eq!(
        public.tables["rental_by_category"].kind,
        RelationKind::MaterializedView
    );
    let payment = &public.tables["payment"];
    assert_eq!(payment.kind, RelationKind::PartitionedTable);
    assert!(!payment.partitions.is_empty());
    assert!(
        payment
            .partitions
            .iter()
            .all(|p| !public.tables.contains_key(&p.name))
    );
    let fulltext = public.tables["film"]
        .indexes
        .iter()
        .find(|i| i.name == "film_fulltext_idx")
        .unwrap();
    assert_eq!(fulltext.method, "gist");
    assert_eq!(fulltext.keys[0].column.as_deref(), Some("fulltext"));

    let synapse = load(&pg, &dir, SYNAPSE).unwrap();
    let c = counts(&synapse);
    assert_eq!(c.tables, 138, "{c:?}");
    assert_eq!(c.columns, 638, "{c:?}");
    assert_eq!((c.views, c.matviews, c.enums), (0, 0, 0), "{c:?}");
    assert_eq!((c.indexes, c.non_btree), (242, 2), "{c:?}");
    assert_eq!((c.partial, c.unique, c.primary), (12, 133, 28), "{c:?}");
    assert_eq!(c.fks, 14, "{c:?}");
    assert_eq!(c.checks, 5, "{c:?}");
    assert_eq!((c.functions, c.sequences, c.triggers), (1, 12, 1), "{c:?}");
    assert_eq!(synapse.migration_head, None);
}

/// crates.io needs the contrib extensions ltree, pg_trgm and pgcrypto (Debian's PostgreSQL 15).
#[test]
fn crates_io() {
    let Some(dir) = shared::dir() else { return };
    let Some(pg) = cluster() else { return };
    let Some(s) = load(&pg, &dir, CRATES_IO) else {
        return;
    };
    let c = counts(&s);
    assert_eq!(c.tables, 36, "{c:?}");
    assert_eq!(c.columns, 208, "{c:?}");
    assert_eq!(
        (c.views, c.matviews, c.enums, c.composites),
        (0, 1, 0, 1),
        "{c:?}"
    );
    assert_eq!((c.indexes, c.non_btree), (85, 4), "{c:?}");
    assert_eq!((c.partial, c.expression), (4, 8), "{c:?}");
    assert_eq!(c.fks, 35, "{c:?}");
    assert_eq!(c.checks, 5, "{c:?}");
    assert_eq!(
        (c.functions, c.triggers, c.view_definitions),
        (31, 25, 1),
        "{c:?}"
    );
    assert_eq!(
        s.extensions.keys().map(String::as_str).collect::<Vec<_>>(),
        ["ltree", "pg_trgm", "pgcrypto", "plpgsql"]
    );
    // The diesel table exists but is empty.
    assert_eq!(s.migration_head, None);
    let public = &s.schemas["public"];
    let trgm = public
        .tables
        .values()
        .flat_map(|t| &t.indexes)
        .find(|i| {
            i.keys
                .iter()
                .any(|k| k.opclass.as_deref() == Some("gin_trgm_ops"))
        })
        .expect("the gin_trgm_ops index");
    assert_eq!(trgm.method, "gin");
    assert_eq!(
        trgm.keys[0].expression.as_deref(),
        Some("canon_crate_name(name::text)")
    );
    let brin = public
        .tables
        .values()
        .flat_map(|t| &t.indexes)
        .find(|i| i.method == "brin")
        .expect("the brin index");
    assert_eq!(brin.options["pages_per_range"], "1");
    let ltree = public
        .tables
        .values()
        .flat_map(|t| &t.columns)
        .find(|c| c.type_name == "ltree")
        .expect("an ltree column");
    assert_eq!(ltree.type_schema, "public");
}
