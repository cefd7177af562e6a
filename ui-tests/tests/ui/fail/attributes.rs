#[derive(schemalock::Table)]
#[schemalock(tabel = "entities", table = "entities", table = "again")]
#[schemalock(insertable = true, rename_all = "Snake_Case", skip)]
struct Entity {
    #[schemalock(rename = entity_id)]
    id: uuid::Uuid,
    #[schemalock(renam = "name", skip(true))]
    name: String,
    #[sqlx(rename = "kind")]
    #[schemalock(rename = "entity_type")]
    entity_type: String,
}

#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "mood", table = "moods", crate = "not a path")]
enum Mood {
    #[schemalock(rename = "happy", skip)]
    Happy,
    #[schemalock(rename = "very-sad")]
    VerySad,
}

fn main() {}
