//! Each campaign's public log (`tomar_core::signature_log`): its entries in order, and the
//! hashes of its Merkle tree stored once each (`tomar_core::tlog`). Entries are appended
//! inside the transaction that changes the signatures they record, after the campaign's
//! row is locked, so the log holds exactly what was committed and two appends never race.
//! An append reads only the tree's right edge (at most one hash a level) and writes one
//! row per entry and a couple of hashes per entry, whatever the log's size.

use tomar_core::Timestamp;
use tomar_core::body::LetterBody;
use tomar_core::campaign::CampaignText;
use tomar_core::ids::CampaignId;
use tomar_core::signature_log::{LogEntry, name_commitment, to_the_minute};
use tomar_core::tlog::{self, Fetched, Hash, HashReader, NotFetched};

use crate::rows::{INSERT_CHUNK, hashtag, line};
use crate::signing::Confirmation;
use crate::{StoreError, Tx};

fn to_hash(bytes: Vec<u8>) -> Result<Hash, StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("signature log hash"))
}

/// A hash the tree needs and the table does not hold.
fn missing(_: NotFetched) -> StoreError {
    StoreError::Corrupt("signature log hash")
}

store_methods! {
    /// How many entries the campaign's log has.
    pub async fn log_size(&self, campaign: CampaignId) -> Result<u64, StoreError> {
        let size: Option<i64> = sqlx::query_scalar("SELECT log_size FROM campaigns WHERE id = $1")
            .bind(campaign.0)
            .fetch_optional(self.reader())
            .await?;
        size.map(|s| s as u64).ok_or(StoreError::NotFound("campaign"))
    }

    /// Stored hashes of the campaign's tree by index, in the order asked; an error if one
    /// is missing.
    pub async fn log_hashes(
        &self,
        campaign: CampaignId,
        indexes: &[u64],
    ) -> Result<Vec<Hash>, StoreError> {
        let mut fetched = Fetched::default();
        Self::fetch_hashes(self.reader(), campaign, indexes, &mut fetched).await?;
        fetched.read_hashes(indexes).map_err(missing)
    }

    /// Entries `from..from + count` of the campaign's log, in order.
    pub async fn log_entries(
        &self,
        campaign: CampaignId,
        from: u64,
        count: u64,
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT entry FROM signature_log WHERE campaign_id = $1 AND idx >= $2 AND idx < $3 \
             ORDER BY idx",
        )
        .bind(campaign.0)
        .bind(from as i64)
        .bind((from + count) as i64)
        .fetch_all(self.reader())
        .await?)
    }

    /// Where a counted signature's entry is in its campaign's log, and the salt that opens
    /// its name commitment; `None` if the signature does not count now or has no entry
    /// (it was signed before the log, or its salt was erased).
    pub async fn signature_receipt(
        &self,
        campaign: CampaignId,
        number: u64,
    ) -> Result<Option<SignatureReceipt>, StoreError> {
        let row: Option<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT log_index, name_salt FROM signatures WHERE campaign_id = $1 \
             AND sequence = $2 AND status = 'confirmed' AND log_index IS NOT NULL \
             AND name_salt IS NOT NULL",
        )
        .bind(campaign.0)
        .bind(number as i64)
        .fetch_optional(self.reader())
        .await?;
        row.map(|(index, salt)| {
            Ok(SignatureReceipt {
                log_index: index as u64,
                salt: to_hash(salt)?,
            })
        })
        .transpose()
    }

    /// The openings of the shown names among entries `from..from + count` of the log:
    /// each counted signature whose signer chose to show their name, with its salt. Names
    /// hidden, withdrawn or erased are not listed.
    pub async fn name_openings(
        &self,
        campaign: CampaignId,
        from: u64,
        count: u64,
    ) -> Result<Vec<NameOpening>, StoreError> {
        let rows: Vec<(i64, i64, Vec<u8>, String)> = sqlx::query_as(
            "SELECT log_index, sequence, name_salt, name FROM signatures \
             WHERE campaign_id = $1 AND log_index >= $2 AND log_index < $3 \
             AND status = 'confirmed' AND public AND name_salt IS NOT NULL \
             ORDER BY log_index",
        )
        .bind(campaign.0)
        .bind(from as i64)
        .bind((from + count) as i64)
        .fetch_all(self.public_reader())
        .await?;
        rows.into_iter()
            .map(|(index, number, salt, name)| {
                Ok(NameOpening {
                    log_index: index as u64,
                    number: number as u64,
                    salt: to_hash(salt)?,
                    name,
                })
            })
            .collect()
    }

    /// How many counted signatures each text version of the campaign has, by version, as
    /// the log knows its versions (signatures from before the log are not among them).
    pub async fn text_version_counts(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<(u32, u64)>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT version, signatures FROM campaign_texts WHERE campaign_id = $1 \
             ORDER BY version",
        )
        .bind(campaign.0)
        .fetch_all(self.public_reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(version, count)| (version as u32, count.max(0) as u64))
            .collect())
    }

    /// The canonical text of a version the log's signatures refer to.
    pub async fn logged_text(
        &self,
        campaign: CampaignId,
        version: u32,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT canonical FROM campaign_texts WHERE campaign_id = $1 AND version = $2",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .fetch_optional(self.reader())
        .await?)
    }
}

