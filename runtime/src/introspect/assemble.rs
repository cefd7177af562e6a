//! Turning the queries' JSON into a [`Snapshot`].

use std::collections::HashMap;

use serde::Deserialize;

use super::partitions::Partitions;
use super::raw::{RawConstraint, RawIndex, RawIndexes, RawMeta, RawRelations, RawType};
use super::{Error, QUERIES, Results, details, partitions, routines, sequences, triggers};
use crate::snapshot::{
    Attribute, Check, Column, Composite, Deferrable, Domain, EnumType, Extension, ForeignKey,
    Generated, Identity, Index, IndexKey, KeyConstraint, Reference, RelationKind, Snapshot, Table,
};

/// What to do about schemas that were asked for and do not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Fail with [`Error::MissingSchemas`].
    Fail,
    /// Leave them out of the snapshot: startup verification reports a model's missing schema as
    /// drift, not as a failure to run.
    Omit,
}

pub(crate) fn parse<T: for<'de> Deserialize<'de> + Default>(
    query: &'static str,
    text: Option<&str>,
) -> Result<T, Error> {
    match text {
        None => Ok(T::default()),
        Some(t) => serde_json::from_str(t).map_err(|source| Error::Json { query, source }),
    }
}

/// `15.18 (Debian 15.18-0+deb12u1)` -> `15.18`; `18beta1` -> `18`.
pub fn numeric_version(server_version: &str) -> String {
    let v: String = server_version
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    v.trim_end_matches('.').to_owned()
}

/// `pg_constraint.confupdtype` and `confdeltype`, as the snapshot writes them.
const FK_ACTIONS: &[(&str, &str)] = &[
    ("a", "no action"),
    ("r", "restrict"),
    ("c", "cascade"),
    ("n", "set null"),
    ("d", "set default"),
];

fn fk_action(code: &str) -> Result<String, Error> {
    decode(FK_ACTIONS, code, "foreign key action", String::new()).map(str::to_owned)
}

/// A check constraint, or the error that says it was dropped while it was read.
fn check(name: String, definition: Option<String>, place: &str) -> Result<Check, Error> {
    let definition =
        definition.ok_or_else(|| vanished(format!("check constraint `{name}` {place}")))?;
    Ok(Check { definition, name })
}

/// `pg_class.relkind` of the relations read.
const RELATION_KINDS: &[(&str, RelationKind)] = &[
    ("r", RelationKind::Table),
    ("p", RelationKind::PartitionedTable),
    ("v", RelationKind::View),
    ("m", RelationKind::MaterializedView),
];

/// `pg_attribute.attgenerated`.
const GENERATED: &[(&str, Option<Generated>)] = &[
    ("", None),
    ("s", Some(Generated::Stored)),
    ("v", Some(Generated::Virtual)),
];

/// `pg_attribute.attidentity`.
const IDENTITY: &[(&str, Option<Identity>)] = &[
    ("", None),
    ("a", Some(Identity::Always)),
    ("d", Some(Identity::ByDefault)),
];

/// A catalog code by `table`; any other code is an error naming `what` and where (`place`).
fn decode<T: Copy>(table: &[(&str, T)], code: &str, what: &str, place: String) -> Result<T, Error> {
    match table.iter().find(|(c, _)| *c == code) {
        Some((_, value)) => Ok(*value),
        None => Err(Error::Unexpected(format!("{what} `{code}`{place}"))),
    }
}

/// Builds the snapshot from the results of [`QUERIES`] (in order) and the migration head.
pub fn assemble(results: &Results) -> Result<Snapshot, Error> {
    assemble_results(results, Missing::Fail)
}

/// Like [`assemble`], but schemas that were asked for and do not exist are simply absent from
/// the snapshot. Startup verification uses it: a model's missing schema is drift to report, not
/// a failure to run.
pub fn assemble_allowing_missing(results: &Results) -> Result<Snapshot, Error> {
    assemble_results(results, Missing::Omit)
}

/// An object that was dropped (or changed) after the transaction's snapshot was taken: the
/// catalogs list it, but the functions printing it, which read the latest catalog state, found
/// nothing. Reading again sees the schema without it.
pub(super) fn vanished(what: String) -> Error {
    Error::SchemaChanged {
        attempts: 1,
        detail: format!("{what} was gone when it was printed"),
    }
}

