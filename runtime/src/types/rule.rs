//! The type rule and the nullability rule: can a Rust type read a column, and, when it cannot,
//! the message that says why and what to do. `const fn`s, evaluated by the compiler for the
//! derives and called at run time by the engines, so both say the same words.

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
pub const fn check(m: &Mapping, facts: &ColumnFacts<&str>, rust: &str) -> Verdict {
    let ty = check_type(&m.accepts, facts, rust);
    let null = check_nullability(m.nullable, facts, rust);
    match (ty.failed(), null.failed()) {
        (true, true) => ty.push("; also, ").push(null.as_str()),
        (true, false) => ty,
        (false, _) => null,
    }
}

/// The type half of [`check`]: can `a` decode the column's type?
pub const fn check_type(a: &Accepts, facts: &ColumnFacts<&str>, rust: &str) -> Verdict {
    if accepts(a, &facts.ty) {
        return Verdict::ok();
    }
    let v = push_accepts(
        Verdict::ok()
            .push("column `")
            .push(facts.qualified)
            .push("` is ")
            .push(facts.display)
            .push("; `")
            .push(rust)
            .push("` maps to "),
        a,
    );
    match a {
        _ if facts.ty.is_enum && !matches!(a, Accepts::Enum { .. }) => v
            .push("; map it to a Rust enum with `#[derive(PgEnum)]` and `type_name = \"")
            .push(facts.ty.name)
            .push("\"`"),
        Accepts::Enum { .. } if !facts.ty.is_enum && !facts.ty.array => {
            push_accepts(v.push("; migrate the column to "), a)
                .push(", or read it into a type that maps to its current type")
        }
        _ => v.push("; change the field's type, or migrate the column"),
    }
}

/// The nullability half of [`check`]: can a field that holds NULL only if `field_nullable`
/// read the column?
pub const fn check_nullability(
    field_nullable: bool,
    facts: &ColumnFacts<&str>,
    rust: &str,
) -> Verdict {
    if fits_nullability(field_nullable, facts.nullability) {
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

/// The PostgreSQL types a mapping accepts, as a phrase for messages: `` `integer` ``,
/// `` an array of `text`, ... ``, `` enum `canonlayer` ``.
pub fn describe(a: &Accepts) -> String {
    push_accepts(Verdict::ok(), a).as_str().to_owned()
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
