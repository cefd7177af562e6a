//! Comparing two snapshots: what `expected` (usually the committed file) has that `found`
//! (usually a live database) does not, and the other way round.
//!
//! Every member of the snapshot format is compared except `server_version`, so two snapshots
//! give an empty [`Report`] exactly when they describe the same schema. Objects are matched by
//! name; a renamed object is one missing and one extra. The report's order is fixed: database-wide
//! objects (extensions, migration head) first, then each schema by name with its types before
//! its tables, and inside a table the table itself, its columns in table order, then keys,
//! constraints, indexes and partitions.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::ident;
use crate::snapshot::{
    Attribute, Check, Column, Composite, Domain, EnumType, Extension, ForeignKey, Generated,
    Identity, Index, IndexKey, KeyConstraint, MigrationHead, Schema, Snapshot, Table,
};

/// All differences between two snapshots.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub differences: Vec<Difference>,
}

/// One thing that differs.
///
/// `expected` and `found` describe the object (for [`Change::Missing`] and [`Change::Extra`]) or
/// the changed aspect, as SQL-like text; `None` (JSON `null`) where that side has nothing: no such
/// object, no default, no identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `None` for database-wide objects: extensions and the migration head.
    pub schema: Option<String>,
    /// The table (or view) the object belongs to, if any; for a table itself, its own name.
    pub table: Option<String>,
    pub object: ObjectKind,
    /// The object's name: a column, index or constraint name, an enum's name, ...
    pub name: String,
    /// The part of a type the difference is about: an enum's label, a composite's attribute, a
    /// domain's check constraint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    pub change: Change,
    pub expected: Option<String>,
    pub found: Option<String>,
}

/// The kind of object a [`Difference`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Extension,
    MigrationHead,
    Schema,
    Enum,
    Domain,
    Composite,
    /// A table, partitioned table, view or materialized view.
    Table,
    Column,
    PrimaryKey,
    UniqueConstraint,
    ForeignKey,
    Check,
    Index,
    Partition,
}

impl ObjectKind {
    /// How the object is called in a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            ObjectKind::Extension => "extension",
            ObjectKind::MigrationHead => "migration head",
            ObjectKind::Schema => "schema",
            ObjectKind::Enum => "enum",
            ObjectKind::Domain => "domain",
            ObjectKind::Composite => "composite type",
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::PrimaryKey => "primary key",
            ObjectKind::UniqueConstraint => "unique constraint",
            ObjectKind::ForeignKey => "foreign key",
            ObjectKind::Check => "check constraint",
            ObjectKind::Index => "index",
            ObjectKind::Partition => "partition",
        }
    }

    /// What a [`Difference::member`] of this kind of object is.
    pub fn member_kind(self) -> &'static str {
        match self {
            ObjectKind::Enum => "label",
            ObjectKind::Composite => "attribute",
            ObjectKind::Domain => "check constraint",
            _ => "member",
        }
    }
}

/// What differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// In `expected`, not in `found`.
    Missing,
    /// In `found`, not in `expected`.
    Extra,
    /// A relation's kind: table, view, ...
    Kind,
    /// A column's, attribute's or domain's type.
    Type,
    /// A column's nullability, or a domain's `NOT NULL`.
    Nullable,
    Default,
    Identity,
    Generated,
    /// The relative order of the columns, labels or attributes both sides have.
    Order,
    /// The primary key constraint's name.
    Name,
    /// The columns of a key or foreign key.
    Columns,
    /// What a foreign key references.
    References,
    OnDelete,
    OnUpdate,
    /// A check constraint's definition.
    Definition,
    /// An index's access method.
    Method,
    /// An index's keys, with their operator classes and orderings.
    Keys,
    /// An index's `INCLUDE` columns.
    Include,
    /// A partial index's `WHERE`.
    Predicate,
    Unique,
    Primary,
    /// An index's storage parameters.
    Options,
    /// An extension's version, or the migration head's.
    Version,
    /// The schema an extension is installed in.
    Schema,
}

