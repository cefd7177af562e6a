#[derive(schemalock::Table)]
enum NotAStruct {
    A,
}

#[derive(schemalock::Table)]
struct Tuple(i32);

#[derive(schemalock::PgEnum)]
struct NotAnEnum {
    a: i32,
}

#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "mood", rename_all = "lowercase")]
enum WithData {
    Happy(i32),
    #[schemalock(rename = "very-sad")]
    Sad,
}

#[derive(schemalock::Table)]
#[schemalock(table = "vaults")]
struct Generic<T> {
    id: T,
}

fn main() {}
