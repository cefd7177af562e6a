//! `sql_as!(T, "...")`: can row type `T` read the statement's result? The macro sees the
//! statement (the statement engine infers its result columns) but not `T`'s fields, which only
//! the compiler knows through `T`'s [`Row`](crate::meta::Row) impl; so it emits the result
//! columns as [`ResultColumn`]s and one `const` calling [`require_row`], and the compiler
//! evaluates this check there. The type and nullability rules are the derives' own
//! ([`crate::types::rule`]); only the words around them are about a statement.
//!
//! Not judged: a result column whose type the engine could not infer (`facts` is `None`), a
//! field declared with `pg_type` (its type name is compared by the derive, not here), and a
//! missing column when the statement's columns are not all known (`*` over an unknown relation).

use crate::meta::{ColumnMeta, RowMeta};
use crate::text::{Verdict, str_eq};
use crate::types::{ColumnFacts, Mapping, rule};

/// A result column of a checked statement, as `sql_as!` emits it.
#[derive(Debug, Clone, Copy)]
pub struct ResultColumn {
    /// The name PostgreSQL gives the column: what sqlx's `FromRow` looks fields up by.
    pub name: &'static str,
    /// Its type and nullability, when the statement engine inferred the type; `qualified` is
    /// the table column it reads (`entities.name`), or the result column's name for an
    /// expression.
    pub facts: Option<ColumnFacts<&'static str>>,
}

/// Whether the statement's result columns are all known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// Every result column is listed: a field naming none is an error.
    Complete,
    /// A `*` expanded over a relation whose columns are not all known: a field naming no listed
    /// column is not judged.
    Partial,
}

/// Every way the fields of `row` (its flattened parts included) do not fit `columns`, one
/// line each; empty when they fit. Lines that would overflow the message are counted instead.
pub const fn check_row(row: &RowMeta, columns: &[ResultColumn], known: Columns) -> Verdict {
    let (v, left_out) = check_part((Verdict::ok(), 0), row, columns, known);
    if left_out == 0 {
        return v;
    }
    let v = v.push("\nand ");
    let v = push_count(v, left_out);
    v.push(crate::text::plural(left_out, " more field", " more fields"))
        .push(" that do not fit: fix these and build again")
}

/// What `sql_as!`'s `const` evaluates: nothing when `row` fits, else a compile error listing
/// every field that does not. `#[track_caller]`: the error lands on the macro's `T`.
#[track_caller]
pub const fn require_row(row: &RowMeta, columns: &[ResultColumn], known: Columns) {
    let v = check_row(row, columns, known);
    if v.failed() {
        panic!("{}", v.as_str())
    }
}

/// Room kept for the closing "and N more fields" line.
const RESERVE: usize = 80;

const fn check_part(
    mut acc: (Verdict, usize),
    row: &RowMeta,
    columns: &[ResultColumn],
    known: Columns,
) -> (Verdict, usize) {
    let mut i = 0;
    while i < row.columns.len() {
        let line = check_field(row, &row.columns[i], columns, known);
        if line.failed() {
            let (v, left_out) = acc;
            let used = v.as_str().len();
            acc = if left_out == 0 && used + 1 + line.as_str().len() + RESERVE <= Verdict::CAP {
                let v = if v.failed() { v.push("\n") } else { v };
                (v.push(line.as_str()), 0)
            } else {
                (v, left_out + 1)
            };
        }
        i += 1;
    }
    let mut j = 0;
    while j < row.flattened.len() {
        acc = check_part(acc, row.flattened[j], columns, known);
        j += 1;
    }
    acc
}

/// The line about one field: empty when it fits.
const fn check_field(
    row: &RowMeta,
    field: &ColumnMeta,
    columns: &[ResultColumn],
    known: Columns,
) -> Verdict {
    let v = Verdict::ok();
    let Some(column) = find(columns, field.column) else {
        if matches!(known, Columns::Partial) || contains(row.defaulted, field.column) {
            return v;
        }
        return missing(row, field, columns);
    };
    let (Some(facts), Some(accepts)) = (&column.facts, field.accepts) else {
        return v;
    };
    let mapping = Mapping {
        accepts: *accepts,
        nullable: field.nullable,
    };
    if rule::fits(&mapping, facts) {
        return v;
    }
    let v = name(row, field);
    let ty = rule::type_verdict(accepts, facts, field.rust_type);
    let v = if ty.failed() { v.push(ty.as_str()) } else { v };
    if rule::fits_nullability(field.nullable, facts.nullability) {
        return v;
    }
    let v = if ty.failed() { v.push("; also, ") } else { v };
    v.push("result column `")
        .push(column.name)
        .push("` can be NULL, but `")
        .push(field.rust_type)
        .push("` cannot hold NULL; use `Option<")
        .push(field.rust_type)
        .push(">` (or make it NOT NULL in the statement: `coalesce`, an inner join)")
}

/// `` `Row::field`: ``, the start of a field's line.
const fn name(row: &RowMeta, field: &ColumnMeta) -> Verdict {
    Verdict::ok()
        .push("`")
        .push(row.rust_name)
        .push("::")
        .push(field.field)
        .push("`: ")
}

