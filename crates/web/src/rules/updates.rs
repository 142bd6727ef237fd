//! Updates on a campaign, by its author or the platform: stored, shown on the campaign page
//! as a timeline, and sent through the outbox, in the same transaction, to every signer
//! who asked for news of the campaign.

use jiff::Timestamp;
use tomar_core::body::LetterBody;
use tomar_core::campaign::{Campaign, CampaignText};
use tomar_core::contact::Contact;
use tomar_core::language::Language;
use tomar_core::message::OutboundMessage;
use tomar_core::names::Line;
use tomar_core::update::{NewUpdate, UpdateAuthor};

use crate::error::WebError;
use crate::state::AppState;
use crate::view::i18n::Tr;

/// Posts an update typed as `title` and `body`; refused fields come back as `Invalid`.
pub async fn post_update(
    state: &AppState,
    campaign: &Campaign,
    author: UpdateAuthor,
    title: &str,
    body: &str,
    tr: Tr,
) -> Result<(), WebError> {
    let (title, body) = match (
        Line::parse(title, CampaignText::LINE_MAX),
        LetterBody::parse(body),
    ) {
        (Ok(title), Ok(body)) => (title, body),
        (title, body) => {
            let mut fields = Vec::new();
            if let Err(error) = title {
                fields.push(("title", tr.t(error.key())));
            }
            if let Err(error) = body {
                fields.push(("body", tr.t(error.key())));
            }
            return Err(WebError::Invalid {
                detail: tr.t("updates.invalid"),
                fields,
            });
        }
    };
    let messages = news_for_signers(state, campaign, &title, &body).await?;
    let update = NewUpdate {
        campaign_id: campaign.id,
        author,
        title,
        body,
        at: Timestamp::now(),
    };
    state.store.add_update(&update, &messages).await?;
    state.outbox.notify_one();
    Ok(())
}

/// One message per signer who asked for news. Signers chose no language when they signed,
/// so the news goes out in the platform's, Persian.
async fn news_for_signers(
    state: &AppState,
    campaign: &Campaign,
    title: &Line,
    body: &LetterBody,
) -> Result<Vec<OutboundMessage>, WebError> {
    let tr = Tr::new(Language::Fa);
    let sealed = state.store.sealed_contacts_for_updates(campaign.id).await?;
    let campaign_title = campaign.text.title.as_ref();
    let link = format!("{}/{}", state.public_url, campaign.id);
    let text = tr.with(
        "updates.message",
        &[
            ("campaign", campaign_title),
            ("title", title.as_ref()),
            ("body", body.as_ref()),
            ("link", &link),
        ],
    );
    let subject = tr.with("updates.subject", &[("campaign", campaign_title)]);
    Ok(sealed
        .iter()
        // A contact that no longer opens (sealed under an older secret) is skipped.
        .filter_map(|sealed| state.secret.open(sealed))
        .filter_map(|plain| Contact::parse(&plain).ok())
        .map(|contact| OutboundMessage {
            route: contact.channel().into(),
            recipient: contact.as_ref().to_owned(),
            subject: subject.clone(),
            body: text.clone(),
        })
        .collect())
}
