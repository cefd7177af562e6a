#[derive(schemalock::PgEnum)]
#[schemalock(type_name = "canonlayer", rename_all = "UPPERCASE")]
enum CanonLayer {
    Primary,
    Alternate,
    Draft,
    Retconned,
}

type Confidence = f32;

#[derive(schemalock::Table)]
#[schemalock(table = "entities")]
struct Entity {
    id: String,
    // VARCHAR turned into an enum; the field still says String.
    entity_type: String,
    // The enum exists, but the column is still VARCHAR(20).
    canon_layer: CanonLayer,
    #[schemalock(rename = "extraction_confidence")]
    confidence: Confidence,
    aliases: String,
    attributes: Vec<String>,
    // A NOT NULL domain over integer.
    first_seen: Option<i64>,
    created_at: chrono::NaiveDateTime,
}

fn main() {}
