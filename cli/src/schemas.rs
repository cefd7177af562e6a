//! Which schemas a comparison covers.

use schemalock_runtime::Snapshot;

use crate::error::Error;

/// `snapshot` with only `schemas` (all of them when empty). Extensions and the migration head
/// belong to the whole database and are kept.
pub fn restrict(mut snapshot: Snapshot, schemas: &[String]) -> Snapshot {
    if !schemas.is_empty() {
        snapshot.schemas.retain(|name, _| schemas.contains(name));
    }
    snapshot
}

/// The schemas of a snapshot, to read the same ones from a database.
pub fn of(snapshot: &Snapshot) -> Vec<String> {
    snapshot.schemas.keys().cloned().collect()
}

/// Fails when a schema asked for with `--schema` is on neither side: most likely a typo, which
/// would otherwise compare nothing and pass.
pub fn check_requested(requested: &[String], sides: [&Snapshot; 2]) -> Result<(), Error> {
    let unknown: Vec<String> = requested
        .iter()
        .filter(|s| sides.iter().all(|side| !side.schemas.contains_key(*s)))
        .map(|s| format!("`{s}`"))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let mut known: Vec<&String> = sides.iter().flat_map(|s| s.schemas.keys()).collect();
    known.sort();
    known.dedup();
    let known: Vec<String> = known.iter().map(|s| format!("`{s}`")).collect();
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
        assert!(check_requested(&["b".into()], [&snap(&["a"]), &snap(&["b"])]).is_ok());
        let err = check_requested(&["x".into()], [&snap(&["a"]), &snap(&["b"])]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "schema `x` not found on either side; check `--schema` (known: `a`, `b`)"
        );
    }
}
