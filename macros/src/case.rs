//! Rename rules. One table serves parsing and the error that lists the valid names, so the two
//! cannot disagree. Word splitting is heck's, the same crate sqlx and postgres-derive use, so a
//! `rename_all` honoured from their attributes yields the names those drivers will ask for.

use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase, ToTrainCase,
    ToUpperCamelCase,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameRule {
    Lower,
    Upper,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
    Camel,
    Pascal,
    Train,
}

use RenameRule::*;

pub const RULES: &[(&str, RenameRule)] = &[
    ("lowercase", Lower),
    ("UPPERCASE", Upper),
    ("snake_case", Snake),
    ("SCREAMING_SNAKE_CASE", ScreamingSnake),
    ("kebab-case", Kebab),
    ("SCREAMING-KEBAB-CASE", ScreamingKebab),
    ("camelCase", Camel),
    ("PascalCase", Pascal),
    ("Train-Case", Train),
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

    pub fn apply(self, name: &str) -> String {
        match self {
            // Like sqlx: the whole name in one case, no word splitting.
            Lower => name.to_lowercase(),
            Upper => name.to_uppercase(),
            Snake => name.to_snake_case(),
            ScreamingSnake => name.to_shouty_snake_case(),
            Kebab => name.to_kebab_case(),
            ScreamingKebab => name.to_shouty_kebab_case(),
            Camel => name.to_lower_camel_case(),
            Pascal => name.to_upper_camel_case(),
            Train => name.to_train_case(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(name: &str) -> Vec<String> {
        RULES.iter().map(|(_, r)| r.apply(name)).collect()
    }

    #[test]
    fn every_rule_on_a_variant_name() {
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
    }

    /// Acronyms split like heck splits them; digits stay with their word.
    #[test]
    fn acronyms_and_digits_split_like_heck() {
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
        assert!(err.starts_with("unknown rename rule `Snake_Case`; expected one of `lowercase`, `UPPERCASE`, `snake_case`"));
        assert!(err.ends_with("`Train-Case`"));
        assert_eq!(RenameRule::parse("kebab-case"), Ok(Kebab));
    }
}