impl Change {
    /// How the changed aspect is called in a sentence (not meaningful for `Missing`/`Extra`).
    pub fn describe(self) -> &'static str {
        match self {
            Change::Missing => "missing",
            Change::Extra => "extra",
            Change::Kind => "kind",
            Change::Type => "type",
            Change::Nullable => "nullability",
            Change::Default => "default",
            Change::Identity => "identity",
            Change::Generated => "generation",
            Change::Order => "order",
            Change::Name => "name",
            Change::Columns => "columns",
            Change::References => "referenced table",
            Change::OnDelete => "on delete",
            Change::OnUpdate => "on update",
            Change::Definition => "definition",
            Change::Method => "method",
            Change::Keys => "keys",
            Change::Include => "include",
            Change::Predicate => "predicate",
            Change::Unique => "uniqueness",
            Change::Primary => "primary",
            Change::Options => "options",
            Change::Version => "version",
            Change::Schema => "schema",
        }
    }
}

impl Report {
    /// True when the snapshots describe the same schema.
    pub fn is_empty(&self) -> bool {
        self.differences.is_empty()
    }

    pub fn len(&self) -> usize {
        self.differences.len()
    }

    /// How many distinct tables have differences.
    pub fn table_count(&self) -> usize {
        self.differences
            .iter()
            .filter_map(|d| Some((d.schema.as_deref()?, d.table.as_deref()?)))
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// How many distinct objects outside tables (schemas, types, extensions, the migration head)
    /// have differences.
    pub fn other_object_count(&self) -> usize {
        self.differences
            .iter()
            .filter(|d| d.table.is_none())
            .map(|d| (d.schema.as_deref(), d.object, d.name.as_str()))
            .collect::<BTreeSet<_>>()
            .len()
    }
}

impl Difference {
    /// `schema.table.name`, or as much of it as applies.
    pub fn path(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if let Some(s) = &self.schema {
            if self.object != ObjectKind::Schema {
                parts.push(s);
            }
        }
        if let Some(t) = &self.table {
            if self.object != ObjectKind::Table {
                parts.push(t);
            }
        }
        parts.push(&self.name);
        parts.join(".")
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.object.describe(), self.path())?;
        if let Some(m) = &self.member {
            write!(f, " {} `{m}`", self.object.member_kind())?;
        }
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_owned());
        match self.change {
            Change::Missing => write!(f, " is missing (expected {})", show(&self.expected)),
            Change::Extra => write!(f, " is not expected (found {})", show(&self.found)),
            c => write!(
                f,
                ": {} expected {}, found {}",
                c.describe(),
                show(&self.expected),
                show(&self.found)
            ),
        }
    }
}

/// Compares `expected` with `found`. `server_version` is never compared.
pub fn diff(expected: &Snapshot, found: &Snapshot) -> Report {
    let mut out = Differ::default();
    out.extensions(&expected.extensions, &found.extensions);
    out.migration_head(
        expected.migration_head.as_ref(),
        found.migration_head.as_ref(),
    );
    for name in union(expected.schemas.keys(), found.schemas.keys()) {
        out.schema = Some(name.to_owned());
        out.table = None;
        match (expected.schemas.get(name), found.schemas.get(name)) {
            (Some(e), Some(f)) => out.schema_contents(e, f),
            (Some(e), None) => out.push(
                ObjectKind::Schema,
                name,
                Change::Missing,
                Some(schema_def(e)),
                None,
            ),
            (None, Some(f)) => out.push(
                ObjectKind::Schema,
                name,
                Change::Extra,
                None,
                Some(schema_def(f)),
            ),
            (None, None) => unreachable!("name comes from one of the maps"),
        }
    }
    Report {
        differences: out.differences,
    }
}

/// Names in either sorted sequence, sorted, once each.
fn union<'a>(
    a: impl Iterator<Item = &'a String>,
    b: impl Iterator<Item = &'a String>,
) -> BTreeSet<&'a str> {
    a.chain(b).map(String::as_str).collect()
}

#[derive(Default)]
struct Differ {
    schema: Option<String>,
    table: Option<String>,
    differences: Vec<Difference>,
}

