//! Type names as a statement writes them (`::int`, `CAST(x AS varchar(20))`,
//! `'A'::canonlayer`, `$1::public.tag[]`): what type they name, and the column name PostgreSQL
//! derives from a cast.

use sqlparser::ast::{ArrayElemTypeDef, DataType, ObjectName, ObjectNamePart, TimezoneInfo};

use super::env::{Env, PG_CATALOG};
use super::types::{Base, Qn, Ty};

/// What a written type name resolves to.
#[derive(Debug, Clone)]
pub(crate) enum TypeName<'s> {
    Found {
        ty: Ty<'s>,
        /// The name PostgreSQL's `FigureColname` takes from a cast to this type.
        colname: String,
    },
    /// No such type: the name as written, and names to suggest.
    Missing {
        name: String,
        candidates: Vec<String>,
    },
    /// A type the engine cannot resolve (an extension it does not know, syntax it does not
    /// model): not judged.
    Opaque { colname: String },
}

/// An identifier as PostgreSQL folds it: unquoted ones are lowercased.
pub(crate) fn fold(ident: &sqlparser::ast::Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_lowercase()
    }
}

/// The parts of a dotted name, folded; `None` for a part that is not an identifier.
pub(crate) fn name_parts(name: &ObjectName) -> Option<Vec<String>> {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => Some(fold(i)),
            ObjectNamePart::Function(_) => None,
        })
        .collect()
}

impl<'s> Env<'s> {
    pub fn type_name(&'s self, dt: &DataType) -> TypeName<'s> {
        let builtin = |name: &str| -> TypeName<'s> {
            match self.cat.type_named(0, name) {
                Some(id) => TypeName::Found {
                    ty: Ty::cat(id),
                    colname: name.to_owned(),
                },
                None => TypeName::Opaque {
                    colname: name.to_owned(),
                },
            }
        };
        match dt {
            DataType::Array(elem) => {
                let inner = match elem {
                    ArrayElemTypeDef::SquareBracket(t, _)
                    | ArrayElemTypeDef::AngleBracket(t)
                    | ArrayElemTypeDef::Parenthesis(t)
                    | ArrayElemTypeDef::ParenthesisNotNull(t)
                    | ArrayElemTypeDef::Qualified(t, _) => t,
                    ArrayElemTypeDef::None => {
                        return TypeName::Opaque {
                            colname: "anyarray".to_owned(),
                        };
                    }
                };
                match self.type_name(inner) {
                    TypeName::Found { ty, colname } => TypeName::Found {
                        ty: ty.array_of(),
                        colname,
                    },
                    other => other,
                }
            }
            DataType::Custom(name, _) => self.custom_type(name),
            DataType::Timestamp(_, tz) => builtin(match tz {
                TimezoneInfo::WithTimeZone | TimezoneInfo::Tz => "timestamptz",
                _ => "timestamp",
            }),
            DataType::Time(_, tz) => builtin(match tz {
                TimezoneInfo::WithTimeZone | TimezoneInfo::Tz => "timetz",
                _ => "time",
            }),
            DataType::Float(info) => {
                let small =
                    matches!(info, sqlparser::ast::ExactNumberInfo::Precision(p) if *p <= 24);
                builtin(if small { "float4" } else { "float8" })
            }
            other => match simple_type_name(other) {
                Some(n) => builtin(n),
                None => TypeName::Opaque {
                    colname: other.to_string().to_lowercase(),
                },
            },
        }
    }

