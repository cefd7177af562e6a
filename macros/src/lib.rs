//! Derives and statement macros for schemalock, re-exported by the `schemalock` crate, whose
//! documentation is the one to read. Thin by design: what a model must satisfy is the check
//! engine of `schemalock-runtime` (model ↔ schema), shared with startup verification, and what a
//! statement must satisfy is its statement engine (`statement`); here are only the phases around
//! them, each in its own module:
//!
//! `attr` (every key declared once, in `attr::keys`) and `case` (rename rules) →
//! `ast` (the item model) → `check` (the engine's findings on the right tokens, against the
//! snapshot `snapshot` loads once per compiler process) → `expand` (the generated code, from the
//! item model and what the engine resolved). `ctxt` collects every error of an item.
//! `statement` holds `sql!`/`sql_as!`'s arguments and their findings → errors; their code is
//! `expand::statement`, and `#[derive(Row)]`'s `expand::row`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod ast;
mod attr;

mod check;
mod ctxt;
mod expand;
mod snapshot;
mod statement;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Checks a struct against its table in the schema snapshot at compile time.
///
/// ```ignore
/// #[derive(schemalock::Table, sqlx::FromRow)]
/// #[schemalock(table = "entities")]            // schema = "public" by default
/// struct Entity {
///     id: uuid::Uuid,
///     entity_type: EntityType,                 // a #[derive(PgEnum)] enum
///     #[sqlx(rename = "extraction_confidence")] // honoured: no need to repeat it
///     confidence: f64,
///     #[schemalock(skip)]
///     cached: Vec<u8>,
/// }
/// ```
///
/// # What is checked
///
/// Each is a compile error on the field, attribute or name it concerns; every error of the
/// struct is reported in one build.
///
/// 1. The table (or view, partitioned table, materialized view) exists in the schema; else the
///    error suggests a close name, or the schema that has one.
/// 2. Each field's column exists; else a close name, a renamed column (`type` now
///    `entity_type`), or the table's columns.
/// 3. The field's Rust type can decode the column's type, through its `PgCompatible` impl (so
///    aliases, newtypes and your own types work); a domain is checked as its base type; the
///    rules follow what both sqlx and postgres-types decode, never looser.
/// 4. A field that cannot hold NULL (not an `Option`) does not read a nullable column. View
///    columns are not judged: PostgreSQL does not record their nullability.
/// 5. With `insertable`: every NOT NULL column without a default, identity or generation has a
///    field, and no field names a generated or `GENERATED ALWAYS` identity column.
/// 6. With `exhaustive`: every column has a field.
///
/// A `#[sqlx(flatten)]` field's struct must derive `Table` and read the same table; its columns
/// count for `insertable` and `exhaustive`.
///
/// # Attributes
///
/// On the struct, `#[schemalock(...)]`:
///
/// | key | meaning |
/// |---|---|
/// | `table = "..."` | the table; default: the struct's name in snake_case |
/// | `schema = "..."` | the table's schema; default `public` |
/// | `rename_all = "..."` | how field names become column names: `lowercase`, `UPPERCASE`, `snake_case`, `SCREAMING_SNAKE_CASE`, `kebab-case`, `SCREAMING-KEBAB-CASE`, `camelCase`, `PascalCase`, `Train-Case` |
/// | `snapshot = "path"` | this struct's snapshot, relative to the crate's manifest directory (a service with two databases) |
/// | `insertable` | the model inserts rows: rule 5 above |
/// | `exhaustive` | the model reads every column: rule 6 above |
/// | `crate = "path"` | where `schemalock` is, when re-exported: `crate = "::my_db::schemalock"` |
///
/// On a field, `#[schemalock(...)]`:
///
/// | key | meaning |
/// |---|---|
/// | `rename = "..."` | the column; default: the field's name, after `rename_all` |
/// | `skip` | the field reads no column |
/// | `pg_type = "..."` | for a type without a `PgCompatible` impl: the column must exist and be of this type, named as `pg_type.typname` (`int4`), as PostgreSQL prints it (`integer`, `character varying(20)`) or schema-qualified (`public.ltree`); `[]` for an array |
///
/// Honoured without repeating them: `#[sqlx(rename_all, default)]` on the struct,
/// `#[sqlx(rename, skip, flatten, json, default, try_from)]` on a field,
/// `#[postgres(rename_all)]` on the struct and `#[postgres(name)]` on a field. With
/// `#[sqlx(default)]` a missing column is not an error (sqlx reads the default), but an
/// existing column's type still is; `#[sqlx(try_from = "T")]` checks `T`; `#[sqlx(json)]`
/// needs a `json` or `jsonb` column.
///
/// The snapshot is the first `schemalock.json` found walking up from the crate's manifest
/// directory; `SCHEMALOCK_SNAPSHOT` (absolute, or relative to the manifest directory)
/// overrides it, and `snapshot = "..."` overrides both. Editing it re-runs the checks on the
/// next build: the compiler reads the file for cargo to notice, unless a build script tracks it
/// and sets `SCHEMALOCK_SNAPSHOT_TRACKED` to it (the README's "Where the snapshot comes from").
///
/// # What it generates
///
/// `impl schemalock::Table` (the struct's `TableMeta`, which startup verification reads and
/// which registers the struct, with no list to keep), and constants for hand-written SQL, so a
/// renamed column breaks the build at each use: `Entity::TABLE` (`entities`, schema-qualified
/// outside `public`, quoted where SQL needs it), `Entity::COLUMN_LIST` (`id, entity_type, ...`)
/// and `Entity::COLUMNS.entity_type`, each column quoted where SQL needs it.
#[proc_macro_derive(Table, attributes(schemalock, sqlx, postgres))]
pub fn derive_table(input: TokenStream) -> TokenStream {
    run(input, expand::derive_table)
}

