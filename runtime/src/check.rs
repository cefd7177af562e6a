//! The check engine: does a model fit a schema?
//!
//! One engine for three uses. The derive runs it at compile time against the committed snapshot
//! (field types there are [`FieldType::Deferred`]: the derive emits a `const` per field that calls
//! [`crate::pgtype::check_field`], because only the compiler knows a type's `PgCompatible` impl);
//! the CLI and startup verification run it against a snapshot taken from a live database, with
//! the field types known from [`crate::meta::TableMeta`].

use crate::coverage::{Rule, TableColumn, check_coverage};
use crate::ident;
use crate::pgtype::{self, Accepts, ColumnFacts, ColumnType};
use crate::snapshot::{Column, Identity, RelationKind, Snapshot, Table, TypeKind};
use crate::suggest::{closest, did_you_mean, one_of};

/// A struct to check against a table.
#[derive(Debug, Clone)]
pub struct Model<'a> {
    pub rust_name: &'a str,
    pub schema: &'a str,
    pub table: &'a str,
    pub fields: Vec<Field<'a>>,
    pub insertable: bool,
    pub exhaustive: bool,
    /// True when some of the model's columns come from flattened structs this check cannot see;
    /// the coverage rules (`insertable`, `exhaustive`) are then checked where they can be.
    pub partial: bool,
}

#[derive(Debug, Clone)]
pub struct Field<'a> {
    pub name: &'a str,
    pub column: &'a str,
    pub ty: FieldType<'a>,
}

#[derive(Debug, Clone, Copy)]
pub enum FieldType<'a> {
    /// Checked by the compiler through the field's `PgCompatible` impl.
    Deferred,
    /// Checked here through a known mapping.
    Mapped {
        accepts: &'a Accepts,
        nullable: bool,
        rust: &'a str,
    },
    /// `#[schemalock(pg_type = "...")]`: the column must be of that type.
    Declared {
        pg_type: &'a str,
        nullable: bool,
        rust: &'a str,
    },
}

/// A PostgreSQL enum mapped by a Rust enum.
#[derive(Debug, Clone)]
pub struct EnumModel<'a> {
    pub rust_name: &'a str,
    pub schema: &'a str,
    pub type_name: &'a str,
    /// `(variant, label)` in declaration order.
    pub variants: Vec<(&'a str, &'a str)>,
}

/// Where a finding belongs, so the derive can put the error on that token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The schema name (attribute or default).
    Schema,
    /// The table or enum type name.
    Name,
    /// The item as a whole.
    Item,
    Field(usize),
    Variant(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    SchemaMissing,
    TableMissing,
    ColumnMissing,
    TypeMismatch,
    Nullability,
    ReadOnlyColumn,
    MissingRequired,
    MissingColumns,
    TypeMissing,
    NotAnEnum,
    LabelMissing,
    DuplicateLabel,
    UnmappedLabels,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub at: At,
    pub kind: Kind,
    pub message: String,
    /// What the model expects, when one thing can be named: a column type, `NOT NULL`, a label.
    pub expected: Option<String>,
    /// What the schema has instead.
    pub found: Option<String>,
}

impl Finding {
    fn new(at: At, kind: Kind, message: String) -> Self {
        Finding {
            at,
            kind,
            message,
            expected: None,
            found: None,
        }
    }

    fn with(mut self, expected: impl Into<String>, found: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self.found = Some(found.into());
        self
    }
}

/// [`ColumnFacts`] with owned strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedFacts {
    pub qualified: String,
    pub display: String,
    pub type_schema: String,
    pub type_name: String,
    pub array: bool,
    pub is_enum: bool,
    pub nullable: bool,
    pub check_nullability: bool,
}

impl OwnedFacts {
    pub fn as_facts(&self) -> ColumnFacts<'_> {
        ColumnFacts {
            qualified: &self.qualified,
            display: &self.display,
            ty: ColumnType {
                schema: &self.type_schema,
                name: &self.type_name,
                array: self.array,
                is_enum: self.is_enum,
            },
            nullable: self.nullable,
            check_nullability: self.check_nullability,
        }
    }
}

