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