impl Differ {
    fn push(
        &mut self,
        object: ObjectKind,
        name: &str,
        change: Change,
        expected: Option<String>,
        found: Option<String>,
    ) {
        self.push_member(object, name, None, change, expected, found);
    }

    fn push_member(
        &mut self,
        object: ObjectKind,
        name: &str,
        member: Option<&str>,
        change: Change,
        expected: Option<String>,
        found: Option<String>,
    ) {
        self.differences.push(Difference {
            schema: self.schema.clone(),
            table: self.table.clone(),
            object,
            name: name.to_owned(),
            member: member.map(str::to_owned),
            change,
            expected,
            found,
        });
    }

    /// Reports `change` when the two renderings differ.
    fn aspect<T: PartialEq>(
        &mut self,
        object: ObjectKind,
        name: &str,
        change: Change,
        expected: &T,
        found: &T,
        render: impl Fn(&T) -> Option<String>,
    ) {
        if expected != found {
            self.push(object, name, change, render(expected), render(found));
        }
    }

    /// Objects matched by name: `missing`/`extra` for one-sided names, `both` for the rest.
    fn by_name<'a, T>(
        &mut self,
        object: ObjectKind,
        expected: &BTreeMap<&'a str, &'a T>,
        found: &BTreeMap<&'a str, &'a T>,
        def: impl Fn(&T) -> String,
        mut both: impl FnMut(&mut Self, &str, &T, &T),
    ) {
        for name in expected.keys().chain(found.keys()).collect::<BTreeSet<_>>() {
            match (expected.get(name), found.get(name)) {
                (Some(e), Some(f)) => both(self, name, e, f),
                (Some(e), None) => self.push(object, name, Change::Missing, Some(def(e)), None),
                (None, Some(f)) => self.push(object, name, Change::Extra, None, Some(def(f))),
                (None, None) => {}
            }
        }
    }

    fn extensions(
        &mut self,
        expected: &BTreeMap<String, Extension>,
        found: &BTreeMap<String, Extension>,
    ) {
        self.by_name(
            ObjectKind::Extension,
            &index(expected),
            &index(found),
            extension_def,
            |d, name, e, f| {
                d.aspect(
                    ObjectKind::Extension,
                    name,
                    Change::Version,
                    &e.version,
                    &f.version,
                    |v| Some(v.clone()),
                );
                d.aspect(
                    ObjectKind::Extension,
                    name,
                    Change::Schema,
                    &e.schema,
                    &f.schema,
                    |v| Some(v.clone()),
                );
            },
        );
    }

    fn migration_head(&mut self, expected: Option<&MigrationHead>, found: Option<&MigrationHead>) {
        match (expected, found) {
            (Some(e), Some(f)) if e != f => self.push(
                ObjectKind::MigrationHead,
                &f.table,
                Change::Version,
                Some(head_def(e)),
                Some(head_def(f)),
            ),
            (Some(e), None) => self.push(
                ObjectKind::MigrationHead,
                &e.table,
                Change::Missing,
                Some(head_def(e)),
                None,
            ),
            (None, Some(f)) => self.push(
                ObjectKind::MigrationHead,
                &f.table,
                Change::Extra,
                None,
                Some(head_def(f)),
            ),
            _ => {}
        }
    }

    fn schema_contents(&mut self, expected: &Schema, found: &Schema) {
        self.by_name(
            ObjectKind::Enum,
            &index(&expected.enums),
            &index(&found.enums),
            enum_def,
            Differ::enum_type,
        );
        self.by_name(
            ObjectKind::Domain,
            &index(&expected.domains),
            &index(&found.domains),
            domain_def,
            Differ::domain,
        );
        self.by_name(
            ObjectKind::Composite,
            &index(&expected.composites),
            &index(&found.composites),
            composite_def,
            Differ::composite,
        );
        for name in union(expected.tables.keys(), found.tables.keys()) {
            self.table = Some(name.to_owned());
            match (expected.tables.get(name), found.tables.get(name)) {
                (Some(e), Some(f)) => self.table_contents(name, e, f),
                (Some(e), None) => self.push(
                    ObjectKind::Table,
                    name,
                    Change::Missing,
                    Some(table_def(e)),
                    None,
                ),
                (None, Some(f)) => self.push(
                    ObjectKind::Table,
                    name,
                    Change::Extra,
                    None,
                    Some(table_def(f)),
                ),
                (None, None) => {}
            }
        }
        self.table = None;
    }

    fn enum_type(&mut self, name: &str, expected: &EnumType, found: &EnumType) {
        self.members(
            ObjectKind::Enum,
            name,
            &expected.labels,
            &found.labels,
            |l: &String| l.as_str(),
            |l| ident::quote_literal(l),
        );
    }

    /// Members of a type (labels, attributes) matched by name, and their relative order.
    fn members<T>(
        &mut self,
        object: ObjectKind,
        name: &str,
        expected: &[T],
        found: &[T],
        key: impl Fn(&T) -> &str,
        def: impl Fn(&T) -> String,
    ) {
        let found_keys: BTreeSet<&str> = found.iter().map(&key).collect();
        let expected_keys: BTreeSet<&str> = expected.iter().map(&key).collect();
        for e in expected {
            if !found_keys.contains(key(e)) {
                self.push_member(
                    object,
                    name,
                    Some(key(e)),
                    Change::Missing,
                    Some(def(e)),
                    None,
                );
            }
        }
        for f in found {
            if !expected_keys.contains(key(f)) {
                self.push_member(
                    object,
                    name,
                    Some(key(f)),
                    Change::Extra,
                    None,
                    Some(def(f)),
                );
            }
        }
        let common_e: Vec<&str> = expected
            .iter()
            .map(&key)
            .filter(|k| found_keys.contains(k))
            .collect();
        let common_f: Vec<&str> = found
            .iter()
            .map(&key)
            .filter(|k| expected_keys.contains(k))
            .collect();
        if common_e != common_f {
            self.push(
                object,
                name,
                Change::Order,
                Some(common_e.join(", ")),
                Some(common_f.join(", ")),
            );
        }
    }

    fn domain(&mut self, name: &str, expected: &Domain, found: &Domain) {
        let kind = ObjectKind::Domain;
        let e_type = TypeRef::of_domain(expected);
        let f_type = TypeRef::of_domain(found);
        if e_type != f_type {
            let (e, f) = TypeRef::render_pair(&e_type, &f_type);
            self.push(kind, name, Change::Type, Some(e), Some(f));
        }
        self.aspect(
            kind,
            name,
            Change::Nullable,
            &expected.not_null,
            &found.not_null,
            |n| Some(null_def(!n)),
        );
        self.aspect(
            kind,
            name,
            Change::Default,
            &expected.default,
            &found.default,
            Clone::clone,
        );
        let e_checks = expected
            .checks
            .iter()
            .map(|c| (c.name.as_str(), c))
            .collect();
        let f_checks = found.checks.iter().map(|c| (c.name.as_str(), c)).collect();
        self.named_checks(kind, name, &e_checks, &f_checks);
    }

    /// A domain's check constraints, reported as members of the domain.
    fn named_checks(
        &mut self,
        object: ObjectKind,
        name: &str,
        expected: &BTreeMap<&str, &Check>,
        found: &BTreeMap<&str, &Check>,
    ) {
        for check in expected.keys().chain(found.keys()).collect::<BTreeSet<_>>() {
            let (e, f) = (expected.get(check), found.get(check));
            let change = match (e, f) {
                (Some(_), None) => Change::Missing,
                (None, Some(_)) => Change::Extra,
                (Some(e), Some(f)) if e.definition != f.definition => Change::Definition,
                _ => continue,
            };
            self.push_member(
                object,
                name,
                Some(check),
                change,
                e.map(|c| c.definition.clone()),
                f.map(|c| c.definition.clone()),
            );
        }
    }

    fn composite(&mut self, name: &str, expected: &Composite, found: &Composite) {
        let kind = ObjectKind::Composite;
        self.members(
            kind,
            name,
            &expected.attributes,
            &found.attributes,
            |a: &Attribute| a.name.as_str(),
            attribute_def,
        );
        for e in &expected.attributes {
            let Some(f) = found.attributes.iter().find(|f| f.name == e.name) else {
                continue;
            };
            let (te, tf) = (TypeRef::of_attribute(e), TypeRef::of_attribute(f));
            if te != tf {
                let (re, rf) = TypeRef::render_pair(&te, &tf);
                self.push_member(kind, name, Some(&e.name), Change::Type, Some(re), Some(rf));
            }
        }
    }

    fn table_contents(&mut self, name: &str, expected: &Table, found: &Table) {
        self.aspect(
            ObjectKind::Table,
            name,
            Change::Kind,
            &expected.kind,
            &found.kind,
            |k| Some(k.describe().to_owned()),
        );
        let common_e: Vec<&str> = expected
            .columns
            .iter()
            .filter(|c| found.column(&c.name).is_some())
            .map(|c| c.name.as_str())
            .collect();
        let common_f: Vec<&str> = found
            .columns
            .iter()
            .filter(|c| expected.column(&c.name).is_some())
            .map(|c| c.name.as_str())
            .collect();
        if common_e != common_f {
            self.push(
                ObjectKind::Table,
                name,
                Change::Order,
                Some(common_e.join(", ")),
                Some(common_f.join(", ")),
            );
        }
        // Views report every column as nullable, so nullability means something only when both
        // sides are tables.
        let nullability = expected.kind.tracks_nullability() && found.kind.tracks_nullability();
        for e in &expected.columns {
            match found.column(&e.name) {
                Some(f) => self.column(e, f, nullability),
                None => self.push(
                    ObjectKind::Column,
                    &e.name,
                    Change::Missing,
                    Some(column_def(e)),
                    None,
                ),
            }
        }
        for f in &found.columns {
            if expected.column(&f.name).is_none() {
                self.push(
                    ObjectKind::Column,
                    &f.name,
                    Change::Extra,
                    None,
                    Some(column_def(f)),
                );
            }
        }
        self.primary_key(expected.primary_key.as_ref(), found.primary_key.as_ref());
        self.by_name(
            ObjectKind::UniqueConstraint,
            &by_name(&expected.unique_constraints, |k| &k.name),
            &by_name(&found.unique_constraints, |k| &k.name),
            |k| columns_def(&k.columns),
            |d, name, e, f| {
                d.aspect(
                    ObjectKind::UniqueConstraint,
                    name,
                    Change::Columns,
                    &e.columns,
                    &f.columns,
                    |c| Some(columns_def(c)),
                )
            },
        );
        self.by_name(
            ObjectKind::ForeignKey,
            &by_name(&expected.foreign_keys, |k| &k.name),
            &by_name(&found.foreign_keys, |k| &k.name),
            foreign_key_def,
            Differ::foreign_key,
        );
        self.by_name(
            ObjectKind::Check,
            &by_name(&expected.checks, |c| &c.name),
            &by_name(&found.checks, |c| &c.name),
            |c| c.definition.clone(),
            |d, name, e, f| {
                d.aspect(
                    ObjectKind::Check,
                    name,
                    Change::Definition,
                    &e.definition,
                    &f.definition,
                    |v| Some(v.clone()),
                )
            },
        );
        self.by_name(
            ObjectKind::Index,
            &by_name(&expected.indexes, |i| &i.name),
            &by_name(&found.indexes, |i| &i.name),
            index_def,
            Differ::index,
        );
        let e_parts = by_name(&expected.partitions, |p| &p.name);
        let f_parts = by_name(&found.partitions, |p| &p.name);
        self.by_name(
            ObjectKind::Partition,
            &e_parts,
            &f_parts,
            |_| format!("partition of `{name}`"),
            // Until partitions are compared member by member, as a whole.
            |d, name, e, f| {
                d.aspect(ObjectKind::Partition, name, Change::Definition, e, f, |p| {
                    Some(serde_json::to_string(p).unwrap_or_default())
                })
            },
        );
    }

    fn column(&mut self, expected: &Column, found: &Column, nullability: bool) {
        let kind = ObjectKind::Column;
        let name = expected.name.as_str();
        let (te, tf) = (TypeRef::of_column(expected), TypeRef::of_column(found));
        if te != tf {
            let (re, rf) = TypeRef::render_pair(&te, &tf);
            self.push(kind, name, Change::Type, Some(re), Some(rf));
        }
        if nullability {
            self.aspect(
                kind,
                name,
                Change::Nullable,
                &expected.nullable,
                &found.nullable,
                |n| Some(null_def(*n)),
            );
        }
        self.aspect(
            kind,
            name,
            Change::Default,
            &expected.default,
            &found.default,
            Clone::clone,
        );
        self.aspect(
            kind,
            name,
            Change::Identity,
            &expected.identity,
            &found.identity,
            |i| i.map(identity_def),
        );
        self.aspect(
            kind,
            name,
            Change::Generated,
            &expected.generated,
            &found.generated,
            |g| g.map(generated_def),
        );
    }

    /// At most one per table, so compared as a slot rather than by name.
    fn primary_key(&mut self, expected: Option<&KeyConstraint>, found: Option<&KeyConstraint>) {
        let kind = ObjectKind::PrimaryKey;
        match (expected, found) {
            (Some(e), Some(f)) => {
                self.aspect(kind, &e.name, Change::Name, &e.name, &f.name, |n| {
                    Some(n.clone())
                });
                self.aspect(
                    kind,
                    &e.name,
                    Change::Columns,
                    &e.columns,
                    &f.columns,
                    |c| Some(columns_def(c)),
                );
            }
            (Some(e), None) => self.push(
                kind,
                &e.name,
                Change::Missing,
                Some(columns_def(&e.columns)),
                None,
            ),
            (None, Some(f)) => self.push(
                kind,
                &f.name,
                Change::Extra,
                None,
                Some(columns_def(&f.columns)),
            ),
            (None, None) => {}
        }
    }

    fn foreign_key(&mut self, name: &str, expected: &ForeignKey, found: &ForeignKey) {
        let kind = ObjectKind::ForeignKey;
        self.aspect(
            kind,
            name,
            Change::Columns,
            &expected.columns,
            &found.columns,
            |c| Some(columns_def(c)),
        );
        self.aspect(
            kind,
            name,
            Change::References,
            &expected.references,
            &found.references,
            |r| {
                Some(format!(
                    "{} {}",
                    ident::schema_qualified(&r.schema, &r.table),
                    columns_def(&r.columns)
                ))
            },
        );
        self.aspect(
            kind,
            name,
            Change::OnDelete,
            &expected.on_delete,
            &found.on_delete,
            |a| Some(a.clone()),
        );
        self.aspect(
            kind,
            name,
            Change::OnUpdate,
            &expected.on_update,
            &found.on_update,
            |a| Some(a.clone()),
        );
    }

    fn index(&mut self, name: &str, expected: &Index, found: &Index) {
        let kind = ObjectKind::Index;
        self.aspect(
            kind,
            name,
            Change::Method,
            &expected.method,
            &found.method,
            |m| Some(m.clone()),
        );
        self.aspect(kind, name, Change::Keys, &expected.keys, &found.keys, |k| {
            Some(keys_def(k))
        });
        self.aspect(
            kind,
            name,
            Change::Include,
            &expected.include,
            &found.include,
            |c| (!c.is_empty()).then(|| columns_def(c)),
        );
        self.aspect(
            kind,
            name,
            Change::Predicate,
            &expected.predicate,
            &found.predicate,
            Clone::clone,
        );
        self.aspect(
            kind,
            name,
            Change::Unique,
            &expected.unique,
            &found.unique,
            |u| Some(if *u { "unique" } else { "not unique" }.to_owned()),
        );
        self.aspect(
            kind,
            name,
            Change::Primary,
            &expected.primary,
            &found.primary,
            |p| Some(if *p { "primary key" } else { "not primary key" }.to_owned()),
        );
        self.aspect(
            kind,
            name,
            Change::Options,
            &expected.options,
            &found.options,
            |o| (!o.is_empty()).then(|| options_def(o)),
        );
    }
}

