//! `tomar verify count URL`: what anyone can do with a campaign's public log without
//! trusting the server that serves it. Fetches the signed checkpoint and checks its
//! signature (against a pinned key, or the one the server publishes), fetches every tile
//! and entry bundle, checks each entry against its tile and the tiles against the signed
//! root, checks that each signature number comes once and each withdrawal or invalidation
//! removes a signature that was there, and that every text version's served text has the
//! hash the entries carry; then recounts, per day and per text version. The checkpoint is
//! remembered in a state file, and the next run demands that the log it sees extends it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};
use tomar_core::ids::CampaignId;
use tomar_core::note::{Checkpoint, Verifier};
use tomar_core::signature_log::LogEntry;
use tomar_core::tlog::{self, Hash, TILE_WIDTH, Tile};

pub mod receipt;

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{url}: {reason}")]
    Fetch { url: String, reason: String },
    #[error("the checkpoint is not signed by the key {0}")]
    Signature(String),
    #[error("the checkpoint is for log {found}, not {expected}")]
    Origin { expected: String, found: String },
    #[error("entry {0} does not match its tile: the log was changed")]
    Entry(u64),
    #[error("the entries do not make the signed root: the log was changed")]
    Root,
    #[error("entry {0} cannot be read, or breaks the log's rules: {1}")]
    Rule(u64, &'static str),
    #[error("text version {0} served does not have the hash its signatures carry")]
    Text(u32),
    #[error("the log has shrunk from {old} to {new} entries since the last check")]
    Shrunk { old: u64, new: u64 },
    #[error(
        "the log's first {0} entries are not the ones checked last time: the log forked or was rewritten"
    )]
    Fork(u64),
    #[error("the state file {0}: {1}")]
    State(String, String),
}

/// What a verified log says.
pub struct CountReport {
    pub origin: String,
    pub size: u64,
    pub signatures: u64,
    pub withdrawn: u64,
    pub invalidated: u64,
    /// Of the signatures, those carried from a campaign merged into this one.
    pub carried: u64,
    /// The campaign this one was merged into, if its log ends so.
    pub merged_into: Option<CampaignId>,
    /// Live signatures by the UTC day they were confirmed.
    pub by_day: BTreeMap<String, u64>,
    /// Live signatures by the text version signed.
    pub by_version: BTreeMap<u32, u64>,
    /// The size of the checkpoint remembered from the last check, if there was one.
    pub extends: Option<u64>,
}

impl CountReport {
    pub fn live(&self) -> u64 {
        self.signatures - self.withdrawn - self.invalidated
    }
}

struct Fetcher {
    http: reqwest::Client,
}

impl Fetcher {
    async fn get(&self, url: &str) -> Result<Vec<u8>, VerifyError> {
        let failed = |reason: String| VerifyError::Fetch {
            url: url.to_owned(),
            reason,
        };
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| failed(e.to_string()))?;
        if !response.status().is_success() {
            return Err(failed(response.status().to_string()));
        }
        Ok(response
            .bytes()
            .await
            .map_err(|e| failed(e.to_string()))?
            .to_vec())
    }

    async fn text(&self, url: &str) -> Result<String, VerifyError> {
        String::from_utf8(self.get(url).await?).map_err(|_| VerifyError::Fetch {
            url: url.to_owned(),
            reason: "not UTF-8 text".into(),
        })
    }
}

/// Checks the log at `prefix` (`https://host/log/<id>`), with `key` pinned if given, and
/// remembers its checkpoint in `state`.
pub async fn count(
    prefix: &str,
    key: Option<&str>,
    state: &Path,
) -> Result<CountReport, VerifyError> {
    // The ring provider, as the rest of Tomar uses; already installed is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let fetcher = Fetcher {
        http: reqwest::Client::new(),
    };
    let prefix = prefix.trim_end_matches('/');
    let expected_origin = prefix.split_once("://").map_or(prefix, |(_, rest)| rest);
    let key = match key {
        Some(key) => key.to_owned(),
        None => {
            let host = prefix.rsplitn(3, '/').nth(2).unwrap_or(prefix);
            fetcher
                .text(&format!("{host}/.well-known/tomar-log-key"))
                .await?
        }
    };
    let verifier = Verifier::parse(&key).ok_or_else(|| VerifyError::Signature(key.clone()))?;
    let note = fetcher.text(&format!("{prefix}/checkpoint")).await?;
    let body = verifier
        .open(&note)
        .ok_or_else(|| VerifyError::Signature(key.trim().to_owned()))?;
    let checkpoint = Checkpoint::parse(body).ok_or(VerifyError::Root)?;
    if checkpoint.origin != expected_origin {
        return Err(VerifyError::Origin {
            expected: expected_origin.to_owned(),
            found: checkpoint.origin,
        });
    }

    let (entries, leaves) = fetch_entries(&fetcher, prefix, checkpoint.size).await?;
    if tlog::root_of(&leaves) != checkpoint.root {
        return Err(VerifyError::Root);
    }
    let extends = remember(state, &checkpoint, &leaves)?;
    let mut report = recount(&entries)?;
    report.origin = checkpoint.origin;
    report.size = checkpoint.size;
    report.extends = extends;
    check_texts(&fetcher, prefix, &entries).await?;
    Ok(report)
}

