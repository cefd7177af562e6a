//! Plans from nothing: `plan(empty, S)` applied with psql to an empty database gives S again,
//! for every schema in `../shared/schemas`, the writeros snapshot and docs.rs's migrations. A
//! difference left means the plan missed something, or the snapshot does not describe
//! everything the schema needs: these tests are also what proves format version 2 complete.

mod plan_support;

use plan_support::{apply_migration, docs_rs_history, from_nothing, introspect, shared_corpora};
use schemalock_runtime::snapshot::Snapshot;
use schemalock_tests::pg::{Cluster, workspace_root};
use schemalock_tests::shared::{self, CRATES_IO, PAGILA, SYNAPSE};

/// Loads `schema` into its database on `pg`, then builds it from nothing in `<name>_planned`.
fn shared_schema(pg: &Cluster, schema: shared::SharedSchema) {
    let Some(dir) = shared::dir() else { return };
    let Some(db) = schema.load(pg, &dir) else {
        return;
    };
    let target = introspect(pg, &db);
    let plan = from_nothing(pg, &format!("{db}_planned"), &target);
    eprintln!(
        "{}: {} steps from nothing, no differences",
        schema.name,
        plan.steps.len()
    );
}

#[test]
fn pagila_and_synapse() {
    let Some(pg) = Cluster::start(15) else { return };
    shared_schema(&pg, PAGILA);
    shared_schema(&pg, SYNAPSE);
}

/// crates.io needs ltree, pg_trgm and pgcrypto: Debian's PostgreSQL 15 has them.
#[test]
fn crates_io() {
    let Some(pg) = Cluster::start(15) else { return };
    shared_schema(&pg, CRATES_IO);
}

/// docs.rs needs fuzzystrmatch: PostgreSQL 15.
#[test]
fn docs_rs() {
    let Some(corpora) = shared_corpora() else {
        return;
    };
    let Some(pg) = Cluster::start(15) else { return };
    pg.create_database("docsrs");
    for m in docs_rs_history(&corpora) {
        apply_migration(&pg, "docsrs", &m);
    }
    let target = introspect(&pg, "docsrs");
    from_nothing(&pg, "docsrs_planned", &target);
}

/// The committed writeros snapshot itself, on PostgreSQL 16 with pgvector.
#[test]
fn writeros() {
    let Some(pg) = Cluster::start(16) else { return };
    let target =
        Snapshot::load(&workspace_root().join("examples/writeros/schemalock.json")).unwrap();
    from_nothing(&pg, "writeros", &target);
}
