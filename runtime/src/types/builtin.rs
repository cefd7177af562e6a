//! Built-in PostgreSQL types, by `pg_type.typname`, for [`Accepts::Types`](super::Accepts::Types).

use super::PgTypeRef;

/// `boolean`.
pub const BOOL: PgTypeRef = PgTypeRef::builtin("bool", "boolean");
/// `"char"`, the one-byte type.
pub const CHAR: PgTypeRef = PgTypeRef::builtin("char", "\"char\"");
/// `smallint`.
pub const INT2: PgTypeRef = PgTypeRef::builtin("int2", "smallint");
/// `integer`.
pub const INT4: PgTypeRef = PgTypeRef::builtin("int4", "integer");
/// `bigint`.
pub const INT8: PgTypeRef = PgTypeRef::builtin("int8", "bigint");
/// `real`.
pub const FLOAT4: PgTypeRef = PgTypeRef::builtin("float4", "real");
/// `double precision`.
pub const FLOAT8: PgTypeRef = PgTypeRef::builtin("float8", "double precision");
/// `numeric`.
pub const NUMERIC: PgTypeRef = PgTypeRef::builtin("numeric", "numeric");
/// `text`.
pub const TEXT: PgTypeRef = PgTypeRef::builtin("text", "text");
/// `character varying`.
pub const VARCHAR: PgTypeRef = PgTypeRef::builtin("varchar", "character varying");
/// `character`.
pub const BPCHAR: PgTypeRef = PgTypeRef::builtin("bpchar", "character");
/// `name`.
pub const NAME: PgTypeRef = PgTypeRef::builtin("name", "name");
/// `bytea`.
pub const BYTEA: PgTypeRef = PgTypeRef::builtin("bytea", "bytea");
/// `uuid`.
pub const UUID: PgTypeRef = PgTypeRef::builtin("uuid", "uuid");
/// `date`.
pub const DATE: PgTypeRef = PgTypeRef::builtin("date", "date");
/// `time without time zone`.
pub const TIME: PgTypeRef = PgTypeRef::builtin("time", "time without time zone");
/// `timestamp without time zone`.
pub const TIMESTAMP: PgTypeRef = PgTypeRef::builtin("timestamp", "timestamp without time zone");
/// `timestamp with time zone`.
pub const TIMESTAMPTZ: PgTypeRef = PgTypeRef::builtin("timestamptz", "timestamp with time zone");
/// `json`.
pub const JSON: PgTypeRef = PgTypeRef::builtin("json", "json");
/// `jsonb`.
pub const JSONB: PgTypeRef = PgTypeRef::builtin("jsonb", "jsonb");
/// `inet`.
pub const INET: PgTypeRef = PgTypeRef::builtin("inet", "inet");
/// `cidr`.
pub const CIDR: PgTypeRef = PgTypeRef::builtin("cidr", "cidr");
/// `bit`.
pub const BIT: PgTypeRef = PgTypeRef::builtin("bit", "bit");
/// `bit varying`.
pub const VARBIT: PgTypeRef = PgTypeRef::builtin("varbit", "bit varying");
/// `interval`.
pub const INTERVAL: PgTypeRef = PgTypeRef::builtin("interval", "interval");
/// `money`.
pub const MONEY: PgTypeRef = PgTypeRef::builtin("money", "money");
/// `oid`.
pub const OID: PgTypeRef = PgTypeRef::builtin("oid", "oid");
/// `xml`: neither driver decodes it (sqlx has no `xml` type; postgres-types' `String` does not
/// take it), so no mapping names it; a field reads it with `pg_type = "xml"`.
pub const XML: PgTypeRef = PgTypeRef::builtin("xml", "xml");
/// `int4range`.
pub const INT4RANGE: PgTypeRef = PgTypeRef::builtin("int4range", "int4range");
/// `int8range`.
pub const INT8RANGE: PgTypeRef = PgTypeRef::builtin("int8range", "int8range");
/// `numrange`.
pub const NUMRANGE: PgTypeRef = PgTypeRef::builtin("numrange", "numrange");
/// `tsrange`.
pub const TSRANGE: PgTypeRef = PgTypeRef::builtin("tsrange", "tsrange");
/// `tstzrange`.
pub const TSTZRANGE: PgTypeRef = PgTypeRef::builtin("tstzrange", "tstzrange");
/// `daterange`.
pub const DATERANGE: PgTypeRef = PgTypeRef::builtin("daterange", "daterange");
/// `citext` is an extension type; both drivers decode it into `String`.
pub const CITEXT: PgTypeRef = PgTypeRef::extension("citext");
/// `ltree` (extension): sqlx's `PgLTree`.
pub const LTREE: PgTypeRef = PgTypeRef::extension("ltree");
/// `lquery` (extension): sqlx's `PgLQuery`.
pub const LQUERY: PgTypeRef = PgTypeRef::extension("lquery");
/// `hstore` (extension): sqlx's `PgHstore`, postgres-types' `HashMap<String, Option<String>>`.
pub const HSTORE: PgTypeRef = PgTypeRef::extension("hstore");

/// Display names PostgreSQL prints for built-in `typname`s, for messages and `pg_type`.
pub const ALL: &[PgTypeRef] = &[
    BOOL,
    CHAR,
    INT2,
    INT4,
    INT8,
    FLOAT4,
    FLOAT8,
    NUMERIC,
    TEXT,
    VARCHAR,
    BPCHAR,
    NAME,
    BYTEA,
    UUID,
    DATE,
    TIME,
    TIMESTAMP,
    TIMESTAMPTZ,
    JSON,
    JSONB,
    INET,
    CIDR,
    BIT,
    VARBIT,
    INTERVAL,
    MONEY,
    OID,
    XML,
    INT4RANGE,
    INT8RANGE,
    NUMRANGE,
    TSRANGE,
    TSTZRANGE,
    DATERANGE,
];
