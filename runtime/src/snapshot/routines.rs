//! Functions, procedures and aggregates (format version 2): what a faithful `CREATE FUNCTION`,
//! `CREATE PROCEDURE` or `CREATE AGGREGATE` needs.

use serde::{Deserialize, Serialize};

use super::is_false;

format_struct! {
    /// A function, procedure or aggregate, keyed in [`super::Schema::functions`] by its name and
    /// identity arguments as `pg_get_function_identity_arguments` prints them:
    /// `film_in_stock(p_film_id integer, p_store_id integer, OUT p_film_count integer)`. Overloads
    /// are separate entries.
    pub struct Function {
        /// An aggregate's state function, state type and the rest.
        aggregate: Option<Aggregate> = "Option::is_none",
        /// Every argument with its mode, name and default, as `pg_get_function_arguments` prints
        /// them; left out when there are none.
        arguments: String = "String::is_empty",
        /// The source text (`prosrc`): the body between the dollar quotes, or for C and internal
        /// functions the symbol. Left out for SQL-standard bodies (`sql_body`).
        body: Option<String> = "Option::is_none",
        /// `SET` clauses as `name=value`, in catalog order.
        config: Vec<String> = "Vec::is_empty",
        /// `COST`, when not the default (1 for C and internal functions, 100 otherwise).
        cost: Option<String> = "Option::is_none",
        /// Function, procedure, aggregate or window function.
        kind: FunctionKind,
        /// `plpgsql`, `sql`, `c`, `internal`, ...
        language: String,
        /// `LEAKPROOF`.
        leakproof: bool = "is_false",
        /// The shared library of a C function (`probin`).
        library: Option<String> = "Option::is_none",
        /// `PARALLEL SAFE` or `RESTRICTED`; left out for the default, `UNSAFE`.
        parallel: Option<Parallel> = "Option::is_none",
        /// The result as `pg_get_function_result` prints it (`SETOF integer`, `trigger`,
        /// `TABLE(a integer)`); left out for procedures.
        returns: Option<String> = "Option::is_none",
        /// `ROWS`, when not the default (1000 for set-returning functions).
        rows: Option<String> = "Option::is_none",
        /// `SECURITY DEFINER`.
        security_definer: bool = "is_false",
        /// A SQL-standard body (`BEGIN ATOMIC ... END` or `RETURN ...`, PostgreSQL 14 and newer),
        /// as `pg_get_functiondef` prints it.
        sql_body: Option<String> = "Option::is_none",
        /// `STRICT` (`RETURNS NULL ON NULL INPUT`).
        strict: bool = "is_false",
        /// The planner support function (`SUPPORT`).
        support: Option<String> = "Option::is_none",
        /// `IMMUTABLE`, `STABLE` or `VOLATILE`.
        volatility: Volatility,
    }
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
/// What kind of routine a [`Function`] is.
pub enum FunctionKind {
    /// `CREATE FUNCTION`.
    Function,
    /// `CREATE PROCEDURE`.
    Procedure,
    /// `CREATE AGGREGATE`.
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
/// `IMMUTABLE`, `STABLE` or `VOLATILE`.
pub enum Volatility {
    /// `IMMUTABLE`.
    Immutable,
    /// `STABLE`.
    Stable,
    /// `VOLATILE`.
    Volatile,
}

impl Volatility {
    /// The keyword.
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
/// `PARALLEL SAFE` or `RESTRICTED`.
pub enum Parallel {
    /// `PARALLEL SAFE`.
    Safe,
    /// `PARALLEL RESTRICTED`.
    Restricted,
}

impl Parallel {
    /// The keyword: `SAFE`, `RESTRICTED`.
    pub fn sql_keyword(self) -> &'static str {
        match self {
            Parallel::Safe => "SAFE",
            Parallel::Restricted => "RESTRICTED",
        }
    }
}

format_struct! {
    /// What `CREATE AGGREGATE` takes besides the arguments. Functions and operators are printed as a
    /// session with `search_path` `public` names them; types as `format_type` prints them.
    pub struct Aggregate {
        /// `COMBINEFUNC`.
        combine_function: Option<String> = "Option::is_none",
        /// `DESERIALFUNC`.
        deserial_function: Option<String> = "Option::is_none",
        /// `FINALFUNC_EXTRA`.
        final_extra: bool = "is_false",
        /// `FINALFUNC`.
        final_function: Option<String> = "Option::is_none",
        /// `FINALFUNC_MODIFY`, when not the default `READ_ONLY`: `shareable` or `read_write`.
        final_modify: Option<String> = "Option::is_none",
        /// `INITCOND`.
        initial_condition: Option<String> = "Option::is_none",
        /// `ordered_set` or `hypothetical` for those kinds of aggregate; left out for a normal one.
        ordered: Option<String> = "Option::is_none",
        /// `SERIALFUNC`.
        serial_function: Option<String> = "Option::is_none",
        /// `SORTOP`.
        sort_operator: Option<String> = "Option::is_none",
        /// `SSPACE`, when not 0.
        state_space: Option<i32> = "Option::is_none",
        /// `SFUNC`.
        state_function: String,
        /// `STYPE`.
        state_type: String,
    }
}
