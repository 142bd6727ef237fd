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

/// Applies `step` as `actor`, with an optional note, sending `news` (what someone hears of
/// the move) with it, in the same transaction; a move the campaign's state does not allow,
/// or one that lost a race, is a conflict and sends nothing.
pub async fn apply(
    state: &AppState,
    mut campaign: Campaign,
    actor: Actor,
    step: Transition,
    note: Option<String>,
    news: &[OutboundMessage],
) -> Result<(), WebError> {
    let before = campaign.lifecycle.clone();
    let event = campaign
        .apply(step, actor, note, Timestamp::now())
        .map_err(|_| WebError::Store(StoreError::Conflict))?;
    state
        .store
        .save_transition(&campaign, &before, &event, news)
        .await?;
    if !news.is_empty() {
        state.outbox.notify_one();
    }
    Ok(())
}

/// A message to a campaign's author, in the platform's language, Persian, to the contact
/// they logged in with: the translation `key` with the campaign's `{title}` and these
/// `values`. None for a campaign without an author who can be reached.
pub async fn to_the_author(
    state: &AppState,
    campaign: &Campaign,
    key: &str,
    values: &[(&str, &str)],
) -> Result<Vec<OutboundMessage>, WebError> {
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
    let tr = Tr::new(Language::Fa);
    let title = campaign.text.title.as_ref();
    let mut values = values.to_vec();
    values.push(("title", title));
    Ok(contact
        .map(|contact| OutboundMessage {
            route: contact.channel().into(),
            recipient: contact.as_ref().to_owned(),
            subject: tr.with("authoring.decision_subject", &[("title", title)]),
            body: tr.with(key, &values),
        })
        .into_iter()
        .collect())
}
