//! The checks themselves, one function per kind of step: the query that finds the rows its
//! step would fail on, as a `DO` block.

use crate::ident::{quote_ident, quote_literal};
use crate::snapshot::{Check, ForeignKey, Index};

use super::super::render::{check_expression, qualified};
use super::super::step::Preflight;
use super::{Mode, SHOWN, block, count, count_and_values, pct, shown};

/// How a check is written: what a failure does, and how tables are read.
pub(super) struct Q<'a> {
    pub(super) mode: Mode,
    pub(super) from: &'a dyn Fn(&str, &str, &str) -> String,
}

impl Q<'_> {
    fn from(&self, schema: &str, table: &str, alias: &str) -> String {
        (self.from)(schema, table, alias)
    }

    fn preflight(
        &self,
        checks: String,
        declare: &str,
        body: &str,
        message: &str,
        args: &str,
        hint: &str,
    ) -> Preflight {
        Preflight {
            sql: block(self.mode, &checks, declare, body, message, args, hint),
            checks,
        }
    }
}

/// Text with `{n}` and `{values}` placeholders as a `format()` pattern: `%` escaped, the
/// placeholders `%s`.
pub(super) fn pattern(text: &str) -> String {
    pct(text).replace("{n}", "%s").replace("{values}", "%s")
}

/// No two rows with the same keys of `index` (NULLs are distinct, as in the index).
pub(super) fn no_duplicates(q: &Q<'_>, schema: &str, table: &str, index: &Index) -> Preflight {
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
        "    SELECT count(*), (array_agg(k ORDER BY k))[1:{SHOWN}] INTO n, bad FROM (\n        SELECT format('(%s) %s times', concat_ws(', ', {}), count(*)) AS k\n        FROM {} WHERE {filter}\n        GROUP BY {} HAVING count(*) > 1) dup;",
        row.join(", "),
        q.from(schema, table, &quote_ident(table)),
        keys.join(", ")
    );
    q.preflight(
        format!("no duplicate keys of `{}` in `{rel}`", index.name),
        "",
        &body,
        &pattern(&format!(
            "{rel} has {{n}} that more than one row holds, for unique index `{}` ({}): {{values}}",
            index.name,
            keys.join(", ")
        )),
        &count_and_values("key"),
        "remove or merge the duplicate rows, then run the script again",
    )
}

/// Every non-null key of `fk` has its row in the referenced table.
pub(super) fn no_orphans(q: &Q<'_>, schema: &str, table: &str, fk: &ForeignKey) -> Preflight {
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
        "    SELECT count(*), (array_agg(k ORDER BY k))[1:{SHOWN}] INTO n, bad FROM (\n        SELECT DISTINCT format('(%s)', concat_ws(', ', {})) AS k\n        FROM {}\n        WHERE {} AND NOT EXISTS (SELECT FROM {} WHERE {})) orphan;",
        row.join(", "),
        q.from(schema, table, "c"),
        not_null.join(" AND "),
        q.from(&fk.references.schema, &fk.references.table, "r"),
        join.join(" AND ")
    );
    q.preflight(
        format!("every row of `{rel}` has its row in `{referenced}`"),
        "",
        &body,
        &pattern(&format!(
            "{rel} has {{n}} {} with no row in {referenced}, for foreign key `{}`: {{values}}",
            super::super::render::column_list(&fk.columns),
            fk.name
        )),
        &count_and_values("key"),
        "delete those rows, set their keys to NULL or add the rows they reference, then run \
             the script again",
    )
}

/// No row violates the check.
pub(super) fn check_holds(q: &Q<'_>, schema: &str, table: &str, c: &Check) -> Preflight {
    let rel = qualified(schema, table);
    let expr = check_expression(&c.definition);
    let alias = quote_ident(table);
    let body = format!(
        "    SELECT count(*), (array_agg(k ORDER BY k))[1:{SHOWN}] INTO n, bad FROM (\n        SELECT left({alias}::text, 200) AS k FROM {} WHERE NOT ({expr})) violation;",
        q.from(schema, table, &alias)
    );
    q.preflight(
        format!("no row of `{rel}` violates `{}`", c.name),
        "",
        &body,
        &pattern(&format!(
            "{rel} has {{n}} that check constraint `{}` ({}) rejects: {{values}}",
            c.name, c.definition
        )),
        &count_and_values("row"),
        "fix or delete those rows, then run the script again",
    )
}

