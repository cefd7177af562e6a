use schemalock::PgEnum;

#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "canonlayer", rename_all = "SCREAMING_SNAKE_CASE")]
enum CanonLayer {
    Primary,
    Alternate,
    Draft,
    Retconned,
}

// sqlx's and postgres-derive's attributes are honoured.
#[derive(schemalock::PgEnum)]
#[sqlx(type_name = "mood", rename_all = "kebab-case")]
enum Mood {
    Happy,
    VerySad,
}

#[derive(schemalock::PgEnum)]
#[postgres(name = "entitytype")]
enum EntityType {
    #[postgres(name = "CHARACTER")]
    Character,
    #[sqlx(rename = "LOCATION")]
    Location,
    #[schemalock(rename = "ITEM")]
    Item,
}

fn main() {
    assert_eq!(renamed_crate::VaultId::COLUMNS.id, "id");
    let meta = CanonLayer::META;
    assert_eq!(meta.type_name, "canonlayer");
    assert_eq!(meta.variants[3], ("Retconned", "RETCONNED"));
    assert_eq!(Mood::META.variants[1], ("VerySad", "very-sad"));
    assert_eq!(EntityType::META.variants.len(), 3);
    let _ = (CanonLayer::Primary, CanonLayer::Alternate, CanonLayer::Draft);
    let _ = (Mood::Happy, EntityType::Character, EntityType::Location, EntityType::Item);
}

mod renamed_crate {
    // A re-export of schemalock under another path, as a facade crate would have.
    pub mod facade {
        pub use schemalock as inner;
    }

    #[derive(schemalock::Table)]
    #[schemalock(crate = "self::facade::inner", table = "vaults", rename_all = "snake_case")]
    #[allow(dead_code)]
    pub struct VaultId {
        pub id: uuid::Uuid,
    }
}
