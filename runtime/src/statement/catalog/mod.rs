//! PostgreSQL's own catalog, as far as the engine reads it: the built-in types with their
//! categories, the casts between them, the operators and functions of `pg_catalog`, the columns of
//! the system relations, and the same for the extensions the engine knows (pgvector, citext,
//! hstore, ...).
//!
//! The snapshot holds the user's schema only; what `int4 + numeric` gives, which `sum` applies to
//! `bigint` or which columns `pg_class` has is PostgreSQL's knowledge. Rather than restate it by
//! hand, `pg.txt` is generated from a real server (PostgreSQL 15, the oldest version the project
//! supports, so a function added later is simply not typed; pgvector from 16) by
//! `tests/tests/statement_catalog.rs`, and parsed once per process on first use.
//!
//! The text has one object per line: `T` types, `C` casts, `O` operators, `F` functions, `R`
//! system relations, each section opened by `X <name> <version>` (`pg_catalog` first, then one per
//! extension). Types are named by `pg_type.typname`, arrays as `elem[]`.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Index of a type in [`Catalog::types`].
pub(crate) type TypeId = u16;

/// Index of a section: 0 is `pg_catalog`, the others extensions.
pub(crate) type SectionId = u8;

/// A catalog type, or an array of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CTy {
    pub id: TypeId,
    pub array: bool,
}

#[derive(Debug)]
pub(crate) struct CatType {
    pub name: &'static str,
    /// `pg_type.typcategory`.
    pub category: u8,
    pub preferred: bool,
    /// `pg_type.typtype`: `b`ase, `p`seudo, `r`ange, `m`ultirange.
    pub kind: u8,
    /// How PostgreSQL prints it (`format_type`): `integer`, `character varying`.
    pub display: String,
    pub section: SectionId,
}

/// `pg_cast.castcontext`, ordered so that a weaker context allows fewer casts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum CastContext {
    Implicit,
    Assignment,
    Explicit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FuncKind {
    Normal,
    Aggregate,
    Window,
}

#[derive(Debug)]
pub(crate) struct Func {
    pub name: &'static str,
    pub section: SectionId,
    pub kind: FuncKind,
    pub strict: bool,
    pub retset: bool,
    pub args: Vec<CTy>,
    pub ret: CTy,
    /// The last argument is `VARIADIC` (an array, or `"any"`).
    pub variadic: bool,
    /// How many trailing arguments have defaults.
    pub defaults: usize,
    /// Input argument names, when named notation can matter (defaults or set-returning).
    pub arg_names: Vec<&'static str>,
    /// The output columns of a set-returning function with OUT parameters.
    pub out: Vec<(&'static str, CTy)>,
}

#[derive(Debug)]
pub(crate) struct Oper {
    pub section: SectionId,
    /// `None` for a prefix operator.
    pub left: Option<CTy>,
    pub right: CTy,
    pub result: CTy,
}

#[derive(Debug)]
pub(crate) struct CatRelation {
    pub columns: Vec<CatColumn>,
}

#[derive(Debug)]
pub(crate) struct CatColumn {
    pub name: &'static str,
    pub ty: CTy,
    pub not_null: bool,
}

#[derive(Debug)]
pub(crate) struct Section {
    pub name: &'static str,
}

/// Types the engine names directly.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Known {
    pub text: TypeId,
    pub bpchar: TypeId,
    pub bool: TypeId,
    pub int4: TypeId,
    pub int8: TypeId,
    pub numeric: TypeId,
    pub interval: TypeId,
    pub record: TypeId,
    pub bit: TypeId,
    pub any: TypeId,
    pub anyelement: TypeId,
    pub anyarray: TypeId,
    pub anynonarray: TypeId,
    pub anyenum: TypeId,
    pub anycompatible: TypeId,
    pub anycompatiblearray: TypeId,
    pub anycompatiblenonarray: TypeId,
}

#[derive(Debug)]
pub(crate) struct Catalog {
    pub types: Vec<CatType>,
    /// By name: the ids of that name, one per section that defines it.
    types_by_name: HashMap<&'static str, Vec<TypeId>>,
    casts: HashMap<(CTy, CTy), CastContext>,
    funcs: HashMap<&'static str, Vec<Func>>,
    opers: HashMap<&'static str, Vec<Oper>>,
    relations: HashMap<&'static str, HashMap<&'static str, CatRelation>>,
    pub sections: Vec<Section>,
    pub known: Known,
}

const TEXT: &str = include_str!("pg.txt");

/// The catalog, parsed on first use.
pub(crate) fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::parse(TEXT))
}

impl Catalog {
    pub fn ty(&self, id: TypeId) -> &CatType {
        &self.types[usize::from(id)]
    }

