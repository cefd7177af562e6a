//! Name scopes: the FROM items of each query level and how column and table references resolve
//! against them, as PostgreSQL's `parse_relation.c` does (namespace items visible as tables
//! and/or for unqualified columns, LATERAL visibility, outer query levels for correlation).

use std::ops::Range;

use super::types::Ty;
use crate::types::Nullability;

/// The table column a value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Origin<'a> {
    pub schema: &'a str,
    pub table: &'a str,
    pub column: &'a str,
}

/// A column of a FROM item.
#[derive(Debug, Clone)]
pub(crate) struct Col<'a> {
    pub name: String,
    /// `None` when not inferred.
    pub ty: Option<Ty<'a>>,
    /// Whether it can be NULL in this FROM item (an outer join makes it nullable).
    pub null: Nullability,
    /// The table column it is, or reads.
    pub origin: Option<Origin<'a>>,
    /// A system column (`ctid`, `xmin`, ...): found by name, never by `*`.
    pub hidden: bool,
    /// The name of the FROM item it came from, for messages (`e.id` or `f.id`?).
    pub qualifier: Option<String>,
}

/// What a FROM item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemKind {
    /// A table, view, sequence or system relation.
    Relation,
    Subquery,
    Cte,
    Function,
    Join,
    /// `EXCLUDED` of `ON CONFLICT DO UPDATE`.
    Excluded,
}

/// A FROM item as a name scope (PostgreSQL's `ParseNamespaceItem`).
#[derive(Debug, Clone)]
pub(crate) struct Item<'a> {
    /// The name it is referenced by: its alias, else the relation's name.
    pub name: Option<String>,
    /// The schema of an unaliased relation, for `schema.table.column`.
    pub schema: Option<&'a str>,
    /// The relation's own name when an alias hides it.
    pub hidden_name: Option<String>,
    pub cols: Vec<Col<'a>>,
    /// Columns not listed may exist (a system relation of a newer server): an unknown column
    /// is then untyped, not an error.
    pub open: bool,
    pub rel_visible: bool,
    pub cols_visible: bool,
    /// Visible only to LATERAL items while the FROM clause is being read.
    pub lateral_only: bool,
    pub kind: ItemKind,
    pub span: Range<usize>,
}

impl<'a> Item<'a> {
    pub fn new(
        name: Option<String>,
        kind: ItemKind,
        mut cols: Vec<Col<'a>>,
        span: Range<usize>,
    ) -> Self {
        if let Some(n) = &name {
            for c in &mut cols {
                c.qualifier.get_or_insert_with(|| n.clone());
            }
        }
        Item {
            name,
            schema: None,
            hidden_name: None,
            cols,
            open: false,
            rel_visible: true,
            cols_visible: true,
            lateral_only: false,
            kind,
            span,
        }
    }

    /// The visible (non-system) columns, as `*` expands them.
    pub fn star(&self) -> impl Iterator<Item = &Col<'a>> {
        self.cols.iter().filter(|c| !c.hidden)
    }

    pub fn label(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| "(unnamed join)".to_owned())
    }
}

/// A CTE in scope.
#[derive(Debug, Clone)]
pub(crate) struct CteDef<'a> {
    pub name: String,
    /// `None` while a recursive CTE's own columns are not known yet.
    pub cols: Vec<Col<'a>>,
}

/// One query level.
#[derive(Debug, Default)]
pub(crate) struct Level<'a> {
    pub items: Vec<Item<'a>>,
    pub ctes: Vec<CteDef<'a>>,
    /// True while a LATERAL item of this level is being read.
    pub lateral_active: bool,
}

/// Why a reference did not resolve.
#[derive(Debug, Clone)]
pub(crate) enum Miss {
    /// No column of that name anywhere; the visible column names, for suggestions.
    NoColumn { candidates: Vec<String> },
    /// In more than one item of the same level.
    Ambiguous { items: Vec<String> },
    /// The table exists but has no such column.
    NoSuchColumn {
        table: String,
        candidates: Vec<String>,
    },
    /// No FROM item of that name; the visible ones, for suggestions.
    NoTable { candidates: Vec<String> },
    /// The table is in the FROM clause under an alias.
    HiddenByAlias { alias: String },
    /// The item exists but this part of the query cannot see it (a sibling of a non-LATERAL
    /// subquery).
    NotVisible,
    /// More than one FROM item of that name at one level.
    AmbiguousTable,
}

/// The stack of query levels, innermost last.
#[derive(Debug, Default)]
pub(crate) struct Scopes<'a> {
    pub levels: Vec<Level<'a>>,
}

