#[derive(schemalock::Table)]
#[schemalock(table = "entities", snapshot = "snapshots/not-json.yaml")]
struct Entity {
    id: uuid::Uuid,
}

fn main() {}
