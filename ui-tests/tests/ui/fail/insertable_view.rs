// No INSERT can write a materialized view.
#[derive(schemalock::Table)]
#[schemalock(table = "entity_counts", insertable)]
struct NewEntityCount {
    vault_id: uuid::Uuid,
    entities: i64,
}

fn main() {}
