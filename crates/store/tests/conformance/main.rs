//! The store conformance suite: every store behaviour, written once, run against SQLite and
//! against PostgreSQL (when `TOMAR_TEST_POSTGRES_URL` names a server). One module per
//! feature of the store, like `src/`; what they share to set up is here.

use jiff::ToSpan;
use tomar_core::body::LetterBody;
use tomar_core::campaign::{Addressee, Campaign, CampaignKind, CampaignText, NewCampaign};
use tomar_core::comment::NewComment;
use tomar_core::contact::{Channel, Contact, ContactKey};
use tomar_core::ids::{CampaignId, CommentId};
use tomar_core::lifecycle::Transition;
use tomar_core::message::{OutboundMessage, OutboxMessage, Route};
use tomar_core::moderation::Actor;
use tomar_core::names::{CampaignRef, Hashtag, Line, PersonName, Slug};
use tomar_core::secret::Secret;
use tomar_core::signature::WithdrawKey;
use tomar_core::signature::{ConfirmedSignature, SignatureOrigin};
use tomar_core::verification::{NewVerification, Purpose, VerificationId};
use tomar_core::{Date, Timestamp};
use tomar_store::{
    CodeLimits, CodeOutcome, CodeRequest, Confirmation, Confirmed, Store, StoreError, TypedCode,
};

/// Runs each named test, an `async fn(Store)`, once on each backend.
macro_rules! conformance {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $test() { tomar_store::testing::on_sqlite(super::$test).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $test() { tomar_store::testing::on_postgres(super::$test).await })*
        }
    };
}

mod campaigns;
mod discussion;
mod extensions;
mod fraud;
mod hours;
mod images;
mod limits;
mod listing;
mod live;
mod members;
mod merges;
mod moderation;
mod news;
mod outbox;
mod privacy;
mod questions;
mod responses;
mod revisions;
mod search;
mod settings;
mod signature_log;
mod signatures;
mod signing;

/// The secret the tests' contact keys are made under.
fn secret() -> Secret {
    Secret::new(b"the conformance suite's own secret".to_vec()).unwrap()
}

fn contact_key(contact: &Contact) -> ContactKey {
    secret().contact_key(contact)
}

/// A verification id that reads as `name` in the test.
fn verification_id(name: &str) -> VerificationId {
    VerificationId::from_stored(name.to_owned())
}

/// A withdrawal key that reads as `name` in the test.
fn withdraw_key(name: &str) -> WithdrawKey {
    WithdrawKey::from_stored(name.to_owned())
}

fn now() -> Timestamp {
    "2024-06-16T08:00:00Z".parse().unwrap()
}

fn today() -> Date {
    tomar_core::calendar::iran_date(now())
}

fn line(s: &str) -> Line {
    Line::parse(s, 500).unwrap()
}

fn new_campaign(title: &str, slug: Option<&str>, end_in_days: i32) -> NewCampaign {
    NewCampaign {
        slug: slug.map(|s| Slug::parse(s).unwrap()),
        kind: CampaignKind::Request,
        text: CampaignText {
            title: line(title),
            addressees: vec![
                Addressee {
                    name: line("جناب آقای نمونه"),
                    position: line("ریاست محترم اداره"),
                },
                Addressee {
                    name: line("سرکار خانم مثال"),
                    position: line("معاون محترم"),
                },
            ],
            body: LetterBody::parse("بند اول\n\n- نکته یک\n- نکته دو").unwrap(),
            on_behalf_of: line("جمعی از شهروندان"),
            author_name: line("نویسنده آزمایشی"),
            hashtag: Hashtag::parse("#آزمایش").unwrap(),
        },
        category: Some(line("محیط زیست")),
        author_id: None,
        start_date: today().checked_sub(30.days()).unwrap(),
        end_date: today().checked_add(end_in_days.days()).unwrap(),
        signature_goal: Some(1000),
    }
}

/// Creates a campaign and moves it through review to published.
async fn published(store: &Store, title: &str, end_in_days: i32) -> CampaignId {
    let id = store
        .create_campaign(&new_campaign(title, None, end_in_days), now())
        .await
        .unwrap();
    for step in [Transition::Submit, Transition::Approve] {
        transition(store, id, step).await.unwrap();
    }
    id
}

/// The campaign as the store has it now.
async fn campaign_now(store: &Store, id: CampaignId) -> Campaign {
    store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap()
}

async fn transition(store: &Store, id: CampaignId, step: Transition) -> Result<(), StoreError> {
    let mut campaign = campaign_now(store, id).await;
    let before = campaign.lifecycle.clone();
    let event = campaign.apply(step, Actor::Platform, None, now()).unwrap();
    store.save_transition(&campaign, &before, &event, &[]).await
}

/// Confirms `batch` directly (no verification).
async fn sign(
    store: &Store,
    campaign: CampaignId,
    batch: &[ConfirmedSignature],
) -> Result<Vec<Confirmed>, StoreError> {
    let batch: Vec<_> = batch.iter().cloned().map(Confirmation::direct).collect();
    store.add_confirmations(campaign, 1, &batch, now()).await
}

