//! Making a campaign's delivery package as a PDF, for the pages and for
//! `tomar export delivery`: the latest signed checkpoint of its log, then every counted
//! signature in number order, read a page at a time while another thread sets the pages.
//! And the signers' answers to the campaign's questions, opened a page at a time for the
//! spreadsheet.

use std::collections::HashMap;

use jiff::Timestamp;
use tokio::sync::{Semaphore, mpsc};
use tomar_core::campaign::Campaign;
use tomar_core::ids::CampaignId;
use tomar_core::questions::{Answers, Questions};
use tomar_core::secret::Secret;
use tomar_core::signature::Signature;
use tomar_core::tally::Tally;
use tomar_store::{Store, StoreError};

use crate::rules::checkpoints::Checkpoints;
use crate::rules::platform::Platform;
use crate::view::delivery::{CountCheck, PdfPackage, Volume, pdf_links};
use crate::view::i18n::Tr;

/// Signatures read per step.
pub const PAGE: u32 = 1000;

/// What the reader hands the thread that sets the package.
enum Step {
    /// The next signers, in number order.
    Signers(Vec<Signature>),
    /// After the last of them: how many took each choice.
    Answered(Tally),
}

/// A package of a hundred thousand names keeps a core busy for seconds: one is made at a
/// time, so that authors asking at once queue instead of taking every core from the
/// signers.
static ONE_AT_A_TIME: Semaphore = Semaphore::const_new(1);

/// The volumes of `campaign`'s package, as the platform cuts it.
pub async fn volumes(
    store: &Store,
    platform: &Platform,
    campaign: CampaignId,
) -> Result<Vec<Volume>, StoreError> {
    let last = store.last_number(campaign).await?;
    Ok(Volume::all(last, platform.names_per_volume()))
}

/// The links to `campaign`'s package under `base` (see [`pdf_links`]), for the pages that
/// offer it.
pub async fn package_links(
    store: &Store,
    campaign: CampaignId,
    base: &str,
    tr: Tr,
) -> Result<Vec<(String, String)>, StoreError> {
    let platform = Platform::new(store.settings().await?);
    Ok(pdf_links(
        base,
        &volumes(store, &platform, campaign).await?,
        tr,
    ))
}

/// What a package is made of: one volume of a campaign's, in the language of `tr`, as of
/// `made`.
pub struct PackageOf {
    pub campaign: Campaign,
    pub volume: Volume,
    pub tr: Tr,
    pub made: Timestamp,
}

/// One volume of the package of a campaign: its signers, then, in the last volume, how many
/// of all its signers took each choice of its questions (`secret` opens their answers).
/// `progress` hears how many signers are listed after each page of them.
pub async fn pdf_package(
    store: &Store,
    checkpoints: &Checkpoints,
    secret: &Secret,
    of: PackageOf,
    mut progress: impl FnMut(u64) + Send + 'static,
) -> Result<Vec<u8>, StoreError> {
    let PackageOf {
        campaign,
        volume,
        tr,
        made,
    } = of;
    let _turn = ONE_AT_A_TIME
        .acquire()
        .await
        .expect("the package semaphore is never closed");
    let signed = checkpoints.latest(store, campaign.id).await?;
    let log_url = checkpoints.log_url(campaign.id);
    let check = CountCheck {
        site: checkpoints.public_url().to_owned(),
        command: format!(
            "tomar verify count {log_url} --key {}",
            checkpoints.verifier_key()
        ),
        log_url,
        checkpoint: signed.note.to_string(),
    };
    let id = campaign.id;
    let questions = campaign.questions.clone();
    // Two pages in flight: the reader stays one page ahead of the setter, no further.
    let (pages, mut arriving) = mpsc::channel::<Step>(2);
    let setter = tokio::task::spawn_blocking(move || {
        let mut package = PdfPackage::new(&campaign, &volume, tr, &check, made);
        while let Some(step) = arriving.blocking_recv() {
            match step {
                Step::Signers(page) => {
                    package.add(&page);
                    progress(package.listed());
                }
                Step::Answered(tally) => package.answered(&campaign.questions, &tally),
            }
        }
        package.finish()
    });
    let counts_answers = volume.is_last() && !questions.is_empty();
    let mut tally = Tally::of_every_choice(&questions);
    if counts_answers {
        // The last volume counts every signer's answers, those listed before it too.
        let mut after = 0;
        while after + 1 < volume.first {
            let last = (after + u64::from(PAGE)).min(volume.first - 1);
            let answered = answers_between(store, secret, &questions, id, after, last).await?;
            answered.values().for_each(|answers| tally.add(answers));
            after = last;
        }
    }
    let mut after = volume.first - 1;
    loop {
        let mut page = store.signatures_in_order(id, after, PAGE).await?;
        let past_the_end = page.len() < PAGE as usize
            || page
                .last()
                .is_some_and(|signature| signature.sequence >= volume.last);
        page.retain(|signature| signature.sequence <= volume.last);
        let last = page.last().map_or(after, |signature| signature.sequence);
        if counts_answers {
            let answered = answers_between(store, secret, &questions, id, after, last).await?;
            answered.values().for_each(|answers| tally.add(answers));
        }
        after = last;
        if pages.send(Step::Signers(page)).await.is_err() || past_the_end {
            break;
        }
    }
    if counts_answers {
        // A closed channel means the setter failed; its failure is told below.
        let _ = pages.send(Step::Answered(tally)).await;
    }
    drop(pages);
    match setter.await {
        Ok(pdf) => Ok(pdf),
        Err(failed) => std::panic::resume_unwind(failed.into_panic()),
    }
}

/// The answers of the signers numbered after `after` up to `last`, opened, by number: what
/// the spreadsheet lists beside a page of signatures. Nothing is read for a campaign that
/// asks nothing. A page of answers reaches at least as far as the page of signatures it
/// serves, since only counted signatures have answers to list.
pub async fn answers_between(
    store: &Store,
    secret: &Secret,
    questions: &Questions,
    campaign: CampaignId,
    after: u64,
    last: u64,
) -> Result<HashMap<u64, Answers>, StoreError> {
    if questions.is_empty() || last <= after {
        return Ok(HashMap::new());
    }
    let sealed = store.sealed_answers_in_order(campaign, after, PAGE).await?;
    let opened = sealed
        .into_iter()
        .filter(|(number, _)| *number <= last)
        .filter_map(|(number, sealed)| {
            let answers = Answers::unseal(secret, &sealed);
            if answers.is_none() {
                // Sealed under another key, or damaged: the signature is still listed.
                tracing::warn!(%campaign, number, "answers that do not open");
            }
            answers.map(|answers| (number, answers))
        })
        .collect();
    Ok(opened)
}
