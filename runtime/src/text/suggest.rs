//! "Did you mean" for tables, columns, types, labels and attribute keys.
//!
//! Renames in schemas are rarely typos alone: a column grows a prefix (`type` becomes
//! `entity_type`), a qualifier (`confidence` becomes `extraction_confidence`, `published` becomes
//! `published_at`) or its whole word (`bio` becomes `biography`), or one word of it is shortened
//! (`actor_id` becomes `ap_id`). So besides edit distance we rank names that hold the wanted one
//! as an affix, and names that keep its last word and first letter.

use super::one_of;

/// How close `candidate` is to `wanted`; `None` when it is not worth suggesting. Lower is closer.
/// An affix match counts like three edits: a near-typo (`entitis`, `entity` for `entities`)
/// beats it, and all affix matches tie, since `type` is as likely `entity_type` as `event_type`.
fn score(wanted: &str, candidate: &str) -> Option<usize> {
    const AFFIX: usize = 3;
    let w = wanted.to_lowercase();
    let c = candidate.to_lowercase();
    if w == c {
        return Some(0);
    }
    let d = strsim::damerau_levenshtein(&w, &c);
    let limit = (w.chars().count().max(c.chars().count()) / 3).max(1);
    // Table names are often the plural of the struct's name.
    let plural_of = |one: &str, many: &str| {
        many == format!("{one}s")
            || many == format!("{one}es")
            || one
                .strip_suffix('y')
                .is_some_and(|stem| many == format!("{stem}ies"))
    };
    if plural_of(&w, &c) || plural_of(&c, &w) {
        return Some(1);
    }
    let edit = (d <= limit).then_some(d);
    let affixed = if affix(&c, &w) || affix(&w, &c) {
        Some(AFFIX)
    } else if grown(&c, &w) || grown(&w, &c) || same_tail(&w, &c) {
        Some(AFFIX + 1)
    } else {
        None
    };
    match (edit, affixed) {
        (Some(e), Some(a)) => Some(e.min(a)),
        (e, a) => e.or(a),
    }
}

/// True when `long` grew from `short` (both lower case) without a separator: a prefix of three
/// letters or more (`bio`, `biography`) or a suffix of four or more (`name`, `username`).
fn grown(long: &str, short: &str) -> bool {
    long.len() > short.len()
        && ((short.len() >= 3 && long.starts_with(short))
            || (short.len() >= 4 && long.ends_with(short)))
}

/// True when two `_`-separated names of as many words share their last word and first letter
/// and differ in one word: `actor_id` and `ap_id`.
fn same_tail(a: &str, b: &str) -> bool {
    let (wa, wb): (Vec<&str>, Vec<&str>) = (a.split('_').collect(), b.split('_').collect());
    wa.len() >= 2
        && wa.len() == wb.len()
        && wa.last() == wb.last()
        && a.chars().next() == b.chars().next()
        && wa.iter().zip(&wb).filter(|(x, y)| x != y).count() == 1
}

/// True when `long` holds `short` (both lower case) as a whole `_`-separated prefix or suffix:
/// `entity_type` holds `type`.
fn affix(long: &str, short: &str) -> bool {
    !short.is_empty()
        && (long.ends_with(&format!("_{short}")) || long.starts_with(&format!("{short}_")))
}

/// The closest candidates to `wanted`: every candidate that ties for best, at most three.
pub fn closest<'a, I>(wanted: &str, candidates: I) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut scored: Vec<(usize, &'a str)> = candidates
        .into_iter()
        .filter_map(|c| score(wanted, c).map(|s| (s, c)))
        .collect();
    scored.sort();
    let Some(&(best, _)) = scored.first() else {
        return Vec::new();
    };
    scored
        .into_iter()
        .take_while(|(s, _)| *s == best)
        .map(|(_, c)| c)
        .take(3)
        .collect()
}

/// `` ; did you mean `x`? `` when something is close, else `""`.
pub fn did_you_mean<'a, I>(wanted: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    hint(&closest(wanted, candidates))
}

fn hint(close: &[&str]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", one_of(close))
    }
}

/// Like [`did_you_mean`], and also offering every candidate that holds `wanted` as a whole
/// `_`-separated affix when a near-typo ranked first: for a name a statement uses, a renamed
/// column (`id` now `crate_id`) is as likely as a typo (`rid`), so both are worth naming.
pub fn did_you_mean_or_renamed<'a, I>(wanted: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    let mut close = closest(wanted, candidates.iter().copied());
    let w = wanted.to_lowercase();
    for c in &candidates {
        if affix(&c.to_lowercase(), &w) && !close.contains(c) && close.len() < 3 {
            close.push(c);
        }
    }
    hint(&close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affix_renames() {
        let cols = ["id", "entity_type", "extraction_confidence", "vault_id"];
        assert_eq!(closest("type", cols), ["entity_type"]);
        assert_eq!(closest("confidence", cols), ["extraction_confidence"]);
        assert_eq!(
            closest("entity", ["entities", "entity_types"]),
            ["entities"]
        );
    }

    #[test]
    fn grown_and_shortened_names() {
        assert_eq!(closest("bio", ["id", "biography", "name"]), ["biography"]);
        assert_eq!(
            closest("published", ["id", "published_at", "title"]),
            ["published_at"]
        );
        assert_eq!(closest("actor_id", ["ap_id", "name", "local"]), ["ap_id"]);
        assert!(closest("actor_id", ["bot_account", "name"]).is_empty());
    }

    #[test]
    fn typos_and_case() {
        assert_eq!(closest("entitis", ["entities", "events"]), ["entities"]);
        assert_eq!(
            closest("CanonLayer", ["canonlayer", "canonstatus"]),
            ["canonlayer"]
        );
        assert_eq!(
            closest("mention_cuont", ["mention_count"]),
            ["mention_count"]
        );
    }

    #[test]
    fn nothing_close_suggests_nothing() {
        assert!(closest("zzz", ["id", "entity_type"]).is_empty());
        assert_eq!(did_you_mean("zzz", ["id"]), "");
    }

    #[test]
    fn renames_are_offered_beside_typos() {
        assert_eq!(
            did_you_mean_or_renamed("id", ["rid", "renamed_id", "name"]),
            "; did you mean `rid` or `renamed_id`?"
        );
        assert_eq!(
            did_you_mean_or_renamed("type", ["entity_type", "id"]),
            "; did you mean `entity_type`?"
        );
        assert_eq!(did_you_mean_or_renamed("zzz", ["id"]), "");
    }

    #[test]
    fn ties_are_all_offered() {
        let close = closest("type", ["entity_type", "event_type", "id"]);
        assert_eq!(close, ["entity_type", "event_type"]);
        assert_eq!(
            did_you_mean("type", ["entity_type", "event_type"]),
            "; did you mean `entity_type` or `event_type`?"
        );
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