    fn custom_type(&'s self, name: &ObjectName) -> TypeName<'s> {
        let Some(parts) = name_parts(name) else {
            return TypeName::Opaque {
                colname: name.to_string(),
            };
        };
        let (schema, last) = match parts.as_slice() {
            [t] => (None, t.as_str()),
            [s, t] => (Some(s.as_str()), t.as_str()),
            _ => {
                return TypeName::Opaque {
                    colname: parts.last().cloned().unwrap_or_default(),
                };
            }
        };
        let colname = last.to_owned();
        // `_int4` is the array of `int4`.
        let (base_name, array) = match last.strip_prefix('_') {
            Some(b) if self.lookup_type(schema, b).is_some() => (b, true),
            _ => (last, false),
        };
        match self.lookup_type(schema, base_name) {
            Some(base) => TypeName::Found {
                ty: Ty { base, array },
                colname,
            },
            None if !self.unknown_extensions.is_empty() => TypeName::Opaque { colname },
            None if schema.is_some_and(|s| !self.has_schema(s)) => TypeName::Opaque { colname },
            None => TypeName::Missing {
                name: parts.join("."),
                candidates: self.type_names(schema),
            },
        }
    }

    /// A type by (optionally qualified) name: `pg_catalog` first, then the search path, as
    /// PostgreSQL looks types up.
    fn lookup_type(&'s self, schema: Option<&str>, name: &str) -> Option<Base<'s>> {
        let schemas: Vec<&str> = match schema {
            Some(s) => vec![s],
            None => self.path().collect(),
        };
        for s in schemas {
            if s == PG_CATALOG {
                if let Some(id) = self.cat.type_named(0, name) {
                    return Some(Base::Cat(id));
                }
                continue;
            }
            if let Some((sk, sch)) = self.snap.schemas.get_key_value(s) {
                let found = sch
                    .enums
                    .get_key_value(name)
                    .map(|(n, _)| {
                        Base::Enum(Qn {
                            schema: sk,
                            name: n,
                        })
                    })
                    .or_else(|| {
                        sch.domains.get_key_value(name).map(|(n, _)| {
                            Base::Domain(Qn {
                                schema: sk,
                                name: n,
                            })
                        })
                    })
                    .or_else(|| {
                        sch.composites.get_key_value(name).map(|(n, _)| {
                            Base::Composite(Qn {
                                schema: sk,
                                name: n,
                            })
                        })
                    })
                    .or_else(|| {
                        sch.tables.get_key_value(name).map(|(n, _)| {
                            Base::Composite(Qn {
                                schema: sk,
                                name: n,
                            })
                        })
                    });
                if found.is_some() {
                    return found;
                }
            }
            for id in self.cat.types_named(name) {
                let section = self.cat.ty(*id).section;
                if section != 0 && self.section_schema(section) == Some(s) {
                    return Some(Base::Cat(*id));
                }
            }
        }
        None
    }

    /// Type names visible in `schema` (or through the search path), for suggestions.
    fn type_names(&'s self, schema: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let schemas: Vec<&str> = match schema {
            Some(s) => vec![s],
            None => self.path().collect(),
        };
        for s in schemas {
            if s == PG_CATALOG {
                out.extend(
                    self.cat
                        .types
                        .iter()
                        .filter(|t| t.section == 0 && t.kind == b'b')
                        .map(|t| t.name.to_owned()),
                );
            } else if let Some(sch) = self.snap.schemas.get(s) {
                out.extend(sch.enums.keys().cloned());
                out.extend(sch.domains.keys().cloned());
                out.extend(sch.composites.keys().cloned());
            }
        }
        out
    }
}

/// `pg_type.typname` of the types `sqlparser` parses to their own variants.
fn simple_type_name(dt: &DataType) -> Option<&'static str> {
    Some(match dt {
        DataType::Int(_) | DataType::Int4(_) | DataType::Integer(_) => "int4",
        DataType::SmallInt(_) | DataType::Int2(_) => "int2",
        DataType::BigInt(_) | DataType::Int8(_) => "int8",
        DataType::Real | DataType::Float4 => "float4",
        DataType::DoublePrecision | DataType::Float8 | DataType::Double(_) => "float8",
        DataType::Numeric(_) | DataType::Decimal(_) | DataType::Dec(_) => "numeric",
        DataType::Bool | DataType::Boolean => "bool",
        DataType::Text => "text",
        DataType::Varchar(_) | DataType::CharacterVarying(_) | DataType::CharVarying(_) => {
            "varchar"
        }
        DataType::Char(_) | DataType::Character(_) => "bpchar",
        DataType::Uuid => "uuid",
        DataType::Date => "date",
        DataType::Interval { .. } => "interval",
        DataType::JSON => "json",
        DataType::JSONB => "jsonb",
        DataType::Bytea => "bytea",
        DataType::Bit(_) => "bit",
        DataType::BitVarying(_) | DataType::VarBit(_) => "varbit",
        DataType::Regclass => "regclass",
        DataType::TsVector => "tsvector",
        DataType::TsQuery => "tsquery",
        _ => return None,
    })
}
