//! Which PostgreSQL column types a Rust type can be decoded from.
//!
//! The derive cannot see trait impls, so it emits one `const` per field that calls
//! [`require`]; the compiler evaluates it, and a mismatch becomes a compile error spanned on the
//! field. Startup verification runs the same checks at run time. Everything here is
//! `const fn` for that reason, including the message builder.

/// A PostgreSQL type named by `pg_type.typname`, with the name PostgreSQL prints for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PgTypeRef {
    /// `Some("pg_catalog")` for built-in types; `None` for extension types, which live in
    /// whichever schema the extension was installed into.
    pub schema: Option<&'static str>,
    pub name: &'static str,
    pub display: &'static str,
}

impl PgTypeRef {
    pub const fn builtin(name: &'static str, display: &'static str) -> Self {
        PgTypeRef {
            schema: Some("pg_catalog"),
            name,
            display,
        }
    }

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
        schema: &'static str,
        name: &'static str,
    },
}

/// Rust types that can hold values of some PostgreSQL column types.
///
/// schemalock implements it for std types and, behind features, for `chrono`, `time`, `uuid`,
/// `rust_decimal`, `bigdecimal`, `serde_json`, `pgvector`, `ipnetwork` and `bit-vec`;
/// `#[derive(PgEnum)]` implements it for enums. Implement it for a newtype by forwarding to the
/// wrapped type:
///
/// ```
/// struct UserId(i64);
/// impl schemalock_runtime::PgCompatible for UserId {
///     const ACCEPTS: schemalock_runtime::Accepts = <i64 as schemalock_runtime::PgCompatible>::ACCEPTS;
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no PostgreSQL mapping known to schemalock",
    label = "schemalock cannot check this field's type",
    note = "derive `schemalock::PgEnum` on an enum, enable the schemalock feature of the crate that defines the type (`chrono`, `uuid`, `serde_json`, ...), implement `schemalock::PgCompatible` for it, or name the column type with `#[schemalock(pg_type = \"...\")]`"
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

/// A type's [`PgCompatible`] constants together.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Mapping {
    pub accepts: Accepts,
    pub nullable: bool,
}

/// A column's type, resolved through domains to the type the driver decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnType<'a> {
    pub schema: &'a str,
    pub name: &'a str,
    pub array: bool,
    pub is_enum: bool,
}

/// What the check knows about one column, as the derive emits it or the runtime builds it.
#[derive(Debug, Clone, Copy)]
pub struct ColumnFacts<'a> {
    /// `table.column`, schema-qualified when the schema is not `public`.
    pub qualified: &'a str,
    /// How the column's type reads in a message: `` `character varying(20)` ``,
    /// `` enum `entitytype` ``, `` `year` (a domain over `integer`) ``.
    pub display: &'a str,
    pub ty: ColumnType<'a>,
    pub nullable: bool,
    /// False for view columns, whose nullability PostgreSQL does not know.
    pub check_nullability: bool,
}

/// The outcome of [`check_field`]: empty when the field fits, else the message.
#[derive(Clone, Copy)]
pub struct Verdict {
    buf: [u8; Verdict::CAP],
    len: usize,
}

impl core::fmt::Debug for Verdict {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Verdict").field(&self.as_str()).finish()
    }
}

impl Verdict {
    const CAP: usize = 1024;
    const ELLIPSIS: &'static str = "...";

    pub const fn ok() -> Self {
        Verdict {
            buf: [0; Verdict::CAP],
            len: 0,
        }
    }

    pub const fn is_ok(&self) -> bool {
        self.len == 0
    }

    pub const fn failed(&self) -> bool {
        self.len != 0
    }

    pub const fn as_str(&self) -> &str {
        let (head, _) = self.buf.split_at(self.len);
        match core::str::from_utf8(head) {
            Ok(s) => s,
            // `push` only cuts at char boundaries, so this is unreachable.
            Err(_) => "schemalock: malformed message",
        }
    }