const fn missing(row: &RowMeta, field: &ColumnMeta, columns: &[ResultColumn]) -> Verdict {
    let mut v = name(row, field)
        .push("reads column `")
        .push(field.column)
        .push("`, which the statement does not return");
    if columns.is_empty() {
        return v.push(" (it returns no columns: add a select list or `RETURNING`)");
    }
    v = v.push(" (it returns ");
    let mut i = 0;
    while i < columns.len() {
        if i > 0 {
            v = v.push(", ");
        }
        v = v.push("`").push(columns[i].name).push("`");
        i += 1;
    }
    v.push("); select it, alias an expression `AS ")
        .push(field.column)
        .push("`, or rename the field")
}

/// `n` in decimal.
const fn push_count(v: Verdict, n: usize) -> Verdict {
    if n >= 10 {
        let v = push_count(v, n / 10);
        return push_digit(v, n % 10);
    }
    push_digit(v, n)
}

const fn push_digit(v: Verdict, d: usize) -> Verdict {
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    v.push(DIGITS[d])
}

const fn find<'c>(columns: &'c [ResultColumn], name: &str) -> Option<&'c ResultColumn> {
    let mut i = 0;
    while i < columns.len() {
        if str_eq(columns[i].name, name) {
            return Some(&columns[i]);
        }
        i += 1;
    }
    None
}

const fn contains(names: &[&str], name: &str) -> bool {
    let mut i = 0;
    while i < names.len() {
        if str_eq(names[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

/// A [`ResultColumn`], in the short form generated code writes.
pub const fn result_column(
    name: &'static str,
    facts: Option<ColumnFacts<&'static str>>,
) -> ResultColumn {
    ResultColumn { name, facts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ColumnType, Nullability, PgCompatible};

    const fn text(qualified: &'static str, nullability: Nullability) -> ColumnFacts<&'static str> {
        ColumnFacts {
            qualified,
            display: "`text`",
            ty: ColumnType {
                schema: "pg_catalog",
                name: "text",
                array: false,
                is_enum: false,
            },
            nullability,
        }
    }

    static FIELDS: [ColumnMeta; 2] = [
        ColumnMeta::mapped("id", "id", "i32", &<i32 as PgCompatible>::MAPPING),
        ColumnMeta::mapped("name", "name", "String", &<String as PgCompatible>::MAPPING),
    ];
    static ROW: RowMeta = RowMeta {
        rust_name: "Hit",
        columns: &FIELDS,
        flattened: &[],
        defaulted: &[],
    };

    #[test]
    fn every_field_is_judged_in_one_message() {
        let cols = [
            result_column("id", Some(text("t.id", Nullability::NotNull))),
            result_column("other", None),
        ];
        let v = check_row(&ROW, &cols, Columns::Complete);
        let lines: Vec<&str> = v.as_str().lines().collect();
        assert_eq!(lines.len(), 2, "{}", v.as_str());
        assert!(
            lines[0].starts_with("`Hit::id`: column `t.id` is `text`; `i32` maps to `integer`"),
            "{}",
            lines[0]
        );
        assert_eq!(
            lines[1],
            "`Hit::name`: reads column `name`, which the statement does not return (it returns \
             `id`, `other`); select it, alias an expression `AS name`, or rename the field"
        );
        assert!(
            check_row(&ROW, &cols, Columns::Partial)
                .as_str()
                .lines()
                .count()
                == 1
        );
    }

    #[test]
    fn lines_that_overflow_are_counted() {
        const I32: ColumnMeta = ColumnMeta::mapped(
            "a_rather_long_field_name",
            "a_rather_long_column_name",
            "i32",
            &<i32 as PgCompatible>::MAPPING,
        );
        static MANY: [ColumnMeta; 40] = [I32; 40];
        static WIDE: RowMeta = RowMeta {
            rust_name: "Wide",
            columns: &MANY,
            flattened: &[],
            defaulted: &[],
        };
        let v = check_row(&WIDE, &[result_column("x", None)], Columns::Complete);
        let text = v.as_str();
        assert!(text.len() <= Verdict::CAP, "{text}");
        let shown = text.lines().count() - 1;
        assert!(shown >= 3, "{text}");
        assert_eq!(
            text.lines().last().unwrap(),
            format!(
                "and {} more fields that do not fit: fix these and build again",
                40 - shown
            )
        );
    }

    #[test]
    fn nullable_result_needs_option_and_untyped_is_not_judged() {
        let cols = [
            result_column("id", None),
            result_column("name", Some(text("name", Nullability::Nullable))),
        ];
        let v = check_row(&ROW, &cols, Columns::Complete);
        assert_eq!(
            v.as_str(),
            "`Hit::name`: result column `name` can be NULL, but `String` cannot hold NULL; use \
             `Option<String>` (or make it NOT NULL in the statement: `coalesce`, an inner join)"
        );
        let ok = [
            result_column("id", None),
            result_column("name", Some(text("name", Nullability::Unknown))),
        ];
        assert!(check_row(&ROW, &ok, Columns::Complete).is_ok());
    }
}
