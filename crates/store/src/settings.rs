//! Platform settings: texts, links, limits and switches an admin changes at run time, kept
//! in memory for a moment (see `moment_cache`).

use crate::{StoreError, Tx};

/// Every platform setting by key.
pub type Settings = std::sync::Arc<std::collections::BTreeMap<String, String>>;

store_methods! {
    /// Every platform setting by key, at most [`CACHED_FOR`] old (see `moment_cache`).
    pub async fn settings(&self) -> Result<Settings, StoreError> {
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

    /// Removes `key`'s value, if it has one.
    pub async fn forget_setting(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(key)
            .execute(self.writer())
            .await?;
        self.forget_settings().await;
        Ok(())
    }

    /// Sets several settings in one transaction: all of them or none.
    pub async fn set_settings(
        &self,
        values: &[(&str, String)],
    ) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        for (key, value) in values {
            Self::upsert_setting(&mut tx, key, value).await?;
        }
        tx.commit().await?;
        self.forget_settings().await;
        Ok(())
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.set_settings(&[(key, value.to_owned())]).await
    }
}

backend_helpers! {
    pub(crate) async fn upsert_setting(
        tx: &mut Tx<'_, Self>,
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
