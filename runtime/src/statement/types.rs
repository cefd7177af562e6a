//! The engine's types: what an expression's value is, as PostgreSQL would type it.

use super::catalog::{CTy, TypeId};

/// A schema-qualified name of the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Qn<'s> {
    pub schema: &'s str,
    pub name: &'s str,
}

impl Qn<'_> {
    /// The name as it reads in a message and in SQL: qualified outside `public`.
    pub fn display(self) -> String {
        crate::ident::qualified(self.schema, self.name)
    }
}

/// A non-array type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Base<'s> {
    /// A type of the embedded catalog: built-in, or of an extension the snapshot has.
    Cat(TypeId),
    Enum(Qn<'s>),
    /// A composite type, or the row type of a relation.
    Composite(Qn<'s>),
    Domain(Qn<'s>),
    /// A type known only by name (an extension the engine does not know): carried through,
    /// never reasoned about.
    Other(Qn<'s>),
}

/// A type: a base type, or an array of one (PostgreSQL's arrays of any dimension share a type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Ty<'s> {
    pub base: Base<'s>,
    pub array: bool,
}

impl<'s> Ty<'s> {
    pub fn cat(id: TypeId) -> Ty<'s> {
        Ty {
            base: Base::Cat(id),
            array: false,
        }
    }

    pub fn elem(self) -> Ty<'s> {
        Ty {
            array: false,
            ..self
        }
    }

    pub fn array_of(self) -> Ty<'s> {
        Ty {
            array: true,
            ..self
        }
    }

    pub fn is_cat(self, id: TypeId) -> bool {
        !self.array && self.base == Base::Cat(id)
    }

    pub fn matches(self, c: CTy) -> bool {
        self.base == Base::Cat(c.id) && self.array == c.array
    }
}

impl From<CTy> for Ty<'_> {
    fn from(c: CTy) -> Self {
        Ty {
            base: Base::Cat(c.id),
            array: c.array,
        }
    }
}

/// An argument as overload resolution sees it: a type, or PostgreSQL's `unknown` (a string
/// literal, `NULL` or a parameter whose type is not fixed yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArgTy<'s> {
    Known(Ty<'s>),
    Unknown,
}

impl<'s> ArgTy<'s> {
    pub fn known(self) -> Option<Ty<'s>> {
        match self {
            ArgTy::Known(t) => Some(t),
            ArgTy::Unknown => None,
        }
    }
}
