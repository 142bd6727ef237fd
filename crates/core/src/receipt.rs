//! A signer's receipt: a tlog-proof file ([`Proof`]) whose extra data is their signature's
//! log entry, with the inclusion proof of that entry in a signed checkpoint of the
//! campaign's log. On its own it shows that signature number N is counted in the log and
//! says nothing of who signed; with the receipt code (the salt of the entry's name
//! commitment) and the name, it shows that the signature is that person's.

use std::fmt;

use jiff::Timestamp;

use crate::hash::{from_hex, hex};
use crate::ids::CampaignId;
use crate::names::PersonName;
use crate::note::{Checkpoint, Verifier};
use crate::signature_log::{LogEntry, name_commitment};
use crate::tlog::{self, Hash, Proof};

/// The salt of a signer's name commitment, as they are given it: 64 hex digits in groups
/// of eight.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ReceiptCode([u8; 32]);

impl ReceiptCode {
    pub fn new(salt: [u8; 32]) -> ReceiptCode {
        ReceiptCode(salt)
    }

    /// Reads a code as it was written or copied: spaces, dashes and case do not matter.
    pub fn parse(text: &str) -> Option<ReceiptCode> {
        let digits: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let bytes = from_hex(&digits)?;
        Some(ReceiptCode(bytes.try_into().ok()?))
    }
}

impl fmt::Display for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = hex(&self.0);
        let groups: Vec<&str> = (0..digits.len())
            .step_by(8)
            .map(|i| &digits[i..i + 8])
            .collect();
        f.write_str(&groups.join("-"))
    }
}

/// The code is the signer's secret: it never appears in a debug print or a log line.
impl fmt::Debug for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReceiptCode(…)")
    }
}

/// The receipt file for the signature entry at `index`, proved by `hashes` against the
/// signed `checkpoint`.
pub fn receipt(entry: Vec<u8>, index: u64, hashes: Vec<Hash>, checkpoint: String) -> Proof {
    Proof {
        extra: Some(entry),
        index,
        hashes,
        checkpoint,
    }
}

/// Why a receipt does not stand.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptRefused {
    #[error("this is not a Tomar receipt (a c2sp.org/tlog-proof@v1 file with its entry)")]
    Unreadable,
    #[error("its checkpoint is not signed by the key given")]
    NotSigned,
    #[error("its checkpoint is of log {0}, which is not a campaign log of that key")]
    ForeignLog(String),
    #[error("its entry is not a signature")]
    NotSignature,
    #[error("its entry is not in the signed log: the receipt was changed")]
    NotInLog,
}

/// What a receipt that stands shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The log: `<host>/log/<campaign>`.
    pub origin: String,
    pub campaign: CampaignId,
    /// The size of the signed tree the entry was proved in.
    pub log_size: u64,
    pub index: u64,
    pub number: u64,
    pub minute: Timestamp,
    pub text_version: u32,
    pub text_hash: Hash,
    name: Hash,
}

impl Receipt {
    /// Whether the signature is `name`'s, by the receipt code they were given.
    pub fn is_of(&self, code: &ReceiptCode, name: &PersonName) -> bool {
        name_commitment(self.campaign, self.number, &code.0, name.as_ref()) == self.name
    }
}

