// A snapshot written by the schemalock before views, functions, triggers and sequences were
// described: refused, saying to refresh it.
#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "mood", snapshot = "snapshots/version-1.json")]
enum Mood {
    Happy,
}

fn main() {}
