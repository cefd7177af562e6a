// A type with no PostgreSQL type at all does not hide the struct's other errors.
#[derive(schemalock::Table)]
#[schemalock(table = "people")]
struct Person {
    id: i32,
    visits: Option<u64>,
    biography: String,
    nickname: String,
}

fn main() {}