/// What a driver sees when it decodes `column`: domains resolved to their base type.
pub fn column_facts(
    snapshot: &Snapshot,
    schema: &str,
    table_name: &str,
    table: &Table,
    column: &Column,
) -> OwnedFacts {
    let qualified = format!(
        "{}.{}",
        ident::qualified(schema, table_name),
        ident::quote_ident(&column.name)
    );
    let check_nullability = table.kind.tracks_nullability();
    let mut facts = OwnedFacts {
        qualified,
        display: format!("`{}`", column.type_display),
        type_schema: column.type_schema.clone(),
        type_name: column.type_name.clone(),
        array: column.array,
        is_enum: false,
        nullable: column.nullable,
        check_nullability,
    };
    match snapshot.type_kind(&column.type_schema, &column.type_name) {
        TypeKind::Enum(_) => {
            facts.is_enum = true;
            if !column.array {
                facts.display = format!(
                    "enum `{}`",
                    pgtype_name(&column.type_schema, &column.type_name)
                );
            }
        }
        TypeKind::Domain(d) => {
            facts.display = format!(
                "`{}` (a domain over `{}`)",
                column.type_display, d.type_display
            );
            facts.type_schema = d.type_schema.clone();
            facts.type_name = d.type_name.clone();
            facts.array = column.array || d.array;
            facts.is_enum = matches!(
                snapshot.type_kind(&d.type_schema, &d.type_name),
                TypeKind::Enum(_)
            );
            if d.not_null && !column.array {
                facts.nullable = false;
            }
        }
        TypeKind::Base | TypeKind::Composite(_) => {}
    }
    facts
}

/// A type's name as SQL would write it with the default `search_path`.
fn pgtype_name(schema: &str, name: &str) -> String {
    if schema == "pg_catalog" {
        ident::quote_ident(name).into_owned()
    } else {
        ident::qualified(schema, name)
    }
}

/// Finds a schema or reports it missing.
fn find_schema<'s>(
    snapshot: &'s Snapshot,
    schema: &str,
    findings: &mut Vec<Finding>,
) -> Option<&'s crate::snapshot::Schema> {
    if let Some(s) = snapshot.schema(schema) {
        return Some(s);
    }
    let names: Vec<&str> = snapshot.schemas.keys().map(String::as_str).collect();
    let hint = match closest(schema, names.iter().copied()).as_slice() {
        [] if names.is_empty() => {
            "; the snapshot has no schemas: refresh it with `cargo schemalock refresh`".to_owned()
        }
        [] => format!("; it has {}", one_of(&names)),
        close => format!("; did you mean {}?", one_of(close)),
    };
    findings.push(Finding::new(
        At::Schema,
        Kind::SchemaMissing,
        format!("schema `{schema}` does not exist{hint}"),
    ));
    None
}

/// Lists names when there are few enough to read.
fn short_list(names: &[&str]) -> Option<String> {
    (!names.is_empty() && names.len() <= 12).then(|| one_of(names))
}