/// Withdraws signer `n`'s signature with the link they were sent.
async fn withdraw(store: &Store, n: u32) {
    let key = withdraw_key(&format!("withdraw-{n}"));
    let owner = tomar_store::SignatureOwner::WithdrawKey(&key);
    store
        .withdraw_signature(&owner, now())
        .await
        .unwrap()
        .unwrap();
}

fn signer(n: u32) -> ConfirmedSignature {
    let contact = Contact::parse(&format!("0912{n:07}")).unwrap();
    ConfirmedSignature {
        sealed_answers: None,
        name: PersonName::parse(&format!("امضاکننده {n}")).unwrap(),
        public: !n.is_multiple_of(3),
        wants_updates: false,
        sealed_contact: None,
        contact_key: contact_key(&contact),
        withdraw_key: Some(withdraw_key(&format!("withdraw-{n}"))),
        created_at: now(),
        confirmed_at: now(),
        origin: SignatureOrigin::default(),
    }
}

fn comment(
    campaign: CampaignId,
    parent: Option<CommentId>,
    name: Option<&str>,
    body: &str,
) -> NewComment {
    NewComment {
        campaign_id: campaign,
        parent_id: parent,
        author_id: None,
        name: name.map(|n| PersonName::parse(n).unwrap()),
        body: LetterBody::parse(body).unwrap(),
        client_key: None,
        at: now(),
    }
}

fn new_verification(
    id: &str,
    campaign: CampaignId,
    contact: &str,
    network: &str,
) -> NewVerification {
    NewVerification {
        sealed_answers: None,
        id: verification_id(id),
        purpose: Purpose::Sign,
        campaign_id: Some(campaign),
        contact_key: contact_key(&Contact::parse(contact).unwrap()),
        channel: Channel::Sms,
        code_hash: format!("hash-of-{id}"),
        name: Some(PersonName::parse("سارا نیک‌نام").unwrap()),
        public: false,
        wants_updates: true,
        sealed_contact: Some(format!("sealed-{contact}")),
        withdraw_key: withdraw_key(&format!("withdraw-key-{id}")),
        client_key: network.into(),
        email_domain: None,
        destination: Contact::parse(contact).unwrap().masked(),
        at: now(),
    }
}

/// The texts of outbox messages, in order.
fn bodies(messages: &[OutboxMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.message.body.as_str()).collect()
}

fn message(body: &str) -> OutboundMessage {
    OutboundMessage {
        route: Route::Sms,
        recipient: "+989121234567".into(),
        subject: String::new(),
        body: body.into(),
    }
}

/// `signature` confirmed by typing the code whose hash is `code_hash` for verification `id`.
fn typed_for(signature: ConfirmedSignature, id: &str, code_hash: &str) -> Confirmation {
    Confirmation {
        signature,
        code: Some(TypedCode {
            verification_id: verification_id(id),
            code_hash: code_hash.into(),
        }),
    }
}

/// Limits no test reaches unless it means to.
const UNLIMITED: CodeLimits = CodeLimits {
    per_contact: u64::MAX,
    network_busy_after: u64::MAX,
    guesses_busy_after: u64::MAX,
};

/// A code to send for `new`, in a message reading `body`, under no limit a test reaches.
fn code_request(new: NewVerification, body: &str) -> CodeRequest {
    CodeRequest {
        verification: new,
        message: message(body),
        limits: UNLIMITED,
    }
}

/// Stores `new` with its message, which must be queued; answers the queued message.
async fn queue_code(store: &Store, new: NewVerification, body: &str) -> OutboxMessage {
    match store
        .create_verification(&code_request(new, body))
        .await
        .unwrap()
    {
        CodeOutcome::Queued(message) => message,
        refused => panic!("refused under no limit: {refused:?}"),
    }
}

/// A published campaign titled `title` with one code, `v1` for 09121234567, whose message
/// reads `body`.
async fn campaign_with_a_code(store: &Store, title: &str, body: &str) -> CampaignId {
    let id = published(store, title, 10).await;
    queue_code(
        store,
        new_verification("v1", id, "09121234567", "net"),
        body,
    )
    .await;
    id
}

fn login_verification(id: &str, contact: &str) -> NewVerification {
    NewVerification {
        sealed_answers: None,
        purpose: Purpose::Login,
        campaign_id: None,
        name: None,
        sealed_contact: None,
        ..new_verification(id, CampaignId(0), contact, "net")
    }
}

async fn signed_by(store: &Store, signer: &ConfirmedSignature) -> Vec<CampaignId> {
    let signed = store
        .campaigns_signed_by(&signer.contact_key)
        .await
        .unwrap();
    signed.iter().map(|c| c.id).collect()
}

async fn publish(store: &Store, new: NewCampaign) -> CampaignId {
    let id = store.create_campaign(&new, now()).await.unwrap();
    for step in [Transition::Submit, Transition::Approve] {
        transition(store, id, step).await.unwrap();
    }
    id
}
