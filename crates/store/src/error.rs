use sqlx::error::ErrorKind;

/// What can go wrong in the store, by kind: callers decide on the kind, never on constraint names.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or state conflict: the same thing exists already, or someone changed it first.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A client's retry key (Idempotency-Key, fixmystreet_id) names a stored report that is not this
    /// submission.
    #[error("{0}")]
    KeyReused(String),
    /// Input the store was asked to keep is not valid (bad reference, bad value).
    #[error("invalid: {0}")]
    Invalid(String),
    /// Stored data that does not parse back into a domain type: a bug or a hand edit.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("migration: {0}")]
    Migration(String),
    /// The database could not take the write now (a failed group commit, a stopped writer).
    #[error("unavailable: {0}")]
    Unavailable(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) => match db.kind() {
                ErrorKind::UniqueViolation => StoreError::Conflict(db.message().to_owned()),
                ErrorKind::ForeignKeyViolation | ErrorKind::CheckViolation | ErrorKind::NotNullViolation => {
                    // The database's own wording names tables and constraints: log it, never show it.
                    tracing::warn!(error = %db.message(), "constraint violation");
                    StoreError::Invalid("a referenced record does not exist or a required value is missing".into())
                }
                _ => StoreError::Database(e),
            },
            _ => StoreError::Database(e),
        }
    }
}

impl StoreError {
    pub(crate) fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }
}
