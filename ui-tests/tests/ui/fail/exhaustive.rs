#[derive(schemalock::Table)]
#[schemalock(table = "vaults", exhaustive)]
struct Vault {
    id: uuid::Uuid,
}

#[derive(schemalock::Table)]
#[schemalock(table = "documents", exhaustive)]
struct Document {
    id: i64,
    vault_id: uuid::Uuid,
    title: String,
    body: Option<String>,
    word_count: i32,
    raw: Option<Vec<u8>>,
}

fn main() {}
