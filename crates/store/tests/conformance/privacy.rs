//! Forgetting signers some days after a campaign ends, on both backends.

use tomar_core::contact::Contact;
use tomar_core::ids::CampaignId;
use tomar_core::signature::{ConfirmedSignature, SignatureOrigin};
use tomar_store::{SignatureChoice, SourceKind, Store};

use crate::{
    campaign_now, contact_key, new_verification, now, published, queue_code, sign, signer, today,
    verification_id, withdraw_key,
};

conformance!(
    an_ended_campaign_forgets_who_signed_and_keeps_its_count_and_shown_names,
    anonymising_from_two_processes_at_once_erases_once,
    codes_that_prove_a_contact_are_forgotten_after_they_expire,
);

/// Signer `n` of the campaign titled `title`, as a news subscriber from network `net-a`
/// and the domain example.org.
fn traced(n: u32, title: &str) -> ConfirmedSignature {
    ConfirmedSignature {
        sealed_answers: None,
        withdraw_key: Some(withdraw_key(&format!("withdraw-{title}-{n}"))),
        wants_updates: true,
        sealed_contact: Some(format!("sealed-{n}")),
        origin: SignatureOrigin {
            network: Some("net-a".into()),
            email_domain: Some("example.org".into()),
            busy_network: false,
        },
        ..signer(n)
    }
}

/// A campaign signed by six traced signers, with one code still on record, whose last
/// day was `days_ago` days before today.
async fn ended(store: &Store, title: &str, days_ago: i64) -> CampaignId {
    let campaign = published(store, title, 10).await;
    let batch: Vec<_> = (1..=6).map(|n| traced(n, title)).collect();
    sign(store, campaign, &batch).await.unwrap();
    let code = format!("code-{}", campaign.0);
    queue_code(
        store,
        new_verification(&code, campaign, "09121234567", "net-a"),
        "کد",
    )
    .await;
    let day = today()
        .checked_sub(jiff::Span::new().days(days_ago))
        .unwrap();
    tomar_store::testing::run_campaign_on(store, campaign, day).await;
    campaign
}

/// Whether anything still ties `campaign`'s signers to them, as the store answers.
async fn traces(store: &Store, campaign: CampaignId) -> Vec<&'static str> {
    let mut found = Vec::new();
    let key = contact_key(&Contact::parse("09120000001").unwrap());
    if store
        .signature_by_signer(campaign, &key)
        .await
        .unwrap()
        .is_some()
    {
        found.push("contact fingerprint");
    }
    if !store
        .sealed_contacts_for_updates(campaign)
        .await
        .unwrap()
        .is_empty()
    {
        found.push("sealed contact");
    }
    // Signer 3 hid their name: their salt is their receipt code.
    if store
        .signature_receipt(campaign, 3)
        .await
        .unwrap()
        .is_some()
    {
        found.push("hidden name's salt");
    }
    let network = SignatureChoice {
        network: Some("net-a".into()),
        ..SignatureChoice::default()
    };
    if store.count_chosen(campaign, &network).await.unwrap() > 0 {
        found.push("network key");
    }
    let domain = SignatureChoice {
        email_domain: Some("example.org".into()),
        ..SignatureChoice::default()
    };
    if store.count_chosen(campaign, &domain).await.unwrap() > 0 {
        found.push("email domain");
    }
    let sources = store
        .busiest_sources(campaign, SourceKind::Network, now(), 10)
        .await
        .unwrap();
    if !sources.is_empty() {
        found.push("counts by source");
    }
    let code = verification_id(&format!("code-{}", campaign.0));
    if store.verification(&code).await.unwrap().is_some() {
        found.push("verification");
    }
    found
}

const ALL: [&str; 7] = [
    "contact fingerprint",
    "sealed contact",
    "hidden name's salt",
    "network key",
    "email domain",
    "counts by source",
    "verification",
];

async fn an_ended_campaign_forgets_who_signed_and_keeps_its_count_and_shown_names(store: Store) {
    let long_ago = ended(&store, "پایان دیرین", 91).await;
    let lately = ended(&store, "پایان تازه", 30).await;
    assert_eq!(traces(&store, long_ago).await, ALL, "all there before");
    let names_before = store.name_openings(long_ago, 0, 256).await.unwrap();
    let log_before = store.log_size(long_ago).await.unwrap();
    let cutoff = today().checked_sub(jiff::Span::new().days(90)).unwrap();

    let done = store
        .anonymise_ended_campaigns(cutoff, now())
        .await
        .unwrap();
    assert_eq!((done.campaigns, done.signatures), (1, 6));
    assert!(
        traces(&store, long_ago).await.is_empty(),
        "{:?}",
        traces(&store, long_ago).await
    );
    assert_eq!(
        traces(&store, lately).await,
        ALL,
        "a campaign ended lately keeps them"
    );

    let campaign = campaign_now(&store, long_ago).await;
    assert_eq!(campaign.signature_count, 6, "the count stays");
    let shown: Vec<String> = store
        .signatures_page(long_ago, None, 10)
        .await
        .unwrap()
        .iter()
        .filter_map(|s| s.public_name().map(ToString::to_string))
        .collect();
    assert_eq!(shown.len(), 4, "the names shown stay: {shown:?}");
    assert_eq!(
        store.name_openings(long_ago, 0, 256).await.unwrap(),
        names_before
    );
    assert!(
        store
            .signature_receipt(long_ago, 1)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.log_size(long_ago).await.unwrap(),
        log_before,
        "the log stays"
    );

    let again = store
        .anonymise_ended_campaigns(cutoff, now())
        .await
        .unwrap();
    assert_eq!(again.campaigns, 0, "each campaign is gone over once");
}

async fn anonymising_from_two_processes_at_once_erases_once(store: Store) {
    let campaigns = [
        ended(&store, "یکم", 100).await,
        ended(&store, "دوم", 120).await,
    ];
    let cutoff = today().checked_sub(jiff::Span::new().days(90)).unwrap();
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.anonymise_ended_campaigns(cutoff, now()).await })
        })
        .collect();
    for run in runs {
        run.await.unwrap().unwrap();
    }
    for campaign in campaigns {
        assert!(traces(&store, campaign).await.is_empty());
        assert_eq!(campaign_now(&store, campaign).await.signature_count, 6);
    }
    let left = store
        .anonymise_ended_campaigns(cutoff, now())
        .await
        .unwrap();
    assert_eq!(left.campaigns, 0);
}

async fn codes_that_prove_a_contact_are_forgotten_after_they_expire(store: Store) {
    let campaign = published(&store, "کدها", 10).await;
    let login = |id: &str| tomar_core::verification::NewVerification {
        sealed_answers: None,
        purpose: tomar_core::verification::Purpose::Login,
        campaign_id: None,
        ..new_verification(id, campaign, "09121234567", "net-a")
    };
    queue_code(&store, login("login-1"), "کد").await;
    queue_code(
        &store,
        new_verification("sign-1", campaign, "09121234568", "net-a"),
        "کد",
    )
    .await;
    let expires_at = store
        .verification(&verification_id("login-1"))
        .await
        .unwrap()
        .unwrap()
        .expires_at;
    assert_eq!(
        store.forget_contact_codes(expires_at).await.unwrap(),
        0,
        "not before it expires"
    );
    let later = expires_at
        .checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap();
    assert_eq!(store.forget_contact_codes(later).await.unwrap(), 1);
    assert!(
        store
            .verification(&verification_id("login-1"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .verification(&verification_id("sign-1"))
            .await
            .unwrap()
            .is_some(),
        "a signature's verification stays with its campaign"
    );
}
