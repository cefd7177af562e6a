#[derive(schemalock::Table)]
#[schemalock(table = "documents", insertable)]
struct NewDocument {
    // Identity GENERATED ALWAYS and generated columns cannot be inserted.
    id: i64,
    search: Option<String>,
    body: Option<String>,
}

fn main() {}
