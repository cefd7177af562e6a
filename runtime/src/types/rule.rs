//! The type rule and the nullability rule: can a Rust type read a column, and, when it cannot,
//! the message that says why and what to write instead. The rules are `const fn`s: for a field
//! whose type only the compiler knows, the derive has the compiler evaluate [`accepts`] and
//! [`fits_nullability`]; the messages are built here, for the derive (which decides every type it
//! can name itself) and for startup verification alike, so both say the same words.

use super::{Accepts, ColumnFacts, ColumnType, Mapping, Nullability, builtin};
use crate::text::{Verdict, str_eq};

/// True when a value of column type `col` decodes into a Rust type with mapping `a`.
pub const fn accepts(a: &Accepts, col: &ColumnType<&str>) -> bool {
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

/// The nullability rule: a field that can hold NULL only if `field_nullable` can read a column
/// of `column` nullability. A column whose nullability is unknown (a view's) is not judged.
pub const fn fits_nullability(field_nullable: bool, column: Nullability) -> bool {
    field_nullable || !matches!(column, Nullability::Nullable)
}

/// True when a field with mapping `m` can read the column: both rules at once, building no
/// message (the derive evaluates this for every field of every model).
pub const fn fits(m: &Mapping, facts: &ColumnFacts<&str>) -> bool {
    accepts(&m.accepts, &facts.ty) && fits_nullability(m.nullable, facts.nullability)
}

/// Checks that a field of Rust type `rust` (as written in the source) with mapping `m` can read
/// the column described by `facts`: the type and the nullability message together.
pub fn check(m: &Mapping, facts: &ColumnFacts<&str>, rust: &str) -> Option<String> {
    let ty = check_type(&m.accepts, m.nullable, facts, rust);
    let null = check_nullability(m.nullable, facts, rust);
    match (ty, null) {
        (Some(ty), Some(null)) => Some(format!("{ty}; also, {null}")),
        (ty, null) => ty.or(null),
    }
}

/// The type half of [`check`]: can `a` decode the column's type? The message says what to
/// write: the Rust types that fit the column, with the feature that brings each
/// ([`super::known::fitting`]); `field_nullable` keeps an `Option` in them.
pub fn check_type(
    a: &Accepts,
    field_nullable: bool,
    facts: &ColumnFacts<&str>,
    rust: &str,
) -> Option<String> {
    if accepts(a, &facts.ty) {
        return None;
    }
    let head = format!(
        "column `{}` is {}; `{rust}` cannot hold it",
        facts.qualified, facts.display
    );
    let nullable = field_nullable || matches!(facts.nullability, Nullability::Nullable);
    Some(match a {
        _ if facts.ty.is_enum && !matches!(a, Accepts::Enum { .. }) => format!(
            "{head}; map it to a Rust enum with `#[derive(PgEnum)]` and `type_name = \"{}\"`",
            facts.ty.name
        ),
        Accepts::Enum { .. } if !facts.ty.is_enum && !facts.ty.array => {
            format!(
                "{head} (it reads {}); migrate the column to {}, or {}",
                describe(a),
                describe(a),
                use_instead(
                    facts,
                    nullable,
                    "read it into a type that fits its current type"
                )
            )
        }
        _ => format!(
            "{head}; {}",
            use_instead(facts, nullable, "migrate the column")
        ),
    })
}

/// `use `i64``, `use `a` or `b``, or, when no mapped type fits, how to map one.
fn use_instead(facts: &ColumnFacts<&str>, nullable: bool, otherwise: &str) -> String {
    let fitting = super::known::fitting(&facts.ty, nullable);
    if fitting.is_empty() {
        let name = if facts.ty.array {
            format!("{}[]", facts.ty.name)
        } else {
            facts.ty.name.to_owned()
        };
        return format!(
            "no type schemalock maps reads it: mark the field `#[schemalock(pg_type = \"{name}\")]` with a type your driver decodes it into, or {otherwise}"
        );
    }
    let refs: Vec<&str> = fitting.iter().map(String::as_str).collect();
    let mut out = String::from("use ");
    for (i, f) in refs.iter().enumerate() {
        out.push_str(crate::text::separator(i, refs.len()));
        out.push_str(f);
    }
    out
}

/// The nullability half of [`check`]: can a field that holds NULL only if `field_nullable`
/// read the column?
pub fn check_nullability(
    field_nullable: bool,
    facts: &ColumnFacts<&str>,
    rust: &str,
) -> Option<String> {
    if fits_nullability(field_nullable, facts.nullability) {
        return None;
    }
    Some(nullability_message(facts.qualified, rust))
}

/// The nullability message, for a field of type `rust` on the nullable column `qualified`.
pub fn nullability_message(qualified: &str, rust: &str) -> String {
    format!(
        "column `{qualified}` is nullable, but `{rust}` cannot hold NULL (a NULL row would fail to decode); use `Option<{rust}>` or make the column NOT NULL"
    )
}

/// The messages of a field whose type only the compiler knows (an alias, a newtype, an enum, a
/// type imported under a short name): the derive puts them in `#[diagnostic::on_unimplemented]`,
/// so they cannot say what the type's `PgCompatible` impl accepts, only what the column is and
/// what fits it. `(message, label, note)`.
pub fn deferred_type_message(facts: &ColumnFacts<&str>, rust: &str) -> (String, String, String) {
    let message = format!(
        "column `{}` is {}; `{rust}` cannot hold it",
        facts.qualified, facts.display
    );
    let label = format!(
        "`{rust}`'s `PgCompatible` impl does not accept {}",
        facts.display
    );
    let nullable = matches!(facts.nullability, Nullability::Nullable);
    let note = if facts.ty.is_enum {
        format!(
            "map the column to a Rust enum with `#[derive(PgEnum)]` and `type_name = \"{}\"`",
            facts.ty.name
        )
    } else {
        let otherwise = format!("migrate the column to a type `{rust}` accepts");
        let fits = use_instead(facts, nullable, &otherwise);
        if fits.starts_with("use ") {
            format!("{fits}, or {otherwise}")
        } else {
            fits
        }
    };
    (message, label, note)
}

/// The PostgreSQL types a mapping accepts, as a phrase for messages: `` `integer` ``,
/// `` an array of `text`, ... ``, `` enum `canonlayer` ``.
pub fn describe(a: &Accepts) -> String {
    push_accepts(Verdict::ok(), a).as_str().to_owned()
}

/// The type half of the rule as a `const fn`, for the checks the compiler evaluates (a
/// `sql_as!` row type against a statement's result columns): empty when `a` decodes the
/// column's type, else `column `x` is T; `R` reads ...`. It cannot list the Rust types that fit
/// ([`check_type`] does), because that needs an allocation.
pub const fn type_verdict(a: &Accepts, facts: &ColumnFacts<&str>, rust: &str) -> Verdict {
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
        .push("` cannot hold it (it reads ");
    push_accepts(v, a).push("); change the field's type")
}

/// Appends [`describe`]'s phrase.
const fn push_accepts(v: Verdict, a: &Accepts) -> Verdict {
    match a {
        Accepts::Types(types) => {
            let mut v = v;
            let mut i = 0;
            while i < types.len() {
                v = v.push_item(i, types.len(), types[i].display);
                i += 1;
            }
            v
        }
        Accepts::Array(Accepts::Byte) => v.push("`bytea`"),
        Accepts::Array(inner) => push_accepts(v.push("an array of "), inner),
        Accepts::Byte => v.push("no column type (a lone `u8` is not a PostgreSQL type)"),
        Accepts::Enum { schema, name } => {
            let v = v.push("enum `");
            let v = if str_eq(schema, "public") {
                v
            } else {
                v.push(schema).push(".")
            };
            v.push(name).push("`")
        }
    }
}

/// True when `pg_type` (as `#[schemalock(pg_type = "...")]` writes it) names the type `column`
/// declares, or the type it decodes as (`facts`): by `typname` (`int4`), by the printed name
/// without modifiers (`integer`, `character varying`) or with them (`character varying(20)`),
/// or schema-qualified (`public.ltree`); case does not matter, `[]` marks an array.
pub fn names_type(
    pg_type: &str,
    column: &crate::snapshot::Column,
    facts: &ColumnType<&str>,
) -> bool {
    let declared = column.declared();
    let wanted = pg_type.trim().to_lowercase();
    let (wanted, wants_array) = match wanted.strip_suffix("[]") {
        Some(w) => (w.to_owned(), true),
        None => (wanted, false),
    };
    if wants_array != declared.array {
        return false;
    }
    let printed = declared.display.trim_end_matches("[]").to_lowercase();
    let unmodified = match printed.find('(') {
        Some(i) => printed[..i].trim_end().to_owned(),
        None => printed.clone(),
    };
    let display_of_typname = builtin::ALL
        .iter()
        .find(|t| t.name == declared.name)
        .map(|t| t.display);
    [
        declared.name,
        facts.name,
        printed.as_str(),
        unmodified.as_str(),
        &format!("{}.{}", declared.schema, declared.name),
    ]
    .iter()
    .any(|n| *n == wanted)
        || display_of_typname == Some(wanted.as_str())
}
