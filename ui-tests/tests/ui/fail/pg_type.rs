struct Ltree(String);

#[derive(schemalock::Table)]
#[schemalock(table = "entities")]
struct Entity {
    // The escape hatch still checks that the column exists and has that type.
    #[schemalock(pg_type = "ltree")]
    pth: Option<Ltree>,
    #[schemalock(pg_type = "ltree", rename = "path")]
    path: Ltree,
    #[schemalock(pg_type = "text", rename = "canon_layer")]
    layer: Ltree,
}

fn main() {}