/// Every entry of a log of `size`, each checked against its level-0 tile, and their hashes.
async fn fetch_entries(
    fetcher: &Fetcher,
    prefix: &str,
    size: u64,
) -> Result<(Vec<LogEntry>, Vec<Hash>), VerifyError> {
    let mut entries = Vec::with_capacity(size as usize);
    let mut leaves = Vec::with_capacity(size as usize);
    for index in 0..size.div_ceil(TILE_WIDTH) {
        let width = (size - index * TILE_WIDTH).min(TILE_WIDTH);
        let tail = Tile {
            level: 0,
            index,
            width,
        }
        .path_tail();
        let tile = fetcher.get(&format!("{prefix}/tile/0/{tail}")).await?;
        let bundle = fetcher
            .get(&format!("{prefix}/tile/entries/{tail}"))
            .await?;
        if tile.len() as u64 != width * 32 {
            return Err(VerifyError::Entry(index * TILE_WIDTH));
        }
        let bundled = tlog::unbundle(&bundle).ok_or(VerifyError::Entry(index * TILE_WIDTH))?;
        if bundled.len() as u64 != width {
            return Err(VerifyError::Entry(
                index * TILE_WIDTH + bundled.len() as u64,
            ));
        }
        for (offset, (hash, entry)) in tile.chunks(32).zip(bundled).enumerate() {
            let at = index * TILE_WIDTH + offset as u64;
            let leaf = tlog::leaf_hash(entry);
            if leaf.as_slice() != hash {
                return Err(VerifyError::Entry(at));
            }
            entries.push(LogEntry::parse(entry).ok_or(VerifyError::Rule(at, "not an entry"))?);
            leaves.push(leaf);
        }
    }
    Ok((entries, leaves))
}

/// Recounts the log: each number signed once, each removal of a live signature.
fn recount(entries: &[LogEntry]) -> Result<CountReport, VerifyError> {
    let mut report = CountReport {
        origin: String::new(),
        size: 0,
        signatures: 0,
        withdrawn: 0,
        invalidated: 0,
        carried: 0,
        merged_into: None,
        by_day: BTreeMap::new(),
        by_version: BTreeMap::new(),
        extends: None,
    };
    let mut ever = HashSet::new();
    // Each live signature's day, and the text version it signed here (none if carried).
    let mut live: HashMap<u64, (String, Option<u32>)> = HashMap::new();
    for (at, entry) in entries.iter().enumerate() {
        let at = at as u64;
        // Its signers who had signed the other campaign already stay here, and may withdraw.
        if report.merged_into.is_some() && !matches!(entry, LogEntry::Withdrawal { .. }) {
            return Err(VerifyError::Rule(
                at,
                "a new entry after the log was merged away",
            ));
        }
        match entry {
            LogEntry::Signature { number, minute, .. }
            | LogEntry::Carried { number, minute, .. } => {
                if !ever.insert(*number) {
                    return Err(VerifyError::Rule(at, "a signature number used twice"));
                }
                let day = minute.strftime("%Y-%m-%d").to_string();
                let version = match entry {
                    LogEntry::Signature { text_version, .. } => Some(*text_version),
                    _ => {
                        report.carried += 1;
                        None
                    }
                };
                live.insert(*number, (day, version));
                report.signatures += 1;
            }
            LogEntry::MergedInto { into, .. } => report.merged_into = Some(*into),
            LogEntry::Withdrawal { of, .. } | LogEntry::Invalidation { of, .. } => {
                if live.remove(of).is_none() {
                    return Err(VerifyError::Rule(
                        at,
                        "removes a signature that is not live",
                    ));
                }
                match entry {
                    LogEntry::Withdrawal { .. } => report.withdrawn += 1,
                    _ => report.invalidated += 1,
                }
            }
        }
    }
    for (day, version) in live.into_values() {
        *report.by_day.entry(day).or_default() += 1;
        if let Some(version) = version {
            *report.by_version.entry(version).or_default() += 1;
        }
    }
    Ok(report)
}

