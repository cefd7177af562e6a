#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "mood", snapshot = "snapshots/version-3.json")]
enum Mood {
    Happy,
}

fn main() {}
