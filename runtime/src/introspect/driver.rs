//! What a driver's error says (its SQLSTATE, the server's message), for every driver the read
//! runs over; the read decides from it what to do, the errors print it.

/// What a driver's error says, for deciding what to do about it.
pub(crate) trait DriverError {
    /// The SQLSTATE, when the server sent the error.
    fn sqlstate(&self) -> Option<String>;
    /// The server's message (or the driver's text when the server sent none).
    fn message(&self) -> String;
}

/// The error of the `postgres` and `tokio-postgres` drivers: `postgres::Error` is
/// `tokio_postgres::Error` re-exported.
#[cfg(feature = "tokio-postgres")]
pub(crate) type PgError = ::tokio_postgres::Error;
#[cfg(all(feature = "postgres", not(feature = "tokio-postgres")))]
pub(crate) type PgError = ::postgres::Error;

#[cfg(any(feature = "postgres", feature = "tokio-postgres"))]
impl DriverError for PgError {
    fn sqlstate(&self) -> Option<String> {
        self.code().map(|c| c.code().to_owned())
    }

    fn message(&self) -> String {
        match self.as_db_error() {
            Some(db) => db.message().to_owned(),
            None => self.to_string(),
        }
    }
}

/// [`DriverError`] for a sqlx version's `Error`: 0.8 and 0.9 read the database error the same
/// way, through types of their own.
#[cfg(any(feature = "sqlx", feature = "sqlx-0_8"))]
macro_rules! sqlx_driver_error {
    ($error:ty) => {
        impl $crate::introspect::driver::DriverError for $error {
            fn sqlstate(&self) -> Option<String> {
                self.as_database_error()
                    .and_then(|db| db.code())
                    .map(|c| c.into_owned())
            }

            fn message(&self) -> String {
                match self.as_database_error() {
                    Some(db) => db.message().to_owned(),
                    None => self.to_string(),
                }
            }
        }
    };
}
#[cfg(feature = "sqlx-0_8")]
pub(crate) use sqlx_driver_error;

#[cfg(feature = "sqlx")]
sqlx_driver_error!(::sqlx::Error);
