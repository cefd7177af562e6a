//! The statement ↔ schema engine: checks a hand-written SQL statement against the snapshot,
//! offline, and infers its result columns and parameters, as PostgreSQL's parse analysis would.
//!
//! ```
//! use schemalock_runtime::snapshot::Snapshot;
//! use schemalock_runtime::statement::{Checker, Options};
//!
//! let snapshot = Snapshot::new();
//! let checker = Checker::new(&snapshot, &Options::default());
//! let analysis = checker.analyze("SELECT 1 AS one, now() AS at");
//! assert!(analysis.is_ok());
//! assert_eq!(analysis.columns[0].name, "one");
//! assert_eq!(analysis.columns[1].ty.as_ref().unwrap().decoded.name, "timestamptz");
//! ```
//!
//! # What is checked
//!
//! Every finding carries a byte range into the statement, a [`FindingKind`], a message, and
//! maybe help; all findings of a statement are reported, in the order of the text. Each kind
//! says when PostgreSQL itself fails ([`FindingKind::stage`]): most when it prepares the
//! statement, an `ON CONFLICT` mismatch when it plans it, a missing NOT NULL value when a row is
//! written.
//!
//! - The text parses as one PostgreSQL statement (`sqlparser`'s PostgreSQL dialect, with
//!   PostgreSQL's own operator lexing, and a pre-pass for what that parser lacks:
//!   `FOR NO KEY UPDATE`/`FOR KEY SHARE`, `BETWEEN SYMMETRIC`, `TABLE t`, `ON CONFLICT` on
//!   expressions). Text it still cannot read is a [`FindingKind::Syntax`] finding whose help
//!   says this may be the checker's limitation and that a plain string literal skips the check.
//! - Relations exist: tables, views, materialized views, partitioned tables, CTEs (recursive
//!   too), subquery and `VALUES` aliases, set-returning functions in FROM, system relations of
//!   `pg_catalog` and `information_schema`; qualified or through the search path (did-you-mean,
//!   or the schema that has it). Sequences are known through column defaults and identity
//!   columns; since the snapshot does not list sequences, an unknown name ending in `_seq` is
//!   taken as one (its columns are always `last_value`, `log_cnt`, `is_called`).
//! - Column references resolve as PostgreSQL resolves them: qualified and unqualified,
//!   ambiguity, `*` and `t.*`, `USING`/`NATURAL`, LATERAL, correlated subqueries, aliases that
//!   hide table names, system columns, output names in ORDER BY and GROUP BY, `RETURNING`,
//!   `EXCLUDED`. A missing name suggests a close one, or one it was renamed to.
//! - INSERT: listed columns exist, once; each row has as many values as columns; a NOT NULL
//!   column without default, identity or generation that the INSERT leaves out (no row can be
//!   inserted; a trigger that would fill it is not in the snapshot); generated and
//!   `GENERATED ALWAYS` identity columns are not written (`OVERRIDING SYSTEM VALUE` allows the
//!   latter). UPDATE: SET targets exist, once, and are writable; `UPDATE ... FROM`,
//!   `DELETE ... USING`. Values have a type the column takes on assignment.
//! - `ON CONFLICT (cols) [WHERE ...]` matches a unique index or constraint on exactly those
//!   columns (a partial one only with a WHERE, whose implication is not weighed; a target of
//!   expressions needs a unique index with expression keys of its width);
//!   `ON CONFLICT ON CONSTRAINT x` names a constraint or index of the table; `DO UPDATE` has a
//!   target.
//! - A string literal read as a value of a type is valid for it: an enum label (compared,
//!   assigned, inserted, in `IN (...)`, `= ANY('{...}')`, a `CASE` branch, `coalesce`, a cast),
//!   an integer, `numeric`, float, `boolean` or `uuid`. Cast types exist.
//! - Operators exist for their operands' types, when those are built-in types or enums (an
//!   operator no built-in fits: "operator does not exist"); `(x).field` needs a composite.
//! - Parameters are numbered without gaps; a parameter used as two incompatible types is an
//!   error.
//! - Set operations and `VALUES` have consistent widths; branches whose types PostgreSQL cannot
//!   reconcile are an error; a subquery used as a value returns one column; ORDER BY positions
//!   exist, and ORDER BY of a set operation names output columns.
//!
//! Statements other than SELECT/INSERT/UPDATE/DELETE/VALUES ([`StatementKind::Utility`]): the
//! relation (and column) names of `TRUNCATE`, `LOCK`, `COPY` and `REFRESH MATERIALIZED VIEW`
//! are checked; nothing else is (a DDL statement names what does not exist yet), and a utility
//! statement the parser cannot read (`ALTER SEQUENCE`, ...) is accepted unchecked. None can be
//! prepared. `MERGE` is not checked.
//!
//! Not checked: GROUP BY completeness (a column neither grouped nor aggregated), where
//! aggregates may appear, literals of other types, function calls (the snapshot does not list
//! functions, so a user-defined overload may exist), privileges.
//!
//! # What is typed
//!
//! Types follow PostgreSQL's own rules, with its catalog embedded (built-in types, casts,
//! operators and functions of PostgreSQL 15, and those of the extensions the snapshot has
//! among pgvector, citext, hstore, ltree, pg_trgm, fuzzystrmatch, pgcrypto, uuid-ossp,
//! unaccent, cube, isn, intarray, tablefunc): overload resolution with implicit casts,
//! preferred types and unknown literals, polymorphic functions, `select_common_type`.
//!
//! Typed: column references (a domain column decodes as its base type; [`SqlType::domain`]
//! keeps the domain), literals (integers by size, decimals as `numeric`, strings by context
//! and `text` where nothing fixes them), parameters (by the first context that fixes them:
//! comparison, assignment, `= ANY($1)`, `IN`, `LIKE`, casts, LIMIT/OFFSET, arguments of
//! built-in functions), casts, every built-in operator and function (`count`, `sum`, `avg`,
//! `min`/`max`, `array_agg`, `string_agg`, `json(b)_agg`, window functions, `now()`,
//! `date_trunc`, `to_char`, `->`/`->>`, arithmetic and date arithmetic, `||`, ...),
//! `COALESCE`/`GREATEST`/`LEAST`/`NULLIF`, `CASE`, `EXISTS`, `IN`, `BETWEEN`, `LIKE`,
//! boolean logic, `ARRAY[...]` and `ARRAY(SELECT ...)`, scalar subqueries, `ROW(...)`,
//! `EXTRACT`, `AT TIME ZONE`, `SUBSTRING`, `TRIM`, `POSITION`, UNION branches, VALUES columns,
//! CTE and subquery columns, columns of set-returning functions in FROM.
//!
//! Untyped, hence not judged (never a false error): calls of user-defined functions (the
//! snapshot does not list them), operators on types the catalog does not know, fields of
//! composite values not in the snapshot, columns of a relation that does not exist, whole-row
//! references, record-returning functions without a column definition list, ranges, functions
//! added after PostgreSQL 15, `JSON_TABLE` and other syntax the engine does not model.
//!
//! # Nullability
//!
//! [`Nullability::NotNull`] only when provable; see its variants. Outer joins make their
//! nullable side's columns nullable; aggregates other than `count` are nullable (an empty
//! group); `CASE` without `ELSE`, scalar subqueries and parameters are nullable; strict
//! built-ins are not NULL when their arguments are not, except those listed as able to
//! return NULL anyway (`array_length`, `regexp_match`, JSON path accessors, ...); view
//! columns and unknown functions are [`Nullability::Unknown`].

