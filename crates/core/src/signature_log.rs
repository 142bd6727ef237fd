//! What a campaign's public log records (see [`crate::tlog`] for the tree): small versioned
//! text entries, one per signature, withdrawal or invalidation, that name no signer. A
//! signature entry holds the signature's number, the minute it was confirmed, the text
//! version signed with the hash of that text, and a commitment to the signer's name that
//! only the salt opens. The live count is the signatures minus the entries that remove
//! them, and anyone holding the log can recount it.

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::campaign::CampaignText;
use crate::hash::{from_hex, hex};
use crate::ids::CampaignId;
use crate::note::SigningKey;
use crate::secret::Secret;
use crate::tlog::Hash;

/// A log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogEntry {
    Signature {
        number: u64,
        /// Confirmed at, to the minute (UTC): enough to draw growth, too coarse to pick out
        /// one person from the time they signed.
        minute: Timestamp,
        text_version: u32,
        text_hash: Hash,
        /// [`name_commitment`] of the signer's name.
        name: Hash,
    },
    /// The signer withdrew signature `of`.
    Withdrawal { of: u64, minute: Timestamp },
    /// A moderator invalidated signature `of` (bulk fraud), for `reason`.
    Invalidation {
        of: u64,
        minute: Timestamp,
        reason: String,
    },
    /// Signature `number` of this campaign, carried from signature `from_number` of campaign
    /// `from` when a moderator merged that campaign into this one. The signer signed `from`'s
    /// text, whose log pins it, so this entry names the signature there instead of a text.
    Carried {
        number: u64,
        /// When it was confirmed on `from`, to the minute.
        minute: Timestamp,
        from: CampaignId,
        from_number: u64,
        /// [`name_commitment`] of the signer's name under its number here.
        name: Hash,
    },
    /// The campaign's last entry: it was merged into campaign `into`, which carried
    /// `carried` of its signatures (the rest had signed `into` already).
    MergedInto {
        into: CampaignId,
        minute: Timestamp,
        carried: u64,
    },
}

const SIGNATURE: &str = "tomar/signature/v1";
const WITHDRAWAL: &str = "tomar/withdrawal/v1";
const INVALIDATION: &str = "tomar/invalidation/v1";
const CARRIED: &str = "tomar/carried/v1";
const MERGED: &str = "tomar/merged/v1";
const MINUTE: &str = "%Y-%m-%dT%H:%MZ";

/// A hash as 64 lowercase hex digits, and back (exactly 64, nothing else).
fn unhex(text: &str) -> Option<Hash> {
    from_hex(text)?.try_into().ok()
}

/// `at`, cut to its minute.
pub fn to_the_minute(at: Timestamp) -> Timestamp {
    Timestamp::from_second(at.as_second() - at.as_second().rem_euclid(60)).unwrap_or(at)
}

impl LogEntry {
    /// The entry's bytes, as its leaf hashes them: lines of `key value` after a line that
    /// names its kind and version, each ending in a newline.
    pub fn encode(&self) -> Vec<u8> {
        let minute = |at: &Timestamp| to_the_minute(*at).strftime(MINUTE).to_string();
        let text = match self {
            LogEntry::Signature {
                number,
                minute: at,
                text_version,
                text_hash,
                name,
            } => format!(
                "{SIGNATURE}\nnumber {number}\ntime {}\ntext {text_version} {}\nname {}\n",
                minute(at),
                hex(text_hash.as_slice()),
                hex(name.as_slice())
            ),
            LogEntry::Withdrawal { of, minute: at } => {
                format!("{WITHDRAWAL}\nof {of}\ntime {}\n", minute(at))
            }
            LogEntry::Invalidation {
                of,
                minute: at,
                reason,
            } => {
                // One line, whatever the moderator typed.
                let reason: String = reason.chars().filter(|c| !c.is_control()).collect();
                format!(
                    "{INVALIDATION}\nof {of}\ntime {}\nreason {reason}\n",
                    minute(at)
                )
            }
            LogEntry::Carried {
                number,
                minute: at,
                from,
                from_number,
                name,
            } => format!(
                "{CARRIED}\nnumber {number}\ntime {}\nfrom {from} {from_number}\nname {}\n",
                minute(at),
                hex(name.as_slice())
            ),
            LogEntry::MergedInto {
                into,
                minute: at,
                carried,
            } => format!(
                "{MERGED}\ninto {into}\ntime {}\ncarried {carried}\n",
                minute(at)
            ),
        };
        text.into_bytes()
    }