/// Checks a receipt file against the log key: the checkpoint's signature, that the log is
/// one of that key's campaigns, that the entry is a signature, and that it is in the tree.
pub fn check_receipt(file: &str, key: &Verifier) -> Result<Receipt, ReceiptRefused> {
    let proof = Proof::parse(file).ok_or(ReceiptRefused::Unreadable)?;
    let signed = key
        .open(&proof.checkpoint)
        .ok_or(ReceiptRefused::NotSigned)?;
    let checkpoint = Checkpoint::parse(signed).ok_or(ReceiptRefused::Unreadable)?;
    // The key `<host>/log` signs the logs `<host>/log/<id>`.
    let campaign = checkpoint
        .origin
        .strip_prefix(key.name())
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|id| !id.starts_with('0'))
        .and_then(|id| id.parse().ok())
        .map(CampaignId)
        .ok_or_else(|| ReceiptRefused::ForeignLog(checkpoint.origin.clone()))?;
    let entry = proof.extra.as_deref().ok_or(ReceiptRefused::Unreadable)?;
    let Some(LogEntry::Signature {
        number,
        minute,
        text_version,
        text_hash,
        name,
    }) = LogEntry::parse(entry)
    else {
        return Err(ReceiptRefused::NotSignature);
    };
    let leaf = tlog::leaf_hash(entry);
    if !tlog::check_inclusion(
        &proof.hashes,
        checkpoint.size,
        &checkpoint.root,
        proof.index,
        &leaf,
    ) {
        return Err(ReceiptRefused::NotInLog);
    }
    Ok(Receipt {
        origin: checkpoint.origin,
        campaign,
        log_size: checkpoint.size,
        index: proof.index,
        number,
        minute,
        text_version,
        text_hash,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::SigningKey;
    use crate::tlog::memory::Memory;

    const SALT: [u8; 32] = [9; 32];

    fn key() -> SigningKey {
        SigningKey::from_seed("tomar.example/log", &[7; 32]).unwrap()
    }

    fn verifier() -> Verifier {
        Verifier::parse(&key().verifier_key()).unwrap()
    }

    fn entry(number: u64, name: &str) -> Vec<u8> {
        LogEntry::Signature {
            number,
            minute: Timestamp::from_second(1_800_000_000).unwrap(),
            text_version: 1,
            text_hash: [3; 32],
            name: name_commitment(CampaignId(42), number, &SALT, name),
        }
        .encode()
    }

    /// A receipt for entry `index` of a five-entry log of campaign 42.
    fn receipt_file(origin: &str, index: u64) -> String {
        let entries: Vec<Vec<u8>> = (1..=5).map(|n| entry(n, &format!("نام {n}"))).collect();
        let mut log = Memory::default();
        for entry in &entries {
            log.append(entry);
        }
        let root = tlog::tree_hash(5, &mut log).unwrap();
        let hashes = tlog::inclusion_proof(5, index, &mut log).unwrap().unwrap();
        let body = Checkpoint {
            origin: origin.to_owned(),
            size: 5,
            root,
        }
        .body();
        receipt(
            entries[index as usize].clone(),
            index,
            hashes,
            key().sign(&body),
        )
        .encode()
    }

    #[test]
    fn a_receipt_shows_its_entry_and_opens_only_with_its_code_and_name() {
        let file = receipt_file("tomar.example/log/42", 2);
        let receipt = check_receipt(&file, &verifier()).unwrap();
        assert_eq!((receipt.campaign, receipt.number), (CampaignId(42), 3));
        assert_eq!((receipt.index, receipt.log_size), (2, 5));
        let name = |n: &str| PersonName::parse(n).unwrap();
        let code = ReceiptCode::new(SALT);
        assert!(receipt.is_of(&code, &name("نام 3")));
        assert!(!receipt.is_of(&code, &name("نام 2")), "another name");
        assert!(
            !receipt.is_of(&ReceiptCode::new([8; 32]), &name("نام 3")),
            "another code"
        );
    }

    #[test]
    fn a_changed_or_foreign_receipt_is_refused() {
        let file = receipt_file("tomar.example/log/42", 2);
        let other = SigningKey::from_seed("tomar.example/log", &[8; 32]).unwrap();
        let stranger = Verifier::parse(&other.verifier_key()).unwrap();
        assert_eq!(
            check_receipt(&file, &stranger),
            Err(ReceiptRefused::NotSigned)
        );
        let moved = file.replacen("index 2", "index 1", 1);
        assert_eq!(
            check_receipt(&moved, &verifier()),
            Err(ReceiptRefused::NotInLog)
        );
        let proof = Proof::parse(&file).unwrap();
        let swapped = receipt(
            entry(3, "نام دیگر"),
            2,
            proof.hashes.clone(),
            proof.checkpoint.clone(),
        );
        assert_eq!(
            check_receipt(&swapped.encode(), &verifier()),
            Err(ReceiptRefused::NotInLog)
        );
        let withdrawal = LogEntry::Withdrawal {
            of: 3,
            minute: Timestamp::from_second(1_800_000_000).unwrap(),
        };
        let not_signature = receipt(withdrawal.encode(), 2, proof.hashes, proof.checkpoint);
        assert_eq!(
            check_receipt(&not_signature.encode(), &verifier()),
            Err(ReceiptRefused::NotSignature)
        );
        for origin in [
            "other.example/log/42",
            "tomar.example/log/042",
            "tomar.example/log",
        ] {
            let foreign = receipt_file(origin, 2);
            assert_eq!(
                check_receipt(&foreign, &verifier()),
                Err(ReceiptRefused::ForeignLog(origin.to_owned()))
            );
        }
        for unreadable in ["", "c2sp.org/tlog-proof@v1\nindex 2\n\n", "\u{0}"] {
            assert!(
                check_receipt(unreadable, &verifier()).is_err(),
                "{unreadable:?}"
            );
        }
    }

    #[test]
    fn a_code_reads_back_however_it_was_copied() {
        let code = ReceiptCode::new([0xab; 32]);
        let written = code.to_string();
        assert_eq!(written.len(), 64 + 7);
        assert!(written.starts_with("abababab-abababab-"));
        assert_eq!(ReceiptCode::parse(&written), Some(code));
        let copied = written.to_uppercase().replace('-', " ");
        assert_eq!(ReceiptCode::parse(&copied), Some(code));
        assert_eq!(ReceiptCode::parse(&written[..70]), None);
        assert_eq!(ReceiptCode::parse("not a code"), None);
        assert_eq!(format!("{code:?}"), "ReceiptCode(…)");
    }
}
