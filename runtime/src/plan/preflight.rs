//! Pre-flight checks: `DO` blocks placed before a step that existing data can make fail. Each
//! looks for the rows that would make it fail and, when there are any, stops the script with an
//! exception naming the table, the column and a few offending values, so that the step itself
//! never fails half way on a live table. Every check reads the table (`ACCESS SHARE`) and takes
//! time in proportion to it.

use crate::ident::{quote_ident, quote_literal};
use crate::snapshot::{Check, Column, ForeignKey, Index};

use super::render::{check_expression, qualified};
use super::step::Preflight;

/// How many offending values a message names.
const SHOWN: usize = 5;

/// A `DO` block around `body` (PL/pgSQL statements, with `bad text[]` and `n bigint`
/// declared), raising `message` when `n > 0`: a `format()` pattern whose `%s` take `args`
/// (user text in it escaped with [`pct`]), with `hint`.
fn block(declare: &str, body: &str, message: &str, args: &str, hint: &str) -> String {
    debug_assert!(!body.contains("$preflight$"));
    format!(
        "DO $preflight$\nDECLARE\n    bad text[] := '{{}}';\n    n bigint := 0;\n{declare}BEGIN\n{body}\n    IF n > 0 THEN\n        RAISE EXCEPTION USING\n            MESSAGE = format({}, {args}),\n            HINT = {};\n    END IF;\nEND\n$preflight$",
        quote_literal(&format!("schemalock pre-flight: {message}")),
        quote_literal(hint)
    )
}

/// `n` and the offending values, for a message with two `%s`.
const COUNT_AND_VALUES: &str = "n, array_to_string(bad, ', ')";

/// Text put in a `format()` pattern as is.
fn pct(text: &str) -> String {
    text.replace('%', "%%")
}

/// `quote_nullable(x::text)`: how a value is shown in a message.
fn shown(expr: &str) -> String {
    format!("quote_nullable(({expr})::text)")
}

/// No two rows with the same keys of `index` (NULLs are distinct, as in the index).
pub(crate) fn no_duplicates(schema: &str, table: &str, index: &Index) -> Preflight {
    let rel = qualified(schema, table);
    let keys: Vec<String> = index
        .keys
        .iter()
        .map(|k| match (&k.column, &k.expression) {
            (Some(c), _) => quote_ident(c).into_owned(),
            (None, Some(e)) => format!("({e})"),
            (None, None) => "NULL".to_owned(),
        })
        .collect();
    let not_null: Vec<String> = keys.iter().map(|k| format!("{k} IS NOT NULL")).collect();
    let mut filter = not_null.join(" AND ");
    if let Some(pred) = &index.predicate {
        filter = format!("({pred}) AND {filter}");
    }
    let row: Vec<String> = keys.iter().map(|k| shown(k)).collect();
    let body = format!(
        "    SELECT count(*), (array_agg(k))[1:{SHOWN}] INTO n, bad FROM (\n        SELECT format('(%s) %s times', concat_ws(', ', {}), count(*)) AS k\n        FROM {rel} WHERE {filter}\n        GROUP BY {} HAVING count(*) > 1) dup;",
        row.join(", "),
        keys.join(", ")
    );
    Preflight {
        checks: format!("no duplicate keys of `{}` in `{rel}`", index.name),
        sql: block(
            "",
            &body,
            &pct(&format!(
                "{{n}} duplicate keys in {rel} for `{}` {}: {{values}}",
                index.name,
                keys_shown(&keys)
            ))
            .replace("{n}", "%s")
            .replace("{values}", "%s"),
            COUNT_AND_VALUES,
            "remove or merge the duplicate rows, then run the script again",
        ),
    }
}

fn keys_shown(keys: &[String]) -> String {
    format!("({})", keys.join(", "))
}

/// Every non-null key of `fk` has its row in the referenced table.
pub(crate) fn no_orphans(schema: &str, table: &str, fk: &ForeignKey) -> Preflight {
    let rel = qualified(schema, table);
    let referenced = qualified(&fk.references.schema, &fk.references.table);
    let cols: Vec<String> = fk
        .columns
        .iter()
        .map(|c| format!("c.{}", quote_ident(c)))
        .collect();
    let join: Vec<String> = fk
        .columns
        .iter()
        .zip(&fk.references.columns)
        .map(|(c, r)| format!("r.{} = c.{}", quote_ident(r), quote_ident(c)))
        .collect();
    let not_null: Vec<String> = cols.iter().map(|c| format!("{c} IS NOT NULL")).collect();
    let row: Vec<String> = cols.iter().map(|c| shown(c)).collect();
    let body = format!(
        "    SELECT count(*), (array_agg(k))[1:{SHOWN}] INTO n, bad FROM (\n        SELECT DISTINCT format('(%s)', concat_ws(', ', {})) AS k\n        FROM {rel} c\n        WHERE {} AND NOT EXISTS (SELECT FROM {referenced} r WHERE {})) orphan;",
        row.join(", "),
        not_null.join(" AND "),
        join.join(" AND ")
    );
    Preflight {
        checks: format!("every row of `{rel}` has its row in `{referenced}`"),
        sql: block(
            "",
            &body,
            &pct(&format!(
                "{{n}} keys {} of {rel} have no row in {referenced} (foreign key `{}`): {{values}}",
                render_list(&fk.columns),
                fk.name
            ))
            .replace("{n}", "%s")
            .replace("{values}", "%s"),
            COUNT_AND_VALUES,
            "delete those rows, set their keys to NULL or add the rows they reference, then run \
             the script again",
        ),
    }
}

