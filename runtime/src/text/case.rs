//! How the derives turn Rust names into database names: the `rename_all` rules, and the table
//! name a `#[derive(Table)]` struct reads without `table = "..."` (its name in snake_case).
//! Word splitting is heck's, as in sqlx and postgres-derive. `cargo schemalock generate` writes
//! names with these rules so that the derives read them back as the database's names.
//!
//! (The derives' own copy is `schemalock-macros`' `case.rs`; it is to become a re-export of this
//! module, so the two cannot drift apart. The tests below pin the same cases.)

use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase, ToTrainCase,
    ToUpperCamelCase,
};

/// A `rename_all` rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameRule {
    /// `lowercase`: the whole name lower-cased, no word splitting.
    Lower,
    /// `UPPERCASE`: the whole name upper-cased, no word splitting.
    Upper,
    /// `snake_case`.
    Snake,
    /// `SCREAMING_SNAKE_CASE`.
    ScreamingSnake,
    /// `kebab-case`.
    Kebab,
    /// `SCREAMING-KEBAB-CASE`.
    ScreamingKebab,
    /// `camelCase`.
    Camel,
    /// `PascalCase`.
    Pascal,
    /// `Train-Case`.
    Train,
}

/// Every rule, by the name `rename_all` takes.
pub const RULES: &[(&str, RenameRule)] = &[
    ("lowercase", RenameRule::Lower),
    ("UPPERCASE", RenameRule::Upper),
    ("snake_case", RenameRule::Snake),
    ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
    ("kebab-case", RenameRule::Kebab),
    ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebab),
    ("camelCase", RenameRule::Camel),
    ("PascalCase", RenameRule::Pascal),
    ("Train-Case", RenameRule::Train),
];

impl RenameRule {
    /// Parses a rule name, or says which names exist.
    pub fn parse(name: &str) -> Result<Self, String> {
        RULES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, r)| *r)
            .ok_or_else(|| {
                let valid: Vec<String> = RULES.iter().map(|(n, _)| format!("`{n}`")).collect();
                format!(
                    "unknown rename rule `{name}`; expected one of {}",
                    valid.join(", ")
                )
            })
    }

    /// The name `rename_all` takes for this rule.
    pub fn name(self) -> &'static str {
        RULES
            .iter()
            .find(|(_, r)| *r == self)
            .map_or("", |(n, _)| n)
    }

    /// `name` under this rule.
    pub fn apply(self, name: &str) -> String {
        match self {
            RenameRule::Lower => name.to_lowercase(),
            RenameRule::Upper => name.to_uppercase(),
            RenameRule::Snake => name.to_snake_case(),
            RenameRule::ScreamingSnake => name.to_shouty_snake_case(),
            RenameRule::Kebab => name.to_kebab_case(),
            RenameRule::ScreamingKebab => name.to_shouty_kebab_case(),
            RenameRule::Camel => name.to_lower_camel_case(),
            RenameRule::Pascal => name.to_upper_camel_case(),
            RenameRule::Train => name.to_train_case(),
        }
    }
}

/// The table a `#[derive(Table)]` struct called `rust_name` reads when it has no `table = "..."`.
pub fn default_table_name(rust_name: &str) -> String {
    rust_name.to_snake_case()
}

/// A database name as a Rust type name (`film_actor` → `FilmActor`), before any check that it is
/// a valid identifier.
pub fn type_name_of(db_name: &str) -> String {
    db_name.to_upper_camel_case()
}

/// A database name as a Rust field name (`firstName` → `first_name`), before any check that it
/// is a valid identifier.
pub fn field_name_of(db_name: &str) -> String {
    db_name.to_snake_case()
}

#[cfg(test)]
mod tests {
    use super::*;
    use RenameRule::*;

    fn all(name: &str) -> Vec<String> {
        RULES.iter().map(|(_, r)| r.apply(name)).collect()
    }

    /// The same cases as the derives' copy.
    #[test]
    fn every_rule_splits_as_the_derives_do() {
        assert_eq!(
            all("CanonLayer"),
            [
                "canonlayer",
                "CANONLAYER",
                "canon_layer",
                "CANON_LAYER",
                "canon-layer",
                "CANON-LAYER",
                "canonLayer",
                "CanonLayer",
                "Canon-Layer"
            ]
        );
        for (rule, name, renamed) in [
            (Snake, "HTTPServer", "http_server"),
            (ScreamingSnake, "XMLHttpRequest", "XML_HTTP_REQUEST"),
            (Camel, "user_id", "userId"),
            (Pascal, "api_url", "ApiUrl"),
            (Lower, "HTTPServer", "httpserver"),
            (Snake, "Version2", "version2"),
            (Snake, "sha256_sum", "sha256_sum"),
            (Kebab, "Utf8Text", "utf8-text"),
            (Upper, "layer2", "LAYER2"),
            (Pascal, "v2_api", "V2Api"),
        ] {
            assert_eq!(rule.apply(name), renamed, "{rule:?} on {name}");
        }
        for (name, rule) in RULES {
            assert_eq!(rule.name(), *name);
        }
    }

    #[test]
    fn names_round_trip_through_the_default_table_name() {
        for table in ["film_actor", "users", "v2_users", "crate_owner_invitations"] {
            assert_eq!(default_table_name(&type_name_of(table)), table);
        }
        // Those that do not need `table = "..."`.
        assert_ne!(default_table_name(&type_name_of("Users")), "Users");
        assert_ne!(
            default_table_name(&type_name_of("film__actor")),
            "film__actor"
        );
    }

    #[test]
    fn field_names_under_every_rule() {
        assert_eq!(
            all("mention_count"),
            [
                "mention_count",
                "MENTION_COUNT",
                "mention_count",
                "MENTION_COUNT",
                "mention-count",
                "MENTION-COUNT",
                "mentionCount",
                "MentionCount",
                "Mention-Count"
            ]
        );
    }

    #[test]
    fn unknown_rule_lists_the_table() {
        let err = RenameRule::parse("Snake_Case").unwrap_err();
        assert!(err.starts_with(
            "unknown rename rule `Snake_Case`; expected one of `lowercase`, `UPPERCASE`, `snake_case`"
        ));
        assert!(err.ends_with("`Train-Case`"));
        assert_eq!(RenameRule::parse("kebab-case"), Ok(Kebab));
    }
}
