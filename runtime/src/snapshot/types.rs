//! Types as the snapshot records them, and what a type name refers to: the lookups every engine
//! makes on a column's type.

use super::{Attribute, Column, Composite, Domain, EnumType, Snapshot};

/// What a type name in a column refers to, after looking it up in the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind<'a> {
    /// A built-in or extension base type.
    Base,
    /// An enum of the snapshot.
    Enum(&'a EnumType),
    /// A domain of the snapshot.
    Domain(&'a Domain),
    /// A standalone composite type of the snapshot.
    Composite(&'a Composite),
}

/// A type as a column, a composite's attribute or a domain declares it: printed, and by catalog
/// name. Domains are not resolved here (see [`Snapshot::domain_base`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeclaredType<'a> {
    /// As PostgreSQL prints it, with modifiers: `character varying(20)`, `text[]`.
    pub display: &'a str,
    /// The schema of `name`: `pg_catalog` for built-in types.
    pub schema: &'a str,
    /// `pg_type.typname` of the type (of the element type, for an array).
    pub name: &'a str,
    /// True for an array of `schema.name`.
    pub array: bool,
}

macro_rules! declared {
    ($($ty:ty),+) => {$(
        impl $ty {
            /// The type as declared, domains not resolved.
            pub fn declared(&self) -> DeclaredType<'_> {
                DeclaredType {
                    display: &self.type_display,
                    schema: &self.type_schema,
                    name: &self.type_name,
                    array: self.array,
                }
            }
        }
    )+};
}

declared!(Column, Attribute, Domain);

/// Where a domain leads: the type under it, and whether a domain on the way is `NOT NULL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainBase<'a> {
    /// The domain named, the first on the way.
    pub domain: &'a Domain,
    /// The type that is not a domain (or an array) at the end of the way, as the last domain
    /// declares it: what a value of the domain is stored and decoded as.
    pub base: DeclaredType<'a>,
    /// True when a domain on the way is `NOT NULL`.
    pub not_null: bool,
}

impl Snapshot {
    /// Looks up what `schema.name` is; types not defined in the snapshot are base types.
    pub fn type_kind(&self, schema: &str, name: &str) -> TypeKind<'_> {
        let Some(s) = self.schemas.get(schema) else {
            return TypeKind::Base;
        };
        if let Some(e) = s.enums.get(name) {
            TypeKind::Enum(e)
        } else if let Some(d) = s.domains.get(name) {
            TypeKind::Domain(d)
        } else if let Some(c) = s.composites.get(name) {
            TypeKind::Composite(c)
        } else {
            TypeKind::Base
        }
    }

    /// Follows the domain `schema.name` through domains over domains down to the type that is
    /// not one (PostgreSQL's `getBaseType`); `None` when `schema.name` is not a domain. The way
    /// stops at an array: an array of a domain is a type of its own.
    pub fn domain_base(&self, schema: &str, name: &str) -> Option<DomainBase<'_>> {
        let TypeKind::Domain(domain) = self.type_kind(schema, name) else {
            return None;
        };
        let mut base = DomainBase {
            domain,
            base: domain.declared(),
            not_null: domain.not_null,
        };
        // Domains over domains are finite; the bound guards a malformed snapshot.
        for _ in 0..16 {
            if base.base.array {
                break;
            }
            let TypeKind::Domain(d) = self.type_kind(base.base.schema, base.base.name) else {
                break;
            };
            base.base = d.declared();
            base.not_null |= d.not_null;
        }
        Some(base)
    }
}