/// Every text version's served text must hash as its signatures say.
async fn check_texts(
    fetcher: &Fetcher,
    prefix: &str,
    entries: &[LogEntry],
) -> Result<(), VerifyError> {
    let versions: BTreeMap<u32, Hash> = entries
        .iter()
        .filter_map(|entry| match entry {
            LogEntry::Signature {
                text_version,
                text_hash,
                ..
            } => Some((*text_version, *text_hash)),
            _ => None,
        })
        .collect();
    for (version, hash) in versions {
        let text = fetcher.get(&format!("{prefix}/text/{version}.txt")).await?;
        if Sha256::digest(&text).as_slice() != hash {
            return Err(VerifyError::Text(version));
        }
    }
    Ok(())
}

/// Checks the log against the checkpoint remembered for its origin, then remembers this
/// one. Answers the remembered size.
fn remember(
    state: &Path,
    checkpoint: &Checkpoint,
    leaves: &[Hash],
) -> Result<Option<u64>, VerifyError> {
    let failed = |e: std::io::Error| VerifyError::State(state.display().to_string(), e.to_string());
    let saved = match std::fs::read_to_string(state) {
        Ok(saved) => saved,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(failed(e)),
    };
    let mut lines: Vec<String> = Vec::new();
    let mut extends = None;
    for line in saved.lines() {
        let mut parts = line.split(' ');
        let (Some(origin), Some(size), Some(root)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if origin != checkpoint.origin {
            lines.push(line.to_owned());
            continue;
        }
        let size: u64 = size.parse().map_err(|_| {
            VerifyError::State(state.display().to_string(), format!("a bad line: {line}"))
        })?;
        if size > checkpoint.size {
            return Err(VerifyError::Shrunk {
                old: size,
                new: checkpoint.size,
            });
        }
        if BASE64.encode(tlog::root_of(&leaves[..size as usize])) != root {
            return Err(VerifyError::Fork(size));
        }
        extends = Some(size);
    }
    lines.push(format!(
        "{} {} {}",
        checkpoint.origin,
        checkpoint.size,
        BASE64.encode(checkpoint.root)
    ));
    std::fs::write(state, lines.join("\n") + "\n").map_err(failed)?;
    Ok(extends)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> jiff::Timestamp {
        text.parse().unwrap()
    }

    fn signature(number: u64) -> LogEntry {
        LogEntry::Signature {
            number,
            minute: at("2026-12-01T10:00:00Z"),
            text_version: 1,
            text_hash: [1; 32],
            name: [2; 32],
        }
    }

    fn carried(number: u64, from_number: u64) -> LogEntry {
        LogEntry::Carried {
            number,
            minute: at("2026-11-30T09:00:00Z"),
            from: CampaignId(9),
            from_number,
            name: [3; 32],
        }
    }

    #[test]
    fn carried_signatures_count_and_a_merged_log_takes_only_withdrawals_after_its_end() {
        let staying = [signature(1), carried(2, 5), carried(3, 6), signature(4)];
        let report = recount(&staying).unwrap();
        assert_eq!((report.live(), report.carried), (4, 2));
        assert_eq!(report.by_version, BTreeMap::from([(1, 2)]));
        assert_eq!(report.by_day.get("2026-11-30"), Some(&2));
        let twice = [signature(1), carried(1, 5)];
        assert!(matches!(recount(&twice), Err(VerifyError::Rule(1, _))));

        let merged_away = LogEntry::MergedInto {
            into: CampaignId(3),
            minute: at("2026-12-01T11:00:00Z"),
            carried: 1,
        };
        let withdrawn_after = [
            signature(1),
            signature(2),
            merged_away.clone(),
            LogEntry::Withdrawal {
                of: 1,
                minute: at("2026-12-01T12:00:00Z"),
            },
        ];
        let report = recount(&withdrawn_after).unwrap();
        assert_eq!(report.merged_into, Some(CampaignId(3)));
        assert_eq!((report.live(), report.withdrawn), (1, 1));
        let signed_after = [signature(1), merged_away, signature(2)];
        assert!(matches!(
            recount(&signed_after),
            Err(VerifyError::Rule(2, _))
        ));
    }
}
