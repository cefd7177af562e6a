//! The order a plan runs in: phases, each after what it needs. Drops of what depends on other
//! objects come first (triggers, policies, views, constraints, indexes), then everything that
//! is created or changed, dependencies first (schemas and extensions, types, sequences,
//! functions, tables, columns, type changes, defaults, NOT NULL, keys, unique constraints,
//! indexes, foreign keys, checks, views, triggers, policies), then the drops of what nothing
//! depends on any more (columns, tables, functions, sequences, types, schemas, extensions).
//! Inside a phase, steps keep the rank they were given (a view after the views it reads) and
//! then the order they were planned in, which is by name.

/// A phase of a plan, in the order they run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Phase {
    /// Renames of tables, columns, indexes and constraints: everything after uses the new names.
    #[default]
    Renames,
    DropTriggers,
    /// Views that change or read something that changes, dependents first.
    DropViews,
    DropForeignKeys,
    DropChecks,
    DropKeys,
    DropIndexes,
    /// Objects recreated under the same name: a relation whose kind changes, a function whose
    /// result type changes.
    DropEarly,
    Schemas,
    Extensions,
    Enums,
    /// Domains and composite types.
    Types,
    Sequences,
    Functions,
    Tables,
    Partitions,
    Columns,
    ColumnTypes,
    /// Defaults, identity, generation.
    ColumnChanges,
    NotNull,
    SequenceOwners,
    /// Primary keys and unique constraints.
    Keys,
    Indexes,
    ForeignKeys,
    Checks,
    /// Functions whose arguments or result use a table's row type.
    LateFunctions,
    Views,
    Triggers,
    Policies,
    DropColumns,
    DropTables,
    DropFunctions,
    DropSequences,
    DropTypes,
    DropSchemas,
    DropExtensions,
}

/// Ranks for a dependency graph: each node's depth (0 for nodes that need nothing in the
/// graph), so that creating in rank order creates what a node needs first. `needs(i)` lists the
/// nodes node `i` needs. A cycle (which a real schema cannot have, but a name mentioned in a
/// string can fake) is broken where it is found.
pub(crate) fn depths(n: usize, needs: impl Fn(usize) -> Vec<usize>) -> Vec<u32> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done(u32),
    }
    fn visit(i: usize, needs: &dyn Fn(usize) -> Vec<usize>, marks: &mut [Mark]) -> u32 {
        match marks[i] {
            Mark::Done(d) => return d,
            // A cycle: the node being visited counts as already made.
            Mark::Active => return 0,
            Mark::New => {}
        }
        marks[i] = Mark::Active;
        let mut depth = 0;
        for j in needs(i) {
            if j != i {
                depth = depth.max(visit(j, needs, marks) + 1);
            }
        }
        marks[i] = Mark::Done(depth);
        depth
    }
    let mut marks = vec![Mark::New; n];
    (0..n).map(|i| visit(i, &needs, &mut marks)).collect()
}

#[cfg(test)]
mod tests {
    use super::depths;

    #[test]
    fn depths_put_needs_first_and_survive_cycles() {
        // 0 needs 1, 1 needs 2, 3 needs nothing.
        let needs = |i: usize| match i {
            0 => vec![1],
            1 => vec![2],
            _ => vec![],
        };
        assert_eq!(depths(4, needs), [2, 1, 0, 0]);
        let cycle = |i: usize| vec![(i + 1) % 3];
        let d = depths(3, cycle);
        assert_eq!(d.len(), 3);
    }
}
