#[derive(schemalock::Table)]
#[schemalock(table = "events", schema = "audti")]
struct Event {
    id: i64,
}

#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "mood", schema = "story")]
enum Mood {
    Happy,
}

fn main() {}