    pub(crate) const fn push(mut self, s: &str) -> Self {
        let bytes = s.as_bytes();
        let room = Verdict::CAP - Verdict::ELLIPSIS.len();
        if self.len + bytes.len() <= room {
            let mut i = 0;
            while i < bytes.len() {
                self.buf[self.len] = bytes[i];
                self.len += 1;
                i += 1;
            }
            return self;
        }
        // Too long: cut at a char boundary and mark the cut, once.
        if self.len >= room {
            return self;
        }
        let mut take = room - self.len;
        while take > 0 && !is_char_boundary(bytes, take) {
            take -= 1;
        }
        let mut i = 0;
        while i < take {
            self.buf[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        let e = Verdict::ELLIPSIS.as_bytes();
        let mut j = 0;
        while j < e.len() {
            self.buf[self.len] = e[j];
            self.len += 1;
            j += 1;
        }
        self
    }

    pub(crate) const fn push_accepts(self, a: &Accepts) -> Self {
        match a {
            Accepts::Types(types) => {
                let mut v = self;
                let mut i = 0;
                while i < types.len() {
                    if i > 0 {
                        v = v.push(if i + 1 == types.len() { " or " } else { ", " });
                    }
                    v = v.push("`").push(types[i].display).push("`");
                    i += 1;
                }
                v
            }
            Accepts::Array(Accepts::Byte) => self.push("`bytea`"),
            Accepts::Array(inner) => self.push("an array of ").push_accepts(inner),
            Accepts::Byte => self.push("no column type (a lone `u8` is not a PostgreSQL type)"),
            Accepts::Enum { schema, name } => {
                let v = self.push("enum `");
                let v = if str_eq(schema, "public") {
                    v
                } else {
                    v.push(schema).push(".")
                };
                v.push(name).push("`")
            }
        }
    }
}

const fn is_char_boundary(bytes: &[u8], i: usize) -> bool {
    i >= bytes.len() || (bytes[i] as i8) >= -0x40
}

/// Byte equality of two strings, usable in `const` evaluation.
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// True when a value of column type `col` decodes into a Rust type with mapping `a`.
pub const fn accepts(a: &Accepts, col: &ColumnType<'_>) -> bool {
    match a {
        Accepts::Types(types) => {
            if col.array || col.is_enum {
                return false;
            }
            let mut i = 0;
            while i < types.len() {
                let t = &types[i];
                let schema_ok = match t.schema {
                    Some(s) => str_eq(s, col.schema),
                    None => true,
                };
                if schema_ok && str_eq(t.name, col.name) {
                    return true;
                }
                i += 1;
            }
            false
        }
        Accepts::Array(Accepts::Byte) => {
            !col.array && str_eq(col.schema, "pg_catalog") && str_eq(col.name, "bytea")
        }
        Accepts::Array(inner) => {
            col.array
                && accepts(
                    inner,
                    &ColumnType {
                        array: false,
                        ..*col
                    },
                )
        }
        Accepts::Byte => false,
        Accepts::Enum { schema, name } => {
            !col.array && col.is_enum && str_eq(schema, col.schema) && str_eq(name, col.name)
        }
    }
}

/// Checks that a field of Rust type `rust` (as written in the source) with mapping `a` and
/// nullability `nullable` can hold the column described by `facts`.
pub const fn check(a: &Accepts, nullable: bool, facts: &ColumnFacts<'_>, rust: &str) -> Verdict {
    let ty = check_type(a, facts, rust);
    let null = check_nullability(nullable, facts, rust);
    match (ty.failed(), null.failed()) {
        (true, true) => ty.push("; also, ").push(null.as_str()),
        (true, false) => ty,
        (false, _) => null,
    }
}

/// The type half of [`check`]: can `a` decode the column's type?
pub const fn check_type(a: &Accepts, facts: &ColumnFacts<'_>, rust: &str) -> Verdict {
    if accepts(a, &facts.ty) {
        return Verdict::ok();
    }
    let v = Verdict::ok()
        .push("column `")
        .push(facts.qualified)
        .push("` is ")
        .push(facts.display)
        .push("; `")
        .push(rust)
        .push("` maps to ")
        .push_accepts(a);
    match a {
        _ if facts.ty.is_enum && !matches!(a, Accepts::Enum { .. }) => v
            .push("; map it to a Rust enum with `#[derive(PgEnum)]` and `type_name = \"")
            .push(facts.ty.name)
            .push("\"`"),
        Accepts::Enum { .. } if !facts.ty.is_enum && !facts.ty.array => v
            .push("; migrate the column to ")
            .push_accepts(a)
            .push(", or read it into a type that maps to its current type"),
        _ => v.push("; change the field's type, or migrate the column"),
    }
}

/// The nullability half of [`check`]: can a field that holds NULL only if `nullable` read the
/// column?
pub const fn check_nullability(nullable: bool, facts: &ColumnFacts<'_>, rust: &str) -> Verdict {
    if !(facts.check_nullability && facts.nullable && !nullable) {
        return Verdict::ok();
    }
    Verdict::ok()
        .push("column `")
        .push(facts.qualified)
        .push("` is nullable, but `")
        .push(rust)
        .push("` cannot hold NULL (a NULL row would fail to decode); use `Option<")
        .push(rust)
        .push(">` or make the column NOT NULL")
}

/// The PostgreSQL types a mapping accepts, as a phrase for messages.
pub fn describe(a: &Accepts) -> String {
    Verdict::ok().push_accepts(a).as_str().to_owned()
}

/// [`check`] for a field as the derive recorded it in its `TableMeta`; this is what the
/// generated per-field `const` calls, so the field's type is named once in generated code and a
/// type without a mapping gets one error, not two.
pub const fn check_column(meta: &crate::meta::ColumnMeta, facts: &ColumnFacts<'_>) -> Verdict {
    match meta.accepts {
        Some(a) => check(a, meta.nullable, facts, meta.rust_type),
        None => Verdict::ok(),
    }
}

/// Flags of [`facts`], packed so generated code stays short.
pub const FACT_ARRAY: u8 = 1;
pub const FACT_ENUM: u8 = 2;
pub const FACT_NULLABLE: u8 = 4;
pub const FACT_CHECK_NULLABILITY: u8 = 8;

/// Builds [`ColumnFacts`] from the derive's compact form.
pub const fn facts(
    qualified: &'static str,
    display: &'static str,
    schema: &'static str,
    name: &'static str,
    flags: u8,
) -> ColumnFacts<'static> {
    ColumnFacts {
        qualified,
        display,
        ty: ColumnType {
            schema,
            name,
            array: flags & FACT_ARRAY != 0,
            is_enum: flags & FACT_ENUM != 0,
        },
        nullable: flags & FACT_NULLABLE != 0,
        check_nullability: flags & FACT_CHECK_NULLABILITY != 0,
    }
}

/// True when [`check_column`] would pass. The derive evaluates this for every field of every
/// model, so it builds no message: the message is built only for a field that fails.
pub const fn fits(meta: &crate::meta::ColumnMeta, facts: &ColumnFacts<'_>) -> bool {
    match meta.accepts {
        Some(a) => {
            accepts(a, &facts.ty) && !(facts.check_nullability && facts.nullable && !meta.nullable)
        }
        None => true,
    }
}

/// What the derive's per-field `const` evaluates: nothing when the field fits, else a compile
/// error carrying [`check_column`]'s message. One call per field keeps generated code small; the
/// compiler still reports the error at the call, which the derive places on the field.
#[track_caller]
pub const fn require(meta: &crate::meta::ColumnMeta, facts: &ColumnFacts<'_>) {
    if !fits(meta, facts) {
        panic!("{}", check_column(meta, facts).as_str())
    }
}

/// [`check`] for a field of type `T`.
pub const fn check_field<T: PgCompatible + ?Sized>(facts: &ColumnFacts<'_>, rust: &str) -> Verdict {
    check(&T::ACCEPTS, T::NULLABLE, facts, rust)
}

/// Built-in types, by `pg_type.typname`.
pub mod builtin {
    use super::PgTypeRef;