fn index<T>(map: &BTreeMap<String, T>) -> BTreeMap<&str, &T> {
    map.iter().map(|(k, v)| (k.as_str(), v)).collect()
}

fn by_name<T>(items: &[T], name: impl Fn(&T) -> &String) -> BTreeMap<&str, &T> {
    items.iter().map(|i| (name(i).as_str(), i)).collect()
}

/// A type as the snapshot records it, for comparing columns, attributes and domains.
#[derive(PartialEq, Eq)]
struct TypeRef<'a> {
    display: &'a str,
    name: &'a str,
    schema: &'a str,
    array: bool,
}

impl<'a> TypeRef<'a> {
    fn of_column(c: &'a Column) -> Self {
        TypeRef {
            display: &c.type_display,
            name: &c.type_name,
            schema: &c.type_schema,
            array: c.array,
        }
    }

    fn of_attribute(a: &'a Attribute) -> Self {
        TypeRef {
            display: &a.type_display,
            name: &a.type_name,
            schema: &a.type_schema,
            array: a.array,
        }
    }

    fn of_domain(d: &'a Domain) -> Self {
        TypeRef {
            display: &d.type_display,
            name: &d.type_name,
            schema: &d.type_schema,
            array: d.array,
        }
    }

    /// The printed types, or, when they print the same but are not the same type, the catalog
    /// names as well.
    fn render_pair(e: &TypeRef<'_>, f: &TypeRef<'_>) -> (String, String) {
        if e.display != f.display {
            return (e.display.to_owned(), f.display.to_owned());
        }
        let full = |t: &TypeRef<'_>| {
            format!(
                "{} ({}{})",
                t.display,
                ident::schema_qualified(t.schema, t.name),
                if t.array { "[]" } else { "" }
            )
        };
        (full(e), full(f))
    }
}