backend_helpers! {
    /// Reads the stored hashes at `indexes` into `into`, from the readers or inside a
    /// transaction; absent ones are left out.
    pub(crate) async fn fetch_hashes<'e, E>(
        executor: E,
        campaign: CampaignId,
        indexes: &[u64],
        into: &mut Fetched,
    ) -> Result<(), StoreError>
    where
        E: sqlx::Executor<'e, Database = crate::Db<Self>>,
    {
        if indexes.is_empty() {
            return Ok(());
        }
        let mut query = sqlx::QueryBuilder::<crate::Db<Self>>::new(
            "SELECT idx, hash FROM signature_log_hashes WHERE campaign_id = ",
        );
        query.push_bind(campaign.0).push(" AND idx IN (");
        let mut list = query.separated(", ");
        for index in indexes {
            list.push_bind(*index as i64);
        }
        query.push(")");
        let rows: Vec<(i64, Vec<u8>)> = query.build_query_as().fetch_all(executor).await?;
        for (index, hash) in rows {
            into.insert(index as u64, to_hash(hash)?);
        }
        Ok(())
    }

    /// Appends `entries` to the campaign's log in the caller's transaction; answers the
    /// index the first of them took (the log's size before).
    pub(crate) async fn append_to_log(
        tx: &mut Tx<'_, Self>,
        campaign: CampaignId,
        entries: &[Vec<u8>],
    ) -> Result<u64, StoreError> {
        if entries.is_empty() {
            return Ok(0);
        }
        // Taking the row's lock: appends to one log wait for each other.
        let grown: i64 = sqlx::query_scalar(
            "UPDATE campaigns SET log_size = log_size + $1 WHERE id = $2 RETURNING log_size",
        )
        .bind(entries.len() as i64)
        .bind(campaign.0)
        .fetch_one(&mut **tx)
        .await?;
        let size = grown as u64 - entries.len() as u64;
        let edge = tlog::right_edge(size);
        let mut known = Fetched::default();
        Self::fetch_hashes(&mut **tx, campaign, &edge, &mut known).await?;
        let mut new_hashes: Vec<(u64, Hash)> = Vec::with_capacity(entries.len() * 2);
        for (offset, entry) in entries.iter().enumerate() {
            let n = size + offset as u64;
            let hashes = tlog::stored_hashes_for_leaf(n, tlog::leaf_hash(entry), &mut known)
                .map_err(missing)?;
            let first = tlog::stored_hash_index(0, n);
            for (i, hash) in hashes.into_iter().enumerate() {
                known.insert(first + i as u64, hash);
                new_hashes.push((first + i as u64, hash));
            }
        }
        let numbered: Vec<(u64, &Vec<u8>)> = entries
            .iter()
            .enumerate()
            .map(|(offset, entry)| (size + offset as u64, entry))
            .collect();
        for chunk in numbered.chunks(INSERT_CHUNK) {
            let mut insert = sqlx::QueryBuilder::<crate::Db<Self>>::new(
                "INSERT INTO signature_log (campaign_id, idx, entry) ",
            );
            insert.push_values(chunk, |mut row, (index, entry)| {
                row.push_bind(campaign.0)
                    .push_bind(*index as i64)
                    .push_bind(entry.as_slice());
            });
            insert.build().execute(&mut **tx).await?;
        }
        for chunk in new_hashes.chunks(INSERT_CHUNK) {
            let mut insert = sqlx::QueryBuilder::<crate::Db<Self>>::new(
                "INSERT INTO signature_log_hashes (campaign_id, idx, hash) ",
            );
            insert.push_values(chunk, |mut row, (index, hash)| {
                row.push_bind(campaign.0)
                    .push_bind(*index as i64)
                    .push_bind(hash.as_slice());
            });
            insert.build().execute(&mut **tx).await?;
        }
        Ok(size)
    }

    /// Appends the entries of a batch's counted signatures, each at the place it was
    /// given, against the text version and hash [`Self::logged_text_hash`] answered;
    /// `log_size` is the log's size the batch read when it took the campaign's lock.
    pub(crate) async fn log_signatures(
        tx: &mut Tx<'_, Self>,
        campaign: CampaignId,
        (logged_version, text_hash): (u32, Hash),
        counted: &[&Numbered<'_>],
        log_size: i64,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut in_order = counted.to_vec();
        in_order.sort_by_key(|signature| signature.log_index);
        let entries: Vec<Vec<u8>> = in_order
            .iter()
            .map(|signature| {
                let number = signature.sequence as u64;
                let name = signature.confirmation.signature.name.as_ref();
                LogEntry::Signature {
                    number,
                    minute: to_the_minute(at),
                    text_version: logged_version,
                    text_hash,
                    name: name_commitment(campaign, number, &signature.salt, name),
                }
                .encode()
            })
            .collect();
        // The places were handed out under the same lock: they must be where the log is.
        match Self::append_to_log(tx, campaign, &entries).await? {
            start if start == log_size as u64 => Ok(()),
            _ => Err(StoreError::Corrupt("signature log size")),
        }
    }

    /// The text version a batch of signatures is logged against and its hash: the
    /// version asked for if the log knows it, else the campaign's current text, recorded
    /// as its current version the first time it is signed (a revision approved a moment
    /// ago makes that the newer one).
    pub(crate) async fn logged_text_hash(
        tx: &mut Tx<'_, Self>,
        campaign: CampaignId,
        version: u32,
    ) -> Result<(u32, Hash), StoreError> {
        let known: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT hash FROM campaign_texts WHERE campaign_id = $1 AND version = $2",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(hash) = known {
            return Ok((version, to_hash(hash)?));
        }
        let row: CurrentText = sqlx::query_as(
            "SELECT text_version, title, body, on_behalf_of, author_name, hashtag, \
             (SELECT string_agg(name || '\u{1f}' || position, '\u{1e}' ORDER BY ordinal) \
              FROM addressees WHERE campaign_id = campaigns.id) AS addressees \
             FROM campaigns WHERE id = $1",
        )
        .bind(campaign.0)
        .fetch_one(&mut **tx)
        .await?;
        let version = u32::try_from(row.text_version)
            .map_err(|_| StoreError::Corrupt("campaign text version"))?;
        let text = row.text()?;
        let hash = text.canonical_hash();
        sqlx::query(
            "INSERT INTO campaign_texts (campaign_id, version, canonical, hash) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (campaign_id, version) DO NOTHING",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .bind(text.canonical())
        .bind(hash.as_slice())
        .execute(&mut **tx)
        .await?;
        Ok((version, hash))
    }
}