fn render_list(columns: &[String]) -> String {
    super::render::column_list(columns)
}

/// No row violates the check.
pub(crate) fn check_holds(schema: &str, table: &str, c: &Check) -> Preflight {
    let rel = qualified(schema, table);
    let expr = check_expression(&c.definition);
    let body = format!(
        "    SELECT count(*), (array_agg(k))[1:{SHOWN}] INTO n, bad FROM (\n        SELECT left(t::text, 200) AS k FROM {rel} t WHERE NOT ({expr})) violation;"
    );
    Preflight {
        checks: format!("no row of `{rel}` violates `{}`", c.name),
        sql: block(
            "",
            &body,
            &pct(&format!(
                "{{n}} rows of {rel} violate check constraint `{}` ({}): {{values}}",
                c.name, c.definition
            ))
            .replace("{n}", "%s")
            .replace("{values}", "%s"),
            COUNT_AND_VALUES,
            "fix or delete those rows, then run the script again",
        ),
    }
}

/// No NULL in the column.
pub(crate) fn no_nulls(schema: &str, table: &str, column: &str) -> Preflight {
    let rel = qualified(schema, table);
    let col = quote_ident(column);
    let body = format!("    SELECT count(*) INTO n FROM {rel} WHERE {col} IS NULL;");
    Preflight {
        checks: format!("no NULL in `{rel}.{column}`"),
        sql: block(
            "",
            &body,
            &format!(
                "%s rows of {} have NULL in column {}, which becomes NOT NULL",
                pct(&rel),
                pct(&col)
            ),
            "n",
            "set those rows to a value (UPDATE ... SET ... WHERE ... IS NULL), then run the \
             script again",
        ),
    }
}

/// The table has no row (before a step that cannot fill a new column).
pub(crate) fn empty(schema: &str, table: &str, why: &str) -> Preflight {
    let rel = qualified(schema, table);
    let body = format!("    SELECT count(*) INTO n FROM (SELECT FROM {rel} LIMIT 1) r;");
    Preflight {
        checks: format!("`{rel}` is empty"),
        sql: block(
            "",
            &body,
            &pct(&format!("{rel} has rows, but {why}")),
            "n",
            "give the new column a default in the schema, or fill the table after adding the \
             column as NULL, then run the script again",
        ),
    }
}

/// Every value of `column` converts with `using` to `target_type` (and not to NULL when the
/// column becomes NOT NULL). Checked once per distinct value of the columns `using` reads.
pub(crate) fn conversion(
    schema: &str,
    table: &str,
    column: &Column,
    using: &str,
    target_type: &str,
    not_null: bool,
    table_columns: &[Column],
) -> Preflight {
    let rel = qualified(schema, table);
    let col = quote_ident(&column.name).into_owned();
    // The columns the expression reads: they make the distinct values it is evaluated for.
    let names = super::deps::names(using);
    let mut read: Vec<&Column> = table_columns
        .iter()
        .filter(|c| {
            names
                .iter()
                .any(|parts| parts.last().is_some_and(|n| n == &c.name))
        })
        .collect();
    if !read.iter().any(|c| c.name == column.name) {
        read.insert(0, column);
    }
    let read_names: Vec<String> = read
        .iter()
        .map(|c| quote_ident(&c.name).into_owned())
        .collect();
    let select_r: Vec<String> = read_names.iter().map(|n| format!("r.{n} AS {n}")).collect();
    let null_check = if not_null {
        "\n            IF converted IS NULL THEN\n                RAISE EXCEPTION 'NULL';\n            END IF;"
    } else {
        ""
    };
    let body = format!(
        "    FOR r IN SELECT DISTINCT {cols} FROM {rel} LOOP\n        BEGIN\n            converted := (SELECT {using} FROM (SELECT {select_r}) AS {alias});{null_check}\n        EXCEPTION WHEN OTHERS THEN\n            n := n + 1;\n            IF n <= {SHOWN} THEN\n                bad := bad || {value};\n            END IF;\n        END;\n    END LOOP;",
        cols = read_names.join(", "),
        select_r = select_r.join(", "),
        alias = quote_ident(table),
        value = shown(&format!("r.{col}")),
    );
    let declare = format!("    r record;\n    converted {target_type};\n");
    let to = if not_null {
        format!("a non-null {target_type}")
    } else {
        target_type.to_owned()
    };
    Preflight {
        checks: format!("every value of `{rel}.{}` converts to {to}", column.name),
        sql: block(
            &declare,
            &body,
            &pct(&format!(
                "{{n}} values of {rel}.{col} do not convert to {to} with {using}: {{values}}"
            ))
            .replace("{n}", "%s")
            .replace("{values}", "%s"),
            COUNT_AND_VALUES,
            &format!(
                "update those rows, or pass --using '{}.{}=<expression>' that maps them, then run \
                 the script again",
                table, column.name
            ),
        ),
    }
}

/// A check of the caller's own: `body` sets `n` and `bad`.
pub(crate) fn custom(checks: String, body: &str, message: &str, hint: &str) -> Preflight {
    Preflight {
        checks,
        sql: block("", body, message, COUNT_AND_VALUES, hint),
    }
}