impl<'a> Scopes<'a> {
    pub fn push(&mut self) {
        self.levels.push(Level::default());
    }

    pub fn pop(&mut self) -> Level<'a> {
        self.levels.pop().unwrap_or_default()
    }

    pub fn top(&mut self) -> &mut Level<'a> {
        if self.levels.is_empty() {
            self.push();
        }
        let last = self.levels.len() - 1;
        &mut self.levels[last]
    }

    /// The items a lookup may see, innermost level first.
    fn visible(&self) -> impl Iterator<Item = &Item<'a>> {
        self.levels.iter().rev().flat_map(|level| {
            level
                .items
                .iter()
                .filter(move |i| !i.lateral_only || level.lateral_active)
        })
    }

    /// An unqualified column name (`colNameToVar`).
    pub fn column(&self, name: &str) -> Result<Col<'a>, Miss> {
        for level in self.levels.iter().rev() {
            let mut hits: Vec<(&Item<'a>, &Col<'a>)> = Vec::new();
            let mut open = false;
            for item in &level.items {
                if !item.cols_visible || (item.lateral_only && !level.lateral_active) {
                    continue;
                }
                hits.extend(
                    item.cols
                        .iter()
                        .filter(|c| c.name == name)
                        .map(|c| (item, c)),
                );
                open |= item.open;
            }
            match hits.as_slice() {
                [] if open => {
                    return Ok(untyped(name));
                }
                [] => continue,
                [(_, col)] => {
                    return Ok((*col).clone());
                }
                many => {
                    return Err(Miss::Ambiguous {
                        items: many
                            .iter()
                            .map(|(i, c)| c.qualifier.clone().unwrap_or_else(|| i.label()))
                            .collect(),
                    });
                }
            }
        }
        let candidates = self
            .visible()
            .filter(|i| i.cols_visible)
            .flat_map(|i| i.star().map(|c| c.name.clone()))
            .collect();
        Err(Miss::NoColumn { candidates })
    }

    /// The FROM item a qualifier names (`refnameNamespaceItem`).
    pub fn item(&self, schema: Option<&str>, name: &str) -> Result<&Item<'a>, Miss> {
        for level in self.levels.iter().rev() {
            let mut found: Option<&Item<'a>> = None;
            for item in &level.items {
                if !item.rel_visible || item.name.as_deref() != Some(name) {
                    continue;
                }
                if schema.is_some_and(|s| item.schema != Some(s)) {
                    continue;
                }
                if item.lateral_only && !level.lateral_active {
                    return Err(Miss::NotVisible);
                }
                if found.is_some() {
                    return Err(Miss::AmbiguousTable);
                }
                found = Some(item);
            }
            if let Some(item) = found {
                return Ok(item);
            }
        }
        let all = self.levels.iter().flat_map(|l| l.items.iter());
        if let Some(alias) = all
            .clone()
            .find(|i| i.hidden_name.as_deref() == Some(name))
            .and_then(|i| i.name.clone())
        {
            return Err(Miss::HiddenByAlias { alias });
        }
        let candidates = self
            .visible()
            .filter(|i| i.rel_visible)
            .filter_map(|i| i.name.clone())
            .collect();
        Err(Miss::NoTable { candidates })
    }

    /// `table.column`.
    pub fn qualified(
        &self,
        schema: Option<&str>,
        table: &str,
        column: &str,
    ) -> Result<Col<'a>, Miss> {
        let item = self.item(schema, table)?;
        let hits: Vec<&Col<'a>> = item.cols.iter().filter(|c| c.name == column).collect();
        match hits.as_slice() {
            [col] => Ok((*col).clone()),
            [] if item.open => Ok(untyped(column)),
            [] => Err(Miss::NoSuchColumn {
                table: table.to_owned(),
                candidates: item.star().map(|c| c.name.clone()).collect(),
            }),
            _ => Err(Miss::Ambiguous {
                items: vec![table.to_owned()],
            }),
        }
    }

    /// A CTE by name, innermost first.
    pub fn cte(&self, name: &str) -> Option<&CteDef<'a>> {
        self.levels
            .iter()
            .rev()
            .find_map(|l| l.ctes.iter().rev().find(|c| c.name == name))
    }

    /// Every CTE name in scope, for suggestions.
    pub fn cte_names(&self) -> Vec<&str> {
        self.levels
            .iter()
            .flat_map(|l| l.ctes.iter().map(|c| c.name.as_str()))
            .collect()
    }
}

fn untyped<'a>(name: &str) -> Col<'a> {
    Col {
        name: name.to_owned(),
        ty: None,
        null: Nullability::Unknown,
        origin: None,
        hidden: false,
        qualifier: None,
    }
}
