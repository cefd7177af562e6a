// Saved by an editor as "UTF-8 with BOM".
#[derive(schemalock::Table)]
#[schemalock(table = "entities", snapshot = "snapshots/bom.json")]
struct Entity {
    id: uuid::Uuid,
}

fn main() {}