fn null_def(nullable: bool) -> String {
    if nullable { "NULL" } else { "NOT NULL" }.to_owned()
}

fn identity_def(i: Identity) -> String {
    match i {
        Identity::Always => "GENERATED ALWAYS AS IDENTITY",
        Identity::ByDefault => "GENERATED BY DEFAULT AS IDENTITY",
    }
    .to_owned()
}

fn generated_def(g: Generated) -> String {
    match g {
        Generated::Stored => "GENERATED ALWAYS AS (...) STORED",
        Generated::Virtual => "GENERATED ALWAYS AS (...) VIRTUAL",
    }
    .to_owned()
}

fn column_def(c: &Column) -> String {
    let mut s = c.type_display.clone();
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(" DEFAULT ");
        s.push_str(d);
    }
    if let Some(i) = c.identity {
        s.push(' ');
        s.push_str(&identity_def(i));
    }
    if let Some(g) = c.generated {
        s.push(' ');
        s.push_str(&generated_def(g));
    }
    s
}

fn attribute_def(a: &Attribute) -> String {
    format!("{} {}", ident::quote_ident(&a.name), a.type_display)
}

fn columns_def(columns: &[String]) -> String {
    let columns: Vec<_> = columns.iter().map(|c| ident::quote_ident(c)).collect();
    format!("({})", columns.join(", "))
}