/// No NULL in the column.
pub(super) fn no_nulls(q: &Q<'_>, schema: &str, table: &str, column: &str) -> Preflight {
    let rel = qualified(schema, table);
    let col = quote_ident(column);
    let body = format!(
        "    SELECT count(*) INTO n FROM {} WHERE {col} IS NULL;",
        q.from(schema, table, "t")
    );
    q.preflight(
        format!("no NULL in `{rel}.{column}`"),
        "",
        &body,
        &format!(
            "{}.{} becomes NOT NULL, but holds NULL in %s",
            pct(&rel),
            pct(&col)
        ),
        &count("row"),
        "set those rows to a value (UPDATE ... SET ... WHERE ... IS NULL), then run the \
             script again",
    )
}

/// The table has no row (before a step that cannot fill a new column).
pub(super) fn empty(q: &Q<'_>, schema: &str, table: &str, why: &str) -> Preflight {
    let rel = qualified(schema, table);
    let body = format!(
        "    SELECT count(*) INTO n FROM (SELECT FROM {} LIMIT 1) r;",
        q.from(schema, table, "t")
    );
    q.preflight(
        format!("`{rel}` is empty"),
        "",
        &body,
        &pct(&format!("{rel} has rows, but {why}")),
        "n",
        "give the new column a default in the schema, or fill the table after adding the \
             column as NULL, then run the script again",
    )
}

/// Every value of `column` converts with `using` to `target_type` (and not to NULL when the
/// column becomes NOT NULL). Checked once per distinct value of the columns `using` reads.
#[allow(clippy::too_many_arguments)]
pub(super) fn conversion(
    q: &Q<'_>,
    schema: &str,
    table: &str,
    column: &str,
    using: &str,
    target_type: &str,
    not_null: bool,
    read: &[String],
) -> Preflight {
    let rel = qualified(schema, table);
    let col = quote_ident(column).into_owned();
    let mut read: Vec<String> = read.iter().map(|c| quote_ident(c).into_owned()).collect();
    if !read.contains(&col) {
        read.insert(0, col.clone());
    }
    let select_r: Vec<String> = read.iter().map(|n| format!("r.{n} AS {n}")).collect();
    let null_check = if not_null {
        "\n            IF converted IS NULL THEN\n                RAISE EXCEPTION 'NULL';\n            END IF;"
    } else {
        ""
    };
    let body = format!(
        "    FOR r IN SELECT DISTINCT {cols} FROM {source} ORDER BY 1 LOOP\n        BEGIN\n            converted := (SELECT {using} FROM (SELECT {select_r}) AS {alias});{null_check}\n        EXCEPTION WHEN OTHERS THEN\n            n := n + 1;\n            IF n <= {SHOWN} THEN\n                bad := bad || {value};\n            END IF;\n        END;\n    END LOOP;",
        cols = read.join(", "),
        source = q.from(schema, table, "t"),
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
    q.preflight(
        format!("every value of `{rel}.{column}` converts to {to}"),
        &declare,
        &body,
        &pattern(&format!(
            "{rel}.{col} holds {{n}} that will not convert to {to} with {using}: {{values}}"
        )),
        &count_and_values("value"),
        &format!(
            "update those rows, or pass --using '{table}.{column}=<expression>' that maps \
                 them, then run the script again"
        ),
    )
}

/// No column of the enum holds a label it loses.
pub(super) fn keeps_labels(
    q: &Q<'_>,
    name: &str,
    labels: &[String],
    columns: &[(String, String, String, bool)],
) -> Preflight {
    let list: Vec<String> = labels.iter().map(|l| quote_literal(l)).collect();
    let mut parts = Vec::new();
    for (s, t, c, array) in columns {
        let col = quote_ident(c);
        let values = if *array {
            format!(
                "SELECT DISTINCT unnest({col})::text AS v FROM {}",
                q.from(s, t, "t")
            )
        } else {
            format!(
                "SELECT DISTINCT {col}::text AS v FROM {}",
                q.from(s, t, "t")
            )
        };
        parts.push(format!(
            "SELECT format('%s.%s = %s', {}, {}, quote_literal(v)) AS k FROM ({values}) x \
             WHERE v IS NOT NULL AND v <> ALL (ARRAY[{}])",
            quote_literal(&qualified(s, t)),
            quote_literal(c),
            list.join(", ")
        ));
    }
    let body = if parts.is_empty() {
        "    NULL;".to_owned()
    } else {
        format!(
            "    SELECT count(*), (array_agg(k ORDER BY k))[1:{SHOWN}] INTO n, bad FROM (\n        {}) removed;",
            parts.join("\n        UNION ALL ")
        )
    };
    q.preflight(
        format!("no row holds a label enum `{name}` loses"),
        "",
        &body,
        &pattern(&format!(
            "the data holds {{n}} that enum {name} no longer has: {{values}}"
        )),
        &count_and_values("label"),
        "update those rows to labels the enum keeps, then run the script again",
    )
}
