//! The statements of Rust sources: the string literal of every `sql!(...)` and `sql_as!(...)`
//! call, as the macro sees it (options and row type skipped, escapes and line continuations
//! resolved), so the harness checks the statements the example and the ui-tests really compile.

use std::path::Path;

use super::corpus::Stmt;

/// Every `sql!`/`sql_as!` statement of `file`, labelled `path:line`; `expect_reject` marks them
/// all (for sources that must not compile against the schema).
pub fn statements(root: &Path, file: &str, expect_reject: bool) -> Vec<Stmt> {
    let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut out = Vec::new();
    for (at, _) in text.match_indices("sql") {
        let rest = &text[at..];
        let open = if rest.starts_with("sql!(") {
            "sql!(".len()
        } else if rest.starts_with("sql_as!(") {
            "sql_as!(".len()
        } else {
            continue;
        };
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = &text[line_start..at];
        // A call written in a comment or a doc, or part of a longer name.
        if before.contains("//") || before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let line = text[..at].matches('\n').count() + 1;
        let sql = last_literal(&rest[open..])
            .unwrap_or_else(|| panic!("{file}:{line}: no statement literal in the call"));
        out.push(Stmt {
            label: format!("{file}:{line}"),
            sql,
            expect_reject,
            sqlx: None,
        });
    }
    out
}

/// The last string literal before the `)` closing the call, unescaped.
fn last_literal(args: &str) -> Option<String> {
    let mut chars = args.char_indices().peekable();
    let mut depth = 0usize;
    let mut last = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => return last,
            ')' | ']' | '}' => depth -= 1,
            '"' => {
                let (value, len) = cooked(&args[i + 1..]);
                last = Some(value);
                skip(&mut chars, i + 1 + len);
            }
            'r' if args[i + 1..].starts_with(['"', '#']) => {
                let hashes = args[i + 1..].chars().take_while(|&c| c == '#').count();
                let body = i + 1 + hashes + 1;
                let close = format!("\"{}", "#".repeat(hashes));
                let end = body + args[body..].find(&close)?;
                last = Some(args[body..end].to_owned());
                skip(&mut chars, end + close.len());
            }
            _ => {}
        }
    }
    None
}

fn skip(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, to: usize) {
    while chars.peek().is_some_and(|&(j, _)| j < to) {
        chars.next();
    }
}

/// A normal string literal's value, from just after its opening quote; and the bytes it took,
/// closing quote included.
fn cooked(s: &str) -> (String, usize) {
    let mut out = String::new();
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match c {
            '"' => return (out, i + 1),
            '\\' => match it.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '0')) => out.push('\0'),
                Some((_, '\n')) => {
                    while it.peek().is_some_and(|&(_, c)| c.is_whitespace()) {
                        it.next();
                    }
                }
                Some((_, other)) => out.push(other),
                None => break,
            },
            c => out.push(c),
        }
    }
    (out, s.len())
}

#[test]
fn literals_are_read_as_the_compiler_reads_them() {
    let src = "let a = sql!(snapshot = \"x.json\", \"SELECT 1 \\\n     FROM t WHERE a = '\\\"'\");\n\
               // sql!(\"not this\")\n\
               let b = sql_as!(Row<'static>, r#\"SELECT \"q\" FROM t\"#);";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rs"), src).unwrap();
    let got = statements(dir.path(), "a.rs", false);
    let sql: Vec<&str> = got.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        sql,
        ["SELECT 1 FROM t WHERE a = '\"'", "SELECT \"q\" FROM t"]
    );
    assert_eq!(got[1].label, "a.rs:4");
}
