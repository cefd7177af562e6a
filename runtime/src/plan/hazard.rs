//! The hazards a plan names: what a step may do to a live database beyond changing its schema.
//! Each is refused unless allowed by name (`--allow-hazards NAME,...`); `docs/hazards.md`
//! lists them with what to do about each.

use std::fmt;

use serde::Serialize;

/// A kind of hazard. The names are what `--allow-hazards` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HazardKind {
    /// Drops a table, column, schema, sequence, partition or type with data, or recreates an
    /// object whose data is not carried over.
    DeletesData,
    /// Rewrites every row of a table (a type change PostgreSQL cannot do in place, a volatile
    /// default on a new column, `SET LOGGED`), under an ACCESS EXCLUSIVE lock.
    RewritesTable,
    /// Holds an ACCESS EXCLUSIVE lock on an existing table while it reads the whole table: no
    /// read or write of the table runs meanwhile.
    AccessExclusiveLock,
    /// Holds a lock that blocks writes (SHARE, SHARE ROW EXCLUSIVE) on an existing table while
    /// it reads the whole table.
    BlocksWrites,
    /// Builds an index on an existing table: time and I/O in proportion to the table.
    BuildsIndex,
    /// Drops an index queries may rely on.
    DropsIndex,
    /// Checks every existing row against a constraint (`VALIDATE CONSTRAINT`, `SET NOT NULL`, a
    /// unique index): fails when a row does not satisfy it.
    ValidatesData,
    /// Converts existing values (`ALTER COLUMN ... TYPE ... USING`): fails when a value does
    /// not convert.
    CastMayFail,
    /// Cannot run in a transaction (`CREATE INDEX CONCURRENTLY`): a failure leaves an invalid
    /// index behind, which the step's comment says how to drop.
    NotTransactional,
    /// Renames a table or column: code still using the old name fails once it runs.
    BreaksClients,
    /// Drops and recreates an object (a view, function, trigger, type): privileges and comments
    /// on it are lost, and it is briefly missing.
    RecreatesObject,
    /// Changes what runs inside the database (a function's body, a trigger, a policy).
    ChangesBehavior,
    /// Depends on something the snapshot does not describe (roles, privileges, data, objects
    /// in schemas not compared), which a plan cannot check.
    UntrackedDependencies,
    /// Updates an extension (`ALTER EXTENSION ... UPDATE`): what changes is the extension's own
    /// business.
    ExtensionUpgrade,
}

impl HazardKind {
    /// Every kind, in the order the docs list them.
    pub const ALL: [HazardKind; 14] = [
        HazardKind::DeletesData,
        HazardKind::RewritesTable,
        HazardKind::AccessExclusiveLock,
        HazardKind::BlocksWrites,
        HazardKind::BuildsIndex,
        HazardKind::DropsIndex,
        HazardKind::ValidatesData,
        HazardKind::CastMayFail,
        HazardKind::NotTransactional,
        HazardKind::BreaksClients,
        HazardKind::RecreatesObject,
        HazardKind::ChangesBehavior,
        HazardKind::UntrackedDependencies,
        HazardKind::ExtensionUpgrade,
    ];