/// Checks a struct against its table.
pub fn check_table(snapshot: &Snapshot, model: &Model<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some(schema) = find_schema(snapshot, model.schema, &mut findings) else {
        return findings;
    };
    let Some(table) = schema.tables.get(model.table) else {
        let names: Vec<&str> = schema.tables.keys().map(String::as_str).collect();
        let mut hint = did_you_mean(model.table, names.iter().copied());
        if hint.is_empty() {
            let elsewhere: Vec<&str> = snapshot
                .schemas
                .iter()
                .filter(|(_, s)| s.tables.contains_key(model.table))
                .map(|(n, _)| n.as_str())
                .collect();
            if let Some(s) = elsewhere.first() {
                hint = format!("; schema `{s}` has one: set `schema = \"{s}\"`");
            } else if let Some(list) = short_list(&names) {
                hint = format!("; it has {list}");
            }
        }
        findings.push(
            Finding::new(
                At::Name,
                Kind::TableMissing,
                format!(
                    "table `{}` not found in schema `{}`{hint}",
                    model.table, model.schema
                ),
            )
            .with(format!("table `{}`", model.table), "no such table"),
        );
        return findings;
    };
    let rel = ident::qualified(model.schema, model.table);
    let what = table.kind.describe();

    let claimed: Vec<&str> = model.fields.iter().map(|f| f.column).collect();
    for (i, field) in model.fields.iter().enumerate() {
        let Some(column) = table.column(field.column) else {
            let unclaimed = table
                .columns
                .iter()
                .map(|c| c.name.as_str())
                .filter(|c| !claimed.contains(c));
            let mut hint = did_you_mean(field.column, unclaimed);
            if hint.is_empty() {
                hint = did_you_mean(field.column, table.columns.iter().map(|c| c.name.as_str()));
            }
            if hint.is_empty() {
                let all: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
                hint = format!("; it has {}", one_of(&all));
            }
            findings.push(
                Finding::new(
                    At::Field(i),
                    Kind::ColumnMissing,
                    format!("no column `{}` in {what} `{rel}`{hint}", field.column),
                )
                .with(format!("column `{}`", field.column), "no such column"),
            );
            continue;
        };
        let facts = column_facts(snapshot, model.schema, model.table, table, column);
        match field.ty {
            FieldType::Deferred => {}
            FieldType::Mapped {
                accepts,
                nullable,
                rust,
            } => {
                let f = facts.as_facts();
                let verdict = pgtype::check_type(accepts, &f, rust);
                if verdict.failed() {
                    findings.push(
                        Finding::new(
                            At::Field(i),
                            Kind::TypeMismatch,
                            verdict.as_str().to_owned(),
                        )
                        .with(pgtype::describe(accepts), facts.display.clone()),
                    );
                }
                let verdict = pgtype::check_nullability(nullable, &f, rust);
                if verdict.failed() {
                    findings.push(
                        Finding::new(At::Field(i), Kind::Nullability, verdict.as_str().to_owned())
                            .with("NOT NULL", "nullable"),
                    );
                }
            }
            FieldType::Declared {
                pg_type,
                nullable,
                rust,
            } => {
                if !declared_matches(&facts, column, pg_type) {
                    findings.push(
                        Finding::new(
                            At::Field(i),
                            Kind::TypeMismatch,
                            format!(
                                "column `{}` is {}, but the field says `pg_type = \"{pg_type}\"`; change `pg_type` or migrate the column",
                                facts.qualified, facts.display
                            ),
                        )
                        .with(format!("`{pg_type}`"), facts.display.clone()),
                    );
                }
                let verdict = pgtype::check_nullability(nullable, &facts.as_facts(), rust);
                if verdict.failed() {
                    findings.push(
                        Finding::new(At::Field(i), Kind::Nullability, verdict.as_str().to_owned())
                            .with("NOT NULL", "nullable"),
                    );
                }
            }
        }
        if model.insertable {
            let read_only = if column.generated.is_some() {
                Some("a generated column")
            } else if column.identity == Some(Identity::Always) {
                Some("an identity column GENERATED ALWAYS")
            } else {
                None
            };
            if let Some(why) = read_only {
                findings.push(Finding::new(
                    At::Field(i),
                    Kind::ReadOnlyColumn,
                    format!(
                        "column `{}` is {why}, which an INSERT cannot set; remove the field from this insertable model or mark it `#[schemalock(skip)]`",
                        facts.qualified
                    ),
                ));
            }
        }
    }

    if !model.partial {
        let columns: Vec<TableColumn<'_>> = table
            .columns
            .iter()
            .map(|c| TableColumn {
                name: &c.name,
                required: !c.nullable && !c.has_default(),
            })
            .collect();
        for (enabled, rule, kind) in [
            (model.insertable, Rule::Insertable, Kind::MissingRequired),
            (model.exhaustive, Rule::Exhaustive, Kind::MissingColumns),
        ] {
            if !enabled {
                continue;
            }
            let verdict =
                check_coverage(rule, model.rust_name, what, &rel, &columns, &claimed, &[]);
            if verdict.failed() {
                findings.push(Finding::new(At::Item, kind, verdict.as_str().to_owned()));
            }
        }
    }
    findings
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}

