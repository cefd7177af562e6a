use schemalock::Table;

#[derive(schemalock::Table)]
#[schemalock(table = "entities")]
#[allow(dead_code)]
struct EntityKey {
    id: uuid::Uuid,
    vault_id: uuid::Uuid,
}

// The flattened part covers `vault_id`, so this insertable model sets every required column.
#[derive(schemalock::Table)]
#[schemalock(table = "entities", insertable)]
#[allow(dead_code)]
struct NewEntity {
    #[sqlx(flatten)]
    key: EntityKey,
    name: String,
    entity_type: String2,
    canon_layer: String,
}

#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "entitytype", rename_all = "UPPERCASE")]
enum String2 {
    Character,
    Location,
    Item,
}

fn main() {
    let meta = NewEntity::META;
    let all: Vec<&str> = meta.all_columns().iter().map(|c| c.column).collect();
    assert_eq!(all, ["name", "entity_type", "canon_layer", "id", "vault_id"]);
    let _ = (String2::Character, String2::Location, String2::Item);
}
