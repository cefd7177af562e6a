//! The snapshot as the engine reads it: relations through the search path, types by name, the
//! sequences that column defaults reveal, and the extensions whose catalog sections apply.
//! Built once per [`super::Checker`], so a statement's analysis does not walk the snapshot again.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::snapshot::{RelationKind, Snapshot, Table, TypeKind};

use super::analysis::SqlType;
use super::catalog::{CatRelation, Catalog, SectionId, catalog};
use super::types::{Base, Qn, Ty};
use crate::types::ColumnType;

pub(crate) const PG_CATALOG: &str = "pg_catalog";

/// What a relation name resolves to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RelRef<'s> {
    Table(Qn<'s>, &'s Table),
    /// Known from a column default (`nextval('x_seq'::regclass)`) or an identity column.
    Sequence(Qn<'s>),
    /// A relation of `pg_catalog` or `information_schema`.
    System(Qn<'static>, &'static CatRelation),
}

impl<'s> RelRef<'s> {
    pub fn qn(self) -> Qn<'s> {
        match self {
            RelRef::Table(q, _) | RelRef::Sequence(q) => q,
            RelRef::System(q, _) => q,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Env<'s> {
    pub snap: &'s Snapshot,
    pub cat: &'static Catalog,
    /// Schemas searched for unqualified names, after the implicit `pg_catalog`.
    pub search_path: Vec<String>,
    /// Sections of the catalog that apply, with the schema each extension lives in.
    sections: Vec<(SectionId, &'s str)>,
    /// Extensions of the snapshot the catalog does not know: their types and functions may be
    /// anywhere, so an unknown type name is not judged while one exists.
    pub unknown_extensions: Vec<&'s str>,
    /// Built on first use: most statements name no sequence, and building it reads every
    /// column of the snapshot.
    sequences: OnceLock<BTreeSet<(String, String)>>,
}

impl<'s> Env<'s> {
    pub fn new(snap: &'s Snapshot, search_path: &[String]) -> Env<'s> {
        let cat = catalog();
        let mut sections = vec![(0, PG_CATALOG)];
        let mut unknown_extensions = Vec::new();
        for (name, ext) in &snap.extensions {
            match cat.section_named(name) {
                Some(id) => sections.push((id, ext.schema.as_str())),
                // plpgsql defines no types, functions or operators a query calls.
                None if name == "plpgsql" => {}
                None => unknown_extensions.push(name.as_str()),
            }
        }
        Env {
            snap,
            cat,
            search_path: search_path.to_vec(),
            sections,
            unknown_extensions,
            sequences: OnceLock::new(),
        }
    }

    /// The sequences that column defaults and identity columns reveal.
    fn sequences(&self) -> &BTreeSet<(String, String)> {
        self.sequences.get_or_init(|| {
            let mut sequences = BTreeSet::new();
            for (schema_name, schema) in &self.snap.schemas {
                for (table_name, table) in &schema.tables {
                    for col in &table.columns {
                        if let Some(seq) = col.default.as_deref().and_then(nextval_target) {
                            let (s, n) = match seq.split_once('.') {
                                Some((s, n)) => (s.to_owned(), n.to_owned()),
                                None => (schema_name.clone(), seq),
                            };
                            sequences.insert((s, n));
                        }
                        if col.identity.is_some() {
                            let name = format!("{table_name}_{}_seq", col.name);
                            sequences.insert((schema_name.clone(), name));
                        }
                    }
                }
            }
            sequences
        })
    }

    /// `pg_catalog`, then the search path: where unqualified names are looked up.
    pub fn path(&self) -> impl Iterator<Item = &str> {
        std::iter::once(PG_CATALOG).chain(
            self.search_path
                .iter()
                .map(String::as_str)
                .filter(|s| *s != PG_CATALOG),
        )
    }

    pub fn section_active(&self, id: SectionId) -> bool {
        self.sections.iter().any(|(s, _)| *s == id)
    }

    pub fn section_schema(&self, id: SectionId) -> Option<&'s str> {
        self.sections
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, schema)| *schema)
    }

