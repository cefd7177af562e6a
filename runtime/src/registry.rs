//! What the derives and `sql!` register, and how a binary lists it: the models, enums and
//! checked statements linked into it, which startup verification compares with the database.
//!
//! On Linux each registration is one `#[used]` static placed in the ELF section [`SECTION`]; the
//! linker gathers them into one array and defines `__start_<section>` and `__stop_<section>`
//! around it, so listing them is a slice and registering costs the compiler one static item.
//! `inventory`, which every other target uses, costs a constructor function per registration;
//! with 200 checked statements that was 60 of the 100 ms `sql!` added to `cargo check`
//! (BENCHMARKS.md, "Checked SQL"). The section's name carries the crate's version so that two
//! semver-incompatible copies of this crate in one binary never read each other's entries.

use crate::meta::{EnumMeta, StatementMeta, TableMeta};

/// One derived type or checked statement, as the registry holds it.
#[derive(Debug, Clone, Copy)]
pub enum Registration {
    /// A `#[derive(Table)]` struct.
    Table(&'static TableMeta),
    /// A `#[derive(PgEnum)]` enum.
    Enum(&'static EnumMeta),
    /// A statement checked by `sql!` or `sql_as!`.
    Statement(&'static StatementMeta),
}

/// The section name as a literal, for the attributes below (they take no `const`).
macro_rules! section {
    () => {
        "schemalock_registry_0_1_0"
    };
}

/// The ELF section generated code puts its registrations in, on Linux: a C identifier, so the
/// linker defines the start and stop symbols. The derives emit the static under
/// `#[cfg(target_os = "linux")]` and `inventory::submit!` under its negation, as this module
/// reads them (`schemalock-macros`' `expand::registration`).
pub const SECTION: &str = section!();

#[cfg(not(target_os = "linux"))]
use ctor as source;
#[cfg(target_os = "linux")]
use elf as source;

#[cfg(target_os = "linux")]
mod elf {
    use super::Registration;

    // Keeps the section present, and so its start and stop symbols defined, in a binary that
    // registers nothing.
    #[used]
    #[unsafe(link_section = section!())]
    static EMPTY: [Registration; 0] = [];

    unsafe extern "Rust" {
        #[link_name = concat!("__start_", section!())]
        static START: Registration;
        #[link_name = concat!("__stop_", section!())]
        static STOP: Registration;
    }

    pub fn all() -> std::slice::Iter<'static, Registration> {
        let start = &raw const START;
        let stop = &raw const STOP;
        let bytes = (stop as usize).saturating_sub(start as usize);
        let len = bytes / size_of::<Registration>();
        // SAFETY: every static in the section is a `Registration` (generated code puts nothing
        // else there, and the section's name is this version's), each is aligned as one and sized
        // as one, so the linker lays them out as an array from `START` to `STOP`.
        unsafe { std::slice::from_raw_parts(start, len) }.iter()
    }
}

// Compiled for tests on Linux too, where they submit through it directly.
#[cfg(any(not(target_os = "linux"), test))]
mod ctor {
    use super::Registration;

    inventory::collect!(Registration);

    pub fn all() -> impl Iterator<Item = &'static Registration> {
        inventory::iter::<Registration>.into_iter()
    }
}

/// Every registration linked into this binary, in no particular order.
pub fn all() -> impl Iterator<Item = Registration> {
    source::all().copied()
}

/// Every `#[derive(Table)]` type linked into this binary.
pub fn tables() -> impl Iterator<Item = &'static TableMeta> {
    all().filter_map(|r| match r {
        Registration::Table(t) => Some(t),
        _ => None,
    })
}

/// Every `#[derive(PgEnum)]` type linked into this binary.
pub fn enums() -> impl Iterator<Item = &'static EnumMeta> {
    all().filter_map(|r| match r {
        Registration::Enum(e) => Some(e),
        _ => None,
    })
}

/// Every statement checked by `sql!` or `sql_as!` linked into this binary.
pub fn statements() -> impl Iterator<Item = &'static StatementMeta> {
    all().filter_map(|r| match r {
        Registration::Statement(s) => Some(s),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::Registration;
    use crate::meta::StatementMeta;

    static ELF: StatementMeta = StatementMeta {
        sql: "SELECT 1",
        file: "elf.rs",
        line: 1,
        column: 1,
        preparable: true,
    };
    static CTOR: StatementMeta = StatementMeta {
        sql: "SELECT 2",
        file: "ctor.rs",
        line: 2,
        column: 2,
        preparable: true,
    };

    // What `sql!` emits on Linux.
    #[cfg(target_os = "linux")]
    #[used]
    #[unsafe(link_section = section!())]
    static REGISTERED: Registration = Registration::Statement(&ELF);

    inventory::submit!(Registration::Statement(&CTOR));

    #[test]
    fn registrations_are_listed_from_the_target_s_source() {
        let files: Vec<_> = super::statements().map(|s| s.file).collect();
        #[cfg(target_os = "linux")]
        assert_eq!(files, ["elf.rs"]);
        #[cfg(not(target_os = "linux"))]
        assert_eq!(files, ["ctor.rs"]);
    }

    #[test]
    fn the_inventory_source_lists_what_was_submitted() {
        let files: Vec<_> = super::ctor::all()
            .filter_map(|r| match r {
                Registration::Statement(s) => Some(s.file),
                _ => None,
            })
            .collect();
        assert_eq!(files, ["ctor.rs"]);
    }

    #[test]
    fn the_section_name_carries_this_version() {
        let version = env!("CARGO_PKG_VERSION").replace(['.', '-', '+'], "_");
        assert_eq!(super::SECTION, format!("schemalock_registry_{version}"));
    }
}
