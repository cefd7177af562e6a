//! Rust names for database names: valid identifiers, `r#` where a keyword allows it, unique
//! within their scope, and whether the derives would read them back as the database name (when
//! not, the caller writes a rename).

use std::collections::BTreeSet;

use schemalock_runtime::text::case::{RULES, RenameRule, field_name_of, type_name_of};

/// Rust's keywords (strict, reserved, and edition 2024's `gen`), which a name can only take as
/// `r#name`.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that `r#` cannot take.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// `s` made of ASCII letters, digits and `_` only, not starting with a digit (`prefix` goes
/// first then), never empty.
fn sanitize(s: &str, prefix: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.chars().all(|c| c == '_') {
        out = prefix.to_owned();
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, prefix);
    }
    out
}

/// A name in a scope (a module's types, a struct's fields, an enum's variants): each taken once.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// `wanted` if free, else `wanted2`, `wanted3`, ... (or `wanted_2` when `wanted` ends in a
    /// digit); marked taken.
    fn take(&mut self, wanted: &str, separator: &str) -> String {
        let key = |s: &str| s.trim_start_matches("r#").to_owned();
        let mut name = wanted.to_owned();
        let mut n = 2;
        while self.taken.contains(&key(&name)) {
            let sep = if wanted.ends_with('_') {
                ""
            } else if wanted.ends_with(|c: char| c.is_ascii_digit()) {
                "_"
            } else {
                separator
            };
            name = format!("{}{sep}{n}", wanted.trim_start_matches("r#"));
            n += 1;
        }
        self.taken.insert(key(&name));
        name
    }

    /// A type name for the database name `db` (`film_actor` → `FilmActor`); `fallback` is tried
    /// first when the plain one is taken (a table's schema before it).
    pub(crate) fn type_name(&mut self, db: &str, fallback: Option<&str>) -> String {
        let plain = sanitize(&type_name_of(db), "T");
        let plain = if plain == "Self" {
            "Self_".to_owned()
        } else {
            plain
        };
        if !self.taken.contains(&plain) {
            return self.take(&plain, "");
        }
        match fallback {
            Some(f) => {
                let longer = sanitize(&type_name_of(&format!("{f}_{db}")), "T");
                self.take(&longer, "")
            }
            None => self.take(&plain, ""),
        }
    }

    /// A field for the column `column`, and whether it needs a rename: the column's own name
    /// when it is a valid snake_case identifier (`r#type` for a keyword), else a snake_case
    /// spelling of it.
    pub(crate) fn field_name(&mut self, column: &str) -> (String, bool) {
        let snake_already = !column.is_empty()
            && column
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !column.starts_with(|c: char| c.is_ascii_digit());
        let wanted = if snake_already && !NOT_RAW.contains(&column) {
            if KEYWORDS.contains(&column) {
                format!("r#{column}")
            } else {
                column.to_owned()
            }
        } else {
            let mut s = sanitize(&field_name_of(column), "col_").to_ascii_lowercase();
            if NOT_RAW.contains(&s.as_str()) || KEYWORDS.contains(&s.as_str()) {
                s.push('_');
            }
            s
        };
        let name = self.take(&wanted, "_");
        let reads_as = name.trim_start_matches("r#");
        (name.clone(), reads_as != column)
    }
}

/// The variant names for an enum's labels, and the `rename_all` rule that makes most of them read
/// back as their label (`None`: the variant names as they are); each label the rule misses needs
/// a rename (the `bool`).
pub(crate) fn variants(labels: &[String]) -> (Option<RenameRule>, Vec<(String, bool)>) {
    let mut scope = Scope::default();
    let names: Vec<String> = labels
        .iter()
        .map(|l| {
            let n = sanitize(&type_name_of(l), "V");
            let n = if n == "Self" { "Self_".to_owned() } else { n };
            scope.take(&n, "")
        })
        .collect();
    let fits = |rule: Option<RenameRule>| {
        names
            .iter()
            .zip(labels)
            .filter(|(n, l)| rule.map_or_else(|| (*n).clone(), |r| r.apply(n)) == **l)
            .count()
    };
    // The variant names as they are first, then the usual rules in `RULES`' order; ties keep the
    // earlier.
    let mut best: (Option<RenameRule>, usize) = (None, fits(None));
    for (_, rule) in RULES {
        let n = fits(Some(*rule));
        if n > best.1 {
            best = (Some(*rule), n);
        }
    }
    let rule = best.0;
    let out = names
        .into_iter()
        .zip(labels)
        .map(|(n, l)| {
            let read = rule.map_or_else(|| n.clone(), |r| r.apply(&n));
            let renamed = read != *l;
            (n, renamed)
        })
        .collect();
    (rule, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_their_column_names() {
        let mut s = Scope::default();
        assert_eq!(s.field_name("film_id"), ("film_id".into(), false));
        assert_eq!(s.field_name("type"), ("r#type".into(), false));
        assert_eq!(s.field_name("self"), ("self_".into(), true));
        assert_eq!(s.field_name("firstName"), ("first_name".into(), true));
        assert_eq!(s.field_name("2fa"), ("col_2fa".into(), true));
        assert_eq!(s.field_name("a b"), ("a_b".into(), true));
        assert_eq!(s.field_name("A_B"), ("a_b_2".into(), true));
        assert_eq!(s.field_name("bıgınt"), ("b_g_nt".into(), true));
        assert_eq!(s.field_name("Self"), ("self_2".into(), true));
    }

    #[test]
    fn type_names_are_unique() {
        let mut s = Scope::default();
        assert_eq!(s.type_name("film_actor", Some("public")), "FilmActor");
        assert_eq!(s.type_name("film_actor", Some("audit")), "AuditFilmActor");
        assert_eq!(s.type_name("film_actor", None), "FilmActor2");
        assert_eq!(s.type_name("2fa", None), "T2fa");
        assert_eq!(s.type_name("self", None), "Self_");
    }

    #[test]
    fn enum_labels_pick_the_rule_that_fits() {
        let labels = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // heck keeps digits in their word, so no rule gives `PG-13` from `Pg13`: renamed.
        let (rule, v) = variants(&labels(&["G", "PG", "PG-13", "R", "NC-17"]));
        assert_eq!(rule, Some(RenameRule::Upper));
        let renamed: Vec<&str> = v
            .iter()
            .filter(|(_, r)| *r)
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(renamed, ["Pg13", "Nc17"]);
        let (rule, v) = variants(&labels(&["happy", "very_sad"]));
        assert_eq!(rule, Some(RenameRule::Snake));
        assert_eq!(v[1], ("VerySad".into(), false));
        let (rule, v) = variants(&labels(&["Primary", "Alternate"]));
        assert_eq!(rule, None);
        assert_eq!(v[0], ("Primary".into(), false));
        let (rule, v) = variants(&labels(&["a", "b c", "ok"]));
        assert_eq!(rule, Some(RenameRule::Lower));
        assert_eq!(v[1], ("BC".into(), true));
    }
}