pub(crate) fn assemble_results(results: &Results, missing: Missing) -> Result<Snapshot, Error> {
    let [
        meta,
        relations,
        constraints,
        indexes,
        types,
        details_text,
        partitions_text,
        routines_text,
        sequences_text,
        triggers_text,
    ] = results.catalog.as_slice()
    else {
        return Err(Error::ResultCount {
            expected: QUERIES.len(),
            found: results.catalog.len(),
        });
    };
    let mut snapshot = database(meta.as_deref(), missing)?;
    snapshot.migration_head = results.migration_head.clone();
    let (mut column_names, relation_names) = add_relations(&mut snapshot, relations.as_deref())?;
    details::assemble(&mut snapshot, details_text.as_deref())?;
    let partitions =
        partitions::assemble(&mut snapshot, partitions_text.as_deref(), &relation_names)?;
    column_names.extend(partitions.columns.iter().map(|(k, v)| (*k, v.clone())));
    add_constraints(
        &mut snapshot,
        &partitions,
        constraints.as_deref(),
        &column_names,
    )?;
    add_indexes(
        &mut snapshot,
        &partitions,
        indexes.as_deref(),
        &column_names,
    )?;
    add_types(&mut snapshot, types.as_deref())?;
    routines::assemble(&mut snapshot, routines_text.as_deref())?;
    sequences::assemble(&mut snapshot, sequences_text.as_deref())?;
    triggers::assemble(&mut snapshot, triggers_text.as_deref(), &partitions)?;
    for schema in snapshot.schemas.values_mut() {
        for table in schema.tables.values_mut() {
            Owner::of_table(table).sort();
            table.policies.sort_by(|a, b| a.name.cmp(&b.name));
            for p in &mut table.partitions {
                Owner::of_partition(p).sort();
            }
        }
    }
    Ok(snapshot)
}

/// Column names by relation oid and attnum: how constraints and index keys name columns.
type ColumnNames = HashMap<(i64, i32), String>;

/// The server, its extensions and its schemas, from the `meta` query; schemas asked for and
/// missing fail the read when `missing` says so.
fn database(meta: Option<&str>, missing: Missing) -> Result<Snapshot, Error> {
    let meta: RawMeta = match meta {
        None => return Err(Error::Unexpected("the meta query returned NULL".into())),
        Some(t) => parse("meta", Some(t))?,
    };
    let mut missing_names = meta.missing.clone().unwrap_or_default();
    if missing == Missing::Fail && !missing_names.is_empty() {
        missing_names.sort();
        return Err(Error::MissingSchemas(missing_names));
    }

    let mut snapshot = Snapshot::new();
    snapshot.server_version = Some(numeric_version(&meta.server_version));
    for e in meta.extensions.unwrap_or_default() {
        snapshot.extensions.insert(
            e.name,
            Extension {
                schema: e.schema,
                version: e.version,
            },
        );
    }
    for s in meta.schemas.unwrap_or_default() {
        snapshot.schemas.entry(s).or_default();
    }

    Ok(snapshot)
}

/// Relation names by oid: how partitions name their parents.
type RelationNames = HashMap<i64, (String, String)>;

/// Tables, views and their columns, from the `relations` query.
fn add_relations(
    snapshot: &mut Snapshot,
    relations: Option<&str>,
) -> Result<(ColumnNames, RelationNames), Error> {
    let relations: RawRelations = parse("relations", relations)?;
    let mut columns_of = relations.columns.unwrap_or_default().by_relation()?;
    // Index keys come as attnums.
    let column_names: ColumnNames = columns_of
        .iter()
        .flat_map(|(oid, columns)| columns.iter().map(|c| ((*oid, c.attnum), c.name.clone())))
        .collect();
    let mut relation_names = RelationNames::new();
    for r in relations.relations.unwrap_or_default() {
        relation_names.insert(r.oid, (r.schema.clone(), r.name.clone()));
        let kind = decode(RELATION_KINDS, &r.kind, "relation kind", String::new())?;
        let mut raw_columns = columns_of.remove(&r.oid).unwrap_or_default();
        raw_columns.sort_by_key(|c| c.attnum);
        let mut columns = Vec::with_capacity(raw_columns.len());
        for c in raw_columns {
            let on = format!(" on {}.{}.{}", r.schema, r.name, c.name);
            columns.push(Column {
                array: c.array,
                default: c.default,
                generated: decode(GENERATED, &c.generated, "generated column kind", on.clone())?,
                identity: decode(IDENTITY, &c.identity, "identity kind", on)?,
                name: c.name,
                nullable: !c.not_null,
                type_display: c.type_display,
                type_name: c.type_name,
                type_schema: c.type_schema,
                ..Column::default()
            });
        }
        snapshot.schemas.entry(r.schema).or_default().tables.insert(
            r.name,
            Table {
                columns,
                kind,
                ..Table::default()
            },
        );
    }

    Ok((column_names, relation_names))
}

