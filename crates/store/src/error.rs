//! What can go wrong below the web layer. Unique-key violations become domain errors here,
//! so no caller ever matches on database messages.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    BadUrl(String),
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the address {0:?} is taken by another campaign")]
    SlugTaken(String),
    #[error("this news link was already submitted for this campaign")]
    DuplicateNewsLink,
    #[error("a reply must answer a top-level comment of the same campaign")]
    InvalidParent,
    #[error("it refers to a campaign, comment or member that does not exist")]
    MissingReference,
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("the campaign changed while this was being saved; nothing was written")]
    Conflict,
    #[error("a stored row does not describe a valid {0}")]
    Corrupt(&'static str),
    #[error("the signature writer has stopped")]
    WriterStopped,
    #[error("the batch this was part of failed: {0}")]
    Batch(std::sync::Arc<StoreError>),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Classifies a failed insert: a unique-key violation becomes `on_unique`, a reference
    /// to a row that does not exist becomes [`StoreError::MissingReference`].
    pub(crate) fn on_insert(
        error: sqlx::Error,
        on_unique: impl FnOnce() -> StoreError,
    ) -> StoreError {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => on_unique(),
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::MissingReference
            }
            _ => StoreError::Database(error),
        }
    }
}