fn key_def(k: &IndexKey) -> String {
    let mut s = match (&k.column, &k.expression) {
        (Some(c), _) => ident::quote_ident(c).into_owned(),
        (None, Some(e)) => e.clone(),
        (None, None) => "?".to_owned(),
    };
    if let Some(o) = &k.opclass {
        s.push(' ');
        s.push_str(o);
    }
    if k.descending {
        s.push_str(" DESC");
    }
    match k.nulls_first {
        Some(true) => s.push_str(" NULLS FIRST"),
        Some(false) => s.push_str(" NULLS LAST"),
        None => {}
    }
    s
}

fn keys_def(keys: &[IndexKey]) -> String {
    let keys: Vec<String> = keys.iter().map(key_def).collect();
    format!("({})", keys.join(", "))
}

fn options_def(options: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = options.iter().map(|(k, v)| format!("{k}={v}")).collect();
    parts.join(", ")
}

fn index_def(i: &Index) -> String {
    let mut s = String::new();
    if i.primary {
        s.push_str("PRIMARY KEY ");
    } else if i.unique {
        s.push_str("UNIQUE ");
    }
    s.push_str(&i.method);
    s.push(' ');
    s.push_str(&keys_def(&i.keys));
    if !i.include.is_empty() {
        s.push_str(" INCLUDE ");
        s.push_str(&columns_def(&i.include));
    }
    if !i.options.is_empty() {
        s.push_str(&format!(" WITH ({})", options_def(&i.options)));
    }
    if let Some(p) = &i.predicate {
        s.push_str(" WHERE ");
        s.push_str(p);
    }
    s
}

