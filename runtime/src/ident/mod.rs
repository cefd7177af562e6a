//! How PostgreSQL needs a name written in SQL: the one home for quoting identifiers and string
//! constants, for generated code (`TABLE`, `COLUMN_LIST`, `COLUMNS`), messages and, later, SQL we
//! write ourselves.
//!
//! The rule is PostgreSQL's own `quote_identifier` (`src/backend/utils/adt/ruleutils.c`, what
//! `SELECT quote_ident(...)` runs): a name stays bare only when it is made of `a`-`z`, `0`-`9`
//! and `_`, does not start with a digit, and is not a keyword outside the UNRESERVED category;
//! anything else (upper case, spaces, `$`, non-ASCII letters, `select`, `user`) is written
//! between double quotes with each `"` doubled. `tests/tests/ident.rs` compares this with
//! `quote_ident` of a running PostgreSQL 18 and runs queries built from derived constants.

mod keywords;

use std::borrow::Cow;

/// Which grammar positions a keyword is allowed in as a bare name (`kwlist.h`'s categories).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeywordCategory {
    /// Usable as any name: `type`, `name`, `action`.
    Unreserved,
    /// Usable as a column or table name but not as a function or type name: `int`, `json`.
    ColumnName,
    /// Usable as a function or type name but not as a column name: `left`, `join`, `authorization`.
    TypeFuncName,
    /// Never usable as a bare name: `select`, `user`, `order`.
    Reserved,
}

/// One PostgreSQL keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Keyword {
    /// The keyword in lower case, as `pg_get_keywords()` lists it.
    pub word: &'static str,
    /// Where it may stand as a bare name.
    pub category: KeywordCategory,
    /// Whether it may label a `SELECT` output column without `AS` (`SELECT 1 foo`).
    pub bare_label: bool,
}

/// The PostgreSQL release whose keyword list this module carries.
pub const KEYWORDS_OF: &str = "PostgreSQL 18.4";

/// Every keyword, in ASCII order.
pub fn keywords() -> &'static [Keyword] {
    keywords::KEYWORDS
}

/// The keyword `word` is, ignoring ASCII case as PostgreSQL's scanner does.
pub fn keyword(word: &str) -> Option<&'static Keyword> {
    let lower: Cow<'_, str> = if word.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(word.to_ascii_lowercase())
    } else {
        Cow::Borrowed(word)
    };
    let list = keywords::KEYWORDS;
    list.binary_search_by(|k| k.word.cmp(&lower))
        .ok()
        .map(|i| &list[i])
}

/// True when `name` must be written quoted to mean exactly `name`.
pub fn needs_quotes(name: &str) -> bool {
    let mut bytes = name.bytes();
    let plain = bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    // Only bare words can be keywords; a quoted keyword is an ordinary name.
    !plain || keyword(name).is_some_and(|k| k.category != KeywordCategory::Unreserved)
}

/// `name` as an SQL identifier: bare when PostgreSQL reads it back unchanged, else in double
/// quotes with `"` doubled. The same text as PostgreSQL's `quote_ident(name)`.
pub fn quote_ident(name: &str) -> Cow<'_, str> {
    if needs_quotes(name) {
        Cow::Owned(format!("\"{}\"", name.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(name)
    }
}

/// A relation or type name as SQL written for the default `search_path`: `entities`, or
/// `audit.entities` outside `public`, each part quoted as [`quote_ident`] does.
pub fn qualified(schema: &str, name: &str) -> String {
    if schema == "public" {
        quote_ident(name).into_owned()
    } else {
        schema_qualified(schema, name)
    }
}

/// A column as messages name it: `entities.entity_type`, or `audit.events.at` outside
/// `public`, each part quoted as [`quote_ident`] does.
pub fn column(schema: &str, table: &str, column: &str) -> String {
    format!("{}.{}", qualified(schema, table), quote_ident(column))
}

/// A type's name as SQL written for the default `search_path` writes it: built-in types
/// (`pg_catalog`) bare, others as [`qualified`] writes them.
pub fn type_name(schema: &str, name: &str) -> String {
    if schema == "pg_catalog" {
        quote_ident(name).into_owned()
    } else {
        qualified(schema, name)
    }
}

/// `schema.name` with both parts quoted as [`quote_ident`] does, `public` included.
pub fn schema_qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

/// `value` as an SQL string constant: `'it''s'`. Backslashes stay as they are, which is right
/// with `standard_conforming_strings` on (the default since PostgreSQL 9.1).
pub fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted_lower_case_and_complete() {
        let list = keywords();
        assert_eq!(list.len(), 494);
        assert!(list.windows(2).all(|w| w[0].word < w[1].word));
        assert!(list.iter().all(|k| !needs_quotes_by_class(k.word)));
        let count = |c| list.iter().filter(|k| k.category == c).count();
        assert_eq!(
            [
                count(KeywordCategory::Unreserved),
                count(KeywordCategory::ColumnName),
                count(KeywordCategory::TypeFuncName),
                count(KeywordCategory::Reserved),
            ],
            [330, 63, 23, 78]
        );
        assert_eq!(
            keyword("SeLeCt").map(|k| k.category),
            Some(KeywordCategory::Reserved)
        );
        assert_eq!(keyword("selects"), None);
    }

    fn needs_quotes_by_class(word: &str) -> bool {
        !word
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    }

    #[test]
    fn quotes_what_postgresql_quotes() {
        for (name, sql) in [
            ("entities", "entities"),
            ("_x1", "_x1"),
            ("type", "type"),
            ("name", "name"),
            ("user", "\"user\""),
            ("order", "\"order\""),
            ("select", "\"select\""),
            ("int", "\"int\""),
            ("left", "\"left\""),
            ("MixedCol", "\"MixedCol\""),
            ("with\"quote", "\"with\"\"quote\""),
            ("with space", "\"with space\""),
            ("ünïcode", "\"ünïcode\""),
            ("$dollar", "\"$dollar\""),
            ("a$b", "\"a$b\""),
            ("1st", "\"1st\""),
            ("", "\"\""),
        ] {
            assert_eq!(quote_ident(name), sql, "{name}");
        }
        assert!(matches!(quote_ident("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn qualifies_outside_public() {
        assert_eq!(qualified("public", "user"), "\"user\"");
        assert_eq!(qualified("audit", "events"), "audit.events");
        assert_eq!(qualified("Audit", "order"), "\"Audit\".\"order\"");
        assert_eq!(schema_qualified("public", "t"), "public.t");
        assert_eq!(column("audit", "events", "at"), "audit.events.at");
        assert_eq!(column("public", "user", "Name"), "\"user\".\"Name\"");
        assert_eq!(type_name("pg_catalog", "int4"), "int4");
        assert_eq!(type_name("public", "mood"), "mood");
        assert_eq!(type_name("audit", "level"), "audit.level");
        assert_eq!(quote_literal("it's"), "'it''s'");
    }
}