/// Maps a Rust enum to a PostgreSQL enum type and checks its labels at compile time.
///
/// ```ignore
/// #[derive(schemalock::PgEnum, sqlx::Type)]
/// #[sqlx(type_name = "canonlayer", rename_all = "UPPERCASE")] // honoured
/// enum CanonLayer { Primary, Alternate, Draft, Retconned }
/// ```
///
/// # What is checked
///
/// The type exists in the schema and is an enum; every variant's label is one of its labels;
/// no two variants share a label; and every label of the type has a variant, since a row
/// holding a label no variant maps fails to decode. Each is a compile error on the variant or
/// attribute it concerns.
///
/// # Attributes
///
/// On the enum, `#[schemalock(...)]`:
///
/// | key | meaning |
/// |---|---|
/// | `type_name = "..."` | the enum type; default: the enum's name, as sqlx and postgres-derive do |
/// | `schema = "..."` | the type's schema; default `public` |
/// | `rename_all = "..."` | how variant names become labels (the rules of `#[derive(Table)]`) |
/// | `snapshot = "path"` | this enum's snapshot |
/// | `exhaustive` | a label no variant maps is drift at run time too: the build always requires a variant for every label of the snapshot, and startup verification then reports a label added to the live database since the build as drift, not as a notice |
/// | `crate = "path"` | where `schemalock` is, when re-exported |
///
/// On a variant, `#[schemalock(rename = "...")]`: the label; default: the variant's name, after
/// `rename_all`.
///
/// Honoured without repeating them: `#[sqlx(type_name, rename_all)]` and
/// `#[postgres(name, rename_all)]` on the enum, `#[sqlx(rename)]` and `#[postgres(name)]` on a
/// variant.
///
/// # What it generates
///
/// `impl schemalock::PgCompatible` (the enum decodes from its enum type, so fields of this type
/// are checked against their column) and `impl schemalock::PgEnum` (its `EnumMeta`, which
/// startup verification reads and which registers the enum).
#[proc_macro_derive(PgEnum, attributes(schemalock, sqlx, postgres))]
pub fn derive_pg_enum(input: TokenStream) -> TokenStream {
    run(input, expand::derive_pg_enum)
}

