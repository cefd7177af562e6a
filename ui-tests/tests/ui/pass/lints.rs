//! The generated code asks for no `allow` a crate could forbid and raises no warning under
//! `#![deny(warnings)]`: a private model with a lifetime whose constants nothing reads, a model
//! read only through the `Table` trait, and a checked statement.
#![forbid(dead_code)]
#![deny(warnings)]

use std::borrow::Cow;

use schemalock::Table;

#[derive(schemalock::Table)]
#[schemalock(table = "vaults")]
struct Vault<'a> {
    id: uuid::Uuid,
    name: Cow<'a, str>,
    #[schemalock(rename = "Owner Email")]
    owner_email: Option<String>,
}

#[derive(schemalock::Table)]
#[schemalock(table = "vaults")]
struct VaultName {
    name: String,
}

fn table_of<T: Table>() -> &'static str {
    T::TABLE
}

fn main() {
    let vault = Vault {
        id: uuid::Uuid::nil(),
        name: Cow::Borrowed("notes"),
        owner_email: None,
    };
    assert!(vault.id.is_nil() && vault.name == "notes" && vault.owner_email.is_none());
    assert_eq!(Vault::COLUMNS.owner_email, "\"Owner Email\"");
    assert_eq!(<Vault<'static> as Table>::COLUMN_LIST, Vault::COLUMN_LIST);
    assert_eq!(table_of::<VaultName>(), "vaults");
    let _ = VaultName { name: String::new() }.name;
    assert_eq!(schemalock::sql!("SELECT name FROM vaults"), "SELECT name FROM vaults");
}
