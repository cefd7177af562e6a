//! A table matched by name: its kind, its columns in table order, then keys, constraints,
//! indexes and partitions.

use super::{Differ, Matched, by_name};
use crate::diff::def;
use crate::diff::report::{Change, ObjectKind};
use crate::snapshot::{Column, ForeignKey, Index, Table};

/// Whether a column's nullability means something: only when both sides are tables, since views
/// report every column as nullable.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nullability {
    Compared,
    Ignored,
}

impl Differ {
    pub(super) fn table_contents(&mut self, name: &str, expected: &Table, found: &Table) {
        self.aspects(ObjectKind::Table, name).compare(
            Change::Kind,
            &expected.kind,
            &found.kind,
            |k| Some(k.describe().to_owned()),
        );
        let matched = Matched::new(&expected.columns, &found.columns, |c| c.name.as_str());
        self.order(ObjectKind::Table, name, &matched);
        let nullability = if expected.kind.tracks_nullability() && found.kind.tracks_nullability() {
            Nullability::Compared
        } else {
            Nullability::Ignored
        };
        for (e, f) in &matched.expected {
            match f {
                Some(f) => self.column(e, f, nullability),
                None => {
                    let def = Some(def::column(e));
                    self.push(ObjectKind::Column, &e.name, Change::Missing, def, None);
                }
            }
        }
        for f in &matched.extra {
            let def = Some(def::column(f));
            self.push(ObjectKind::Column, &f.name, Change::Extra, None, def);
        }
        self.slot(
            ObjectKind::PrimaryKey,
            expected.primary_key.as_ref(),
            found.primary_key.as_ref(),
            |k| &k.name,
            |k| def::columns(&k.columns),
            |d, name, e, f| {
                let mut a = d.aspects(ObjectKind::PrimaryKey, name);
                a.text(Change::Name, &e.name, &f.name);
                a.compare(Change::Columns, &e.columns, &f.columns, |c| {
                    Some(def::columns(c))
                });
            },
        );
        self.by_name(
            ObjectKind::UniqueConstraint,
            &by_name(&expected.unique_constraints, |k| &k.name),
            &by_name(&found.unique_constraints, |k| &k.name),
            |k| def::columns(&k.columns),
            |d, name, e, f| {
                d.aspects(ObjectKind::UniqueConstraint, name).compare(
                    Change::Columns,
                    &e.columns,
                    &f.columns,
                    |c| Some(def::columns(c)),
                )
            },
        );
        self.by_name(
            ObjectKind::ForeignKey,
            &by_name(&expected.foreign_keys, |k| &k.name),
            &by_name(&found.foreign_keys, |k| &k.name),
            def::foreign_key,
            Differ::foreign_key,
        );
        self.by_name(
            ObjectKind::Check,
            &by_name(&expected.checks, |c| &c.name),
            &by_name(&found.checks, |c| &c.name),
            |c| c.definition.clone(),
            |d, name, e, f| {
                d.aspects(ObjectKind::Check, name).text(
                    Change::Definition,
                    &e.definition,
                    &f.definition,
                )
            },
        );
        self.by_name(
            ObjectKind::Index,
            &by_name(&expected.indexes, |i| &i.name),
            &by_name(&found.indexes, |i| &i.name),
            def::index,
            Differ::index,
        );
        let partition = |_: &String| format!("partition of `{name}`");
        self.by_name(
            ObjectKind::Partition,
            &by_name(&expected.partitions, |p| p),
            &by_name(&found.partitions, |p| p),
            partition,
            |_, _, _, _| {},
        );
    }

    fn column(&mut self, expected: &Column, found: &Column, nullability: Nullability) {
        let mut a = self.aspects(ObjectKind::Column, &expected.name);
        a.ty(None, expected.declared(), found.declared());
        if nullability == Nullability::Compared {
            a.compare(Change::Nullable, &expected.nullable, &found.nullable, |n| {
                Some(def::null(*n))
            });
        }
        a.compare(
            Change::Default,
            &expected.default,
            &found.default,
            Clone::clone,
        );
        a.compare(Change::Identity, &expected.identity, &found.identity, |i| {
            i.map(def::identity)
        });
        a.compare(
            Change::Generated,
            &expected.generated,
            &found.generated,
            |g| g.map(def::generated),
        );
    }

    fn foreign_key(&mut self, name: &str, expected: &ForeignKey, found: &ForeignKey) {
        let mut a = self.aspects(ObjectKind::ForeignKey, name);
        a.compare(Change::Columns, &expected.columns, &found.columns, |c| {
            Some(def::columns(c))
        });
        a.compare(
            Change::References,
            &expected.references,
            &found.references,
            |r| Some(def::reference(r)),
        );
        a.text(Change::OnDelete, &expected.on_delete, &found.on_delete);
        a.text(Change::OnUpdate, &expected.on_update, &found.on_update);
    }

    fn index(&mut self, name: &str, expected: &Index, found: &Index) {
        let mut a = self.aspects(ObjectKind::Index, name);
        a.text(Change::Method, &expected.method, &found.method);
        a.compare(Change::Keys, &expected.keys, &found.keys, |k| {
            Some(def::keys(k))
        });
        a.compare(Change::Include, &expected.include, &found.include, |c| {
            (!c.is_empty()).then(|| def::columns(c))
        });
        a.compare(
            Change::Predicate,
            &expected.predicate,
            &found.predicate,
            Clone::clone,
        );
        a.compare(Change::Unique, &expected.unique, &found.unique, |u| {
            Some(def::either(*u, "unique", "not unique"))
        });
        a.compare(Change::Primary, &expected.primary, &found.primary, |p| {
            Some(def::either(*p, "primary key", "not primary key"))
        });
        a.compare(Change::Options, &expected.options, &found.options, |o| {
            (!o.is_empty()).then(|| def::options(o))
        });
    }
}