/// Primary key, unique, foreign key and check constraints, from the `constraints` query, each
/// on its table or partition.
fn add_constraints(
    snapshot: &mut Snapshot,
    partitions: &Partitions,
    constraints: Option<&str>,
    column_names: &ColumnNames,
) -> Result<(), Error> {
    let constraints: Vec<RawConstraint> = parse("constraints", constraints)?;
    for c in constraints {
        let Some(owner) = owner_of(snapshot, partitions, c.table_oid, &c.schema, &c.table) else {
            continue;
        };
        constraint(owner, c, column_names)?;
    }
    Ok(())
}

/// Indexes, from the `indexes` query, each on its table or partition.
fn add_indexes(
    snapshot: &mut Snapshot,
    partitions: &Partitions,
    indexes: Option<&str>,
    column_names: &ColumnNames,
) -> Result<(), Error> {
    let indexes: RawIndexes = parse("indexes", indexes)?;
    let opclasses = indexes.opclasses.unwrap_or_default();
    for i in indexes.indexes.unwrap_or_default() {
        let Some(owner) = owner_of(snapshot, partitions, i.table_oid, &i.schema, &i.table) else {
            continue;
        };
        owner.indexes.push(index(i, column_names, &opclasses)?);
    }
    Ok(())
}

/// Enums, domains and composite types, from the `types` query.
fn add_types(snapshot: &mut Snapshot, types: Option<&str>) -> Result<(), Error> {
    let types: Vec<RawType> = parse("types", types)?;
    for t in types {
        let schema = snapshot.schemas.entry(t.schema.clone()).or_default();
        match t.kind.as_str() {
            "e" => {
                schema.enums.insert(
                    t.name,
                    EnumType {
                        labels: t.labels.unwrap_or_default(),
                    },
                );
            }
            "d" => {
                let base = t.base.ok_or_else(|| {
                    Error::Unexpected(format!("domain {}.{} has no base type", t.schema, t.name))
                })?;
                let mut checks: Vec<Check> = t
                    .checks
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| {
                        let place = format!("of domain `{}.{}`", t.schema, t.name);
                        check(c.name, c.definition, &place)
                    })
                    .collect::<Result<_, Error>>()?;
                checks.sort_by(|a, b| a.name.cmp(&b.name));
                schema.domains.insert(
                    t.name,
                    Domain {
                        array: base.array,
                        checks,
                        default: t.default,
                        not_null: t.not_null,
                        type_display: base.type_display,
                        type_name: base.type_name,
                        type_schema: base.type_schema,
                    },
                );
            }
            "c" => {
                let mut attrs = t.attributes.unwrap_or_default();
                attrs.sort_by_key(|a| a.attnum);
                schema.composites.insert(
                    t.name,
                    Composite {
                        attributes: attrs
                            .into_iter()
                            .map(|a| Attribute {
                                array: a.array,
                                name: a.name,
                                type_display: a.type_display,
                                type_name: a.type_name,
                                type_schema: a.type_schema,
                            })
                            .collect(),
                    },
                );
            }
            other => return Err(Error::Unexpected(format!("type kind `{other}`"))),
        }
    }

    Ok(())
}

/// The lists a table or a partition holds its own constraints, indexes and triggers in.
struct Owner<'a> {
    checks: &'a mut Vec<Check>,
    foreign_keys: &'a mut Vec<ForeignKey>,
    indexes: &'a mut Vec<Index>,
    primary_key: &'a mut Option<KeyConstraint>,
    triggers: &'a mut Vec<crate::snapshot::Trigger>,
    unique_constraints: &'a mut Vec<KeyConstraint>,
}

impl<'a> Owner<'a> {
    fn of_table(t: &'a mut Table) -> Self {
        Owner {
            checks: &mut t.checks,
            foreign_keys: &mut t.foreign_keys,
            indexes: &mut t.indexes,
            primary_key: &mut t.primary_key,
            triggers: &mut t.triggers,
            unique_constraints: &mut t.unique_constraints,
        }
    }

    fn of_partition(p: &'a mut crate::snapshot::Partition) -> Self {
        Owner {
            checks: &mut p.checks,
            foreign_keys: &mut p.foreign_keys,
            indexes: &mut p.indexes,
            primary_key: &mut p.primary_key,
            triggers: &mut p.triggers,
            unique_constraints: &mut p.unique_constraints,
        }
    }

    fn sort(self) {
        self.checks.sort_by(|a, b| a.name.cmp(&b.name));
        self.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        self.triggers.sort_by(|a, b| a.name.cmp(&b.name));
        self.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

/// Whose object a row of the `constraints` or `indexes` query is: a partition's (by oid), or a
/// described table's (by name); `None` for a table that is not described.
fn owner_of<'a>(
    snapshot: &'a mut Snapshot,
    partitions: &Partitions,
    table_oid: i64,
    schema: &str,
    table: &str,
) -> Option<Owner<'a>> {
    if partitions.slots.contains_key(&table_oid) {
        return partitions
            .get_mut(snapshot, table_oid)
            .map(Owner::of_partition);
    }
    snapshot
        .schemas
        .get_mut(schema)
        .and_then(|s| s.tables.get_mut(table))
        .map(Owner::of_table)
}

