//! A table matched by name: its kind, its columns in table order, then keys, constraints,
//! indexes and partitions.

use std::collections::BTreeMap;

use super::{Differ, Matched, Object, Pair, listed, pair};
use crate::diff::def;
use crate::diff::report::{Change, ObjectKind as O};
use crate::snapshot::{
    Check, Column, Deferrable, ForeignKey, IdentitySequence, Index, KeyConstraint, RowSecurity,
    Table,
};

/// Whether a column's nullability means something: only when both sides are tables, since views
/// report every column as nullable.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nullability {
    Compared,
    Ignored,
}

objects! {
    Table => Table, |x, _| def::table(x), table;
    KeyConstraint => UniqueConstraint, |k: &KeyConstraint, _| def::columns(&k.columns), key_columns;
    ForeignKey => ForeignKey, |x, _| def::foreign_key(x), foreign_key;
    Check => Check, |c: &Check, _| c.definition.clone(), check;
    Index => Index, |x, _| def::index(x), index;
}

fn table(d: &mut Differ, p: Pair<'_, Table>) {
    let (e, f) = (p.expected, p.found);
    d.compare(
        &p,
        Change::Kind,
        |t| &t.kind,
        |k| Some(k.describe().to_owned()),
    );
    d.compare(&p, Change::Body, |t| &t.definition, Clone::clone);
    let options = |o: &BTreeMap<String, String>| (!o.is_empty()).then(|| def::options(o));
    d.compare(&p, Change::Options, |t| &t.options, options);
    let logged = |u: &bool| Some(def::either(*u, "UNLOGGED", "LOGGED"));
    d.compare(&p, Change::Logged, |t| &t.unlogged, logged);
    d.compare(&p, Change::PartitionKey, |t| &t.partition_key, Clone::clone);
    let security = |r: &Option<RowSecurity>| r.map(def::row_security);
    d.compare(&p, Change::RowSecurity, |t| &t.row_security, security);
    let matched = Matched::new(&e.columns, &f.columns);
    d.order(O::Table, p.name, &matched);
    let nullability = if e.kind.tracks_nullability() && f.kind.tracks_nullability() {
        Nullability::Compared
    } else {
        Nullability::Ignored
    };
    for (e, f) in &matched.expected {
        match f {
            Some(f) => column(d, pair(O::Column, &e.name, e, f), nullability),
            None => d.push(
                O::Column,
                &e.name,
                Change::Missing,
                Some(def::column(e)),
                None,
            ),
        }
    }
    for f in &matched.extra {
        d.push(
            O::Column,
            &f.name,
            Change::Extra,
            None,
            Some(def::column(f)),
        );
    }
    let keys = (e.primary_key.as_ref(), f.primary_key.as_ref());
    d.slot(
        O::PrimaryKey,
        keys,
        |k| &k.name,
        |k| def::columns(&k.columns),
        |d, p| {
            d.text(&p, Change::Name, |k| &k.name);
            key_columns(d, p);
        },
    );
    d.by_name(listed(&e.unique_constraints), listed(&f.unique_constraints));
    d.by_name(listed(&e.foreign_keys), listed(&f.foreign_keys));
    d.by_name(listed(&e.checks), listed(&f.checks));
    d.by_name(listed(&e.indexes), listed(&f.indexes));
    d.by_name(listed(&e.partitions), listed(&f.partitions));
    d.by_name(listed(&e.triggers), listed(&f.triggers));
    d.by_name(listed(&e.policies), listed(&f.policies));
}

fn column(d: &mut Differ, p: Pair<'_, Column>, nullability: Nullability) {
    d.ty(
        p.object,
        p.name,
        None,
        [p.expected.declared(), p.found.declared()],
    );
    if nullability == Nullability::Compared {
        d.compare(
            &p,
            Change::Nullable,
            |c| &c.nullable,
            |n| Some(def::null(*n)),
        );
    }
    d.compare(&p, Change::Default, |c| &c.default, Clone::clone);
    d.compare(
        &p,
        Change::Identity,
        |c| &c.identity,
        |i| i.map(def::identity),
    );
    d.compare(
        &p,
        Change::Generated,
        |c| &c.generated,
        |g| g.map(def::generated),
    );
    d.compare(
        &p,
        Change::Generated,
        |c| &c.generation_expression,
        Clone::clone,
    );
    d.compare(&p, Change::Collation, |c| &c.collation, Clone::clone);
    let ty = p.found.type_display.clone();
    let sequence = move |i: &Option<IdentitySequence>| {
        Some(def::identity_sequence(&i.clone().unwrap_or_default(), &ty))
    };
    if p.expected.identity.is_some() && p.found.identity.is_some() {
        d.compare(&p, Change::Sequence, |c| &c.identity_sequence, sequence);
    }
}

/// The columns of a primary key or unique constraint, and whether it is deferrable.
fn key_columns(d: &mut Differ, p: Pair<'_, KeyConstraint>) {
    d.compare(&p, Change::Columns, |k| &k.columns[..], columns);
    d.compare(&p, Change::Deferrable, |k| &k.deferrable, deferrable);
}

fn deferrable(k: &Option<Deferrable>) -> Option<String> {
    Some(k.map_or("NOT DEFERRABLE", Deferrable::sql).to_owned())
}

fn foreign_key(d: &mut Differ, p: Pair<'_, ForeignKey>) {
    d.compare(&p, Change::Columns, |k| &k.columns[..], columns);
    d.compare(
        &p,
        Change::References,
        |k| &k.references,
        |r| Some(def::reference(r)),
    );
    d.text(&p, Change::OnDelete, |k| &k.on_delete);
    d.text(&p, Change::OnUpdate, |k| &k.on_update);
    d.compare(&p, Change::Deferrable, |k| &k.deferrable, deferrable);
    let matching = |m: &bool| Some(def::either(*m, "MATCH FULL", "MATCH SIMPLE"));
    d.compare(&p, Change::Validation, |k| &k.match_full, matching);
    let valid = |n: &bool| Some(def::either(*n, "NOT VALID", "validated"));
    d.compare(&p, Change::Validation, |k| &k.not_valid, valid);
}

fn check(d: &mut Differ, p: Pair<'_, Check>) {
    d.text(&p, Change::Definition, |c| &c.definition);
}

fn index(d: &mut Differ, p: Pair<'_, Index>) {
    d.text(&p, Change::Method, |i| &i.method);
    d.compare(&p, Change::Keys, |i| &i.keys, |k| Some(def::keys(k)));
    let include = |c: &Vec<String>| (!c.is_empty()).then(|| def::columns(c));
    d.compare(&p, Change::Include, |i| &i.include, include);
    d.compare(&p, Change::Predicate, |i| &i.predicate, Clone::clone);
    let unique = |u: &bool| Some(def::either(*u, "unique", "not unique"));
    d.compare(&p, Change::Unique, |i| &i.unique, unique);
    let primary = |p: &bool| Some(def::either(*p, "primary key", "not primary key"));
    d.compare(&p, Change::Primary, |i| &i.primary, primary);
    let options = |o: &BTreeMap<String, String>| (!o.is_empty()).then(|| def::options(o));
    d.compare(&p, Change::Options, |i| &i.options, options);
}

/// Key columns, as a difference shows them.
fn columns(c: &[String]) -> Option<String> {
    Some(def::columns(c))
}
