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

macro_rules! keys {
    ($($(#[$doc:meta])* $name:ident ($where:literal) => $setting:ident {
        $($variant:ident = $text:literal => $to:ident),+ $(,)?
    })+) => {$(
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

        impl Sets<$setting> for $name {
            fn sets(self) -> $setting {
                match self {
                    $(Self::$variant => $setting::$to),+
                }
            }
        }
    )+};
}

// One line per key enum: the key as written, and what it sets.
keys! {
    /// `#[schemalock(...)]` on a `#[derive(Table)]` struct.
    TableKey ("on a `#[derive(Table)]` struct") => ContainerSetting {
        Table = "table" => Name, Schema = "schema" => Schema, RenameAll = "rename_all" => RenameAll,
        Snapshot = "snapshot" => Snapshot, Insertable = "insertable" => Insertable,
        Exhaustive = "exhaustive" => Exhaustive, Crate = "crate" => Crate,
    }
    /// `#[schemalock(...)]` on a `#[derive(Row)]` struct: it reads a statement's result, so no
    /// table, schema or coverage rule.
    RowKey ("on a `#[derive(Row)]` struct") => ContainerSetting {
        RenameAll = "rename_all" => RenameAll, Crate = "crate" => Crate,
    }
    /// `#[schemalock(...)]` on a `#[derive(PgEnum)]` enum.
    EnumKey ("on a `#[derive(PgEnum)]` enum") => ContainerSetting {
        TypeName = "type_name" => Name, Schema = "schema" => Schema,
        RenameAll = "rename_all" => RenameAll, Snapshot = "snapshot" => Snapshot,
        Exhaustive = "exhaustive" => Exhaustive, Crate = "crate" => Crate,
    }
    /// `#[schemalock(...)]` on a field.
    FieldKey ("on a field") => MemberSetting {
        Rename = "rename" => Rename, Skip = "skip" => Skip, PgType = "pg_type" => PgType,
    }
    /// `#[schemalock(...)]` on a variant.
    VariantKey ("on a variant") => MemberSetting { Rename = "rename" => Rename }
    /// The keys of `#[sqlx(...)]` on a struct that decide what sqlx reads.
    SqlxTableKey ("on a struct") => ContainerSetting {
        RenameAll = "rename_all" => RenameAll, Default = "default" => ReadsDefault,
    }
    /// The keys of `#[sqlx(...)]` on an enum that decide what sqlx reads.
    SqlxEnumKey ("on an enum") => ContainerSetting {
        RenameAll = "rename_all" => RenameAll, TypeName = "type_name" => Name,
    }
    /// The keys of `#[sqlx(...)]` on a field that decide what sqlx reads.
    SqlxFieldKey ("on a field") => MemberSetting {
        Rename = "rename" => Rename, Skip = "skip" => Skip, Flatten = "flatten" => Flatten,
        Default = "default" => ReadsDefault, Json = "json" => Json, TryFrom = "try_from" => TryFrom,
    }
    /// The keys of `#[sqlx(...)]` on a variant that decide what sqlx reads.
    SqlxVariantKey ("on a variant") => MemberSetting { Rename = "rename" => Rename }
    /// The keys of `#[postgres(...)]` on a struct that decide what postgres-types reads.
    PostgresTableKey ("on a struct") => ContainerSetting { RenameAll = "rename_all" => RenameAll }
    /// The keys of `#[postgres(...)]` on an enum that decide what postgres-types reads.
    PostgresEnumKey ("on an enum") => ContainerSetting {
        RenameAll = "rename_all" => RenameAll, Name = "name" => Name,
    }
    /// The keys of `#[postgres(...)]` on a field or variant that decide what postgres-types
    /// reads.
    PostgresMemberKey ("on a field or variant") => MemberSetting { Name = "name" => Rename }
}

/// The keys of one kind of item, for each of the three attributes, and what they set.
pub trait ItemKeys {
    /// What the keys set.
    type Setting;
    /// `#[schemalock(...)]`.
    type Ours: Sets<Self::Setting>;
    /// `#[sqlx(...)]`, the keys we honour.
    type Sqlx: Sets<Self::Setting>;
    /// `#[postgres(...)]`, the keys we honour.
    type Postgres: Sets<Self::Setting>;
}

macro_rules! items {
    ($($(#[$doc:meta])* $name:ident: $setting:ident = ($ours:ident, $sqlx:ident, $postgres:ident);)+) => {$(
        $(#[$doc])*
        pub struct $name;

        impl ItemKeys for $name {
            type Setting = $setting;
            type Ours = $ours;
            type Sqlx = $sqlx;
            type Postgres = $postgres;
        }
    )+};
}

items! {
    /// A `#[derive(Table)]` struct.
    OnTable: ContainerSetting = (TableKey, SqlxTableKey, PostgresTableKey);
    /// A `#[derive(Row)]` struct.
    OnRow: ContainerSetting = (RowKey, SqlxTableKey, PostgresTableKey);
    /// A `#[derive(PgEnum)]` enum.
    OnEnum: ContainerSetting = (EnumKey, SqlxEnumKey, PostgresEnumKey);
    /// A field of a `#[derive(Table)]` struct.
    OnField: MemberSetting = (FieldKey, SqlxFieldKey, PostgresMemberKey);
    /// A variant of a `#[derive(PgEnum)]` enum.
    OnVariant: MemberSetting = (VariantKey, SqlxVariantKey, PostgresMemberKey);
}