    /// A relation by schema and name.
    pub fn relation_in(&'s self, schema: &str, name: &str) -> Option<RelRef<'s>> {
        if let Some((s, sch)) = self.snap.schemas.get_key_value(schema) {
            if let Some((n, t)) = sch.tables.get_key_value(name) {
                return Some(RelRef::Table(qn(s, n), t));
            }
        }
        let system = ["pg_catalog", "information_schema"];
        // The system schemas come first in the search path and hold no sequence of ours: looking
        // there would build the sequence index for every unqualified name.
        if !system.contains(&schema) {
            if let Some((s, n)) = self.sequences().get(&(schema.to_owned(), name.to_owned())) {
                return Some(RelRef::Sequence(qn(s, n)));
            }
        }
        if let Some(&s) = system.iter().find(|s| **s == schema) {
            if let Some((k, r)) = self.cat.relation_entry(s, name) {
                return Some(RelRef::System(
                    Qn {
                        schema: k.0,
                        name: k.1,
                    },
                    r,
                ));
            }
        }
        None
    }

    /// An unqualified relation name through the search path.
    pub fn relation(&'s self, name: &str) -> Option<RelRef<'s>> {
        self.path().find_map(|s| self.relation_in(s, name))
    }

    /// The other schemas holding a relation of that name (for "it is in schema `x`").
    pub fn schemas_with_relation(&self, name: &str) -> Vec<&'s str> {
        self.snap
            .schemas
            .iter()
            .filter(|(_, s)| s.tables.contains_key(name))
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// Relation names visible through the search path, for suggestions.
    pub fn visible_relation_names(&self) -> Vec<&'s str> {
        let mut out = Vec::new();
        for s in &self.search_path {
            if let Some(schema) = self.snap.schemas.get(s) {
                out.extend(schema.tables.keys().map(String::as_str));
            }
        }
        out
    }

    /// The relation names of one schema, for suggestions.
    pub fn relation_names_in(&self, schema: &str) -> Vec<&'s str> {
        self.snap
            .schemas
            .get(schema)
            .map(|s| s.tables.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    pub fn has_schema(&self, schema: &str) -> bool {
        self.snap.schemas.contains_key(schema)
            || matches!(schema, "pg_catalog" | "information_schema")
    }

    /// The type a column (or attribute, or domain) declares: `schema.name`, maybe an array.
    pub fn declared_type(&self, schema: &'s str, name: &'s str, array: bool) -> Ty<'s> {
        Ty {
            base: self.base_named(schema, name),
            array,
        }
    }

    fn base_named(&self, schema: &'s str, name: &'s str) -> Base<'s> {
        if schema == PG_CATALOG {
            if let Some(id) = self.cat.type_named(0, name) {
                return Base::Cat(id);
            }
        }
        match self.snap.type_kind(schema, name) {
            TypeKind::Enum(_) => return Base::Enum(qn(schema, name)),
            TypeKind::Domain(_) => return Base::Domain(qn(schema, name)),
            TypeKind::Composite(_) => return Base::Composite(qn(schema, name)),
            TypeKind::Base => {}
        }
        if self.snap.table(schema, name).is_some() {
            return Base::Composite(qn(schema, name));
        }
        for &(section, ext_schema) in &self.sections[1..] {
            if ext_schema == schema {
                if let Some(id) = self
                    .cat
                    .types_named(name)
                    .iter()
                    .copied()
                    .find(|&id| self.cat.ty(id).section == section)
                {
                    return Base::Cat(id);
                }
            }
        }
        Base::Other(qn(schema, name))
    }