    /// Reads an entry back, exactly as [`LogEntry::encode`] writes it.
    pub fn parse(bytes: &[u8]) -> Option<LogEntry> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text.strip_suffix('\n')?.split('\n');
        let kind = lines.next()?;
        let mut field = |key: &str| lines.next()?.strip_prefix(key)?.strip_prefix(' ');
        let number = |value: &str| value.parse::<u64>().ok().filter(|n| *n > 0);
        let campaign = |value: &str| {
            value
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(CampaignId)
        };
        let minute = |value: &str| {
            let civil = jiff::civil::DateTime::strptime(MINUTE, value).ok()?;
            jiff::tz::TimeZone::UTC.to_timestamp(civil).ok()
        };
        let entry = match kind {
            SIGNATURE => {
                let n = number(field("number")?)?;
                let at = minute(field("time")?)?;
                let (version, hash) = field("text")?.split_once(' ')?;
                let name = unhex(field("name")?)?;
                LogEntry::Signature {
                    number: n,
                    minute: at,
                    text_version: version.parse().ok()?,
                    text_hash: unhex(hash)?,
                    name,
                }
            }
            WITHDRAWAL => LogEntry::Withdrawal {
                of: number(field("of")?)?,
                minute: minute(field("time")?)?,
            },
            INVALIDATION => LogEntry::Invalidation {
                of: number(field("of")?)?,
                minute: minute(field("time")?)?,
                reason: field("reason")?.to_owned(),
            },
            CARRIED => {
                let n = number(field("number")?)?;
                let at = minute(field("time")?)?;
                let (from, from_number) = field("from")?.split_once(' ')?;
                LogEntry::Carried {
                    number: n,
                    minute: at,
                    from: campaign(from)?,
                    from_number: number(from_number)?,
                    name: unhex(field("name")?)?,
                }
            }
            MERGED => LogEntry::MergedInto {
                into: campaign(field("into")?)?,
                minute: minute(field("time")?)?,
                carried: field("carried")?.parse().ok()?,
            },
            _ => return None,
        };
        // Nothing after the last field, and one spelling of each entry.
        (lines.next().is_none() && entry.encode() == bytes).then_some(entry)
    }
}

/// Where people reach Tomar, without its scheme or a trailing slash: `tomar.example`.
pub fn public_host(public_url: &str) -> &str {
    let url = public_url.trim_end_matches('/');
    url.split_once("://").map_or(url, |(_, host)| host)
}

/// The checkpoint origin of a campaign's log: `<public host>/log/<id>`.
pub fn origin(public_url: &str, campaign: CampaignId) -> String {
    format!("{}/{}", public_host(public_url), log_path(campaign))
}

/// The key every log of this Tomar signs its checkpoints with, named `<public host>/log`
/// and drawn from the server's secret.
pub fn signing_key(public_url: &str, secret: &Secret) -> SigningKey {
    let name = format!("{}/log", public_host(public_url));
    SigningKey::from_seed(&name, &secret.log_key_seed())
        .or_else(|| SigningKey::from_seed("tomar/log", &secret.log_key_seed()))
        .expect("a fixed name without spaces is a valid key name")
}

/// The origin of a campaign's log without its host (`log/<id>`): the checkpoint's origin
/// is the public host followed by it. Commitments bind this part, so that moving Tomar to
/// another host leaves every receipt valid.
pub fn log_path(campaign: CampaignId) -> String {
    format!("log/{campaign}")
}

/// The commitment to a signer's name: SHA-256 over a label, the log, the signature's
/// number, a fresh random salt and the name, each part on its own line. Without the salt
/// nobody can test a guessed name against it; with the salt and the name, anyone can.
pub fn name_commitment(campaign: CampaignId, number: u64, salt: &[u8; 32], name: &str) -> Hash {
    Sha256::new()
        .chain_update(b"tomar name commitment v1\n")
        .chain_update(log_path(campaign).as_bytes())
        .chain_update(format!("\n{number}\n").as_bytes())
        .chain_update(salt)
        .chain_update(b"\n")
        .chain_update(name.as_bytes())
        .finalize()
        .into()
}

