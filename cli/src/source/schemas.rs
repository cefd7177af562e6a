//! Which schemas a comparison covers.

use schemalock_runtime::Snapshot;

use crate::error::Error;
use schemalock_runtime::text::escape;

/// `snapshot` with only `schemas` (all of them when empty). Extensions and the migration head
/// belong to the whole database and are kept.
pub(crate) fn restrict(mut snapshot: Snapshot, schemas: &[String]) -> Snapshot {
    if !schemas.is_empty() {
        snapshot.schemas.retain(|name, _| schemas.contains(name));
    }
    snapshot
}

/// The schemas of a snapshot, to read the same ones from a database.
pub(crate) fn of(snapshot: &Snapshot) -> Vec<String> {
    snapshot.schemas.keys().cloned().collect()
}

/// Fails when a schema asked for with `--schema` is on neither side: most likely a typo, which
/// would otherwise compare nothing and pass. `known` are the schemas of both sides as read,
/// before [`restrict`], so that the message lists every schema a file has.
pub(crate) fn check_requested<'a>(
    requested: &[String],
    known: impl IntoIterator<Item = &'a String>,
) -> Result<(), Error> {
    let mut known: Vec<&String> = known.into_iter().collect();
    known.sort();
    known.dedup();
    let unknown: Vec<String> = requested
        .iter()
        .filter(|s| !known.contains(s))
        .map(|s| format!("`{}`", escape(s)))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let known: Vec<String> = known.iter().map(|s| format!("`{}`", escape(s))).collect();
    Err(Error::new(format!(
        "schema{} {} not found on either side; check `--schema` (known: {})",
        if unknown.len() == 1 { "" } else { "s" },
        unknown.join(", "),
        if known.is_empty() {
            "none".to_owned()
        } else {
            known.join(", ")
        }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemalock_runtime::snapshot::Schema;

    fn snap(names: &[&str]) -> Snapshot {
        let mut s = Snapshot::new();
        for n in names {
            s.schemas.insert((*n).into(), Schema::default());
        }
        s
    }

    #[test]
    fn restricts_and_checks() {
        let s = restrict(snap(&["a", "b", "c"]), &["a".into(), "c".into()]);
        assert_eq!(of(&s), ["a", "c"]);
        assert_eq!(of(&restrict(snap(&["a"]), &[])), ["a"]);
        let (a, b) = (snap(&["a"]), snap(&["b"]));
        let both = || a.schemas.keys().chain(b.schemas.keys());
        assert!(check_requested(&["b".into()], both()).is_ok());
        let err = check_requested(&["x".into()], both()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "schema `x` not found on either side; check `--schema` (known: `a`, `b`)"
        );
        let err = check_requested(&["y".into()], &["b\x1b[2J".to_owned()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "schema `y` not found on either side; check `--schema` (known: `b\\u001b[2J`)"
        );
    }
}
