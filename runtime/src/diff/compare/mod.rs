//! Walks two snapshots side by side and records what differs. Each kind of object says once how
//! it reads and how two of it compare ([`Object`]); objects are matched by name
//! ([`Differ::by_name`]), members of ordered lists (labels, attributes, columns) by name and
//! relative order ([`Matched`]).

/// Each kind of object: its [`O`], how it reads (`def`) and how two of it compare. Defined
/// before `table` so that it can use it too.
macro_rules! objects {
    ($($ty:ty => $kind:ident, $def:expr, $compare:expr;)+) => {$(
        impl Object for $ty {
            const KIND: O = O::$kind;
            fn def(&self, d: &Differ) -> String {
                ($def)(self, d)
            }
            fn compare(d: &mut Differ, p: Pair<'_, Self>) {
                ($compare)(d, p)
            }
        }
    )+};
}

mod members;
mod table;

use std::collections::{BTreeMap, BTreeSet};

use super::def;
use super::report::{Change, Difference, ObjectKind as O};
use crate::ident;
use crate::snapshot::{
    Attribute, Check, Composite, DeclaredType, Domain, EnumType, Extension, MigrationHead, Schema,
    Snapshot,
};

/// Every difference between `expected` and `found`, in the report's order.
pub(super) fn snapshots(expected: &Snapshot, found: &Snapshot) -> Vec<Difference> {
    let (e, f) = (expected, found);
    let mut d = Differ::default();
    d.by_name(index(&e.extensions), index(&f.extensions));
    let heads = (e.migration_head.as_ref(), f.migration_head.as_ref());
    d.slot(
        O::MigrationHead,
        heads,
        |h| &h.table,
        def::head,
        migration_head,
    );
    d.by_name(index(&e.schemas), index(&f.schemas));
    d.differences
}

/// A kind of object of the snapshot, matched by name between the two sides.
trait Object: Sized {
    /// What the object is.
    const KIND: O;
    /// The object as SQL-like text, for what only one side has.
    fn def(&self, d: &Differ) -> String;
    /// The differences between two objects of one name.
    fn compare(d: &mut Differ, p: Pair<'_, Self>);
}

/// Where the differences recorded next belong: the schema and table being compared.
#[derive(Default)]
struct Differ {
    schema: Option<String>,
    table: Option<String>,
    differences: Vec<Difference>,
}

/// An object both sides have, by name, with the kind of object it is.
struct Pair<'p, T> {
    object: O,
    name: &'p str,
    expected: &'p T,
    found: &'p T,
}

impl Differ {
    fn push(
        &mut self,
        object: O,
        name: &str,
        change: Change,
        e: Option<String>,
        f: Option<String>,
    ) {
        self.push_member(object, name, None, change, e, f);
    }

