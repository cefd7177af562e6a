//! Functions, procedures and aggregates (format version 2): what a faithful `CREATE FUNCTION`,
//! `CREATE PROCEDURE` or `CREATE AGGREGATE` needs.

use serde::{Deserialize, Serialize};

use super::is_false;

/// A function, procedure or aggregate, keyed in [`super::Schema::functions`] by its name and
/// identity arguments as `pg_get_function_identity_arguments` prints them:
/// `film_in_stock(p_film_id integer, p_store_id integer, OUT p_film_count integer)`. Overloads
/// are separate entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Function {
    /// An aggregate's state function, state type and the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate: Option<Aggregate>,
    /// Every argument with its mode, name and default, as `pg_get_function_arguments` prints
    /// them; left out when there are none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub arguments: String,
    /// The source text (`prosrc`): the body between the dollar quotes, or for C and internal
    /// functions the symbol. Left out for SQL-standard bodies (`sql_body`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `SET` clauses as `name=value`, in catalog order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<String>,
    /// `COST`, when not the default (1 for C and internal functions, 100 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<String>,
    pub kind: FunctionKind,
    /// `plpgsql`, `sql`, `c`, `internal`, ...
    pub language: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub leakproof: bool,
    /// The shared library of a C function (`probin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// `PARALLEL SAFE` or `RESTRICTED`; left out for the default, `UNSAFE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel: Option<Parallel>,
    /// The result as `pg_get_function_result` prints it (`SETOF integer`, `trigger`,
    /// `TABLE(a integer)`); left out for procedures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    /// `ROWS`, when not the default (1000 for set-returning functions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub security_definer: bool,
    /// A SQL-standard body (`BEGIN ATOMIC ... END` or `RETURN ...`, PostgreSQL 14 and newer),
    /// as `pg_get_functiondef` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql_body: Option<String>,
    /// `STRICT` (`RETURNS NULL ON NULL INPUT`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
    /// The planner support function (`SUPPORT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support: Option<String>,
    pub volatility: Volatility,
}

impl Function {
    /// `(name, identity arguments)` of a [`super::Schema::functions`] key. A name holding `(`
    /// is not told apart from its arguments; PostgreSQL allows one, nobody writes one.
    pub fn split_key(key: &str) -> (&str, &str) {
        match key.find('(') {
            Some(i) => (
                &key[..i],
                key[i + 1..].strip_suffix(')').unwrap_or(&key[i + 1..]),
            ),
            None => (key, ""),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    Function,
    Procedure,
    Aggregate,
    /// A window function (`CREATE FUNCTION ... WINDOW`).
    Window,
}

impl FunctionKind {
    /// How the object is called in SQL: `FUNCTION`, `PROCEDURE`, `AGGREGATE`.
    pub fn sql_keyword(self) -> &'static str {
        match self {
            FunctionKind::Function | FunctionKind::Window => "FUNCTION",
            FunctionKind::Procedure => "PROCEDURE",
            FunctionKind::Aggregate => "AGGREGATE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

impl Volatility {
    pub fn sql_keyword(self) -> &'static str {
        match self {
            Volatility::Immutable => "IMMUTABLE",
            Volatility::Stable => "STABLE",
            Volatility::Volatile => "VOLATILE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parallel {
    Safe,
    Restricted,
}

impl Parallel {
    pub fn sql_keyword(self) -> &'static str {
        match self {
            Parallel::Safe => "SAFE",
            Parallel::Restricted => "RESTRICTED",
        }
    }
}

/// What `CREATE AGGREGATE` takes besides the arguments. Functions and operators are printed as a
/// session with `search_path` `public` names them; types as `format_type` prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combine_function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deserial_function: Option<String>,
    /// `FINALFUNC_EXTRA`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub final_extra: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_function: Option<String>,
    /// `FINALFUNC_MODIFY`, when not the default `READ_ONLY`: `shareable` or `read_write`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_modify: Option<String>,
    /// `INITCOND`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_condition: Option<String>,
    /// `ordered_set` or `hypothetical` for those kinds of aggregate; left out for a normal one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_operator: Option<String>,
    /// `SSPACE`, when not 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_space: Option<i32>,
    pub state_function: String,
    pub state_type: String,
}