/// The column type names `pg_type` may use: `typname` (`int4`), the printed name without
/// modifiers (`integer`, `character varying`), or the printed name with them.
fn declared_matches(facts: &OwnedFacts, column: &Column, pg_type: &str) -> bool {
    let wanted = pg_type.trim().to_lowercase();
    let (wanted, wants_array) = match wanted.strip_suffix("[]") {
        Some(w) => (w.to_owned(), true),
        None => (wanted, false),
    };
    if wants_array != column.array {
        return false;
    }
    let printed = column.type_display.trim_end_matches("[]").to_lowercase();
    let unmodified = match printed.find('(') {
        Some(i) => printed[..i].trim_end().to_owned(),
        None => printed.clone(),
    };
    let display_of_typname = pgtype::builtin::ALL
        .iter()
        .find(|t| t.name == column.type_name)
        .map(|t| t.display);
    [
        column.type_name.as_str(),
        facts.type_name.as_str(),
        printed.as_str(),
        unmodified.as_str(),
        &format!("{}.{}", column.type_schema, column.type_name),
    ]
    .iter()
    .any(|n| *n == wanted)
        || display_of_typname == Some(wanted.as_str())
}

/// Checks a Rust enum against its PostgreSQL enum type.
pub fn check_enum(snapshot: &Snapshot, model: &EnumModel<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some(schema) = find_schema(snapshot, model.schema, &mut findings) else {
        return findings;
    };
    let name = pgtype_name(model.schema, model.type_name);
    let Some(found) = schema.enums.get(model.type_name) else {
        let other = if schema.domains.contains_key(model.type_name) {
            Some("a domain")
        } else if schema.composites.contains_key(model.type_name) {
            Some("a composite type")
        } else {
            schema.tables.get(model.type_name).map(|t| match t.kind {
                RelationKind::Table | RelationKind::PartitionedTable => "a table",
                RelationKind::View | RelationKind::MaterializedView => "a view",
            })
        };
        let message = match other {
            Some(kind) => format!(
                "`{name}` is {kind}, not an enum; `{}` needs a PostgreSQL enum type",
                model.rust_name
            ),
            None => {
                let enums: Vec<&str> = schema.enums.keys().map(String::as_str).collect();
                let mut hint = did_you_mean(model.type_name, enums.iter().copied());
                if hint.is_empty() {
                    hint = match short_list(&enums) {
                        Some(list) => format!("; it has {list}"),
                        None => "; it has no enum types".to_owned(),
                    };
                }
                format!(
                    "enum type `{}` not found in schema `{}`{hint}",
                    model.type_name, model.schema
                )
            }
        };
        let kind = if other.is_some() {
            Kind::NotAnEnum
        } else {
            Kind::TypeMissing
        };
        findings.push(Finding::new(At::Name, kind, message));
        return findings;
    };

    let labels: Vec<&str> = found.labels.iter().map(String::as_str).collect();
    for (i, (variant, label)) in model.variants.iter().enumerate() {
        if let Some(j) = model.variants[..i].iter().position(|(_, l)| l == label) {
            findings.push(Finding::new(
                At::Variant(i),
                Kind::DuplicateLabel,
                format!(
                    "variants `{}` and `{variant}` both map to label `{label}`; rename one of them",
                    model.variants[j].0
                ),
            ));
            continue;
        }
        if !labels.contains(label) {
            let hint = did_you_mean(label, labels.iter().copied());
            let found = labels.join(", ");
            findings.push(Finding::new(
                At::Variant(i),
                Kind::LabelMissing,
                format!(
                    "variant `{variant}` maps to label `{label}`, which enum `{name}` does not have; it has {}{hint}",
                    if labels.is_empty() { "no labels".to_owned() } else { labels.join(", ") }
                ),
            ).with(format!("label `{label}`"), found));
        }
    }
    let unmapped: Vec<&str> = labels
        .iter()
        .copied()
        .filter(|l| !model.variants.iter().any(|(_, v)| v == l))
        .collect();
    if !unmapped.is_empty() {
        findings.push(Finding::new(
            At::Item,
            Kind::UnmappedLabels,
            format!(
                "enum `{name}` has {} {} that no variant of `{}` maps to; a row holding {} would fail to decode; add {}",
                plural(unmapped.len(), "label", "labels"),
                one_of(&unmapped),
                model.rust_name,
                plural(unmapped.len(), "it", "one"),
                plural(unmapped.len(), "a variant for it", "variants for them"),
            ),
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pgtype::PgCompatible;

    fn snapshot() -> Snapshot {
        let json = r#"{
          "format_version": 2,
          "schemas": {
            "public": {
              "domains": { "year": { "not_null": true, "type": "integer", "type_name": "int4", "type_schema": "pg_catalog" } },
              "enums": { "canonlayer": { "labels": ["PRIMARY", "ALTERNATE", "DRAFT"] } },
              "tables": {
                "entities": { "kind": "table", "columns": [
                  { "name": "id", "nullable": false, "type": "uuid", "type_name": "uuid", "type_schema": "pg_catalog", "default": "gen_random_uuid()" },
                  { "name": "entity_type", "nullable": false, "type": "character varying(20)", "type_name": "varchar", "type_schema": "pg_catalog" },
                  { "name": "canon_layer", "nullable": false, "type": "canonlayer", "type_name": "canonlayer", "type_schema": "public" },
                  { "name": "mention_count", "nullable": true, "type": "integer", "type_name": "int4", "type_schema": "pg_catalog" },
                  { "name": "born", "nullable": true, "type": "year", "type_name": "year", "type_schema": "public" },
                  { "name": "search", "nullable": true, "type": "tsvector", "type_name": "tsvector", "type_schema": "pg_catalog", "generated": "stored" }
                ]},
                "entity_names": { "kind": "view", "columns": [
                  { "name": "name", "nullable": true, "type": "text", "type_name": "text", "type_schema": "pg_catalog" }
                ]}
              }
            }
          }
        }"#;
        Snapshot::from_json(json, std::path::Path::new("t.json")).unwrap()
    }

    fn model<'a>(table: &'a str, fields: &[(&'a str, &'a str)]) -> Model<'a> {
        Model {
            rust_name: "Entity",
            schema: "public",
            table,
            fields: fields
                .iter()
                .map(|&(name, column)| Field {
                    name,
                    column,
                    ty: FieldType::Deferred,
                })
                .collect(),
            insertable: false,
            exhaustive: false,
            partial: false,
        }
    }

    fn messages(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.message.as_str()).collect()
    }

    #[test]
    fn missing_table_suggests() {
        let f = check_table(&snapshot(), &model("entitis", &[]));
        assert_eq!(
            messages(&f),
            ["table `entitis` not found in schema `public`; did you mean `entities`?"]
        );
        assert_eq!(f[0].at, At::Name);
    }

    #[test]
    fn missing_schema_lists_schemas() {
        let mut m = model("entities", &[]);
        m.schema = "audit";
        let f = check_table(&snapshot(), &m);
        assert_eq!(
            messages(&f),
            ["schema `audit` does not exist; it has `public`"]
        );
        assert_eq!(f[0].at, At::Schema);
    }

    #[test]
    fn missing_columns_suggest_renames_or_list() {
        let f = check_table(
            &snapshot(),
            &model("entities", &[("id", "id"), ("ty", "type"), ("x", "zzz")]),
        );
        assert_eq!(
            messages(&f),
            [
                "no column `type` in table `entities`; did you mean `entity_type`?",
                "no column `zzz` in table `entities`; it has `id`, `entity_type`, `canon_layer`, `mention_count`, `born` or `search`",
            ]
        );
        assert_eq!(f[0].at, At::Field(1));
    }

    #[test]
    fn mapped_types_use_the_const_check() {
        let mut m = model(
            "entities",
            &[
                ("canon_layer", "canon_layer"),
                ("mention_count", "mention_count"),
                ("born", "born"),
            ],
        );
        m.fields[0].ty = FieldType::Mapped {
            accepts: &String::ACCEPTS,
            nullable: false,
            rust: "String",
        };
        m.fields[1].ty = FieldType::Mapped {
            accepts: &i32::ACCEPTS,
            nullable: false,
            rust: "i32",
        };
        // A NOT NULL domain over integer: `i32` fits.
        m.fields[2].ty = FieldType::Mapped {
            accepts: &i32::ACCEPTS,
            nullable: false,
            rust: "i32",
        };
        let f = check_table(&snapshot(), &m);
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(
            f[0].message.starts_with(
                "column `entities.canon_layer` is enum `canonlayer`; `String` maps to"
            )
        );
        assert!(
            f[1].message
                .starts_with("column `entities.mention_count` is nullable")
        );
    }

    #[test]
    fn declared_pg_type_matches_any_spelling() {
        for spelling in [
            "varchar",
            "character varying",
            "character varying(20)",
            "VARCHAR",
        ] {
            let mut m = model("entities", &[("entity_type", "entity_type")]);
            m.fields[0].ty = FieldType::Declared {
                pg_type: spelling,
                nullable: false,
                rust: "Kind",
            };
            assert!(check_table(&snapshot(), &m).is_empty(), "{spelling}");
        }
        let mut m = model("entities", &[("entity_type", "entity_type")]);
        m.fields[0].ty = FieldType::Declared {
            pg_type: "text",
            nullable: false,
            rust: "Kind",
        };
        assert_eq!(
            messages(&check_table(&snapshot(), &m)),
            [
                "column `entities.entity_type` is `character varying(20)`, but the field says `pg_type = \"text\"`; change `pg_type` or migrate the column"
            ]
        );
    }

    #[test]
    fn insertable_and_exhaustive() {
        let mut m = model(
            "entities",
            &[("canon_layer", "canon_layer"), ("search", "search")],
        );
        m.insertable = true;
        m.exhaustive = true;
        let f = check_table(&snapshot(), &m);
        assert_eq!(
            messages(&f),
            [
                "column `entities.search` is a generated column, which an INSERT cannot set; remove the field from this insertable model or mark it `#[schemalock(skip)]`",
                "insertable model `Entity` has no field for column `entity_type` of table `entities`, which is NOT NULL without a default; add a field for it",
                "exhaustive model `Entity` has no field for columns `id`, `entity_type`, `mention_count` or `born` of table `entities`; add fields for them, or drop `exhaustive`",
            ]
        );
        m.partial = true;
        assert_eq!(check_table(&snapshot(), &m).len(), 1);
    }

    #[test]
    fn view_columns_skip_nullability() {
        let mut m = model("entity_names", &[("name", "name")]);
        m.fields[0].ty = FieldType::Mapped {
            accepts: &String::ACCEPTS,
            nullable: false,
            rust: "String",
        };
        assert!(check_table(&snapshot(), &m).is_empty());
    }

    fn enum_model<'a>(type_name: &'a str, variants: &[(&'a str, &'a str)]) -> EnumModel<'a> {
        EnumModel {
            rust_name: "CanonLayer",
            schema: "public",
            type_name,
            variants: variants.to_vec(),
        }
    }

    #[test]
    fn enum_labels_both_ways() {
        let f = check_enum(
            &snapshot(),
            &enum_model(
                "canonlayer",
                &[
                    ("Primary", "PRIMARY"),
                    ("Alternate", "ALTERNATE"),
                    ("Retconned", "RETCONNED"),
                    ("Main", "PRIMARY"),
                ],
            ),
        );
        assert_eq!(
            messages(&f),
            [
                "variant `Retconned` maps to label `RETCONNED`, which enum `canonlayer` does not have; it has PRIMARY, ALTERNATE, DRAFT",
                "variants `Primary` and `Main` both map to label `PRIMARY`; rename one of them",
                "enum `canonlayer` has label `DRAFT` that no variant of `CanonLayer` maps to; a row holding it would fail to decode; add a variant for it",
            ]
        );
        assert_eq!(f[0].at, At::Variant(2));
        assert_eq!(f[1].at, At::Variant(3));
    }

    #[test]
    fn enum_type_missing_or_not_an_enum() {
        let f = check_enum(&snapshot(), &enum_model("canon_layer", &[]));
        assert_eq!(
            messages(&f),
            ["enum type `canon_layer` not found in schema `public`; did you mean `canonlayer`?"]
        );
        let f = check_enum(&snapshot(), &enum_model("year", &[]));
        assert_eq!(
            messages(&f),
            ["`year` is a domain, not an enum; `CanonLayer` needs a PostgreSQL enum type"]
        );
        assert_eq!(f[0].kind, Kind::NotAnEnum);
    }
}
