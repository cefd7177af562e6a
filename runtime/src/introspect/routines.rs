//! Functions, procedures and aggregates (format version 2), leaving out those an extension owns.
//! Not described: an aggregate's moving-aggregate functions (`MSFUNC` and the rest) and a
//! function's `TRANSFORM`s.

use serde::Deserialize;

use super::Error;
use super::assemble::{parse, vanished};
use super::sql::with_ns;
use crate::snapshot::{Aggregate, Function, FunctionKind, Parallel, Snapshot, Volatility};

/// `[{"schema", "name", "identity", "arguments", "returns", "kind", ...}]` or NULL.
///
/// Whether a function has a SQL-standard body (`prosqlbody`, PostgreSQL 14 and newer) is read
/// through `to_jsonb` of its row, which works on every version; the body is then cut out of
/// `pg_get_functiondef`, which prints it the same way on all of them.
pub(crate) const ROUTINES: &str = concat!(
    with_ns!(),
    "
SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
  'schema', ns.nspname,
  'name', p.proname,
  'identity', pg_catalog.pg_get_function_identity_arguments(p.oid),
  'arguments', pg_catalog.pg_get_function_arguments(p.oid),
  'returns', CASE WHEN p.prokind <> 'p' THEN pg_catalog.pg_get_function_result(p.oid) END,
  'kind', p.prokind,
  'language', l.lanname,
  'volatility', p.provolatile,
  'strict', p.proisstrict,
  'security_definer', p.prosecdef,
  'leakproof', p.proleakproof,
  'parallel', p.proparallel,
  'cost', p.procost::pg_catalog.text,
  'rows', p.prorows::pg_catalog.text,
  'set_returning', p.proretset,
  'config', p.proconfig,
  'source', p.prosrc,
  'library', p.probin,
  'support', CASE WHEN p.prosupport <> 0 THEN p.prosupport::pg_catalog.regproc::pg_catalog.text END,
  'definition', CASE WHEN pg_catalog.to_jsonb(p) ->> 'prosqlbody' IS NOT NULL
    THEN pg_catalog.pg_get_functiondef(p.oid) END,
  'aggregate', CASE WHEN p.prokind = 'a' THEN (
    SELECT pg_catalog.json_build_object(
      'kind', a.aggkind,
      'state_function', a.aggtransfn::pg_catalog.regproc::pg_catalog.text,
      'state_type', pg_catalog.format_type(a.aggtranstype, NULL),
      'state_space', a.aggtransspace,
      'final_function', CASE WHEN a.aggfinalfn <> 0 THEN a.aggfinalfn::pg_catalog.regproc::pg_catalog.text END,
      'final_extra', a.aggfinalextra,
      'final_modify', a.aggfinalmodify,
      'combine_function', CASE WHEN a.aggcombinefn <> 0 THEN a.aggcombinefn::pg_catalog.regproc::pg_catalog.text END,
      'serial_function', CASE WHEN a.aggserialfn <> 0 THEN a.aggserialfn::pg_catalog.regproc::pg_catalog.text END,
      'deserial_function', CASE WHEN a.aggdeserialfn <> 0 THEN a.aggdeserialfn::pg_catalog.regproc::pg_catalog.text END,
      'initial_condition', a.agginitval,
      'sort_operator', CASE WHEN a.aggsortop <> 0 THEN a.aggsortop::pg_catalog.regoper::pg_catalog.text END)
    FROM pg_catalog.pg_aggregate a WHERE a.aggfnoid = p.oid) END
) ORDER BY ns.nspname, p.proname, p.oid)::text
FROM pg_catalog.pg_proc p
JOIN ns ON ns.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE NOT EXISTS (
  SELECT FROM pg_catalog.pg_depend d
  WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
    AND d.objid = p.oid AND d.deptype = 'e')"
);

#[derive(Debug, Deserialize)]
struct RawRoutine {
    schema: String,
    name: String,
    identity: Option<String>,
    arguments: Option<String>,
    returns: Option<String>,
    kind: String,
    language: String,
    volatility: String,
    strict: bool,
    security_definer: bool,
    leakproof: bool,
    parallel: String,
    cost: String,
    rows: String,
    set_returning: bool,
    config: Option<Vec<String>>,
    source: Option<String>,
    library: Option<String>,
    support: Option<String>,
    definition: Option<String>,
    aggregate: Option<RawAggregate>,
}

#[derive(Debug, Deserialize)]
struct RawAggregate {
    kind: String,
    state_function: String,
    state_type: String,
    state_space: i32,
    final_function: Option<String>,
    final_extra: bool,
    final_modify: String,
    combine_function: Option<String>,
    serial_function: Option<String>,
    deserial_function: Option<String>,
    initial_condition: Option<String>,
    sort_operator: Option<String>,
}

