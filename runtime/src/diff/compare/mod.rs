//! Walks two snapshots side by side and records what differs. Objects are matched by name
//! ([`Differ::by_name`]), members of ordered lists (labels, attributes, columns) by name and
//! relative order ([`Matched`]), and each aspect of a matched object compared by its rendering
//! ([`Aspects`]).

mod table;

use std::collections::{BTreeMap, BTreeSet};

use super::def;
use super::report::{Change, Difference, ObjectKind};
use crate::ident;
use crate::snapshot::{
    Attribute, Check, Composite, DeclaredType, Domain, EnumType, Extension, Schema, Snapshot,
};

/// Every difference between `expected` and `found`, in the report's order.
pub(super) fn snapshots(expected: &Snapshot, found: &Snapshot) -> Vec<Difference> {
    let mut d = Differ::default();
    d.by_name(
        ObjectKind::Extension,
        &index(&expected.extensions),
        &index(&found.extensions),
        def::extension,
        Differ::extension,
    );
    d.slot(
        ObjectKind::MigrationHead,
        expected.migration_head.as_ref(),
        found.migration_head.as_ref(),
        |h| &h.table,
        def::head,
        |d, _, e, f| {
            if e != f {
                d.push(
                    ObjectKind::MigrationHead,
                    &f.table,
                    Change::Version,
                    Some(def::head(e)),
                    Some(def::head(f)),
                );
            }
        },
    );
    d.by_name(
        ObjectKind::Schema,
        &index(&expected.schemas),
        &index(&found.schemas),
        def::schema,
        Differ::schema_contents,
    );
    d.differences
}

/// Where the differences recorded next belong: the schema and table being compared.
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

    /// The aspects of the object `name` of kind `object`, compared one by one.
    fn aspects<'d>(&'d mut self, object: ObjectKind, name: &'d str) -> Aspects<'d> {
        Aspects {
            differ: self,
            object,
            name,
        }
    }

    /// Objects matched by name: `Missing`/`Extra` for one-sided names, `both` for the rest. A
    /// schema, and a table, is the scope of what is found inside it.
    fn by_name<T>(
        &mut self,
        object: ObjectKind,
        expected: &BTreeMap<&str, &T>,
        found: &BTreeMap<&str, &T>,
        def: impl Fn(&T) -> String,
        mut both: impl FnMut(&mut Self, &str, &T, &T),
    ) {
        for name in expected.keys().chain(found.keys()).collect::<BTreeSet<_>>() {
            match object {
                ObjectKind::Schema => {
                    self.schema = Some((*name).to_owned());
                    self.table = None;
                }
                ObjectKind::Table => self.table = Some((*name).to_owned()),
                _ => {}
            }
            match (expected.get(name), found.get(name)) {
                (Some(e), Some(f)) => both(self, name, e, f),
                (Some(e), None) => self.push(object, name, Change::Missing, Some(def(e)), None),
                (None, Some(f)) => self.push(object, name, Change::Extra, None, Some(def(f))),
                (None, None) => {}
            }
        }
        if object == ObjectKind::Table {
            self.table = None;
        }
    }

    /// An object of which each side has at most one (a primary key, the migration head), named
    /// by `name` of the side that has it.
    fn slot<T>(
        &mut self,
        object: ObjectKind,
        expected: Option<&T>,
        found: Option<&T>,
        name: impl Fn(&T) -> &String,
        def: impl Fn(&T) -> String,
        both: impl FnOnce(&mut Self, &str, &T, &T),
    ) {
        match (expected, found) {
            (Some(e), Some(f)) => both(self, name(e), e, f),
            (Some(e), None) => self.push(object, name(e), Change::Missing, Some(def(e)), None),
            (None, Some(f)) => self.push(object, name(f), Change::Extra, None, Some(def(f))),
            (None, None) => {}
        }
    }

    /// Members of a type (labels, attributes) matched by name, and their relative order.
    fn members<'t, T>(
        &mut self,
        object: ObjectKind,
        name: &str,
        matched: &Matched<'t, T>,
        key: impl Fn(&T) -> &str,
        def: impl Fn(&T) -> String,
    ) {
        for (e, _) in matched.expected.iter().filter(|(_, f)| f.is_none()) {
            let (k, d) = (Some(key(e)), Some(def(e)));
            self.push_member(object, name, k, Change::Missing, d, None);
        }
        for f in &matched.extra {
            let (k, d) = (Some(key(f)), Some(def(f)));
            self.push_member(object, name, k, Change::Extra, None, d);
        }
        self.order(object, name, matched);
    }

    /// The relative order of what both sides have, when it differs.
    fn order<T>(&mut self, object: ObjectKind, name: &str, matched: &Matched<'_, T>) {
        if let Some((e, f)) = &matched.order {
            self.push(
                object,
                name,
                Change::Order,
                Some(e.clone()),
                Some(f.clone()),
            );
        }
    }

    fn extension(&mut self, name: &str, expected: &Extension, found: &Extension) {
        let mut a = self.aspects(ObjectKind::Extension, name);
        a.text(Change::Version, &expected.version, &found.version);
        a.text(Change::Schema, &expected.schema, &found.schema);
    }

    fn schema_contents(&mut self, _: &str, expected: &Schema, found: &Schema) {
        self.by_name(
            ObjectKind::Enum,
            &index(&expected.enums),
            &index(&found.enums),
            def::enum_type,
            Differ::enum_type,
        );
        self.by_name(
            ObjectKind::Domain,
            &index(&expected.domains),
            &index(&found.domains),
            def::domain,
            Differ::domain,
        );
        self.by_name(
            ObjectKind::Composite,
            &index(&expected.composites),
            &index(&found.composites),
            def::composite,
            Differ::composite,
        );
        self.by_name(
            ObjectKind::Table,
            &index(&expected.tables),
            &index(&found.tables),
            def::table,
            Differ::table_contents,
        );
    }

    fn enum_type(&mut self, name: &str, expected: &EnumType, found: &EnumType) {
        let matched = Matched::new(&expected.labels, &found.labels, |l| l.as_str());
        let label = |l: &String| ident::quote_literal(l);
        self.members(ObjectKind::Enum, name, &matched, |l| l.as_str(), label);
    }

    fn domain(&mut self, name: &str, expected: &Domain, found: &Domain) {
        let mut a = self.aspects(ObjectKind::Domain, name);
        a.ty(None, expected.declared(), found.declared());
        a.compare(Change::Nullable, &expected.not_null, &found.not_null, |n| {
            Some(def::null(!n))
        });
        a.compare(
            Change::Default,
            &expected.default,
            &found.default,
            Clone::clone,
        );
        let (e, f) = (&expected.checks, &found.checks);
        self.named_checks(name, &by_name(e, |c| &c.name), &by_name(f, |c| &c.name));
    }

    /// A domain's check constraints, reported as members of the domain.
    fn named_checks(
        &mut self,
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
            let definition = |c: Option<&&Check>| c.map(|c| c.definition.clone());
            let (e, f) = (definition(e), definition(f));
            self.push_member(ObjectKind::Domain, name, Some(check), change, e, f);
        }
    }

    fn composite(&mut self, name: &str, expected: &Composite, found: &Composite) {
        let key = attribute_name;
        let matched = Matched::new(&expected.attributes, &found.attributes, key);
        self.members(ObjectKind::Composite, name, &matched, key, def::attribute);
        for (e, f) in matched.both() {
            let mut a = self.aspects(ObjectKind::Composite, name);
            a.ty(Some(&e.name), e.declared(), f.declared());
        }
    }
}

