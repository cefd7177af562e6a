//! Rules about which columns a model covers (`insertable`, `exhaustive`) and about flattened
//! parts. `const fn`s, because with `#[sqlx(flatten)]` the flattened struct's columns are known
//! only to the compiler; the engine calls the same functions at run time.

use crate::meta::TableMeta;
use crate::text::{Verdict, plural, str_eq};

/// Which coverage rule is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Every NOT NULL column without a default needs a field.
    Insertable,
    /// Every column needs a field.
    Exhaustive,
}

/// A column of the table as the coverage rules see it.
#[derive(Debug, Clone, Copy)]
pub struct TableColumn<'a> {
    /// The column's name.
    pub name: &'a str,
    /// Every inserted row needs it ([`crate::snapshot::Column::required`]).
    pub required: bool,
}

const fn covered(name: &str, own: &[&str], flattened: &[&TableMeta]) -> bool {
    let mut i = 0;
    while i < own.len() {
        if str_eq(own[i], name) {
            return true;
        }
        i += 1;
    }
    let mut f = 0;
    while f < flattened.len() {
        let meta = flattened[f];
        let mut c = 0;
        while c < meta.columns.len() {
            if str_eq(meta.columns[c].column, name) {
                return true;
            }
            c += 1;
        }
        if covered(name, &[], meta.flattened) {
            return true;
        }
        f += 1;
    }
    false
}

const fn counts(rule: Rule, column: &TableColumn<'_>) -> bool {
    match rule {
        Rule::Insertable => column.required,
        Rule::Exhaustive => true,
    }
}

/// Checks that `own` columns plus those of `flattened` parts cover what `rule` asks of `table`.
/// `what` is the relation kind (`table`, `view`, ...) and `relation` its qualified name.
pub const fn check_coverage(
    rule: Rule,
    model: &str,
    what: &str,
    relation: &str,
    table: &[TableColumn<'_>],
    own: &[&str],
    flattened: &[&TableMeta],
) -> Verdict {
    let mut missing = 0;
    let mut i = 0;
    while i < table.len() {
        if counts(rule, &table[i]) && !covered(table[i].name, own, flattened) {
            missing += 1;
        }
        i += 1;
    }
    if missing == 0 {
        return Verdict::ok();
    }
    let mut v = Verdict::ok()
        .push(match rule {
            Rule::Insertable => "insertable model `",
            Rule::Exhaustive => "exhaustive model `",
        })
        .push(model)
        .push("` has no field for ")
        .push(plural(missing, "column ", "columns "));
    let mut listed = 0;
    let mut i = 0;
    while i < table.len() {
        if counts(rule, &table[i]) && !covered(table[i].name, own, flattened) {
            v = v.push_item(listed, missing, table[i].name);
            listed += 1;
        }
        i += 1;
    }
    v = v
        .push(" of ")
        .push(what)
        .push(" `")
        .push(relation)
        .push("`");
    v.push(match rule {
        Rule::Insertable => plural(
            missing,
            ", which is NOT NULL without a default; add a field for it",
            ", which are NOT NULL without a default; add fields for them",
        ),
        Rule::Exhaustive => plural(
            missing,
            "; add a field for it, or drop `exhaustive`",
            "; add fields for them, or drop `exhaustive`",
        ),
    })
}

/// Checks that a flattened part reads the same table as the model it is flattened into.
pub const fn check_flatten(
    part: &TableMeta,
    part_rust: &str,
    field: &str,
    schema: &str,
    table: &str,
) -> Verdict {
    if str_eq(part.schema, schema) && str_eq(part.table, table) {
        return Verdict::ok();
    }
    Verdict::ok()
        .push("flattened field `")
        .push(field)
        .push("` has type `")
        .push(part_rust)
        .push("`, which is checked against `")
        .push(part.schema)
        .push(".")
        .push(part.table)
        .push("`, but this model reads `")
        .push(schema)
        .push(".")
        .push(table)
        .push("`; give `")
        .push(part_rust)
        .push("` `#[schemalock(table = \"")
        .push(table)
        .push("\")]`")
}
