//! Making a campaign's delivery package as a PDF, for the pages and for
//! `tomar export delivery`: the latest signed checkpoint of its log, then every counted
//! signature in number order, read a page at a time while another thread sets the pages.

use jiff::Timestamp;
use tokio::sync::{Semaphore, mpsc};
use tomar_core::campaign::Campaign;
use tomar_core::signature::Signature;
use tomar_store::{Store, StoreError};

use crate::rules::checkpoints::Checkpoints;
use crate::view::delivery::{CountCheck, PdfPackage};
use crate::view::i18n::Tr;

/// Signatures read per step.
pub const PAGE: u32 = 1000;

/// A package of a hundred thousand names keeps a core busy for seconds: one is made at a
/// time, so that authors asking at once queue instead of taking every core from the
/// signers.
static ONE_AT_A_TIME: Semaphore = Semaphore::const_new(1);

/// The package of `campaign` in the language of `tr`, as of `made`. `progress` hears how
/// many signers are listed after each page of them.
pub async fn pdf_package(
    store: &Store,
    checkpoints: &Checkpoints,
    campaign: Campaign,
    tr: Tr,
    made: Timestamp,
    mut progress: impl FnMut(u64) + Send + 'static,
) -> Result<Vec<u8>, StoreError> {
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
    // Two pages in flight: the reader stays one page ahead of the setter, no further.
    let (pages, mut arriving) = mpsc::channel::<Vec<Signature>>(2);
    let setter = tokio::task::spawn_blocking(move || {
        let mut package = PdfPackage::new(&campaign, tr, &check, made);
        while let Some(page) = arriving.blocking_recv() {
            package.add(&page);
            progress(package.listed());
        }
        package.finish()
    });
    let mut after = 0;
    loop {
        let page = store.signatures_in_order(id, after, PAGE).await?;
        let last_page = page.len() < PAGE as usize;
        after = page.last().map_or(after, |signature| signature.sequence);
        if pages.send(page).await.is_err() || last_page {
            break;
        }
    }
    drop(pages);
    match setter.await {
        Ok(pdf) => Ok(pdf),
        Err(failed) => std::panic::resume_unwind(failed.into_panic()),
    }
}
