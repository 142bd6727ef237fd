//! Platform settings: texts, links, limits and switches an admin changes at run time, kept
//! in memory for a moment (see `moment_cache`).

use crate::{Store, StoreError};

/// Every platform setting by key.
pub type Settings = std::sync::Arc<std::collections::BTreeMap<String, String>>;

impl Store {
    /// Every platform setting by key, at most [`CACHED_FOR`] old (see `moment_cache`).
    pub async fn settings(&self) -> Result<Settings, StoreError> {
        dispatch!(self.settings())
    }

    /// Sets `key` only if it has no value yet; answers its value afterwards.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError> {
        dispatch!(self.setting_or_insert(key, value))
    }

    /// Sets several settings in one transaction: all of them or none.
    pub async fn set_settings(&self, values: &[(&str, String)]) -> Result<(), StoreError> {
        dispatch!(self.set_settings(values))
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        dispatch!(self.set_setting(key, value))
    }
}

/// The SQL of this feature, written once and compiled for each backend.
macro_rules! settings_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            pub(crate) async fn settings(&self) -> Result<Settings, StoreError> {
                let generation = match self.caches.settings.fresh(&()) {
                    Ok(settings) => return Ok(settings),
                    Err(generation) => generation,
                };
                let rows: Vec<(String, String)> = sqlx::query_as("SELECT key, value FROM settings")
                    .fetch_all(self.reader())
                    .await?;
                let settings: Settings = std::sync::Arc::new(rows.into_iter().collect());
                self.caches.settings.keep(generation, (), settings.clone());
                Ok(settings)
            }

            pub(crate) async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError> {
                sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(value)
                    .execute(self.writer())
                    .await?;
                self.caches.settings.forget();
                Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_one(self.writer())
                    .await?)
            }

            pub(crate) async fn set_settings(
                &self,
                values: &[(&str, String)],
            ) -> Result<(), StoreError> {
                let mut tx = self.writer().begin().await?;
                for (key, value) in values {
                    Self::upsert_setting(&mut tx, key, value).await?;
                }
                tx.commit().await?;
                self.caches.settings.forget();
                Ok(())
            }

            pub(crate) async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
                self.set_settings(&[(key, value.to_owned())]).await
            }

            async fn upsert_setting(
                tx: &mut sqlx::Transaction<'_, $db>,
                key: &str,
                value: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }
    };
}

settings_sql!(crate::sqlite::SqliteStore, sqlx::Sqlite);
settings_sql!(crate::postgres::PgStore, sqlx::Postgres);