fn foreign_key_def(fk: &ForeignKey) -> String {
    let mut s = format!(
        "{} REFERENCES {} {}",
        columns_def(&fk.columns),
        ident::schema_qualified(&fk.references.schema, &fk.references.table),
        columns_def(&fk.references.columns)
    );
    if fk.on_delete != "no action" {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.to_uppercase()));
    }
    if fk.on_update != "no action" {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.to_uppercase()));
    }
    s
}

fn table_def(t: &Table) -> String {
    let n = t.columns.len();
    format!(
        "{} with {n} column{}",
        t.kind.describe(),
        if n == 1 { "" } else { "s" }
    )
}

fn enum_def(e: &EnumType) -> String {
    let labels: Vec<String> = e.labels.iter().map(|l| ident::quote_literal(l)).collect();
    format!("ENUM ({})", labels.join(", "))
}

fn domain_def(d: &Domain) -> String {
    let mut s = d.type_display.clone();
    if d.not_null {
        s.push_str(" NOT NULL");
    }
    if let Some(v) = &d.default {
        s.push_str(" DEFAULT ");
        s.push_str(v);
    }
    for c in &d.checks {
        s.push(' ');
        s.push_str(&c.definition);
    }
    s
}

fn composite_def(c: &Composite) -> String {
    let attrs: Vec<String> = c.attributes.iter().map(attribute_def).collect();
    format!("({})", attrs.join(", "))
}

