//! Fresh, throw-away stores for tests, on both backends (feature `testing`).
//!
//! SQLite stores live in a temporary directory. PostgreSQL stores are whole databases
//! created on the server named by `TOMAR_TEST_POSTGRES_URL` and dropped afterwards, even
//! when the test panics. Without that variable PostgreSQL tests say they were skipped;
//! with it set, an unreachable server fails them.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::{DatabaseUrl, PgStore, SqliteStore, Store};

pub const POSTGRES_URL_VAR: &str = "TOMAR_TEST_POSTGRES_URL";

/// A migrated SQLite store in its own temporary directory, removed when dropped.
pub struct TempSqlite {
    pub store: Store,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl TempSqlite {
    pub async fn new() -> TempSqlite {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite:{}", dir.path().join("tomar.db").display());
        let store = Store::connect(&DatabaseUrl::parse(&url).expect("sqlite url"))
            .await
            .expect("open sqlite");
        store.migrate().await.expect("migrate sqlite");
        TempSqlite {
            store,
            url,
            _dir: dir,
        }
    }
}

impl Store {
    /// A second store on the same database that shares nothing with this one (connections,
    /// caches, the signal of moved counts), as another process's store would.
    pub async fn another_process(&self) -> Store {
        match self {
            Store::Sqlite(store) => {
                let options = store.writer().connect_options();
                let path = options.get_filename();
                Store::Sqlite(SqliteStore::open(path).await.expect("reopen sqlite"))
            }
            Store::Postgres(store) => {
                let options = store.reader().connect_options().as_ref().clone();
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(4)
                    .connect_with(options)
                    .await
                    .expect("connect to the same database");
                Store::Postgres(PgStore::with_pool(pool))
            }
        }
    }
}

/// Runs `test` against a fresh SQLite store.
pub async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let temp = TempSqlite::new().await;
    test(temp.store.clone()).await;
}

/// The URL of the test PostgreSQL server, or `None` (with a note on stderr) to skip.
pub fn postgres_server() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            eprintln!("skipped: PostgreSQL test ({POSTGRES_URL_VAR} is not set)");
            None
        }
    }
}

/// A database of its own on the test server; call [`TempPostgres::drop_database`] at the end.
pub struct TempPostgres {
    pub url: String,
    server: String,
    name: String,
}

impl TempPostgres {
    pub async fn create(server: &str) -> TempPostgres {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "tomar_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::connect(server).await.unwrap_or_else(|e| {
            panic!("{POSTGRES_URL_VAR} is set but the server cannot be reached: {e}")
        });
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        admin.close().await.ok();
        TempPostgres {
            url: with_database(server, &name),
            server: server.to_owned(),
            name,
        }
    }

    pub async fn drop_database(self) {
        if let Ok(mut admin) = PgConnection::connect(&self.server).await {
            let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut admin)
                .await
            {
                eprintln!("could not drop test database {}: {e}", self.name);
            }
            admin.close().await.ok();
        }
    }
}

/// `server` with its database name replaced by `name`.
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (server, None),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{host_part}/{name}?{query}"),
        None => format!("{host_part}/{name}"),
    }
}

/// Runs `test` against a fresh PostgreSQL store, or skips when no server is configured.
/// The database is dropped afterwards, and a panic in `test` is passed on.
pub async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(server) = postgres_server() else {
        return;
    };
    let database = TempPostgres::create(&server).await;
    let store = Store::connect(&DatabaseUrl::parse(&database.url).expect("postgres url"))
        .await
        .expect("connect to the test database");
    store.migrate().await.expect("migrate postgres");
    let outcome = tokio::spawn(test(store.clone())).await;
    if let Store::Postgres(pg) = store {
        pg.close().await;
    }
    database.drop_database().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// Runs a two-parameter statement behind the store's back, then drops the store's moment
/// caches as its own writes do; or reads text columns behind its back.
macro_rules! raw_statements {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn texts_raw(&self, sql: &'static str) -> Vec<String> {
                sqlx::query_scalar(sql)
                    .fetch_all(self.writer())
                    .await
                    .expect("raw test query")
            }

            async fn execute_raw<T>(&self, sql: &'static str, first: T, second: i64)
            where
                T: for<'q> sqlx::Encode<'q, $db> + sqlx::Type<$db> + Send,
            {
                sqlx::query(sql)
                    .bind(first)
                    .bind(second)
                    .execute(self.writer())
                    .await
                    .expect("raw test statement");
                self.caches.campaigns.forget();
                self.caches.settings.forget();
            }
        }
    };
}

raw_statements!(crate::sqlite::SqliteStore, sqlx::Sqlite);
raw_statements!(crate::postgres::PgStore, sqlx::Postgres);

/// Sets a campaign's stored count behind the store's back, to test reconciliation.
pub async fn corrupt_signature_count(
    store: &Store,
    campaign: tomar_core::ids::CampaignId,
    count: i64,
) {
    let sql = "UPDATE campaigns SET signature_count = $1 WHERE id = $2";
    match store {
        Store::Sqlite(s) => s.execute_raw(sql, count, campaign.0).await,
        Store::Postgres(s) => s.execute_raw(sql, count, campaign.0).await,
    }
}

