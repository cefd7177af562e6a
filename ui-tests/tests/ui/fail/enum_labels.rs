// A label the database lacks, a label no variant maps, and two variants on one label.
#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "entitytype", rename_all = "SCREAMING_SNAKE_CASE")]
enum EntityType {
    Character,
    Location,
    Organization,
    #[schemalock(rename = "CHARACTER")]
    Person,
}

// sqlx's attributes are honoured: `rename_all = "lowercase"` gives `verysad`, not `very-sad`.
#[derive(schemalock::PgEnum)]
#[sqlx(type_name = "mood", rename_all = "lowercase")]
enum Mood {
    Happy,
    VerySad,
}

fn main() {}
