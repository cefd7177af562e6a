#[derive(schemalock::Table)]
#[schemalock(table = "entities")]
struct Entity {
    id: uuid::Uuid,
    // Nullable column: a NULL row would fail to decode.
    mention_count: i32,
    // Wrong type and nullable: both are said.
    #[schemalock(rename = "first_seen")]
    year: i64,
}

fn main() {}
