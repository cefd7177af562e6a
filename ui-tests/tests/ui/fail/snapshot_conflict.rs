// A snapshot with git's conflict markers: one error for the crate, not one per derive.
#[derive(schemalock::Table)]
#[schemalock(table = "entities", snapshot = "snapshots/conflict.json")]
struct Entity {
    id: uuid::Uuid,
}

#[derive(schemalock::Table)]
#[schemalock(table = "vaults", snapshot = "snapshots/conflict.json")]
struct Vault {
    id: uuid::Uuid,
}

#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "mood", snapshot = "snapshots/conflict.json")]
enum Mood {
    Happy,
}

fn main() {}
