//! Small snapshot objects for tests, written once for every module's tests.

use std::collections::BTreeMap;

use super::{Column, Index, IndexKey, Partition, RelationKind, Table};

/// A NOT NULL column of the built-in type `ty`, without default.
pub(crate) fn column(name: &str, ty: &str) -> Column {
    Column {
        name: name.into(),
        nullable: false,
        type_display: ty.into(),
        type_name: ty.into(),
        type_schema: "pg_catalog".into(),
        ..Column::default()
    }
}

/// A plain table with these columns and nothing else.
pub(crate) fn table(columns: Vec<Column>) -> Table {
    Table {
        columns,
        kind: RelationKind::Table,
        ..Table::default()
    }
}

/// A btree index on one column.
pub(crate) fn btree(name: &str, column: &str) -> Index {
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

/// A `DEFAULT` partition with nothing of its own.
pub(crate) fn partition(name: &str) -> Partition {
    Partition {
        bound: "DEFAULT".into(),
        checks: vec![],
        foreign_keys: vec![],
        indexes: vec![],
        name: name.into(),
        of: None,
        partition_key: None,
        primary_key: None,
        schema: None,
        triggers: vec![],
        unique_constraints: vec![],
    }
}
