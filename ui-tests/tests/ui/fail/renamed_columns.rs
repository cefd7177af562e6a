// Columns that grew (`bio` → `biography`, `published` → `published_at`) or were shortened
// (`actor_id` → `ap_id`) are suggested; a column another field maps (`id`) never is.
#[derive(schemalock::Table)]
#[schemalock(table = "people")]
struct Person {
    id: i64,
    actor_id: String,
    bio: Option<String>,
    published: chrono::DateTime<chrono::Utc>,
}

fn main() {}