    /// The name `--allow-hazards` takes: `deletes-data`, ...
    pub fn name(self) -> &'static str {
        match self {
            HazardKind::DeletesData => "deletes-data",
            HazardKind::RewritesTable => "rewrites-table",
            HazardKind::AccessExclusiveLock => "access-exclusive-lock",
            HazardKind::BlocksWrites => "blocks-writes",
            HazardKind::BuildsIndex => "builds-index",
            HazardKind::DropsIndex => "drops-index",
            HazardKind::ValidatesData => "validates-data",
            HazardKind::CastMayFail => "cast-may-fail",
            HazardKind::NotTransactional => "not-transactional",
            HazardKind::BreaksClients => "breaks-clients",
            HazardKind::RecreatesObject => "recreates-object",
            HazardKind::ChangesBehavior => "changes-behavior",
            HazardKind::UntrackedDependencies => "untracked-dependencies",
            HazardKind::ExtensionUpgrade => "extension-upgrade",
        }
    }

    /// The kind with this [`HazardKind::name`].
    pub fn from_name(name: &str) -> Option<HazardKind> {
        HazardKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// One sentence: what the hazard is.
    pub fn explanation(self) -> &'static str {
        match self {
            HazardKind::DeletesData => "deletes data that the plan does not carry over",
            HazardKind::RewritesTable => {
                "rewrites every row of the table under an ACCESS EXCLUSIVE lock"
            }
            HazardKind::AccessExclusiveLock => {
                "holds an ACCESS EXCLUSIVE lock while it reads the whole table: no read or write \
                 of it runs meanwhile"
            }
            HazardKind::BlocksWrites => {
                "holds a lock that blocks writes to the table while it reads the whole table"
            }
            HazardKind::BuildsIndex => {
                "builds an index on an existing table: time and I/O in proportion to its size"
            }
            HazardKind::DropsIndex => "drops an index that queries may rely on",
            HazardKind::ValidatesData => {
                "checks every existing row; fails if one does not satisfy the constraint"
            }
            HazardKind::CastMayFail => "converts existing values; fails if one does not convert",
            HazardKind::NotTransactional => {
                "cannot run in a transaction; if it fails, what it left must be cleaned up by hand"
            }
            HazardKind::BreaksClients => {
                "renames something clients use: code still using the old name fails"
            }
            HazardKind::RecreatesObject => {
                "drops and recreates an object: its privileges and comments are lost, and it is \
                 briefly missing"
            }
            HazardKind::ChangesBehavior => "changes code that runs inside the database",
            HazardKind::UntrackedDependencies => {
                "depends on something the snapshot does not describe, which the plan cannot check"
            }
            HazardKind::ExtensionUpgrade => {
                "updates an extension, whose own scripts decide what changes"
            }
        }
    }
}

impl fmt::Display for HazardKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Kinds as `--allow-hazards` takes them: `rewrites-table,cast-may-fail`.
pub fn names(kinds: &[HazardKind]) -> String {
    kinds.iter().map(|k| k.name()).collect::<Vec<_>>().join(",")
}

/// One hazard of one step: its kind and what exactly it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hazard {
    /// What kind of hazard it is.
    pub kind: HazardKind,
    /// What exactly: "drops column `entities.type` and its values".
    pub detail: String,
}

impl Hazard {
    /// A hazard of `kind`, with what it means here.
    pub fn new(kind: HazardKind, detail: impl Into<String>) -> Hazard {
        Hazard {
            kind,
            detail: detail.into(),
        }
    }
}

/// The hazards `--allow-hazards` allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Allowed {
    /// None (the default).
    #[default]
    Nothing,
    /// These kinds.
    Kinds(Vec<HazardKind>),
    /// `all`: for throwaway databases.
    All,
}

impl Allowed {
    /// Parses `deletes-data,rewrites-table` or `all`; names are checked, with the list of
    /// names in the error.
    pub fn parse(list: &str) -> Result<Allowed, String> {
        let mut kinds = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if name == "all" {
                return Ok(Allowed::All);
            }
            match HazardKind::from_name(name) {
                Some(k) => kinds.push(k),
                None => {
                    let names: Vec<&str> = HazardKind::ALL.iter().map(|k| k.name()).collect();
                    let suggestion =
                        crate::text::suggest::did_you_mean(name, names.iter().copied());
                    return Err(format!(
                        "unknown hazard `{name}`{suggestion}; expected `all` or some of: {}",
                        names.join(", ")
                    ));
                }
            }
        }
        Ok(Allowed::Kinds(kinds))
    }

    /// Whether `kind` is allowed.
    pub fn allows(&self, kind: HazardKind) -> bool {
        match self {
            Allowed::Nothing => false,
            Allowed::Kinds(k) => k.contains(&kind),
            Allowed::All => true,
        }
    }
}
