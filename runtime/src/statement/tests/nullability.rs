//! Nullability: NOT NULL only when provable.

use super::{nulls, ok};
use crate::statement::Nullability::{NotNull, Nullable, Unknown};

#[test]
fn table_columns_follow_their_constraint() {
    let a = ok("SELECT id, confidence, name FROM entities");
    assert_eq!(nulls(&a), [NotNull, Nullable, NotNull]);
}

#[test]
fn outer_joins_make_their_nullable_side_nullable() {
    let a =
        ok("SELECT e.name, f.predicate FROM entities e LEFT JOIN facts f ON f.subject_id = e.id");
    assert_eq!(nulls(&a), [NotNull, Nullable]);
    let a =
        ok("SELECT e.name, f.predicate FROM entities e RIGHT JOIN facts f ON f.subject_id = e.id");
    assert_eq!(nulls(&a), [Nullable, NotNull]);
    let a =
        ok("SELECT e.name, f.predicate FROM entities e FULL JOIN facts f ON f.subject_id = e.id");
    assert_eq!(nulls(&a), [Nullable, Nullable]);
    // A table nested in the nullable side, referenced by its own name.
    let a = ok(
        "SELECT v.slug, e.name FROM vaults v LEFT JOIN (entities e JOIN facts f ON f.subject_id = e.id) ON e.vault_id = v.id",
    );
    assert_eq!(nulls(&a), [NotNull, Nullable]);
    // USING merges: the inner join's column holds equal, hence non-NULL, values.
    let a = ok("SELECT vault_id FROM entities JOIN ledger USING (vault_id)");
    assert_eq!(nulls(&a), [NotNull]);
}

#[test]
fn aggregates_and_windows() {
    let a = ok(
        "SELECT count(*), count(confidence), sum(mention_count), max(name), row_number() OVER (), lag(name) OVER () FROM entities",
    );
    assert_eq!(
        nulls(&a),
        [NotNull, NotNull, Nullable, Nullable, NotNull, Nullable]
    );
}

#[test]
fn expressions() {
    let a = ok(
        "SELECT 1, NULL, $1, coalesce(confidence, 0), coalesce(confidence, weight), \
         CASE WHEN true THEN 1 END, CASE WHEN true THEN 1 ELSE 2 END, mention_count + 1, \
         confidence + 1, EXISTS (SELECT 1), (SELECT 1), lower(e.name), array_length(aliases, 1), \
         settings -> 'a', now() FROM entities e, facts, vaults",
    );
    assert_eq!(
        nulls(&a),
        [
            NotNull, Nullable, Nullable, NotNull, Nullable, Nullable, NotNull, NotNull, Nullable,
            NotNull, Nullable, NotNull, Nullable, Nullable, NotNull
        ]
    );
}

#[test]
fn views_and_unknown_functions_are_not_judged() {
    let a = ok("SELECT name, my_function(name) FROM entity_names");
    assert_eq!(nulls(&a), [Unknown, Unknown]);
}

#[test]
fn set_operations_and_grouping_sets() {
    let a = ok("SELECT name FROM entities UNION ALL SELECT NULL");
    assert_eq!(nulls(&a), [Nullable]);
    let a = ok("SELECT vault_id, count(*) FROM entities GROUP BY ROLLUP (vault_id)");
    assert_eq!(nulls(&a), [Nullable, Nullable]);
    let a = ok(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n",
    );
    assert_eq!(nulls(&a), [NotNull]);
    let a = ok(
        "WITH RECURSIVE c(id) AS (SELECT id FROM entities UNION ALL SELECT f.object_entity_id FROM c JOIN facts f ON f.subject_id = c.id) SELECT id FROM c",
    );
    assert_eq!(nulls(&a), [Nullable]);
}

#[test]
fn returning_reads_the_written_row() {
    let a = ok("UPDATE entities SET mention_count = 0 RETURNING id, confidence");
    assert_eq!(nulls(&a), [NotNull, Nullable]);
}