fn extension_def(e: &Extension) -> String {
    format!("version {} in schema {}", e.version, e.schema)
}

fn head_def(h: &MigrationHead) -> String {
    format!("{} in {}", h.version, h.table)
}

fn schema_def(s: &Schema) -> String {
    let mut parts = Vec::new();
    let mut count = |n: usize, what: &str| {
        if n > 0 {
            parts.push(format!("{n} {what}{}", if n == 1 { "" } else { "s" }));
        }
    };
    count(s.tables.len(), "table");
    count(s.enums.len(), "enum");
    count(s.domains.len(), "domain");
    count(s.composites.len(), "composite type");
    if parts.is_empty() {
        "empty schema".to_owned()
    } else {
        format!("schema with {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{Reference, RelationKind};

    fn col(name: &str, ty: &str) -> Column {
        Column {
            name: name.into(),
            nullable: false,
            type_display: ty.into(),
            type_name: ty.into(),
            type_schema: "pg_catalog".into(),
            ..Column::default()
        }
    }

    fn table(columns: Vec<Column>) -> Table {
        Table {
            columns,
            kind: RelationKind::Table,
            ..Table::default()
        }
    }

    fn partition(name: &str) -> crate::snapshot::Partition {
        crate::snapshot::Partition {
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

    fn changed(f: impl FnOnce(&mut Snapshot)) -> Report {
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

    fn rows(r: &Report) -> Vec<Row<'_>> {
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

    fn one(r: &Report) -> Row<'_> {
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
        let r =
            changed(|s| tbl(s, "posts").columns[2].type_display = "character varying(20)".into());
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
            r.differences[1].to_string(),
            "enum `public.mood` label `meh` is not expected (found 'meh')"
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
        let r = changed(|s| {
            tbl(s, "events").partitions = vec![partition("events_2025"), partition("events_2026")]
        });
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
            r.differences[2].to_string(),
            "schema `public` is missing (expected schema with 3 tables, 1 enum, 1 domain, 1 composite type)"
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
            r.differences[0].to_string(),
            "column `public.posts.user_id`: nullability expected NOT NULL, found NULL"
        );
    }
}
