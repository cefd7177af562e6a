struct Tags(Vec<String>);

#[derive(schemalock::Table)]
#[schemalock(table = "entities")]
struct Entity {
    id: uuid::Uuid,
    aliases: Tags,
}

fn main() {}