    pub fn enum_labels(&self, q: Qn<'s>) -> Option<&'s [String]> {
        Some(&self.snap.schemas.get(q.schema)?.enums.get(q.name)?.labels)
    }

    /// The type with domains removed (PostgreSQL's `getBaseType`). An array of a domain stays.
    pub fn base_type(&self, ty: Ty<'s>) -> Ty<'s> {
        match ty.base {
            Base::Domain(q) if !ty.array => match self.snap.domain_base(q.schema, q.name) {
                Some(b) => self.declared_type(b.base.schema, b.base.name, b.base.array),
                None => ty,
            },
            _ => ty,
        }
    }

    /// `pg_type.typcategory`.
    pub fn category(&self, ty: Ty<'s>) -> u8 {
        if ty.array {
            return b'A';
        }
        match ty.base {
            Base::Cat(id) => self.cat.ty(id).category,
            Base::Enum(_) => b'E',
            Base::Composite(_) => b'C',
            Base::Domain(_) => {
                let b = self.base_type(ty);
                if b == ty { b'U' } else { self.category(b) }
            }
            Base::Other(_) => b'U',
        }
    }

    pub fn preferred(&self, ty: Ty<'s>) -> bool {
        match ty.base {
            Base::Cat(id) if !ty.array => self.cat.ty(id).preferred,
            _ => false,
        }
    }

    pub fn is_enum(&self, ty: Ty<'s>) -> bool {
        !ty.array && matches!(self.base_type(ty).base, Base::Enum(_)) && !self.base_type(ty).array
    }

    /// The schema and `typname` a type is known by, and whether it is an enum.
    fn ident(&self, base: Base<'s>) -> (&'s str, &'s str, bool) {
        match base {
            Base::Cat(id) => {
                let t = self.cat.ty(id);
                let schema = self.section_schema(t.section).unwrap_or(PG_CATALOG);
                (schema, t.name, false)
            }
            Base::Enum(q) => (q.schema, q.name, true),
            Base::Composite(q) | Base::Domain(q) | Base::Other(q) => (q.schema, q.name, false),
        }
    }

    /// How a type reads in a message: `integer`, `character varying[]`, `canonlayer`,
    /// `audit.level` (qualified outside `public`).
    pub fn display(&self, ty: Ty<'s>) -> String {
        let mut s = match ty.base {
            Base::Cat(id) => self.cat.ty(id).display.clone(),
            Base::Enum(q) | Base::Composite(q) | Base::Domain(q) | Base::Other(q) => q.display(),
        };
        if ty.array {
            s.push_str("[]");
        }
        s
    }

    /// The public form of a type.
    pub fn sql_type(&self, ty: Ty<'s>) -> SqlType {
        let decoded = self.base_type(ty);
        let domain = match ty.base {
            Base::Domain(q) if decoded != ty => Some((q.schema.to_owned(), q.name.to_owned())),
            _ => None,
        };
        let (schema, name, is_enum) = self.ident(decoded.base);
        SqlType {
            decoded: ColumnType {
                schema: schema.to_owned(),
                name: name.to_owned(),
                array: decoded.array,
                is_enum,
            },
            display: self.display(ty),
            domain,
        }
    }
}

fn qn<'s>(schema: &'s str, name: &'s str) -> Qn<'s> {
    Qn { schema, name }
}

/// The sequence a `nextval('...'::regclass)` default reads, as written (maybe qualified).
fn nextval_target(default: &str) -> Option<String> {
    let rest = default.trim().strip_prefix("nextval('")?;
    let end = rest.find("'::regclass)")?;
    let raw = &rest[..end].replace("''", "'");
    // Unquote each part: `"Odd"."Name_seq"` or `public.items_id_seq`.
    let parts: Vec<String> = split_qualified(raw);
    Some(parts.join("."))
}

fn split_qualified(raw: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut cur)),
            c if quoted => cur.push(c),
            c => cur.extend(c.to_lowercase()),
        }
    }
    parts.push(cur);
    parts
}

impl RelationKind {
    /// True for kinds whose rows a statement may write.
    pub(crate) fn writable(self) -> bool {
        !matches!(self, RelationKind::MaterializedView)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nextval_defaults_name_their_sequence() {
        assert_eq!(
            nextval_target("nextval('crates_id_seq'::regclass)").as_deref(),
            Some("crates_id_seq")
        );
        assert_eq!(
            nextval_target(r#"nextval('"Odd"."Id_seq"'::regclass)"#).as_deref(),
            Some("Odd.Id_seq")
        );
        assert_eq!(nextval_target("now()"), None);
    }
}
