#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "canon_layer")]
enum CanonLayer {
    Primary,
}

// Without `type_name`, the type is named like the Rust enum, as sqlx and postgres-derive do.
#[derive(schemalock::PgEnum)]
enum EntityType {
    Character,
}

#[derive(schemalock::PgEnum)]
#[postgres(name = "year")]
enum Year {
    Y2024,
}

fn main() {}
