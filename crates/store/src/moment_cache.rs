//! Read-mostly rows kept in memory for a moment: the settings, read by every request that
//! signs, comments or checks a switch, and campaigns as the signing checks read them. Each
//! read was a round trip (and, for a campaign, the work of checking its text) for data that
//! changes a few times in its life.
//!
//! A store's own writes drop its copies at once, so a change made through this process is
//! seen by its next request. A change made by another process (a second server, or
//! `tomar setting`) is seen within [`FRESH_FOR`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tomar_core::campaign::Campaign;
use tomar_core::names::CampaignRef;

/// How long a copy is used before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(1);
/// Copies kept at most: past it, stale ones are dropped, and if all are fresh the new one
/// is not kept (it is read each time until room frees up).
const MOST_KEPT: usize = 4096;

/// A store's caches, shared by its clones.
#[derive(Debug)]
pub struct Caches {
    pub settings: MomentCache<(), crate::Settings>,
    /// Campaigns as the signing checks read them, by the reference they were asked by.
    pub campaigns: MomentCache<CampaignRef, Campaign>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            settings: MomentCache::named("settings"),
            campaigns: MomentCache::named("campaigns"),
        }
    }
}

impl Caches {
    /// Drops every copy of everything, when another process changed something.
    pub fn forget_all(&self) {
        self.settings.forget();
        self.campaigns.forget();
    }
}

#[derive(Debug)]
pub struct MomentCache<K, V> {
    state: Mutex<CacheState<K, V>>,
    /// [`FRESH_FOR`], but for tests that must not depend on how fast they run.
    fresh_for: Duration,
    /// What `/metrics` calls its hits and misses.
    name: &'static str,
}

#[derive(Debug)]
struct CacheState<K, V> {
    copies: HashMap<K, (Instant, V)>,
    /// Raised by every write, so a read that began before a write cannot keep its older
    /// copy after it.
    generation: u64,
}

impl<K, V> MomentCache<K, V> {
    pub fn named(name: &'static str) -> Self {
        MomentCache::lasting(name, FRESH_FOR)
    }

    fn lasting(name: &'static str, fresh_for: Duration) -> Self {
        MomentCache {
            state: Mutex::new(CacheState {
                copies: HashMap::new(),
                generation: 0,
            }),
            fresh_for,
            name,
        }
    }
}

impl<K: Eq + Hash, V: Clone> MomentCache<K, V> {
    /// The copy for `key`, if it is fresh; else the generation a new read must present to
    /// [`MomentCache::keep`].
    pub fn fresh(&self, key: &K) -> Result<V, u64> {
        let found = {
            let state = self.state.lock().expect("moment cache lock");
            match state.copies.get(key) {
                Some((read_at, value)) if read_at.elapsed() < self.fresh_for => Ok(value.clone()),
                _ => Err(state.generation),
            }
        };
        // Counted once the lock is let go: every signing request looks here.
        let result = match found {
            Ok(_) => "hit",
            Err(_) => "miss",
        };
        metrics::counter!("tomar_cache_lookups_total", "cache" => self.name, "result" => result)
            .increment(1);
        found
    }

    /// Keeps what a read found, unless a write happened since the read began.
    pub fn keep(&self, generation: u64, key: K, value: V) {
        let mut state = self.state.lock().expect("moment cache lock");
        if state.generation != generation {
            return;
        }
        if state.copies.len() >= MOST_KEPT {
            state
                .copies
                .retain(|_, (read_at, _)| read_at.elapsed() < self.fresh_for);
            if state.copies.len() >= MOST_KEPT {
                return;
            }
        }
        state.copies.insert(key, (Instant::now(), value));
    }

    /// Drops every copy, after a write.
    pub fn forget(&self) {
        let mut state = self.state.lock().expect("moment cache lock");
        state.copies.clear();
        state.generation += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_copy_is_served_until_a_write() {
        let cache = MomentCache::named("test");
        let generation = cache.fresh(&"key").unwrap_err();
        cache.keep(generation, "key", 1);
        assert_eq!(cache.fresh(&"key"), Ok(1));
        assert!(cache.fresh(&"other").is_err());
        cache.forget();
        assert!(cache.fresh(&"key").is_err());
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let cache = MomentCache::named("test");
        let generation = cache.fresh(&"key").unwrap_err();
        cache.forget();
        cache.keep(generation, "key", "before the write");
        assert!(cache.fresh(&"key").is_err());
    }

    #[test]
    fn the_number_of_copies_is_bounded() {
        // Every copy stays fresh however slowly the test runs.
        let cache = MomentCache::lasting("test", Duration::from_secs(3600));
        for key in 0..MOST_KEPT * 2 {
            let generation = cache.fresh(&key).unwrap_err();
            cache.keep(generation, key, key);
        }
        assert_eq!(cache.state.lock().unwrap().copies.len(), MOST_KEPT);
        assert!(cache.fresh(&0).is_ok());
        assert!(
            cache.fresh(&(MOST_KEPT * 2 - 1)).is_err(),
            "not kept, read each time"
        );
    }
}