/// The aspects of one matched object, each reported when its renderings differ.
struct Aspects<'d> {
    differ: &'d mut Differ,
    object: ObjectKind,
    name: &'d str,
}

impl Aspects<'_> {
    /// Reports `change` when the two values differ, each rendered by `render` (`None` where a
    /// side has nothing: no default, no identity).
    fn compare<T: PartialEq>(
        &mut self,
        change: Change,
        expected: &T,
        found: &T,
        render: impl Fn(&T) -> Option<String>,
    ) {
        if expected != found {
            let (e, f) = (render(expected), render(found));
            self.differ.push(self.object, self.name, change, e, f);
        }
    }

    /// [`Aspects::compare`] for text shown as it is.
    fn text(&mut self, change: Change, expected: &String, found: &String) {
        self.compare(change, expected, found, |v| Some(v.clone()));
    }

    /// The type of the object, or of its `member`: the printed types, or, when they print the
    /// same but are not the same type, the catalog names as well.
    fn ty(&mut self, member: Option<&str>, expected: DeclaredType<'_>, found: DeclaredType<'_>) {
        if expected == found {
            return;
        }
        let (e, f) = if expected.display != found.display {
            (expected.display.to_owned(), found.display.to_owned())
        } else {
            (def::type_in_full(&expected), def::type_in_full(&found))
        };
        let (object, name) = (self.object, self.name);
        self.differ
            .push_member(object, name, member, Change::Type, Some(e), Some(f));
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

impl<'t, T> Matched<'t, T> {
    fn new(expected: &'t [T], found: &'t [T], key: impl Fn(&T) -> &str) -> Self {
        let found_by: BTreeMap<&str, &T> = found.iter().map(|f| (key(f), f)).collect();
        let expected_keys: BTreeSet<&str> = expected.iter().map(&key).collect();
        let in_expected = |k: &str| expected_keys.contains(k);
        let expected: Vec<(&T, Option<&T>)> = expected
            .iter()
            .map(|e| (e, found_by.get(key(e)).copied()))
            .collect();
        let extra: Vec<&T> = found.iter().filter(|f| !in_expected(key(f))).collect();
        let common_e: Vec<&str> = expected
            .iter()
            .filter(|(_, f)| f.is_some())
            .map(|(e, _)| key(e))
            .collect();
        let common_f: Vec<&str> = found.iter().map(&key).filter(|k| in_expected(k)).collect();
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

fn attribute_name(a: &Attribute) -> &str {
    &a.name
}

fn index<T>(map: &BTreeMap<String, T>) -> BTreeMap<&str, &T> {
    map.iter().map(|(k, v)| (k.as_str(), v)).collect()
}

fn by_name<T>(items: &[T], name: impl Fn(&T) -> &String) -> BTreeMap<&str, &T> {
    items.iter().map(|i| (name(i).as_str(), i)).collect()
}