/// The SQL-standard body of a `pg_get_functiondef` text: from the line that starts with
/// `BEGIN ATOMIC` or `RETURN` (the header's lines start with a space) to the end.
fn sql_body(definition: &str) -> Option<String> {
    let mut at = 0;
    for line in definition.split_inclusive('\n') {
        if line.starts_with("BEGIN ATOMIC") || line.starts_with("RETURN ") {
            return Some(definition[at..].trim_end().to_owned());
        }
        at += line.len();
    }
    None
}

/// Adds the functions to their schemas.
pub(super) fn assemble(snapshot: &mut Snapshot, text: Option<&str>) -> Result<(), Error> {
    let raw: Vec<RawRoutine> = parse("routines", text)?;
    for r in raw {
        let gone = || vanished(format!("function `{}.{}`", r.schema, r.name));
        let identity = r.identity.clone().ok_or_else(gone)?;
        let unexpected =
            |what: &str| Error::Unexpected(format!("function {}.{}: {what}", r.schema, r.name));
        let kind = match r.kind.as_str() {
            "f" => FunctionKind::Function,
            "p" => FunctionKind::Procedure,
            "a" => FunctionKind::Aggregate,
            "w" => FunctionKind::Window,
            other => return Err(unexpected(&format!("kind `{other}`"))),
        };
        let volatility = match r.volatility.as_str() {
            "i" => Volatility::Immutable,
            "s" => Volatility::Stable,
            "v" => Volatility::Volatile,
            other => return Err(unexpected(&format!("volatility `{other}`"))),
        };
        let parallel = match r.parallel.as_str() {
            "s" => Some(Parallel::Safe),
            "r" => Some(Parallel::Restricted),
            _ => None,
        };
        let native = matches!(r.language.as_str(), "c" | "internal");
        let default_cost = if native { "1" } else { "100" };
        let default_rows = if r.set_returning { "1000" } else { "0" };
        let sql_body = match &r.definition {
            Some(d) => Some(sql_body(d).ok_or_else(|| unexpected("a SQL body not found"))?),
            None => None,
        };
        let aggregate = match r.aggregate {
            None if kind == FunctionKind::Aggregate => return Err(gone()),
            None => None,
            Some(a) => Some(Aggregate {
                combine_function: a.combine_function,
                deserial_function: a.deserial_function,
                final_extra: a.final_extra,
                final_function: a.final_function,
                final_modify: match a.final_modify.as_str() {
                    "r" => None,
                    "s" => Some("shareable".to_owned()),
                    "w" => Some("read_write".to_owned()),
                    other => return Err(unexpected(&format!("final modify `{other}`"))),
                },
                initial_condition: a.initial_condition,
                ordered: match a.kind.as_str() {
                    "n" => None,
                    "o" => Some("ordered_set".to_owned()),
                    "h" => Some("hypothetical".to_owned()),
                    other => return Err(unexpected(&format!("aggregate kind `{other}`"))),
                },
                serial_function: a.serial_function,
                sort_operator: a.sort_operator,
                state_space: (a.state_space != 0).then_some(a.state_space),
                state_function: a.state_function,
                state_type: a.state_type,
            }),
        };
        let function = Function {
            aggregate,
            arguments: r.arguments.ok_or_else(gone)?,
            body: if sql_body.is_some() || kind == FunctionKind::Aggregate {
                None
            } else {
                r.source
            },
            config: r.config.unwrap_or_default(),
            cost: (kind != FunctionKind::Aggregate && r.cost != default_cost).then_some(r.cost),
            kind,
            language: r.language,
            leakproof: r.leakproof,
            library: r.library.filter(|l| !l.is_empty() && l != "-"),
            parallel,
            returns: r.returns,
            rows: (r.rows != default_rows).then_some(r.rows),
            security_definer: r.security_definer,
            sql_body,
            strict: r.strict,
            support: r.support,
            volatility,
        };
        snapshot
            .schemas
            .entry(r.schema)
            .or_default()
            .functions
            .insert(format!("{}({identity})", r.name), function);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sql_body;

    #[test]
    fn cuts_the_sql_body_out_of_the_definition() {
        let def = "CREATE OR REPLACE FUNCTION public.f(a integer)\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nRETURN (a + 1)\n";
        assert_eq!(sql_body(def).as_deref(), Some("RETURN (a + 1)"));
        let def = "CREATE OR REPLACE PROCEDURE public.p()\n LANGUAGE sql\nBEGIN ATOMIC\n INSERT INTO t DEFAULT VALUES;\nEND\n";
        assert_eq!(
            sql_body(def).as_deref(),
            Some("BEGIN ATOMIC\n INSERT INTO t DEFAULT VALUES;\nEND")
        );
        assert_eq!(sql_body("CREATE FUNCTION f() AS $$ $$"), None);
    }
}
