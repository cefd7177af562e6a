//! Every attribute key the derives read, declared once: one enum per item kind for
//! `#[schemalock(...)]`, and one per item kind and driver for the keys of `#[sqlx(...)]` and
//! `#[postgres(...)]` we honour. Parsing matches a key's enum exhaustively, so a key added here
//! and not handled is a compile error of this crate, never a panic on user input.

/// A set of keys of one attribute on one kind of item.
pub trait Key: Copy + 'static {
    /// Every key, in the order the unknown-key error lists them.
    const ALL: &'static [Self];
    /// Where the keys are written, for messages: `on a field`.
    const WHERE: &'static str;
    /// The key as written.
    fn name(self) -> &'static str;

    /// The key written `name`, if it is one of these.
    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }
}

macro_rules! keys {
    ($($(#[$doc:meta])* $name:ident ($where:literal) { $($variant:ident = $text:literal),+ $(,)? })+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($variant),+
        }

        impl Key for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const WHERE: &'static str = $where;
            fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }
    )+};
}

keys! {
    /// `#[schemalock(...)]` on a `#[derive(Table)]` struct.
    TableKey ("on a `#[derive(Table)]` struct") {
        Table = "table",
        Schema = "schema",
        RenameAll = "rename_all",
        Snapshot = "snapshot",
        Insertable = "insertable",
        Exhaustive = "exhaustive",
        Crate = "crate",
    }
    /// `#[schemalock(...)]` on a `#[derive(PgEnum)]` enum.
    EnumKey ("on a `#[derive(PgEnum)]` enum") {
        TypeName = "type_name",
        Schema = "schema",
        RenameAll = "rename_all",
        Snapshot = "snapshot",
        Exhaustive = "exhaustive",
        Crate = "crate",
    }
    /// `#[schemalock(...)]` on a field.
    FieldKey ("on a field") {
        Rename = "rename",
        Skip = "skip",
        PgType = "pg_type",
    }
    /// `#[schemalock(...)]` on a variant.
    VariantKey ("on a variant") {
        Rename = "rename",
    }
    /// The keys of `#[sqlx(...)]` on a struct that decide what sqlx reads.
    SqlxTableKey ("on a struct") {
        RenameAll = "rename_all",
        Default = "default",
    }
    /// The keys of `#[sqlx(...)]` on an enum that decide what sqlx reads.
    SqlxEnumKey ("on an enum") {
        RenameAll = "rename_all",
        TypeName = "type_name",
    }
    /// The keys of `#[sqlx(...)]` on a field that decide what sqlx reads.
    SqlxFieldKey ("on a field") {
        Rename = "rename",
        Skip = "skip",
        Flatten = "flatten",
        Default = "default",
        Json = "json",
        TryFrom = "try_from",
    }
    /// The keys of `#[sqlx(...)]` on a variant that decide what sqlx reads.
    SqlxVariantKey ("on a variant") {
        Rename = "rename",
    }
    /// The keys of `#[postgres(...)]` on a struct that decide what postgres-types reads.
    PostgresTableKey ("on a struct") {
        RenameAll = "rename_all",
    }
    /// The keys of `#[postgres(...)]` on an enum that decide what postgres-types reads.
    PostgresEnumKey ("on an enum") {
        RenameAll = "rename_all",
        Name = "name",
    }
    /// The keys of `#[postgres(...)]` on a field or variant that decide what postgres-types
    /// reads.
    PostgresMemberKey ("on a field or variant") {
        Name = "name",
    }
}

/// What a container key sets, whichever attribute and derive it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerSetting {
    /// `table` or `type_name` (`#[sqlx(type_name)]`, `#[postgres(name)]`): the object's name.
    Name,
    /// The object's schema.
    Schema,
    /// How field or variant names become column names or labels.
    RenameAll,
    /// This item's snapshot file.
    Snapshot,
    /// The `insertable` coverage rule.
    Insertable,
    /// The `exhaustive` coverage rule.
    Exhaustive,
    /// Where `schemalock` is.
    Crate,
    /// `#[sqlx(default)]`: a missing column reads as the default.
    ReadsDefault,
}