    pub const BOOL: PgTypeRef = PgTypeRef::builtin("bool", "boolean");
    pub const CHAR: PgTypeRef = PgTypeRef::builtin("char", "\"char\"");
    pub const INT2: PgTypeRef = PgTypeRef::builtin("int2", "smallint");
    pub const INT4: PgTypeRef = PgTypeRef::builtin("int4", "integer");
    pub const INT8: PgTypeRef = PgTypeRef::builtin("int8", "bigint");
    pub const FLOAT4: PgTypeRef = PgTypeRef::builtin("float4", "real");
    pub const FLOAT8: PgTypeRef = PgTypeRef::builtin("float8", "double precision");
    pub const NUMERIC: PgTypeRef = PgTypeRef::builtin("numeric", "numeric");
    pub const TEXT: PgTypeRef = PgTypeRef::builtin("text", "text");
    pub const VARCHAR: PgTypeRef = PgTypeRef::builtin("varchar", "character varying");
    pub const BPCHAR: PgTypeRef = PgTypeRef::builtin("bpchar", "character");
    pub const NAME: PgTypeRef = PgTypeRef::builtin("name", "name");
    pub const BYTEA: PgTypeRef = PgTypeRef::builtin("bytea", "bytea");
    pub const UUID: PgTypeRef = PgTypeRef::builtin("uuid", "uuid");
    pub const DATE: PgTypeRef = PgTypeRef::builtin("date", "date");
    pub const TIME: PgTypeRef = PgTypeRef::builtin("time", "time without time zone");
    pub const TIMESTAMP: PgTypeRef = PgTypeRef::builtin("timestamp", "timestamp without time zone");
    pub const TIMESTAMPTZ: PgTypeRef =
        PgTypeRef::builtin("timestamptz", "timestamp with time zone");
    pub const JSON: PgTypeRef = PgTypeRef::builtin("json", "json");
    pub const JSONB: PgTypeRef = PgTypeRef::builtin("jsonb", "jsonb");
    pub const INET: PgTypeRef = PgTypeRef::builtin("inet", "inet");
    pub const CIDR: PgTypeRef = PgTypeRef::builtin("cidr", "cidr");
    pub const BIT: PgTypeRef = PgTypeRef::builtin("bit", "bit");
    pub const VARBIT: PgTypeRef = PgTypeRef::builtin("varbit", "bit varying");
    /// `citext` is an extension type; both drivers decode it into `String`.
    pub const CITEXT: PgTypeRef = PgTypeRef::extension("citext");

