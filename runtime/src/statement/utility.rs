//! Statements other than SELECT/INSERT/UPDATE/DELETE/VALUES: the names the engine can check
//! (`TRUNCATE`, `LOCK`, `COPY`, `REFRESH MATERIALIZED VIEW`), nothing else. They cannot be
//! prepared, so nothing is typed. A utility statement the parser cannot read is accepted
//! unchecked rather than refused, since PostgreSQL may well run it.

use sqlparser::ast::{CopySource, ObjectName, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::analyzer::Analyzer;
use super::findings::FindingKind;
use super::typename::fold;

/// Leading keywords of statements PostgreSQL cannot prepare.
const UTILITY_KEYWORDS: &[Keyword] = &[
    Keyword::ALTER,
    Keyword::CREATE,
    Keyword::DROP,
    Keyword::GRANT,
    Keyword::REVOKE,
    Keyword::COMMENT,
    Keyword::VACUUM,
    Keyword::ANALYZE,
    Keyword::CLUSTER,
    Keyword::REINDEX,
    Keyword::REFRESH,
    Keyword::LOCK,
    Keyword::SET,
    Keyword::RESET,
    Keyword::SHOW,
    Keyword::DISCARD,
    Keyword::LISTEN,
    Keyword::NOTIFY,
    Keyword::UNLISTEN,
    Keyword::DO,
    Keyword::CALL,
    Keyword::SECURITY,
    Keyword::IMPORT,
    Keyword::LOAD,
    Keyword::BEGIN,
    Keyword::START,
    Keyword::COMMIT,
    Keyword::END,
    Keyword::ROLLBACK,
    Keyword::ABORT,
    Keyword::SAVEPOINT,
    Keyword::RELEASE,
    Keyword::PREPARE,
    Keyword::EXECUTE,
    Keyword::DEALLOCATE,
    Keyword::DECLARE,
    Keyword::FETCH,
    Keyword::CLOSE,
    Keyword::TRUNCATE,
    Keyword::COPY,
];

/// True when the tokens open a utility statement (for text the parser could not read).
pub(crate) fn is_utility(tokens: &[TokenWithSpan]) -> bool {
    let first = tokens
        .iter()
        .find(|t| !matches!(t.token, Token::Whitespace(_)));
    matches!(first, Some(TokenWithSpan { token: Token::Word(w), .. }) if UTILITY_KEYWORDS.contains(&w.keyword))
}

impl<'a> Analyzer<'a> {
    /// Checks the names of a parsed utility statement.
    pub fn utility(&mut self, s: &Statement) {
        match s {
            Statement::Truncate(t) => {
                for target in &t.table_names {
                    self.existing_relation(&target.name);
                }
            }
            Statement::Lock(l) => {
                for target in &l.tables {
                    self.existing_relation(&target.name);
                }
            }
            Statement::RefreshMaterializedView(r) => self.existing_relation(&r.name),
            Statement::Copy { source, .. } => match source {
                CopySource::Table {
                    table_name,
                    columns,
                } => {
                    let span = self.span_of(table_name);
                    let item = self.relation_item(table_name, None, span);
                    let known: Vec<&str> = item.star().map(|c| c.name.as_str()).collect();
                    let mut missing = Vec::new();
                    for c in columns {
                        let name = fold(c);
                        if !item.open && !known.contains(&name.as_str()) {
                            let message = super::findings::unknown_column(
                                &name,
                                item.name.as_deref(),
                                known.iter().copied(),
                            );
                            missing.push((self.ident_span(c), message));
                        }
                    }
                    for (span, message) in missing {
                        self.report(FindingKind::UnknownColumn, span, message);
                    }
                }
                CopySource::Query(q) => {
                    self.scopes.push();
                    self.query(q);
                    self.scopes.pop();
                }
            },
            _ => {}
        }
    }

    fn existing_relation(&mut self, name: &ObjectName) {
        let span = self.span_of(name);
        self.relation_item(name, None, span);
    }
}