    /// A type by name, in `section` or else in `pg_catalog`.
    pub fn type_named(&self, section: SectionId, name: &str) -> Option<TypeId> {
        let ids = self.types_by_name.get(name)?;
        ids.iter()
            .copied()
            .find(|&id| self.ty(id).section == section)
            .or_else(|| ids.iter().copied().find(|&id| self.ty(id).section == 0))
    }

    /// Every type of that name, whatever its section.
    pub fn types_named(&self, name: &str) -> &[TypeId] {
        self.types_by_name.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn cast(&self, from: CTy, to: CTy) -> Option<CastContext> {
        self.casts.get(&(from, to)).copied()
    }

    pub fn funcs(&self, name: &str) -> &[Func] {
        self.funcs.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn opers(&self, name: &str) -> &[Oper] {
        self.opers.get(name).map_or(&[], Vec::as_slice)
    }

    /// A system relation with its names as the catalog spells them.
    pub fn relation_entry(
        &self,
        schema: &str,
        name: &str,
    ) -> Option<((&'static str, &'static str), &CatRelation)> {
        let (s, rels) = self.relations.get_key_value(schema)?;
        let (n, r) = rels.get_key_value(name)?;
        Some(((*s, *n), r))
    }

    pub fn section_named(&self, name: &str) -> Option<SectionId> {
        self.sections
            .iter()
            .position(|s| s.name == name)
            .and_then(|i| SectionId::try_from(i).ok())
    }

    fn parse(text: &'static str) -> Catalog {
        let mut p = Parser::default();
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // Malformed data is a bug in the generator, caught by the catalog unit test.
            p.line(line)
                .unwrap_or_else(|| panic!("statement/catalog/pg.txt line {}: {line}", n + 1));
        }
        p.finish()
    }
}

/// Lines are read in file order: every section lists its types before what uses them.
#[derive(Default)]
struct Parser {
    types: Vec<CatType>,
    types_by_name: HashMap<&'static str, Vec<TypeId>>,
    casts: HashMap<(CTy, CTy), CastContext>,
    funcs: HashMap<&'static str, Vec<Func>>,
    opers: HashMap<&'static str, Vec<Oper>>,
    relations: HashMap<&'static str, HashMap<&'static str, CatRelation>>,
    sections: Vec<Section>,
}

impl Parser {
    fn section(&self) -> SectionId {
        SectionId::try_from(self.sections.len().saturating_sub(1)).unwrap_or(SectionId::MAX)
    }

    fn resolve(&self, name: &str) -> Option<CTy> {
        // `_record` is the one array type whose category is not `A`.
        let (base, array) = match name.strip_suffix("[]") {
            Some(b) => (b, true),
            None if name == "_record" => ("record", true),
            None => (name, false),
        };
        let ids = self.types_by_name.get(base)?;
        let section = self.section();
        let id = ids
            .iter()
            .copied()
            .find(|&id| self.types[usize::from(id)].section == section)
            .or_else(|| ids.first().copied())?;
        Some(CTy { id, array })
    }

    fn list(&self, s: &str) -> Option<Vec<CTy>> {
        if s == "-" {
            return Some(Vec::new());
        }
        s.split(',').map(|t| self.resolve(t)).collect()
    }

