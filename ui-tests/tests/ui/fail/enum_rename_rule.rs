// Without `rename_all`, every variant misses its label; one error names the rule that fits.
#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "entitytype")]
enum EntityType {
    Character,
    Location,
    Item,
}

fn main() {}