impl CampaignText {
    /// The text as the log pins it: one field a line, then a blank line and the letter.
    /// Served as `text/<version>.txt`; its SHA-256 is in every signature entry.
    pub fn canonical(&self) -> String {
        let mut text = format!("title: {}\n", self.title);
        for addressee in &self.addressees {
            text.push_str(&format!(
                "to: {} — {}\n",
                addressee.name, addressee.position
            ));
        }
        text.push_str(&format!(
            "on behalf of: {}\nby: {}\nhashtag: {}\n\n{}\n",
            self.on_behalf_of,
            self.author_name,
            self.hashtag,
            self.body.as_ref()
        ));
        text
    }

    pub fn canonical_hash(&self) -> Hash {
        Sha256::digest(self.canonical().as_bytes()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn entries_read_back_as_written_and_nothing_else_reads() {
        let entries = [
            LogEntry::Signature {
                number: 1843,
                minute: at("2026-12-01T16:05:00Z"),
                text_version: 2,
                text_hash: [0xab; 32],
                name: [0x01; 32],
            },
            LogEntry::Withdrawal {
                of: 7,
                minute: at("2026-12-01T16:06:00Z"),
            },
            LogEntry::Invalidation {
                of: 9,
                minute: at("2026-12-01T16:07:00Z"),
                reason: "هجوم از یک شبکه".into(),
            },
            LogEntry::Carried {
                number: 12,
                minute: at("2026-11-30T09:41:00Z"),
                from: CampaignId(3),
                from_number: 4,
                name: [0x02; 32],
            },
            LogEntry::MergedInto {
                into: CampaignId(5),
                minute: at("2026-12-01T16:08:00Z"),
                carried: 0,
            },
        ];
        for entry in entries {
            assert_eq!(LogEntry::parse(&entry.encode()), Some(entry));
        }
        let signature = String::from_utf8(
            LogEntry::Signature {
                number: 3,
                minute: at("2026-12-01T16:05:42Z"),
                text_version: 1,
                text_hash: [0; 32],
                name: [0; 32],
            }
            .encode(),
        )
        .unwrap();
        assert!(
            signature.starts_with("tomar/signature/v1\nnumber 3\ntime 2026-12-01T16:05Z\ntext 1 ")
        );
        for bad in [
            "",
            "tomar/signature/v1\nnumber 0\n",
            "tomar/withdrawal/v1\nof 7\ntime 2026-12-01T16:06Z\nextra 1\n",
            "tomar/withdrawal/v1\nof 07\ntime 2026-12-01T16:06Z\n",
            "tomar/other/v1\nof 7\n",
            "tomar/merged/v1\ninto 0\ntime 2026-12-01T16:08Z\ncarried 1\n",
            "tomar/merged/v1\ninto 5\ntime 2026-12-01T16:08Z\ncarried -1\n",
            "tomar/carried/v1\nnumber 1\ntime 2026-12-01T16:08Z\nfrom 3\nname 00\n",
        ] {
            assert_eq!(LogEntry::parse(bad.as_bytes()), None, "{bad:?}");
        }
        let multiline = LogEntry::Invalidation {
            of: 1,
            minute: at("2026-12-01T16:07:00Z"),
            reason: "a\nb".into(),
        };
        assert!(
            String::from_utf8(multiline.encode())
                .unwrap()
                .ends_with("reason ab\n")
        );
    }

    #[test]
    fn the_log_is_named_after_the_public_host() {
        assert_eq!(public_host("https://tomar.example/"), "tomar.example");
        assert_eq!(public_host("http://127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(
            origin("https://tomar.example", CampaignId(7)),
            "tomar.example/log/7"
        );
        let secret = Secret::new([7u8; 64].to_vec()).unwrap();
        let key = signing_key("https://tomar.example", &secret).verifier_key();
        assert!(key.starts_with("tomar.example/log+"), "{key}");
        assert_eq!(
            key,
            signing_key("https://tomar.example", &secret).verifier_key()
        );
    }

    #[test]
    fn a_name_commitment_opens_only_with_its_salt_name_and_place() {
        let campaign = CampaignId(7);
        let commitment = name_commitment(campaign, 12, &[5; 32], "نگار امینی");
        assert_eq!(
            commitment,
            name_commitment(campaign, 12, &[5; 32], "نگار امینی")
        );
        assert_ne!(
            commitment,
            name_commitment(campaign, 12, &[6; 32], "نگار امینی")
        );
        assert_ne!(
            commitment,
            name_commitment(campaign, 13, &[5; 32], "نگار امینی")
        );
        assert_ne!(
            commitment,
            name_commitment(CampaignId(8), 12, &[5; 32], "نگار امینی")
        );
        assert_ne!(commitment, name_commitment(campaign, 12, &[5; 32], "نگار"));
    }
}