/// What a field or variant key sets, whichever attribute it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberSetting {
    /// The column or label name.
    Rename,
    /// The field reads no column.
    Skip,
    /// The column's type, named.
    PgType,
    /// `#[sqlx(flatten)]`: the field's struct reads the same row.
    Flatten,
    /// `#[sqlx(default)]`: a missing column reads as the default.
    ReadsDefault,
    /// `#[sqlx(json)]`: the column holds JSON the field is decoded from.
    Json,
    /// `#[sqlx(try_from = "T")]`: the driver decodes `T`, then converts.
    TryFrom,
}

/// Keys mapped to what they set: every key enum implements one of these with an exhaustive
/// `match`.
pub trait Sets<S>: Key {
    /// What the key sets.
    fn sets(self) -> S;
}

macro_rules! sets {
    ($($key:ident => $setting:ident { $($variant:ident => $to:ident),+ $(,)? })+) => {$(
        impl Sets<$setting> for $key {
            fn sets(self) -> $setting {
                match self {
                    $($key::$variant => $setting::$to),+
                }
            }
        }
    )+};
}

sets! {
    TableKey => ContainerSetting {
        Table => Name, Schema => Schema, RenameAll => RenameAll, Snapshot => Snapshot,
        Insertable => Insertable, Exhaustive => Exhaustive, Crate => Crate,
    }
    EnumKey => ContainerSetting {
        TypeName => Name, Schema => Schema, RenameAll => RenameAll, Snapshot => Snapshot,
        Exhaustive => Exhaustive, Crate => Crate,
    }
    SqlxTableKey => ContainerSetting { RenameAll => RenameAll, Default => ReadsDefault }
    SqlxEnumKey => ContainerSetting { RenameAll => RenameAll, TypeName => Name }
    PostgresTableKey => ContainerSetting { RenameAll => RenameAll }
    PostgresEnumKey => ContainerSetting { RenameAll => RenameAll, Name => Name }
    FieldKey => MemberSetting { Rename => Rename, Skip => Skip, PgType => PgType }
    VariantKey => MemberSetting { Rename => Rename }
    SqlxFieldKey => MemberSetting {
        Rename => Rename, Skip => Skip, Flatten => Flatten, Default => ReadsDefault,
        Json => Json, TryFrom => TryFrom,
    }
    SqlxVariantKey => MemberSetting { Rename => Rename }
    PostgresMemberKey => MemberSetting { Name => Rename }
}

/// The keys of one kind of item, for each of the three attributes.
pub trait ItemKeys {
    /// `#[schemalock(...)]`.
    type Ours: Key;
    /// `#[sqlx(...)]`, the keys we honour.
    type Sqlx: Key;
    /// `#[postgres(...)]`, the keys we honour.
    type Postgres: Key;
}

/// A `#[derive(Table)]` struct.
pub struct OnTable;
/// A `#[derive(PgEnum)]` enum.
pub struct OnEnum;
/// A field of a `#[derive(Table)]` struct.
pub struct OnField;
/// A variant of a `#[derive(PgEnum)]` enum.
pub struct OnVariant;

impl ItemKeys for OnTable {
    type Ours = TableKey;
    type Sqlx = SqlxTableKey;
    type Postgres = PostgresTableKey;
}

impl ItemKeys for OnEnum {
    type Ours = EnumKey;
    type Sqlx = SqlxEnumKey;
    type Postgres = PostgresEnumKey;
}

impl ItemKeys for OnField {
    type Ours = FieldKey;
    type Sqlx = SqlxFieldKey;
    type Postgres = PostgresMemberKey;
}

impl ItemKeys for OnVariant {
    type Ours = VariantKey;
    type Sqlx = SqlxVariantKey;
    type Postgres = PostgresMemberKey;
}
