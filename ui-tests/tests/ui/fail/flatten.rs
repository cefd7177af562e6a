#[derive(schemalock::Table)]
#[schemalock(table = "vaults")]
struct VaultName {
    name: String,
}

#[derive(schemalock::Table)]
#[schemalock(table = "entities", insertable)]
struct NewEntity {
    vault_id: uuid::Uuid,
    entity_type: Option<String>,
    // Checked against `vaults`, flattened into an `entities` model.
    #[sqlx(flatten)]
    label: VaultName,
}

fn main() {}
