//! The settings table, kept in memory for a moment. Every request that signs, comments or
//! checks a switch reads it, and it changes a few times a year; reading it from the
//! database each time was a round trip per request for nothing.
//!
//! A store's own writes replace the copy at once, so a change made through this process is
//! seen by its next request. A change made by another process (a second server, or
//! `tomar setting`) is seen within [`FRESH_FOR`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub type Settings = Arc<BTreeMap<String, String>>;

/// How long a copy is used before the table is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub struct SettingsCache {
    state: Mutex<CacheState>,
}

#[derive(Debug, Default)]
struct CacheState {
    copy: Option<(Instant, Settings)>,
    /// Raised by every write, so a read that began before a write cannot keep its older
    /// copy after it.
    generation: u64,
}

impl SettingsCache {
    /// The copy, if it is fresh; else the generation a new read must present to `keep`.
    pub fn fresh(&self) -> Result<Settings, u64> {
        let state = self.state.lock().expect("settings cache lock");
        match &state.copy {
            Some((read_at, settings)) if read_at.elapsed() < FRESH_FOR => Ok(settings.clone()),
            _ => Err(state.generation),
        }
    }

    /// Keeps what a read found, unless a write happened since the read began.
    pub fn keep(&self, generation: u64, settings: &Settings) {
        let mut state = self.state.lock().expect("settings cache lock");
        if state.generation == generation {
            state.copy = Some((Instant::now(), settings.clone()));
        }
    }

    /// Drops the copy after a write.
    pub fn forget(&self) {
        let mut state = self.state.lock().expect("settings cache lock");
        state.copy = None;
        state.generation += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(value: &str) -> Settings {
        Arc::new(BTreeMap::from([("key".to_owned(), value.to_owned())]))
    }

    #[test]
    fn a_kept_copy_is_served_until_a_write() {
        let cache = SettingsCache::default();
        let generation = cache.fresh().unwrap_err();
        cache.keep(generation, &settings("a"));
        assert_eq!(cache.fresh().unwrap(), settings("a"));
        cache.forget();
        assert!(cache.fresh().is_err());
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let cache = SettingsCache::default();
        let generation = cache.fresh().unwrap_err();
        cache.forget();
        cache.keep(generation, &settings("before the write"));
        assert!(cache.fresh().is_err());
    }
}
