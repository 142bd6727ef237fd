//! Each campaign log's signed checkpoint, signed at most once a second. A checkpoint is read
//! by every verifier, every receipt and every proof; during a surge its tree grows with every
//! batch, and signing each reader its own would cost a tree walk and a signature per request
//! and hand every reader a different checkpoint to compare. So the first reader after a
//! second has passed signs the tree as it then stands, and everyone in the next second shares
//! that checkpoint. Nobody reading means nothing is signed.
//!
//! The limit holds per process: several processes serving one database each sign their own,
//! every one of them a prefix of the same append-only tree.

use std::collections::HashMap;
use std::sync::{Arc, Mutex as Slots};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use tomar_core::ids::CampaignId;
use tomar_core::note::{Checkpoint, SigningKey};
use tomar_core::secret::Secret;
use tomar_core::signature_log::{log_path, origin, signing_key};
use tomar_core::tlog::{self, Fetched};
use tomar_store::{Store, StoreError};

/// A checkpoint as it was signed.
#[derive(Clone, Debug)]
pub struct Signed {
    pub size: u64,
    /// The signed note, as served.
    pub note: Arc<str>,
    /// When the tree was last looked at for it.
    looked: Instant,
}

/// The latest signed checkpoint of each campaign log this process has served.
pub struct Checkpoints {
    key: SigningKey,
    /// Where people reach this Tomar, which names each log's origin.
    public_url: String,
    // One lock per campaign, held while its tree is walked and signed, so a crowd of readers
    // waits for one signature instead of making a hundred; the outer lock only finds it.
    logs: Slots<HashMap<CampaignId, Arc<Mutex<Option<Signed>>>>>,
}

/// A log whose stored hashes do not make a tree.
fn corrupt<E>(_: E) -> StoreError {
    StoreError::Corrupt("signature log")
}

impl Checkpoints {
    /// How long a signed checkpoint is served before the tree is looked at again.
    pub const SIGNED_EVERY: Duration = Duration::from_secs(1);

    /// Checkpoints of the logs served at `public_url`, signed with its log key.
    pub fn new(public_url: &str, secret: &Secret) -> Checkpoints {
        Checkpoints {
            key: signing_key(public_url, secret),
            public_url: public_url.to_owned(),
            logs: Slots::default(),
        }
    }

    /// Where people reach the Tomar whose logs these are (no trailing slash).
    pub fn public_url(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }

    /// Where a campaign's log is served, for a verifier to fetch.
    pub fn log_url(&self, campaign: CampaignId) -> String {
        format!("{}/{}", self.public_url(), log_path(campaign))
    }

    /// The key a verifier checks the checkpoints with, in note-verifier form.
    pub fn verifier_key(&self) -> String {
        self.key.verifier_key()
    }

    fn slot(&self, campaign: CampaignId) -> Arc<Mutex<Option<Signed>>> {
        let mut logs = self
            .logs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        logs.entry(campaign).or_default().clone()
    }

    /// The log's checkpoint, signed at most a second ago.
    pub async fn latest(&self, store: &Store, campaign: CampaignId) -> Result<Signed, StoreError> {
        let slot = self.slot(campaign);
        let mut held = slot.lock().await;
        if let Some(signed) = held.as_ref()
            && signed.looked.elapsed() < Self::SIGNED_EVERY
        {
            return Ok(signed.clone());
        }
        let size = store.log_size(campaign).await?;
        let signed = match held.take() {
            // Nothing new: the note already signed still states the tree.
            Some(unchanged) if unchanged.size == size => Signed {
                looked: Instant::now(),
                ..unchanged
            },
            _ => {
                let need = tlog::right_edge(size);
                let hashes = store.log_hashes(campaign, &need).await?;
                let root =
                    tlog::tree_hash(size, &mut Fetched::new(&need, &hashes)).map_err(corrupt)?;
                let body = Checkpoint {
                    origin: origin(&self.public_url, campaign),
                    size,
                    root,
                }
                .body();
                Signed {
                    size,
                    note: self.key.sign(&body).into(),
                    looked: Instant::now(),
                }
            }
        };
        *held = Some(signed.clone());
        Ok(signed)
    }

    /// The latest checkpoint whose tree holds entry `index`, waiting out the rest of the
    /// second if the entry came after it; `None` if the log has no such entry.
    pub async fn covering(
        &self,
        store: &Store,
        campaign: CampaignId,
        index: u64,
    ) -> Result<Option<Signed>, StoreError> {
        loop {
            let signed = self.latest(store, campaign).await?;
            if index < signed.size {
                return Ok(Some(signed));
            }
            if index >= store.log_size(campaign).await? {
                return Ok(None);
            }
            let due = signed.looked + Self::SIGNED_EVERY;
            tokio::time::sleep_until(due.into()).await;
        }
    }
}
