#[derive(schemalock::Table)]
#[schemalock(table = "entitis")]
struct Entity {
    id: uuid::Uuid,
}

// No `table`: the struct name in snake case, and plural names are suggested.
#[derive(schemalock::Table)]
struct Vault {
    id: uuid::Uuid,
}

// The table exists, but in another schema.
#[derive(schemalock::Table)]
#[schemalock(table = "events")]
struct Event {
    id: i64,
}

fn main() {}
