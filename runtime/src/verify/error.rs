//! Why verification could not run, as opposed to finding drift (feature `introspect`).

use std::fmt;

#[cfg(any(feature = "postgres", feature = "tokio-postgres"))]
use crate::introspect::driver::PgError;

/// Why verification could not run (as opposed to finding drift).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The catalogs could not be read or understood.
    Introspect(crate::introspect::Error),
    /// The `postgres` or `tokio-postgres` driver failed (they share one error type).
    #[cfg(any(feature = "postgres", feature = "tokio-postgres"))]
    Postgres(PgError),
    /// sqlx failed.
    #[cfg(feature = "sqlx")]
    Sqlx(::sqlx::Error),
    /// sqlx 0.8 failed.
    #[cfg(feature = "sqlx-0_8")]
    Sqlx0_8(::sqlx_0_8::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("schemalock: could not verify the database: ")?;
        match self {
            Error::Introspect(e) => write!(f, "{e}"),
            #[cfg(any(feature = "postgres", feature = "tokio-postgres"))]
            Error::Postgres(e) => {
                use crate::introspect::driver::DriverError;
                write!(f, "{}", e.message())
            }
            #[cfg(feature = "sqlx")]
            Error::Sqlx(e) => write!(f, "{e}"),
            #[cfg(feature = "sqlx-0_8")]
            Error::Sqlx0_8(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Introspect(e) => Some(e),
            #[cfg(any(feature = "postgres", feature = "tokio-postgres"))]
            Error::Postgres(e) => Some(e),
            #[cfg(feature = "sqlx")]
            Error::Sqlx(e) => Some(e),
            #[cfg(feature = "sqlx-0_8")]
            Error::Sqlx0_8(e) => Some(e),
        }
    }
}

#[cfg(any(feature = "postgres", feature = "tokio-postgres"))]
impl From<PgError> for Error {
    fn from(e: PgError) -> Self {
        Error::Postgres(e)
    }
}

impl From<crate::introspect::Error> for Error {
    fn from(e: crate::introspect::Error) -> Self {
        Error::Introspect(e)
    }
}

#[cfg(feature = "__driver")]
impl<E: Into<Error>> From<crate::introspect::read::Failure<E>> for Error {
    fn from(f: crate::introspect::read::Failure<E>) -> Self {
        match f {
            crate::introspect::read::Failure::Introspect(e) => Error::Introspect(e),
            crate::introspect::read::Failure::Driver(e) => e.into(),
        }
    }
}
