#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "mood", snapshot = "snapshots/version-2.json")]
enum Mood {
    Happy,
}

fn main() {}