fn deferrable(deferrable: bool, deferred: bool) -> Option<Deferrable> {
    match (deferrable, deferred) {
        (false, _) => None,
        (true, false) => Some(Deferrable::InitiallyImmediate),
        (true, true) => Some(Deferrable::InitiallyDeferred),
    }
}

/// Adds one row of the `constraints` query to its owner.
fn constraint(owner: Owner<'_>, c: RawConstraint, column_names: &ColumnNames) -> Result<(), Error> {
    // A check constraint's columns are not described (its definition is).
    let columns = if c.kind == "c" {
        Vec::new()
    } else {
        c.attnums
            .unwrap_or_default()
            .into_iter()
            .map(|attnum| {
                column_names
                    .get(&(c.table_oid, attnum))
                    .cloned()
                    .ok_or_else(|| {
                        Error::Unexpected(format!(
                            "constraint {} on {}.{}: no column with attnum {attnum}",
                            c.name, c.schema, c.table
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    let deferrable = deferrable(c.deferrable, c.deferred);
    match c.kind.as_str() {
        "p" => {
            *owner.primary_key = Some(KeyConstraint {
                columns,
                deferrable,
                name: c.name,
            })
        }
        "u" => owner.unique_constraints.push(KeyConstraint {
            columns,
            deferrable,
            name: c.name,
        }),
        "f" => owner.foreign_keys.push(ForeignKey {
            columns,
            deferrable,
            match_full: match c.match_type.as_str() {
                "s" => false,
                "f" => true,
                other => {
                    return Err(Error::Unexpected(format!(
                        "foreign key {} on {}.{}: match type `{other}`",
                        c.name, c.schema, c.table
                    )));
                }
            },
            not_valid: !c.validated,
            on_delete: fk_action(&c.on_delete)?,
            on_update: fk_action(&c.on_update)?,
            references: Reference {
                columns: c.ref_columns.unwrap_or_default(),
                schema: c.ref_schema.unwrap_or_default(),
                table: c.ref_table.unwrap_or_default(),
            },
            name: c.name,
        }),
        // The definition says `NO INHERIT` and `NOT VALID` itself.
        "c" => {
            let place = format!("on `{}.{}`", c.schema, c.table);
            owner.checks.push(check(c.name, c.definition, &place)?);
        }
        other => return Err(Error::Unexpected(format!("constraint type `{other}`"))),
    }
    Ok(())
}

/// One row of the `indexes` query, its keys resolved.
fn index(
    mut i: RawIndex,
    column_names: &ColumnNames,
    opclasses: &HashMap<i64, String>,
) -> Result<Index, Error> {
    let gone = || vanished(format!("index `{}.{}` on `{}`", i.schema, i.name, i.table));
    if i.partial && i.predicate.is_none() {
        return Err(gone());
    }
    let mut expressions = i.expressions.take().unwrap_or_default().into_iter();
    let unexpected = |what: &str| {
        Error::Unexpected(format!(
            "index {}.{} on {}: {what}",
            i.schema, i.name, i.table
        ))
    };
    if i.attnums.len() < i.key_count
        || i.key_options.len() < i.key_count
        || i.key_opclasses.len() < i.key_count
    {
        return Err(unexpected("fewer key entries than keys"));
    }
    let column = |attnum: i32| {
        column_names
            .get(&(i.table_oid, attnum))
            .cloned()
            .ok_or_else(|| unexpected(&format!("no column with attnum {attnum}")))
    };
    let mut keys = Vec::with_capacity(i.key_count);
    for k in 0..i.key_count {
        let (column, expression) = match i.attnums[k] {
            0 => (
                None,
                Some(
                    expressions
                        .next()
                        .ok_or_else(|| unexpected("an expression key without its text"))?
                        .ok_or_else(gone)?,
                ),
            ),
            attnum => (Some(column(attnum)?), None),
        };
        // INDOPTION_DESC and INDOPTION_NULLS_FIRST; NULLS FIRST is the default for DESC.
        let option = i.key_options[k];
        let descending = option & 1 != 0;
        let nulls_first = option & 2 != 0;
        keys.push(IndexKey {
            column,
            descending,
            expression,
            nulls_first: (nulls_first != descending).then_some(nulls_first),
            opclass: opclasses.get(&i.key_opclasses[k]).cloned(),
        });
    }
    let include = i.attnums[i.key_count..]
        .iter()
        .map(|a| column(*a))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Index {
        include,
        keys,
        method: i.method,
        name: i.name,
        options: details::options_map(i.options),
        predicate: i.predicate,
        primary: i.primary,
        unique: i.unique,
    })
}
