#[derive(schemalock::Table)]
#[schemalock(table = "entities", snapshot = "snapshots/nowhere.json")]
struct Entity {
    id: uuid::Uuid,
}

fn main() {}