    fn line(&mut self, line: &'static str) -> Option<()> {
        let mut f = line.split(' ');
        match f.next()? {
            "X" => self.sections.push(Section { name: f.next()? }),
            "T" => {
                let name = f.next()?;
                if name == "_record" {
                    return Some(());
                }
                let category = *f.next()?.as_bytes().first()?;
                let preferred = f.next()? == "p";
                let kind = *f.next()?.as_bytes().first()?;
                let _has_array = f.next()?;
                let display = f.next()?.replace('_', " ");
                let id = TypeId::try_from(self.types.len()).ok()?;
                self.types.push(CatType {
                    name,
                    category,
                    preferred,
                    kind,
                    display,
                    section: self.section(),
                });
                self.types_by_name.entry(name).or_default().push(id);
            }
            "C" => {
                let from = self.resolve(f.next()?)?;
                let to = self.resolve(f.next()?)?;
                let context = match f.next()? {
                    "i" => CastContext::Implicit,
                    "a" => CastContext::Assignment,
                    _ => CastContext::Explicit,
                };
                self.casts.insert((from, to), context);
            }
            "O" => {
                let name = f.next()?;
                let left = match f.next()? {
                    "-" => None,
                    l => Some(self.resolve(l)?),
                };
                let right = self.resolve(f.next()?)?;
                let result = self.resolve(f.next()?)?;
                let section = self.section();
                self.opers.entry(name).or_default().push(Oper {
                    section,
                    left,
                    right,
                    result,
                });
            }
            "F" => {
                let name = f.next()?;
                let flags = f.next()?;
                let kind = match flags.as_bytes().first()? {
                    b'a' => FuncKind::Aggregate,
                    b'w' => FuncKind::Window,
                    _ => FuncKind::Normal,
                };
                let args = self.list(f.next()?)?;
                let ret = self.resolve(f.next()?)?;
                let mut func = Func {
                    name,
                    section: self.section(),
                    kind,
                    strict: flags.contains('s'),
                    retset: flags.contains('*'),
                    args,
                    ret,
                    variadic: false,
                    defaults: 0,
                    arg_names: Vec::new(),
                    out: Vec::new(),
                };
                for extra in f {
                    let (tag, rest) = extra.split_at(1);
                    match tag {
                        "v" => func.variadic = true,
                        "d" => func.defaults = rest.parse().ok()?,
                        "n" => func.arg_names = rest.split(',').collect(),
                        "o" => {
                            for col in rest.split(',') {
                                let (n, t) = col.split_once(':')?;
                                func.out.push((n, self.resolve(t)?));
                            }
                        }
                        _ => return None,
                    }
                }
                self.funcs.entry(name).or_default().push(func);
            }
            "R" => {
                let (schema, name) = f.next()?.split_once('.')?;
                let _kind = f.next()?;
                let mut columns = Vec::new();
                for col in f.next().unwrap_or("").split(',').filter(|c| !c.is_empty()) {
                    let (n, t) = col.split_once(':')?;
                    let (t, not_null) = match t.strip_suffix('!') {
                        Some(t) => (t, true),
                        None => (t, false),
                    };
                    columns.push(CatColumn {
                        name: n,
                        ty: self.resolve(t)?,
                        not_null,
                    });
                }
                self.relations
                    .entry(schema)
                    .or_default()
                    .insert(name, CatRelation { columns });
            }
            _ => return None,
        }
        Some(())
    }

    fn finish(self) -> Catalog {
        let id = |name: &str| -> TypeId {
            self.types_by_name
                .get(name)
                .and_then(|ids| ids.first().copied())
                .unwrap_or_else(|| panic!("statement/catalog/pg.txt lacks type `{name}`"))
        };
        let known = Known {
            text: id("text"),
            bpchar: id("bpchar"),
            bool: id("bool"),
            int4: id("int4"),
            int8: id("int8"),
            numeric: id("numeric"),
            interval: id("interval"),
            record: id("record"),
            bit: id("bit"),
            any: id("any"),
            anyelement: id("anyelement"),
            anyarray: id("anyarray"),
            anynonarray: id("anynonarray"),
            anyenum: id("anyenum"),
            anycompatible: id("anycompatible"),
            anycompatiblearray: id("anycompatiblearray"),
            anycompatiblenonarray: id("anycompatiblenonarray"),
        };
        Catalog {
            types: self.types,
            types_by_name: self.types_by_name,
            casts: self.casts,
            funcs: self.funcs,
            opers: self.opers,
            relations: self.relations,
            sections: self.sections,
            known,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_text_parses_and_holds_what_the_engine_names() {
        let c = catalog();
        assert_eq!(c.sections[0].name, "pg_catalog");
        assert!(c.section_named("vector").is_some());
        let int4 = c.known.int4;
        assert_eq!(c.ty(int4).display, "integer");
        assert_eq!(c.ty(int4).category, b'N');
        assert!(c.ty(c.known.text).preferred);
        let sums: Vec<_> = c.funcs("sum").iter().map(|f| (f.args[0], f.ret)).collect();
        let i4 = CTy {
            id: int4,
            array: false,
        };
        let i8 = CTy {
            id: c.known.int8,
            array: false,
        };
        assert!(sums.contains(&(i4, i8)));
        assert_eq!(
            c.cast(i4, i8),
            Some(CastContext::Implicit),
            "int4 -> int8 is implicit"
        );
        assert_eq!(c.cast(i8, i4), Some(CastContext::Assignment));
        let (_, class) = c.relation_entry("pg_catalog", "pg_class").unwrap();
        assert!(
            class
                .columns
                .iter()
                .any(|col| col.name == "relname" && col.not_null)
        );
        let each = &c.funcs("jsonb_each")[0];
        assert_eq!(
            each.out.iter().map(|o| o.0).collect::<Vec<_>>(),
            ["key", "value"]
        );
        let interval = c
            .funcs("make_interval")
            .iter()
            .find(|f| f.defaults == 7)
            .unwrap();
        assert_eq!(interval.arg_names.last(), Some(&"secs"));
    }
}
