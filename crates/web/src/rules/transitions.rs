//! Moving a campaign through its lifecycle on someone's behalf: the lifecycle decides
//! whether the move is allowed, and the store saves it with its moderation event only if
//! nobody moved the campaign first.

use jiff::Timestamp;
use tomar_core::campaign::Campaign;
use tomar_core::contact::Contact;
use tomar_core::language::Language;
use tomar_core::lifecycle::Transition;
use tomar_core::message::OutboundMessage;
use tomar_core::moderation::Actor;
use tomar_store::StoreError;

use crate::error::WebError;
use crate::state::AppState;
use crate::view::i18n::Tr;

/// Applies `step` as `actor`, with an optional note; a move the campaign's state does not
/// allow, or one that lost a race, is a conflict.
pub async fn apply(
    state: &AppState,
    mut campaign: Campaign,
    actor: Actor,
    step: Transition,
    note: Option<String>,
) -> Result<(), WebError> {
    let before = campaign.lifecycle.clone();
    let news = tell_the_author(state, &campaign, &step).await?;
    let event = campaign
        .apply(step, actor, note, Timestamp::now())
        .map_err(|_| WebError::Store(StoreError::Conflict))?;
    state
        .store
        .save_transition(&campaign, &before, &event, &news)
        .await?;
    if !news.is_empty() {
        state.outbox.notify_one();
    }
    Ok(())
}

/// What the author hears of a moderator's decision: that the campaign is published, with
/// its address, or why it was not, with the way to mend it. In the platform's language,
/// Persian, to the contact the author logged in with; nothing for other moves, or for a
/// campaign without an author who can be reached.
async fn tell_the_author(
    state: &AppState,
    campaign: &Campaign,
    step: &Transition,
) -> Result<Vec<OutboundMessage>, WebError> {
    let tr = Tr::new(Language::Fa);
    let title = campaign.text.title.as_ref();
    let body = match step {
        Transition::Approve => tr.with(
            "authoring.approved_message",
            &[
                ("title", title),
                ("link", &format!("{}/{}", state.public_url, campaign.id)),
            ],
        ),
        Transition::Reject(reason) => {
            let reasons = state.store.rejection_reasons().await?;
            let reason = reasons.iter().find(|r| r.id == *reason);
            let reason = reason.map_or_else(String::new, |r| r.label_fa.to_string());
            tr.with(
                "authoring.rejected_message",
                &[
                    ("title", title),
                    ("reason", &reason),
                    (
                        "link",
                        &format!("{}/me/campaigns/{}", state.public_url, campaign.id),
                    ),
                ],
            )
        }
        _ => return Ok(Vec::new()),
    };
    let Some(author) = campaign.author_id else {
        return Ok(Vec::new());
    };
    let contact = state
        .store
        .member(author)
        .await?
        .and_then(|member| member.sealed_contact)
        .and_then(|sealed| state.secret.open(&sealed))
        .and_then(|plain| Contact::parse(&plain).ok());
    Ok(contact
        .map(|contact| OutboundMessage {
            channel: contact.channel(),
            recipient: contact.as_ref().to_owned(),
            subject: tr.with("authoring.decision_subject", &[("title", title)]),
            body,
        })
        .into_iter()
        .collect())
}
