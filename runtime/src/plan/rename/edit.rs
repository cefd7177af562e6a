//! A rename applied to the source model: the table, column, index or constraint under its new
//! name, and every expression that names it (defaults, checks, index predicates) rewritten as
//! PostgreSQL prints it after the rename.

use crate::ident::quote_ident;
use crate::plan::deps::{Backslash, closing_quote};
use crate::snapshot::{Index, Snapshot, Table};

/// Replaces the identifier `old` with `new` in an expression printed by PostgreSQL, outside
/// string constants and quoted text, as PostgreSQL prints it after a rename.
pub(super) fn rename_identifier(sql: &str, old: &str, new: &str) -> String {
    let quoted_old = quote_ident(old).into_owned();
    let replacement = quote_ident(new).into_owned();
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' {
            let start = i;
            i = closing_quote(b, i, Backslash::Literal).map_or(b.len(), |close| close + 1);
            out.push_str(&sql[start..i]);
        } else if c == b'"' {
            let start = i;
            i = closing_quote(b, i, Backslash::Literal).map_or(b.len(), |close| close + 1);
            let token = &sql[start..i];
            out.push_str(if token == quoted_old {
                &replacement
            } else {
                token
            });
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
                i += 1;
            }
            let token = &sql[start..i];
            out.push_str(if token == old && quoted_old == old {
                &replacement
            } else {
                token
            });
        } else {
            let ch = sql[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Renames column `old` of `schema.table` to `new` everywhere the source model names it.
pub(super) fn rename_column_in(
    source: &mut Snapshot,
    schema: &str,
    table: &str,
    old: &str,
    new: &str,
) {
    let rename = |v: &mut String| {
        if v == old {
            *v = new.to_owned();
        }
    };
    if let Some(t) = source
        .schemas
        .get_mut(schema)
        .and_then(|s| s.tables.get_mut(table))
    {
        for c in &mut t.columns {
            rename(&mut c.name);
            if let Some(g) = &mut c.generation_expression {
                *g = rename_identifier(g, old, new);
            }
        }
        for k in t
            .primary_key
            .iter_mut()
            .chain(t.unique_constraints.iter_mut())
        {
            k.columns.iter_mut().for_each(rename);
        }
        for fk in &mut t.foreign_keys {
            fk.columns.iter_mut().for_each(rename);
        }
        for c in &mut t.checks {
            c.definition = rename_identifier(&c.definition, old, new);
        }
        for i in &mut t.indexes {
            rename_in_index(i, old, new);
        }
    }
    for (s, sch) in &mut source.schemas {
        for t in sch.tables.values_mut() {
            for fk in &mut t.foreign_keys {
                if fk.references.schema == schema && fk.references.table == table {
                    fk.references.columns.iter_mut().for_each(rename);
                }
            }
        }
        for seq in sch.sequences.values_mut() {
            if let Some(o) = &mut seq.owned_by {
                if o.schema == schema && o.table == table {
                    rename(&mut o.column);
                }
            }
        }
        let _ = s;
    }
}

fn rename_in_index(i: &mut Index, old: &str, new: &str) {
    for k in &mut i.keys {
        if k.column.as_deref() == Some(old) {
            k.column = Some(new.to_owned());
        }
        if let Some(e) = &mut k.expression {
            *e = rename_identifier(e, old, new);
        }
    }
    for c in &mut i.include {
        if c == old {
            *c = new.to_owned();
        }
    }
    if let Some(p) = &mut i.predicate {
        *p = rename_identifier(p, old, new);
    }
}

/// Renames constraint (and, for a key, its index) `old` of `schema.table` in the model.
pub(super) fn rename_constraint_in(
    source: &mut Snapshot,
    schema: &str,
    table: &str,
    old: &str,
    new: &str,
) {
    let Some(t) = source
        .schemas
        .get_mut(schema)
        .and_then(|s| s.tables.get_mut(table))
    else {
        return;
    };
    let is_key = t.primary_key.as_ref().is_some_and(|k| k.name == old)
        || t.unique_constraints.iter().any(|k| k.name == old);
    for k in t
        .primary_key
        .iter_mut()
        .chain(t.unique_constraints.iter_mut())
    {
        if k.name == old {
            k.name = new.to_owned();
        }
    }
    for fk in &mut t.foreign_keys {
        if fk.name == old {
            fk.name = new.to_owned();
        }
    }
    for c in &mut t.checks {
        if c.name == old {
            c.name = new.to_owned();
        }
    }
    if is_key {
        for i in &mut t.indexes {
            if i.name == old {
                i.name = new.to_owned();
            }
        }
    }
    sort_table(t);
}

fn sort_table(t: &mut Table) {
    t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    t.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
}

pub(super) fn rename_index_in(
    source: &mut Snapshot,
    schema: &str,
    table: &str,
    old: &str,
    new: &str,
) {
    if let Some(t) = source
        .schemas
        .get_mut(schema)
        .and_then(|s| s.tables.get_mut(table))
    {
        for i in &mut t.indexes {
            if i.name == old {
                i.name = new.to_owned();
            }
        }
        sort_table(t);
    }
}
