// A missing snapshot is one error for the crate, on the first derive, not one per derive.
#[derive(schemalock::Table)]
#[schemalock(table = "entities", snapshot = "snapshots/nowhere.json")]
struct Entity {
    id: uuid::Uuid,
}

#[derive(schemalock::Table)]
#[schemalock(table = "vaults", snapshot = "snapshots/nowhere.json")]
struct Vault {
    id: uuid::Uuid,
}

fn main() {}
