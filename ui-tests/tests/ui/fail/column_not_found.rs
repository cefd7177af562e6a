// Every missing column is reported in one build, each on its field.
#[derive(schemalock::Table)]
#[schemalock(table = "entities")]
struct Entity {
    id: uuid::Uuid,
    r#type: String,
    confidence: f64,
    #[schemalock(rename = "mentions")]
    mention_count: Option<i32>,
    zzz: i32,
}

fn main() {}