/// Sets every hour count of a campaign behind the store's back, to test reconciliation.
pub async fn corrupt_hour_counts(store: &Store, campaign: tomar_core::ids::CampaignId, count: i64) {
    let sql = "UPDATE signature_hours SET count = $1 WHERE campaign_id = $2";
    match store {
        Store::Sqlite(s) => s.execute_raw(sql, count, campaign.0).await,
        Store::Postgres(s) => s.execute_raw(sql, count, campaign.0).await,
    }
}

/// The one text column of every row `sql` selects.
async fn texts(store: &Store, sql: &'static str) -> Vec<String> {
    match store {
        Store::Sqlite(s) => s.texts_raw(sql).await,
        Store::Postgres(s) => s.texts_raw(sql).await,
    }
}

/// Whatever text each outbox row still holds (recipient, subject and body together), as
/// someone with a copy of the database would read it, oldest row first.
pub async fn outbox_texts(store: &Store) -> Vec<String> {
    texts(
        store,
        "SELECT recipient || subject || body FROM outbox ORDER BY id",
    )
    .await
}

/// Every sealed answer the signatures table still holds, withdrawn signatures' too, as
/// someone with a copy of the database would find them.
pub async fn stored_answers(store: &Store) -> Vec<String> {
    texts(
        store,
        "SELECT answers_sealed FROM signatures WHERE answers_sealed IS NOT NULL ORDER BY id",
    )
    .await
}

/// The route of every outbox row (`sms`, `email`, `telegram`), sent or not, oldest first:
/// what was queued, whenever the worker delivers it.
pub async fn outbox_routes(store: &Store) -> Vec<String> {
    texts(store, "SELECT channel FROM outbox ORDER BY id").await
}

/// Makes a verification's code look `seconds` older, as if time had passed: the way a test
/// gets past the resend cooldown without waiting for it.
pub async fn age_verification(store: &Store, id: &str, seconds: i64) {
    let sql = "UPDATE verifications SET last_sent_at = last_sent_at - $2 WHERE id = $1";
    match store {
        Store::Sqlite(s) => s.execute_raw(sql, id.to_owned(), seconds).await,
        Store::Postgres(s) => s.execute_raw(sql, id.to_owned(), seconds).await,
    }
}

/// Makes a used verification look used `seconds` earlier, as if time had passed.
pub async fn age_use(store: &Store, id: &str, seconds: i64) {
    let sql = "UPDATE verifications SET consumed_at = consumed_at - $2 WHERE id = $1";
    match store {
        Store::Sqlite(s) => s.execute_raw(sql, id.to_owned(), seconds).await,
        Store::Postgres(s) => s.execute_raw(sql, id.to_owned(), seconds).await,
    }
}

/// Makes a campaign start and end on `day`, as if time had passed: the way a test sees a
/// campaign end on its date without waiting for it.
pub async fn run_campaign_on(
    store: &Store,
    campaign: tomar_core::ids::CampaignId,
    day: tomar_core::Date,
) {
    let sql = "UPDATE campaigns SET start_date = $1, end_date = $1 WHERE id = $2";
    match store {
        Store::Sqlite(s) => s.execute_raw(sql, day.to_string(), campaign.0).await,
        Store::Postgres(s) => s.execute_raw(sql, day.to_string(), campaign.0).await,
    }
}

/// Makes a campaign look delivered `days` earlier than it was, as if time had passed.
pub async fn age_delivery(store: &Store, campaign: tomar_core::ids::CampaignId, days: i64) {
    let sql = "UPDATE campaigns SET delivered_at = delivered_at - $2 WHERE id = $1";
    match store {
        Store::Sqlite(s) => s.execute_raw(sql, campaign.0, days * 86_400).await,
        Store::Postgres(s) => s.execute_raw(sql, campaign.0, days * 86_400).await,
    }
}

/// Overwrites entry `index` of a campaign's log behind the store's back (its tile keeps the
/// old hash), to test that verifiers notice.
pub async fn tamper_log_entry(store: &Store, campaign: tomar_core::ids::CampaignId, index: i64) {
    match store {
        Store::Sqlite(s) => {
            let sql =
                "UPDATE signature_log SET entry = zeroblob(40) WHERE idx = $1 AND campaign_id = $2";
            s.execute_raw(sql, index, campaign.0).await
        }
        Store::Postgres(s) => {
            let sql = "UPDATE signature_log SET entry = '\\x00'::bytea WHERE idx = $1 AND campaign_id = $2";
            s.execute_raw(sql, index, campaign.0).await
        }
    }
}

/// Deletes entry `index` of a campaign's log behind the store's back.
pub async fn drop_log_entry(store: &Store, campaign: tomar_core::ids::CampaignId, index: i64) {
    let sql = "DELETE FROM signature_log WHERE idx = $1 AND campaign_id = $2";
    match store {
        Store::Sqlite(s) => s.execute_raw(sql, index, campaign.0).await,
        Store::Postgres(s) => s.execute_raw(sql, index, campaign.0).await,
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "t1"), "postgres://u@h/t1");
    }
}
