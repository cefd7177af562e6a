//! Prints the hand-written SQL the writeros service runs (`writeros::queries`), each statement
//! checked by schemalock's `sql!`/`sql_as!` against the committed snapshot at compile time.
//!
//! A plain string literal like `"SELECT type FROM entities"` survives any migration and fails at
//! run time; through `sql!` it fails the build: `column `type` does not exist; did you mean
//! `entity_type`?`.
//!
//! With `DATABASE_URL` set, it starts the way the service does: it first verifies the live
//! database against the models it was compiled with and prepares every checked statement there
//! (`schemalock::verify::sqlx`), prints the report, and refuses to start (exit 1) when they do not
//! match. That is the incident this project comes from, caught before the first query instead of
//! by the first failing one.

use std::process::ExitCode;
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;

/// Exit codes: 0 ready, 1 the database does not match the models, 2 could not verify.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Ok(url) = std::env::var("DATABASE_URL") else {
        print_queries();
        eprintln!(
            "writeros: set DATABASE_URL to start the service; it verifies the database first"
        );
        return ExitCode::SUCCESS;
    };
    let pool = match PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(5))
        .connect(&url)
        .await
    {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("writeros: cannot connect to the database: {e}");
            return ExitCode::from(2);
        }
    };
    match schemalock::verify::sqlx(&pool).await {
        Ok(report) if report.is_clean() => {
            println!("{report}");
            println!("writeros: ready");
            ExitCode::SUCCESS
        }
        Ok(report) => {
            eprintln!("{report}");
            eprintln!("writeros: refusing to start: the database does not match the models");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn print_queries() {
    for (what, sql) in writeros::queries::ALL {
        println!("-- {what}\n{sql};\n");
    }
}
