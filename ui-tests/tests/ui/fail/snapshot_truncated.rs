#[derive(schemalock::Table)]
#[schemalock(table = "entities", snapshot = "snapshots/truncated.json")]
struct Entity {
    id: uuid::Uuid,
}

fn main() {}