    /// Display names PostgreSQL prints for built-in `typname`s, for messages and `pg_type`.
    pub const ALL: &[PgTypeRef] = &[
        BOOL,
        CHAR,
        INT2,
        INT4,
        INT8,
        FLOAT4,
        FLOAT8,
        NUMERIC,
        TEXT,
        VARCHAR,
        BPCHAR,
        NAME,
        BYTEA,
        UUID,
        DATE,
        TIME,
        TIMESTAMP,
        TIMESTAMPTZ,
        JSON,
        JSONB,
        INET,
        CIDR,
        BIT,
        VARBIT,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &'static str) -> ColumnType<'static> {
        ColumnType {
            schema: "pg_catalog",
            name,
            array: false,
            is_enum: false,
        }
    }

    fn facts(ty: ColumnType<'static>, nullable: bool) -> ColumnFacts<'static> {
        ColumnFacts {
            qualified: "entities.x",
            display: "`x`",
            ty,
            nullable,
            check_nullability: true,
        }
    }

    #[test]
    fn integers_are_exact_like_the_drivers() {
        assert!(accepts(&i32::ACCEPTS, &col("int4")));
        assert!(!accepts(&i32::ACCEPTS, &col("int8")));
        assert!(!accepts(&i64::ACCEPTS, &col("int4")));
        assert!(accepts(&i16::ACCEPTS, &col("int2")));
        assert!(accepts(&i8::ACCEPTS, &col("char")));
        assert!(!accepts(&f64::ACCEPTS, &col("numeric")));
    }

    #[test]
    fn strings_take_text_like_types_only() {
        for t in ["text", "varchar", "bpchar", "name"] {
            assert!(accepts(&String::ACCEPTS, &col(t)), "{t}");
        }
        let citext = ColumnType {
            schema: "public",
            ..col("citext")
        };
        assert!(accepts(&String::ACCEPTS, &citext));
        let enum_col = ColumnType {
            schema: "public",
            name: "entitytype",
            array: false,
            is_enum: true,
        };
        assert!(!accepts(&String::ACCEPTS, &enum_col));
        assert!(!accepts(&<&str>::ACCEPTS, &col("int4")));
    }

    #[test]
    fn arrays_bytea_and_options() {
        let text_array = ColumnType {
            array: true,
            ..col("text")
        };
        assert!(accepts(&<Vec<String>>::ACCEPTS, &text_array));
        assert!(accepts(&<Vec<Option<String>>>::ACCEPTS, &text_array));
        assert!(!accepts(&String::ACCEPTS, &text_array));
        assert!(!accepts(&<Vec<String>>::ACCEPTS, &col("text")));
        assert!(accepts(&<Vec<u8>>::ACCEPTS, &col("bytea")));
        assert!(accepts(&<&[u8]>::ACCEPTS, &col("bytea")));
        assert!(!accepts(
            &<Vec<u8>>::ACCEPTS,
            &ColumnType {
                array: true,
                ..col("int2")
            }
        ));
        assert!(!accepts(&u8::ACCEPTS, &col("int2")));
        const { assert!(<Option<i32>>::NULLABLE && !i32::NULLABLE) };
        assert_eq!(<Option<i32>>::ACCEPTS, i32::ACCEPTS);
    }

    #[test]
    fn messages_name_column_type_and_rust_type() {
        let v = check_field::<String>(
            &ColumnFacts {
                qualified: "entities.entity_type",
                display: "enum `entitytype`",
                ty: ColumnType {
                    schema: "public",
                    name: "entitytype",
                    array: false,
                    is_enum: true,
                },
                nullable: false,
                check_nullability: true,
            },
            "String",
        );
        assert_eq!(
            v.as_str(),
            "column `entities.entity_type` is enum `entitytype`; `String` maps to `text`, \
             `character varying`, `character`, `name` or `citext`; map it to a Rust enum with \
             `#[derive(PgEnum)]` and `type_name = \"entitytype\"`"
        );
        let v = check_field::<i32>(&facts(col("int4"), true), "i32");
        assert_eq!(
            v.as_str(),
            "column `entities.x` is nullable, but `i32` cannot hold NULL (a NULL row would fail \
             to decode); use `Option<i32>` or make the column NOT NULL"
        );
        assert!(check_field::<Option<i32>>(&facts(col("int4"), true), "Option<i32>").is_ok());
        assert!(check_field::<Option<i32>>(&facts(col("int4"), false), "Option<i32>").is_ok());
        let v = check_field::<Vec<i64>>(&facts(col("int8"), false), "Vec<i64>");
        assert!(v.as_str().ends_with("`Vec<i64>` maps to an array of `bigint`; change the field's type, or migrate the column"), "{v:?}");
    }

    #[test]
    fn views_do_not_check_nullability() {
        let mut f = facts(col("int4"), true);
        f.check_nullability = false;
        assert!(check_field::<i32>(&f, "i32").is_ok());
    }

    #[test]
    fn long_messages_are_cut_on_a_char_boundary() {
        let long = "é".repeat(2000);
        let v = Verdict::ok().push("x").push(&long);
        assert!(v.as_str().ends_with("..."));
        assert!(v.as_str().len() <= Verdict::CAP);
    }
}