    fn push_member(
        &mut self,
        object: O,
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

    /// Objects matched by name: `Missing`/`Extra` for one-sided names, compared for the rest. A
    /// schema, and a table, is the scope of what is found inside it.
    fn by_name<T: Object>(&mut self, expected: BTreeMap<&str, &T>, found: BTreeMap<&str, &T>) {
        let object = T::KIND;
        for name in expected.keys().chain(found.keys()).collect::<BTreeSet<_>>() {
            match object {
                O::Schema => {
                    self.schema = Some((*name).to_owned());
                    self.table = None;
                }
                O::Table => self.table = Some((*name).to_owned()),
                _ => {}
            }
            match (expected.get(name), found.get(name)) {
                (Some(e), Some(f)) => T::compare(self, pair(object, name, e, f)),
                (Some(e), None) => {
                    let def = Some(e.def(self));
                    self.push(object, name, Change::Missing, def, None);
                }
                (None, Some(f)) => {
                    let def = Some(f.def(self));
                    self.push(object, name, Change::Extra, None, def);
                }
                (None, None) => {}
            }
        }
        if object == O::Table {
            self.table = None;
        }
    }

    /// An object of which each side has at most one (the migration head, a primary key), named
    /// by `name` of the side that has it.
    fn slot<T>(
        &mut self,
        object: O,
        (expected, found): (Option<&T>, Option<&T>),
        name: impl Fn(&T) -> &String,
        def: impl Fn(&T) -> String,
        both: impl FnOnce(&mut Self, Pair<'_, T>),
    ) {
        match (expected, found) {
            (Some(e), Some(f)) => both(self, pair(object, name(e), e, f)),
            (Some(e), None) => self.push(object, name(e), Change::Missing, Some(def(e)), None),
            (None, Some(f)) => self.push(object, name(f), Change::Extra, None, Some(def(f))),
            (None, None) => {}
        }
    }

    /// Reports `change` of the pair when the aspect `of` differs, each side rendered by
    /// `render` (`None` where a side has nothing: no default, no identity).
    fn compare<T, A: PartialEq + ?Sized>(
        &mut self,
        p: &Pair<'_, T>,
        change: Change,
        of: impl Fn(&T) -> &A,
        render: impl Fn(&A) -> Option<String>,
    ) {
        let (e, f) = (of(p.expected), of(p.found));
        if e != f {
            self.push(p.object, p.name, change, render(e), render(f));
        }
    }

    /// [`Differ::compare`] for text shown as it is.
    fn text<T>(&mut self, p: &Pair<'_, T>, change: Change, of: impl Fn(&T) -> &String) {
        self.compare(p, change, of, |v| Some(v.clone()));
    }

    /// The type of the object, or of its `member`: the printed types, or, when they print the
    /// same but are not the same type, the catalog names as well.
    fn ty(&mut self, object: O, name: &str, member: Option<&str>, types: [DeclaredType<'_>; 2]) {
        let [e, f] = types;
        if e == f {
            return;
        }
        let (e, f) = if e.display != f.display {
            (e.display.to_owned(), f.display.to_owned())
        } else {
            (def::type_in_full(&e), def::type_in_full(&f))
        };
        self.push_member(object, name, member, Change::Type, Some(e), Some(f));
    }

    /// Members of a type (labels, attributes) matched by name, and their relative order.
    fn members<T: Keyed, U>(&mut self, p: &Pair<'_, U>, m: &Matched<'_, T>, def: fn(&T) -> String) {
        let (object, name) = (p.object, p.name);
        for (e, _) in m.expected.iter().filter(|(_, f)| f.is_none()) {
            let (k, d) = (Some(e.key()), Some(def(e)));
            self.push_member(object, name, k, Change::Missing, d, None);
        }
        for f in &m.extra {
            let (k, d) = (Some(f.key()), Some(def(f)));
            self.push_member(object, name, k, Change::Extra, None, d);
        }
        self.order(object, name, m);
    }

    /// The relative order of what both sides have, when it differs.
    fn order<T>(&mut self, object: O, name: &str, matched: &Matched<'_, T>) {
        if let Some((e, f)) = &matched.order {
            let (e, f) = (Some(e.clone()), Some(f.clone()));
            self.push(object, name, Change::Order, e, f);
        }
    }
}

fn migration_head(d: &mut Differ, p: Pair<'_, MigrationHead>) {
    if p.expected != p.found {
        let (e, f) = (def::head(p.expected), def::head(p.found));
        d.push(p.object, &p.found.table, Change::Version, Some(e), Some(f));
    }
}

objects! {
    Extension => Extension, |x, _| def::extension(x), extension;
    Schema => Schema, |x, _| def::schema(x), schema;
    EnumType => Enum, |x, _| def::enum_type(x), enum_type;
    Domain => Domain, |x, _| def::domain(x), domain;
    Composite => Composite, |x, _| def::composite(x), composite;
}

fn extension(d: &mut Differ, p: Pair<'_, Extension>) {
    d.text(&p, Change::Version, |x| &x.version);
    d.text(&p, Change::Schema, |x| &x.schema);
}

fn schema(d: &mut Differ, p: Pair<'_, Schema>) {
    let (e, f) = (p.expected, p.found);
    d.by_name(index(&e.enums), index(&f.enums));
    d.by_name(index(&e.domains), index(&f.domains));
    d.by_name(index(&e.composites), index(&f.composites));
    d.by_name(index(&e.sequences), index(&f.sequences));
    d.by_name(index(&e.functions), index(&f.functions));
    d.by_name(index(&e.tables), index(&f.tables));
}

fn enum_type(d: &mut Differ, p: Pair<'_, EnumType>) {
    let matched = Matched::new(&p.expected.labels, &p.found.labels);
    d.members(&p, &matched, |l| ident::quote_literal(l));
}

fn domain(d: &mut Differ, p: Pair<'_, Domain>) {
    d.ty(
        p.object,
        p.name,
        None,
        [p.expected.declared(), p.found.declared()],
    );
    d.compare(
        &p,
        Change::Nullable,
        |x| &x.not_null,
        |n| Some(def::null(!n)),
    );
    d.compare(&p, Change::Default, |x| &x.default, Clone::clone);
    // Its check constraints, reported as members of the domain.
    let (e, f) = (listed(&p.expected.checks), listed(&p.found.checks));
    for check in e.keys().chain(f.keys()).collect::<BTreeSet<_>>() {
        let (e, f) = (e.get(check), f.get(check));
        let change = match (e, f) {
            (Some(_), None) => Change::Missing,
            (None, Some(_)) => Change::Extra,
            (Some(e), Some(f)) if e.definition != f.definition => Change::Definition,
            _ => continue,
        };
        let definition = |c: Option<&&Check>| c.map(|c| c.definition.clone());
        let (e, f) = (definition(e), definition(f));
        d.push_member(p.object, p.name, Some(check), change, e, f);
    }
}

fn composite(d: &mut Differ, p: Pair<'_, Composite>) {
    let matched = Matched::new(&p.expected.attributes, &p.found.attributes);
    d.members(&p, &matched, def::attribute);
    for (e, f) in matched.both() {
        d.ty(
            p.object,
            p.name,
            Some(&e.name),
            [e.declared(), f.declared()],
        );
    }
}

/// What an item of a list is matched by across the two sides.
trait Keyed {
    fn key(&self) -> &str;
}

macro_rules! keyed_by_name {
    ($($ty:ty),+) => {$(
        impl Keyed for $ty {
            fn key(&self) -> &str {
                &self.name
            }
        }
    )+};
}

keyed_by_name!(
    Attribute,
    Check,
    crate::snapshot::Column,
    crate::snapshot::KeyConstraint,
    crate::snapshot::ForeignKey,
    crate::snapshot::Index,
    crate::snapshot::Partition,
    crate::snapshot::Policy,
    crate::snapshot::Trigger
);

/// A label: the text is the name.
impl Keyed for String {
    fn key(&self) -> &str {
        self
    }
}

/// Two ordered lists matched by key.
struct Matched<'t, T> {
    /// Every item of the expected side, in order, with its match on the found side.
    expected: Vec<(&'t T, Option<&'t T>)>,
    /// What only the found side has, in order.
    extra: Vec<&'t T>,
    /// The keys both sides have, in each side's order, when the orders differ.
    order: Option<(String, String)>,
}

impl<'t, T: Keyed> Matched<'t, T> {
    fn new(expected: &'t [T], found: &'t [T]) -> Self {
        let found_by = listed(found);
        let expected_keys: BTreeSet<&str> = expected.iter().map(T::key).collect();
        let in_expected = |k: &str| expected_keys.contains(k);
        let expected: Vec<(&T, Option<&T>)> = expected
            .iter()
            .map(|e| (e, found_by.get(e.key()).copied()))
            .collect();
        let extra: Vec<&T> = found.iter().filter(|f| !in_expected(f.key())).collect();
        let both = expected.iter().filter(|(_, f)| f.is_some());
        let common_e: Vec<&str> = both.map(|(e, _)| e.key()).collect();
        let common_f: Vec<&str> = found
            .iter()
            .map(T::key)
            .filter(|k| in_expected(k))
            .collect();
        let order = (common_e != common_f).then(|| (common_e.join(", "), common_f.join(", ")));
        Matched {
            expected,
            extra,
            order,
        }
    }

    /// The pairs both sides have, in the expected side's order.
    fn both(&self) -> impl Iterator<Item = (&'t T, &'t T)> + '_ {
        self.expected.iter().filter_map(|(e, f)| Some((*e, (*f)?)))
    }
}

fn pair<'p, T>(object: O, name: &'p str, expected: &'p T, found: &'p T) -> Pair<'p, T> {
    Pair {
        object,
        name,
        expected,
        found,
    }
}

/// A map of the snapshot, by name.
fn index<T>(map: &BTreeMap<String, T>) -> BTreeMap<&str, &T> {
    map.iter().map(|(k, v)| (k.as_str(), v)).collect()
}

/// A list of the snapshot, by name.
fn listed<T: Keyed>(items: &[T]) -> BTreeMap<&str, &T> {
    items.iter().map(|i| (i.key(), i)).collect()
}
