//! Which PostgreSQL column types a Rust type can be decoded from: the one type rule, shared by
//! the derives (evaluated by the compiler), startup verification and, through
//! [`ColumnType`], the statement engine.
//!
//! A Rust type says what it accepts through [`PgCompatible`] ([`Accepts`], [`PgTypeRef`]); a
//! column is described by its [`ColumnFacts`] (its type with domains resolved, as a driver
//! decodes it, and its [`Nullability`]); [`rule`] decides whether the one can read the other and
//! words the message when it cannot. The rule is `const fn` throughout, because the derive cannot
//! see trait impls: it emits one `const` per field and the compiler evaluates the rule there.

pub mod builtin;
mod facts;
pub mod known;
pub(crate) mod mappings;
pub mod rule;
#[cfg(test)]
mod tests;

pub use facts::{ColumnFacts, ColumnType, Nullability};

/// A PostgreSQL type a Rust type accepts, named by `pg_type.typname`, with the name PostgreSQL
/// prints for it. The built-in ones are in [`builtin`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PgTypeRef {
    /// `Some("pg_catalog")` for built-in types; `None` for extension types, which live in
    /// whichever schema the extension was installed into (any schema matches).
    pub schema: Option<&'static str>,
    /// `pg_type.typname`: `int4`, `varchar`, `vector`.
    pub name: &'static str,
    /// How PostgreSQL prints the type, for messages: `integer`, `character varying`.
    pub display: &'static str,
}

impl PgTypeRef {
    /// A type of `pg_catalog`.
    pub const fn builtin(name: &'static str, display: &'static str) -> Self {
        PgTypeRef {
            schema: Some("pg_catalog"),
            name,
            display,
        }
    }

    /// A type an extension defines (`vector`, `citext`), in whatever schema it is installed in.
    pub const fn extension(name: &'static str) -> Self {
        PgTypeRef {
            schema: None,
            name,
            display: name,
        }
    }
}

/// What a Rust type accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// Any one of these (non-array) types.
    Types(&'static [PgTypeRef]),
    /// An array whose elements the inner mapping accepts. `Array(&Byte)` is `bytea`.
    Array(&'static Accepts),
    /// `u8`: only meaningful as the element of `Vec<u8>` and friends.
    Byte,
    /// A PostgreSQL enum, as `#[derive(PgEnum)]` declares it.
    Enum {
        /// The enum type's schema.
        schema: &'static str,
        /// The enum type's name.
        name: &'static str,
    },
}

/// Rust types that can hold values of some PostgreSQL column types.
///
/// schemalock implements it for std types and, behind features, for `chrono`, `time`, `uuid`,
/// `rust_decimal`, `bigdecimal`, `serde_json`, `pgvector`, `ipnetwork` and `bit-vec`;
/// `#[derive(PgEnum)]` implements it for enums. A newtype forwards to the type it wraps (set
/// [`NULLABLE`](PgCompatible::NULLABLE) only for a type that can hold SQL NULL, as `Option` does):
///
/// ```
/// struct UserId(i64);
/// impl schemalock_runtime::PgCompatible for UserId {
///     const ACCEPTS: schemalock_runtime::Accepts = <i64 as schemalock_runtime::PgCompatible>::ACCEPTS;
/// }
/// ```
///
/// A type decoded from a type schemalock has no mapping for names it:
///
/// ```
/// use schemalock_runtime::{Accepts, PgCompatible, PgTypeRef};
/// struct Path(String);
/// impl PgCompatible for Path {
///     const ACCEPTS: Accepts = Accepts::Types(&[PgTypeRef::extension("ltree")]);
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no PostgreSQL mapping known to schemalock",
    label = "schemalock cannot check this field's type",
    note = "name the column's type on the field: `#[schemalock(pg_type = \"...\")]` (`pg_type = \"ltree\"`, `pg_type = \"text[]\"`); the build then checks the column is of that type",
    note = "or map the type, if it is your crate's: `impl schemalock::PgCompatible for {Self} {{ const ACCEPTS: schemalock::Accepts = <i64 as schemalock::PgCompatible>::ACCEPTS; }}` for a newtype over `i64`; a type of another crate cannot get that impl in yours (the orphan rule): wrap it in a newtype, or enable the schemalock feature for its crate (`chrono`, `time`, `uuid`, `serde_json`, ...)",
    note = "for a PostgreSQL enum, derive `schemalock::PgEnum` on a Rust enum"
)]
pub trait PgCompatible {
    /// The column types this Rust type decodes from.
    const ACCEPTS: Accepts;
    /// True when the type can hold SQL NULL (`Option<T>`).
    const NULLABLE: bool = false;
    /// Both of the above, so generated code can name the type once.
    #[doc(hidden)]
    const MAPPING: Mapping = Mapping {
        accepts: Self::ACCEPTS,
        nullable: Self::NULLABLE,
    };
}

/// A type's [`PgCompatible`] constants together: what the type rule takes for a Rust type.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Mapping {
    /// [`PgCompatible::ACCEPTS`].
    pub accepts: Accepts,
    /// [`PgCompatible::NULLABLE`].
    pub nullable: bool,
}
