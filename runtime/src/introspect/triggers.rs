//! Triggers and row-level security policies (format version 2).
//!
//! Triggers: those declared on the relations and on partitions, not the ones PostgreSQL makes
//! itself (foreign keys' `RI_ConstraintTrigger`s, `tgisinternal`) nor a partition's copies of
//! its parent's (`tgparentid`, PostgreSQL 13 and newer, read through `to_jsonb` of the row so
//! the query runs on 12, where such copies are internal).

use serde::Deserialize;

use super::Error;
use super::assemble::{parse, vanished};
use super::partitions::Partitions;
use super::sql::with_tab;
use crate::snapshot::{Policy, Snapshot, Trigger, TriggerEnabled};

/// `{"triggers": [..], "policies": [..]}`, each NULL when empty.
pub(crate) const TRIGGERS: &str = concat!(
    with_tab!(),
    "
SELECT pg_catalog.json_build_object(
  'triggers', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'schema', tab.nspname,
      'table', tab.relname,
      'table_oid', tab.oid::pg_catalog.int8,
      'name', t.tgname,
      'definition', pg_catalog.pg_get_triggerdef(t.oid, true),
      'enabled', t.tgenabled))
    FROM tab
    JOIN pg_catalog.pg_trigger t ON t.tgrelid = tab.oid
    WHERE NOT t.tgisinternal
      AND COALESCE((pg_catalog.to_jsonb(t) ->> 'tgparentid')::pg_catalog.oid, 0) = 0),
  'policies', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'schema', rel.nspname,
      'table', rel.relname,
      'name', pol.polname,
      'command', pol.polcmd,
      'permissive', pol.polpermissive,
      'roles', (
        SELECT pg_catalog.json_agg(
          CASE WHEN r.oid = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r.oid)::pg_catalog.text END
          ORDER BY 1)
        FROM pg_catalog.unnest(pol.polroles) AS r(oid)),
      'using', pg_catalog.pg_get_expr(pol.polqual, pol.polrelid, true),
      'with_check', pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid, true)))
    FROM rel
    JOIN pg_catalog.pg_policy pol ON pol.polrelid = rel.oid)
)::text"
);

#[derive(Debug, Default, Deserialize)]
struct RawTriggers {
    triggers: Option<Vec<RawTrigger>>,
    policies: Option<Vec<RawPolicy>>,
}

#[derive(Debug, Deserialize)]
struct RawTrigger {
    schema: String,
    table: String,
    table_oid: i64,
    name: String,
    definition: Option<String>,
    enabled: String,
}

#[derive(Debug, Deserialize)]
struct RawPolicy {
    schema: String,
    table: String,
    name: String,
    command: String,
    permissive: bool,
    roles: Option<Vec<String>>,
    using: Option<String>,
    with_check: Option<String>,
}

/// Adds the triggers to their tables and partitions, and the policies to their tables.
pub(super) fn assemble(
    snapshot: &mut Snapshot,
    text: Option<&str>,
    partitions: &Partitions,
) -> Result<(), Error> {
    let raw: RawTriggers = parse("triggers", text)?;
    for t in raw.triggers.unwrap_or_default() {
        let trigger = Trigger {
            definition: t.definition.ok_or_else(|| {
                vanished(format!(
                    "trigger `{}` on `{}.{}`",
                    t.name, t.schema, t.table
                ))
            })?,
            enabled: match t.enabled.as_str() {
                "O" => None,
                "D" => Some(TriggerEnabled::Disabled),
                "R" => Some(TriggerEnabled::Replica),
                "A" => Some(TriggerEnabled::Always),
                other => {
                    return Err(Error::Unexpected(format!(
                        "trigger {} on {}.{}: enabled state `{other}`",
                        t.name, t.schema, t.table
                    )));
                }
            },
            name: t.name,
        };
        let list = match partitions.get_mut(snapshot, t.table_oid) {
            Some(p) => &mut p.triggers,
            None => match snapshot
                .schemas
                .get_mut(&t.schema)
                .and_then(|s| s.tables.get_mut(&t.table))
            {
                Some(table) => &mut table.triggers,
                None => continue,
            },
        };
        list.push(trigger);
    }
    for p in raw.policies.unwrap_or_default() {
        let Some(table) = snapshot
            .schemas
            .get_mut(&p.schema)
            .and_then(|s| s.tables.get_mut(&p.table))
        else {
            continue;
        };
        let command = match p.command.as_str() {
            "*" => "all",
            "r" => "select",
            "a" => "insert",
            "w" => "update",
            "d" => "delete",
            other => {
                return Err(Error::Unexpected(format!(
                    "policy {} on {}.{}: command `{other}`",
                    p.name, p.schema, p.table
                )));
            }
        };
        let mut roles = p.roles.unwrap_or_default();
        if roles == ["public"] {
            roles.clear();
        }
        table.policies.push(Policy {
            command: command.to_owned(),
            name: p.name,
            restrictive: !p.permissive,
            roles,
            using: p.using,
            with_check: p.with_check,
        });
    }
    Ok(())
}
