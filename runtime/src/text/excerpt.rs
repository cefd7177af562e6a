//! A statement's line with a caret under a byte range, for errors about SQL: the macros cannot
//! point into a string literal on stable Rust, so the message shows where.

use std::fmt::Write as _;
use std::ops::Range;

/// The widest excerpt shown; a longer line is cut around the range.
const WIDTH: usize = 100;

/// The line of `source` holding `span.start`, numbered as a line of the statement, with `^`
/// under `span` (to the end of that line when it runs on):
///
/// ```text
/// 2 |  WHERE entity_type = 'CHARACTR'
///   |                      ^^^^^^^^^^
/// ```
pub fn caret(source: &str, span: Range<usize>) -> String {
    let start = floor(source, span.start.min(source.len()));
    let end = floor(source, span.end.clamp(start, source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let number = source[..line_start].matches('\n').count() + 1;
    let line = &source[line_start..line_end];
    let before: Vec<char> = line[..start - line_start].chars().map(untab).collect();
    let marked = source[start..end.min(line_end)].chars().count().max(1);
    let after: Vec<char> = line[start - line_start..].chars().map(untab).collect();

    // Keep the range in view: cut the left so the caret starts within the first third.
    let skip = before.len().saturating_sub(WIDTH / 3);
    let lead = if skip > 0 { "..." } else { "" };
    let shown_before: String = before[skip..].iter().collect();
    let room = WIDTH.saturating_sub(shown_before.chars().count());
    let shown_after: String = after.iter().take(room).collect();
    let tail = if after.len() > room { "..." } else { "" };

    let gutter = number.to_string();
    let pad = " ".repeat(gutter.len());
    let mut out = String::new();
    let _ = writeln!(out, "{gutter} | {lead}{shown_before}{shown_after}{tail}");
    let _ = write!(
        out,
        "{pad} | {}{}",
        " ".repeat(lead.len() + shown_before.chars().count()),
        "^".repeat(marked.min(room.max(1)))
    );
    out
}

fn untab(c: char) -> char {
    if c == '\t' { ' ' } else { c }
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::caret;

    #[test]
    fn marks_the_range_on_its_line() {
        let sql = "SELECT id\n  FROM entities WHERE kind = 'x'";
        let at = sql.find("kind").unwrap();
        assert_eq!(
            caret(sql, at..at + 4),
            "2 |   FROM entities WHERE kind = 'x'\n  |                       ^^^^"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_range() {
        let sql = format!("SELECT {} nope FROM t", "a, ".repeat(60));
        let at = sql.find("nope").unwrap();
        let out = caret(&sql, at..at + 4);
        let lines: Vec<&str> = out.lines().collect();
        // The excerpt is the line, then the caret under it.
        assert!(
            lines[0].starts_with("1 | ...") && lines[0].contains("nope"),
            "{out}"
        );
        let col = lines[1].find('^').unwrap();
        assert_eq!(&lines[0][col..col + 4], "nope", "{out}");
    }

    #[test]
    // A reversed range is one of the odd inputs the excerpt must survive.
    #[allow(clippy::reversed_empty_ranges)]
    fn never_panics_on_odd_ranges() {
        // Past the end, inside a character, and a range ending before it starts.
        let ranges = [("", 0..0), ("é", 1..5), ("a\nb", 2..1), ("x", 9..9)];
        for (sql, r) in ranges {
            let _ = caret(sql, r);
        }
    }
}