/// A result struct that is no table's row (a search hit with a computed `rank`): its fields and
/// their Rust types, for `sql_as!` to check a statement's result columns against.
///
/// ```ignore
/// #[derive(schemalock::Row, sqlx::FromRow)]
/// struct Hit {
///     id: uuid::Uuid,
///     name: String,
///     rank: Option<f32>,
/// }
/// let hits = schemalock::sql_as!(Hit, "SELECT id, name, ts_rank(...) AS rank FROM entities ...");
/// ```
///
/// Nothing is checked until a `sql_as!` names the struct: each field (after renames and skips)
/// must name a result column of that statement, of a type its Rust type decodes, and a field
/// that cannot hold NULL must not read a result column that can be NULL. `#[derive(Table)]`
/// models can be named by `sql_as!` too.
///
/// # Attributes
///
/// On the struct, `#[schemalock(rename_all = "...", crate = "...")]` (as for
/// `#[derive(Table)]`); on a field, `#[schemalock(rename, skip, pg_type)]`. Honoured without
/// repeating them: `#[sqlx(rename_all, default)]` on the struct, `#[sqlx(rename, skip, flatten,
/// json, default, try_from)]` on a field, `#[postgres(rename_all)]` and `#[postgres(name)]`. A
/// flattened field's struct derives `Row` or `Table`. A `pg_type` field's type is not judged.
#[proc_macro_derive(Row, attributes(schemalock, sqlx, postgres))]
pub fn derive_row(input: TokenStream) -> TokenStream {
    run(input, expand::derive_row)
}

/// A SQL statement checked against the schema snapshot at compile time; expands to the same
/// `&'static str`, so it works with every driver.
///
/// ```ignore
/// client.execute(
///     schemalock::sql!("UPDATE entities SET mention_count = mention_count + 1 WHERE id = $1"),
///     &[&id],
/// )?;
/// ```
///
/// The statement must parse as one PostgreSQL statement, and every relation, column, enum label,
/// cast type, parameter and `ON CONFLICT` target must fit the snapshot, as the statement engine
/// `schemalock_runtime::statement` documents (its page lists what is checked and what is not).
/// Every problem is a compile error on the literal, with the statement's line and a caret.
/// A statement the checker cannot read, though PostgreSQL can, is schemalock's limitation: a
/// plain string literal skips the check.
///
/// Leading options: `snapshot = "path"` (relative to the crate's manifest directory, as the
/// derives' attribute), `search_path = "app, public"` (default `public`), `crate = "path"`.
/// The snapshot is found as the derives find it, and parsed once per compiler process for both.
///
/// Each checked statement is registered with its file and line: startup verification
/// (`schemalock::verify`) prepares it against the live database, without executing it.
#[proc_macro]
pub fn sql(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as statement::Sql);
    statement::sql(input).into()
}

/// [`sql!`] that also checks the result columns against a row type `T` (a `#[derive(Table)]`
/// model or a `#[derive(Row)]` struct): `sql_as!(T, "SELECT ...")`.
///
/// Each field of `T` (after renames and skips; flattened parts included) must name a result
/// column; the column's inferred type must be one the field's type decodes (the derives' type
/// rule); a result column that can be NULL (a nullable column, the outer side of an outer join,
/// a scalar subquery, most aggregates) needs an `Option` field. A column whose type the engine
/// cannot infer is not judged. Extra result columns are fine. The errors are evaluated by the
/// compiler (only it sees `T`'s fields) and land on `T`, every field in one message.
#[proc_macro]
pub fn sql_as(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as statement::SqlAs);
    statement::sql_as(input).into()
}

fn run(
    input: TokenStream,
    derive: fn(&DeriveInput) -> syn::Result<proc_macro2::TokenStream>,
) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