mod analysis;
mod analyzer;
mod calls;
mod catalog;
mod coerce;
mod compound;
mod conflict;
mod dml;
mod env;
mod expr;
mod findings;
mod from;
mod literal;
mod ops;
mod overload;
mod params;
mod prepass;
mod query;
mod relation;
mod scope;
mod source;
mod typename;
mod types;
mod utility;

#[cfg(test)]
mod tests;

pub use analysis::{
    Analysis, ColumnOrigin, Nullability, Options, Param, ResultColumn, SqlType, StatementKind,
};
pub use findings::{Finding, FindingKind, Stage};

use sqlparser::ast::{SetExpr, Statement};

use crate::snapshot::Snapshot;
use analyzer::{Analyzer, Typed};
use env::Env;
use prepass::Extracted;
use query::Unknowns;
use source::{Parsed, Source};

/// Checks statements against one snapshot. Building it indexes the snapshot once (sequences,
/// extensions); each [`Checker::analyze`] then reads only the statement.
#[derive(Debug)]
pub struct Checker<'s> {
    env: Env<'s>,
}

impl<'s> Checker<'s> {
    /// A checker of statements against `snapshot`, unqualified names looked up through
    /// `options.search_path`.
    pub fn new(snapshot: &'s Snapshot, options: &Options) -> Checker<'s> {
        Checker {
            env: Env::new(snapshot, &options.search_path),
        }
    }

    /// Analyses one statement.
    pub fn analyze(&self, sql: &str) -> Analysis {
        let src = Source::new(sql);
        match source::parse(&src) {
            Parsed::One(stmt, extracted) => self.statement(&src, &stmt, extracted),
            Parsed::Failed { tokens, .. } if utility::is_utility(&tokens) => Analysis {
                kind: StatementKind::Utility,
                findings: Vec::new(),
                columns: Vec::new(),
                columns_known: true,
                params: Vec::new(),
                references: Vec::new(),
            },
            Parsed::Failed { finding, .. } => Analysis {
                kind: StatementKind::Select,
                findings: vec![finding],
                columns: Vec::new(),
                columns_known: false,
                params: Vec::new(),
                references: Vec::new(),
            },
        }
    }

    fn statement(&self, src: &Source<'_>, stmt: &Statement, extracted: Extracted) -> Analysis {
        let env: &Env<'_> = &self.env;
        let mut a = Analyzer::new(env, src);
        a.conflict_target = extracted.conflict;
        a.scopes.push();
        let (kind, outs): (StatementKind, Vec<Typed<'_>>) = match stmt {
            Statement::Query(q) => {
                let kind = match &*q.body {
                    SetExpr::Values(_) => StatementKind::Values,
                    SetExpr::Insert(_) => StatementKind::Insert,
                    SetExpr::Update(_) => StatementKind::Update,
                    SetExpr::Delete(_) => StatementKind::Delete,
                    _ => StatementKind::Select,
                };
                let mut outs = a.query_typed(q, Unknowns::Text);
                for t in &mut outs {
                    a.settle_text(t);
                }
                (kind, outs)
            }
            Statement::Insert(_) => (StatementKind::Insert, a.dml(stmt)),
            Statement::Update(_) => (StatementKind::Update, a.dml(stmt)),
            Statement::Delete(_) => (StatementKind::Delete, a.dml(stmt)),
            other => {
                a.utility(other);
                (StatementKind::Utility, Vec::new())
            }
        };
        let columns = outs
            .into_iter()
            .map(|t| {
                let span = t.span.clone();
                let c = query::out_col(t);
                ResultColumn {
                    name: c.name,
                    ty: c.ty.map(|ty| env.sql_type(ty)),
                    nullability: c.null,
                    origin: c.origin.map(origin),
                    span,
                }
            })
            .collect();
        let columns_known = a.columns_known;
        let mut references: Vec<ColumnOrigin> = a.references.iter().copied().map(origin).collect();
        references.sort();
        references.dedup();
        let (params, gaps) = a.params.finish(env);
        let mut findings = a.findings;
        findings.extend(gaps);
        findings.sort_by_key(|f| (f.span.start, f.span.end));
        findings.dedup();
        Analysis {
            kind,
            findings,
            columns,
            columns_known,
            params,
            references,
        }
    }
}

fn origin(g: scope::Origin<'_>) -> ColumnOrigin {
    ColumnOrigin {
        schema: g.schema.to_owned(),
        table: g.table.to_owned(),
        column: g.column.to_owned(),
    }
}

/// Analyses one statement against `snapshot` (building a [`Checker`] each time; keep a
/// `Checker` to analyse many).
pub fn analyze(snapshot: &Snapshot, sql: &str, options: &Options) -> Analysis {
    Checker::new(snapshot, options).analyze(sql)
}
