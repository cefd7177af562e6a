// A directory where a file should be.
#[derive(schemalock::Table)]
#[schemalock(table = "entities", snapshot = "snapshots")]
struct Entity {
    id: uuid::Uuid,
}

fn main() {}
