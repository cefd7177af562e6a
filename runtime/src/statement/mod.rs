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
//! assert_eq!(analysis.columns[1].ty.as_ref().unwrap().name, "timestamptz");
//! ```
//!
//! # What is checked
//!
//! Every finding carries a byte range into the statement, a message, and maybe help.
//!
//! - The text parses as one PostgreSQL statement (`sqlparser`'s PostgreSQL dialect, with
//!   PostgreSQL's own operator lexing). Text the parser cannot read is a [`FindingKind::Syntax`]
//!   finding whose help says it may be the checker's limitation and that a plain string literal
//!   skips the check.
//! - Relations exist: tables, views, materialized views, partitioned tables, CTEs (recursive
//!   too), subquery and `VALUES` aliases, set-returning functions in FROM, sequences named by a
//!   column default or identity column, system relations of `pg_catalog` and
//!   `information_schema`; qualified or through the search path (did-you-mean, or the schema
//!   that has it).
//! - Column references resolve as PostgreSQL resolves them: qualified and unqualified,
//!   ambiguity, `*` and `t.*`, `USING`/`NATURAL`, LATERAL, correlated subqueries, aliases that
//!   hide table names, output names in ORDER BY and GROUP BY, `RETURNING`, `EXCLUDED`.
//! - INSERT: listed columns exist, once; each row has as many values as columns; a NOT NULL
//!   column without default, identity or generation that the INSERT leaves out (the row cannot
//!   be inserted; a trigger that fills it is not known to the snapshot); generated and
//!   `GENERATED ALWAYS` identity columns are not written. UPDATE: SET targets exist, once, are
//!   writable. Values have a type the column takes on assignment.
//! - `ON CONFLICT (cols) [WHERE ...]` matches a unique index or constraint with exactly those
//!   columns (a partial one only with a WHERE, whose implication is not weighed);
//!   `ON CONFLICT ON CONSTRAINT x` names a constraint of the table; `DO UPDATE` has a target.
//! - A string literal coerced to an enum (compared, assigned, inserted, in `IN (...)`,
//!   `= ANY('{...}')`, a `CASE` branch, or cast) is one of its labels. Cast types exist.
//! - Parameters are numbered without gaps; a parameter used as two incompatible types is an
//!   error.
//! - Set operations and `VALUES` have consistent widths; branches whose types PostgreSQL cannot
//!   reconcile are an error; a subquery used as a value returns one column.
//!
//! Statements other than SELECT/INSERT/UPDATE/DELETE/VALUES ([`StatementKind::Utility`]): the
//! relation (and column) names of `TRUNCATE`, `LOCK`, `COPY` and `REFRESH MATERIALIZED VIEW`
//! are checked; nothing else is, and a utility statement the parser cannot read is accepted
//! unchecked.
//!
//! Not checked: GROUP BY completeness (a column neither grouped nor aggregated), where
//! aggregates may appear, the validity of literals of types other than enums, function
//! existence (the snapshot does not list functions), privileges.
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
//! snapshot does not list them), operators the catalog lacks, fields of composite values not
//! in the snapshot, columns of a relation the engine does not know, record-returning functions
//! without a column definition list, functions added after PostgreSQL 15, syntax of other SQL
//! dialects.
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
                let o = query::out_col(t);
                ResultColumn {
                    name: o.name,
                    ty: o.ty.map(|ty| env.sql_type(ty)),
                    nullability: o.null,
                    origin: o.origin.map(origin),
                    span: o.span,
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
