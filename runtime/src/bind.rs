//! Errors of binding values to a database driver.

/// A value the driver cannot bind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindError {
    /// PostgreSQL and SQLite have no unsigned 64-bit integer; values above `i64::MAX` do
    /// not fit their `BIGINT`/`INTEGER`.
    #[error(
        "parameter {index} is the u64 {value}, above i64::MAX: {database} cannot bind it (use i64, or a numeric/text column)"
    )]
    UnsignedOutOfRange {
        /// The 1-based parameter number.
        index: usize,
        /// The value.
        value: u64,
        /// The database.
        database: &'static str,
    },
    /// A value type the driver integration does not know.
    #[error("parameter {index} has a type {database} cannot bind here: {value}")]
    Unsupported {
        /// The 1-based parameter number.
        index: usize,
        /// The value, debug-printed.
        value: String,
        /// The database.
        database: &'static str,
    },
}

/// The first `u64` above `i64::MAX` in `values`, as an error.
#[allow(dead_code)] // not every driver feature needs it
pub(crate) fn check_signed(
    values: &sea_query::Values,
    database: &'static str,
) -> Result<(), BindError> {
    for (i, value) in values.0.iter().enumerate() {
        if let sea_query::Value::BigUnsigned(Some(v)) = value
            && i64::try_from(*v).is_err()
        {
            return Err(BindError::UnsignedOutOfRange {
                index: i + 1,
                value: *v,
                database,
            });
        }
    }
    Ok(())
}