/// A signature a batch counts: its confirmation, its number, its place in the log and the
/// salt of its name commitment.
pub(crate) struct Numbered<'a> {
    pub(crate) confirmation: &'a Confirmation,
    pub(crate) sequence: i64,
    pub(crate) log_index: i64,
    pub(crate) salt: [u8; 32],
}

impl<'a> Numbered<'a> {
    /// Gives each numbered confirmation the next of `places` and a fresh salt.
    pub(crate) fn place(
        pending: Vec<(&'a Confirmation, i64)>,
        places: &mut impl Iterator<Item = i64>,
    ) -> Vec<Numbered<'a>> {
        pending
            .into_iter()
            .zip(places)
            .map(|((confirmation, sequence), log_index)| Numbered {
                confirmation,
                sequence,
                log_index,
                salt: name_salt(),
            })
            .collect()
    }
}

/// Where each of `count` new signatures goes in a log of `size` entries: the next
/// places, shuffled, so that within a batch the log's order says nothing of who came first.
pub(crate) fn shuffled_places(size: i64, count: usize) -> std::vec::IntoIter<i64> {
    let mut places: Vec<i64> = (size..size + count as i64).collect();
    for i in (1..places.len()).rev() {
        let j = (u64::from_le_bytes(random_bytes()) % (i as u64 + 1)) as usize;
        places.swap(i, j);
    }
    places.into_iter()
}

/// A fresh random salt for a signer's name commitment.
pub(crate) fn name_salt() -> [u8; 32] {
    random_bytes()
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).expect("the operating system's random generator works");
    bytes
}

/// What a signer's receipt is made from: their entry's place in the log and their salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignatureReceipt {
    pub log_index: u64,
    pub salt: [u8; 32],
}

/// A shown name's opening: the signature entry at `log_index` commits to `name` with
/// `salt`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameOpening {
    pub log_index: u64,
    pub number: u64,
    pub salt: [u8; 32],
    pub name: String,
}

/// A campaign's live text and its version, as the log records it.
#[derive(sqlx::FromRow)]
struct CurrentText {
    text_version: i64,
    title: String,
    body: String,
    on_behalf_of: String,
    author_name: String,
    hashtag: String,
    addressees: Option<String>,
}

impl CurrentText {
    fn text(self) -> Result<CampaignText, StoreError> {
        Ok(CampaignText {
            title: line(self.title, "campaign title")?,
            addressees: crate::campaigns::addressees(self.addressees)?,
            body: LetterBody::parse(&self.body)
                .map_err(|_| StoreError::Corrupt("campaign body"))?,
            on_behalf_of: line(self.on_behalf_of, "campaign on-behalf-of")?,
            author_name: line(self.author_name, "campaign author")?,
            hashtag: hashtag(&self.hashtag)?,
        })
    }
}
