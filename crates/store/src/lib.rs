//! Tomar's persistence. Handlers call [`Store`]; only this crate speaks SQL. The backend is
//! chosen at run time from the database URL, and every method behaves the same on both,
//! which the conformance suite in `tests/conformance/` checks.
//!
//! One file per feature holds that feature's whole story: the `Store` methods callers use,
//! the SQL behind them (written once in the dialect both backends share, compiled for each
//! by a macro in the same file), what differs between the backends, and the feature's
//! request and answer types.

/// Calls the same method on whichever backend this store is.
macro_rules! dispatch {
    ($self:ident.$method:ident($($arg:expr),*)) => {
        match $self {
            Store::Sqlite(store) => store.$method($($arg),*).await,
            Store::Postgres(store) => store.$method($($arg),*).await,
        }
    };
}

/// Defines `Store` methods, each written once: the public method, with its docs, calls the
/// same body compiled for the backend the store is (in it, `Db<Self>` is that backend's
/// database and `self.reader()`, `self.writer()` its pools). The SQL in a body is the
/// dialect both backends share: `$n` placeholders, `RETURNING`, `ON CONFLICT`.
macro_rules! store_methods {
    ($(
        $(#[$meta:meta])*
        pub async fn $name:ident(&$self:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {
        impl crate::Store {
            $(
                $(#[$meta])*
                pub async fn $name(&$self $(, $arg: $ty)*) -> $ret {
                    match $self {
                        crate::Store::Sqlite(store) => store.$name($($arg),*).await,
                        crate::Store::Postgres(store) => store.$name($($arg),*).await,
                    }
                }
            )*
        }
        impl crate::sqlite::SqliteStore {
            $(async fn $name(&$self $(, $arg: $ty)*) -> $ret $body)*
        }
        impl crate::postgres::PgStore {
            $(async fn $name(&$self $(, $arg: $ty)*) -> $ret $body)*
        }
    };
}

/// Defines functions on both backends that the `Store` methods of several features share
/// (a step inside their transactions), written once as [`store_methods!`] bodies are.
macro_rules! backend_helpers {
    ($($helpers:tt)*) => {
        impl crate::sqlite::SqliteStore {
            $($helpers)*
        }
        impl crate::postgres::PgStore {
            $($helpers)*
        }
    };
}

mod campaigns;
mod counts_moved;
mod discussion;
mod error;
mod extensions;
mod fraud;
mod hours;
mod images;
mod limits;
mod listing;
mod live;
mod members;
mod merges;
mod moderation;
mod moment_cache;
mod news;
mod outbox;
mod postgres;
mod privacy;
mod questions;
mod responses;
mod revisions;
mod rows;
mod search;
mod settings;
mod signature_log;
mod signatures;
mod signing;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod url;
mod writer;

pub use error::StoreError;
pub use fraud::{Invalidation, InvalidationStatus, SignatureChoice, SourceCount};
pub use hours::{BucketCount, Drift, ReconcilePass, ReconcileStep, SourceKind};
pub use limits::Counter;
pub use live::{LiveCounts, POLL_EVERY};
pub use merges::{JoinedCampaign, Merge, MergeStatus, MergeStep};
pub use moderation::LoggedEvent;
pub use moment_cache::FRESH_FOR as CACHED_FOR;
pub use outbox::OUTBOX_LEASE;
pub use postgres::{POOL_SIZE, PgStore};
pub use privacy::Anonymised;
pub use questions::AnswerTotals;
pub use responses::{DeliveredCampaign, SubmittedAnswer};
pub use search::SEARCH_CANDIDATES;
pub use settings::Settings;
pub use signature_log::{NameOpening, SignatureReceipt};
pub use signatures::{Confirmed, Recount, SignatureOwner};
pub use signing::Confirmation;
pub use signing::{
    CodeLimits, CodeOutcome, CodeRequest, CodeTry, Resend, ResendOutcome, TypedCode,
};
pub use sqlite::SqliteStore;
pub use url::DatabaseUrl;
pub use writer::{Handoff, SigningWriter};

#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// What the SQL written once for both backends needs to know of each: its database.
trait Backend {
    type Db: sqlx::Database;
}

impl Backend for SqliteStore {
    type Db = sqlx::Sqlite;
}

impl Backend for PgStore {
    type Db = sqlx::Postgres;
}

/// The database of backend `S`.
type Db<S> = <S as Backend>::Db;
/// A transaction on the database of backend `S`.
type Tx<'c, S> = sqlx::Transaction<'c, Db<S>>;

impl Store {
    /// Opens the database named by `url` (creating a SQLite file if needed). Does not
    /// migrate: call [`Store::migrate`].
    pub async fn connect(url: &DatabaseUrl) -> Result<Store, StoreError> {
        Self::connect_with_replica(url, None).await
    }

    /// As [`Store::connect`], with the public lists and counts (listings, search, hashtag
    /// pages, the signature list, counts by hour) read from `replica`, a streaming standby
    /// of the same PostgreSQL database. Writes, listening and claiming work stay on the
    /// primary, which a standby refuses.
    pub async fn connect_with_replica(
        url: &DatabaseUrl,
        replica: Option<&DatabaseUrl>,
    ) -> Result<Store, StoreError> {
        Ok(match (url, replica) {
            (DatabaseUrl::Sqlite(path), None) => Store::Sqlite(SqliteStore::open(path).await?),
            (DatabaseUrl::Postgres(url), None) => {
                Store::Postgres(PgStore::connect(url, None).await?)
            }
            (DatabaseUrl::Postgres(url), Some(DatabaseUrl::Postgres(replica))) => {
                Store::Postgres(PgStore::connect(url, Some(replica)).await?)
            }
            (_, Some(_)) => {
                return Err(StoreError::BadUrl(
                    "a read replica goes with a PostgreSQL database, and must be one".into(),
                ));
            }
        })
    }

    /// Applies this backend's pending migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        dispatch!(self.migrate())
    }

    /// Empties SQLite's write-ahead log into the database file (see
    /// `SqliteStore::truncate_journal`); PostgreSQL manages its own.
    pub async fn truncate_journal(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(store) => store.truncate_journal().await,
            Store::Postgres(_) => Ok(()),
        }
    }
}
