//! Members: logins, roles, sessions, and what they started and signed.

use tomar_core::campaign::NewCampaign;
use tomar_core::contact::Contact;
use tomar_core::ids::MemberId;
use tomar_core::lifecycle::Lifecycle;
use tomar_core::member::Role;
use tomar_core::names::PersonName;
use tomar_core::signature::{ConfirmedSignature, SignatureStatus};
use tomar_store::{SignatureOwner, Store, StoreError};

use crate::{
    campaign_now, comment, contact_key, login_verification, new_campaign, now, published,
    queue_code, sign, signed_by, signer, verification_id,
};

conformance!(
    members_register_on_first_login_and_keep_their_role,
    sessions_end_and_names_change,
    a_members_signatures_campaigns_and_comments_are_listed,
);

async fn members_register_on_first_login_and_keep_their_role(store: Store) {
    let key = contact_key(&Contact::parse("09121234567").unwrap());
    for id in ["login-1", "login-2"] {
        queue_code(&store, login_verification(id, "09121234567"), "x").await;
    }
    let first = store
        .log_in(&verification_id("login-1"), &key, "sealed-1", now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.role, first.session_epoch), (Role::Member, 0));
    assert_eq!(first.sealed_contact.as_deref(), Some("sealed-1"));
    assert!(first.display_name.is_none());
    // A used login cannot be replayed.
    assert!(
        store
            .log_in(&verification_id("login-1"), &key, "sealed-1", now())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .log_in(&verification_id("no-such"), &key, "sealed-1", now())
            .await
            .unwrap()
            .is_none()
    );

    let moderator = store
        .grant_role(&key, "sealed-2", Role::Moderator, now())
        .await
        .unwrap();
    assert_eq!((moderator.id, moderator.role), (first.id, Role::Moderator));
    let again = store
        .log_in(&verification_id("login-2"), &key, "sealed-3", now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.role), (first.id, Role::Moderator));

    let other_key = contact_key(&Contact::parse("sara@example.org").unwrap());
    let admin = store
        .grant_role(&other_key, "sealed-4", Role::Admin, now())
        .await
        .unwrap();
    assert_ne!(admin.id, first.id);
    let staff: Vec<_> = store.staff().await.unwrap().iter().map(|m| m.id).collect();
    assert_eq!(staff, [admin.id, first.id]);
    store.set_role(first.id, Role::Member).await.unwrap();
    assert_eq!(store.staff().await.unwrap().len(), 1);
    assert!(matches!(
        store.set_role(MemberId(999_999), Role::Admin).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn sessions_end_and_names_change(store: Store) {
    let key = contact_key(&Contact::parse("09121234567").unwrap());
    let member = store
        .grant_role(&key, "s", Role::Member, now())
        .await
        .unwrap();
    store.end_sessions(member.id).await.unwrap();
    store.end_sessions(member.id).await.unwrap();
    let name = PersonName::parse("مریم <b>رضایی</b>").unwrap();
    store.set_display_name(member.id, &name).await.unwrap();
    let stored = store.member(member.id).await.unwrap().unwrap();
    assert_eq!(stored.session_epoch, 2);
    assert_eq!(stored.display_name, Some(name));
    assert!(store.member(MemberId(999_999)).await.unwrap().is_none());
}

async fn a_members_signatures_campaigns_and_comments_are_listed(store: Store) {
    let first = published(&store, "یکم", 10).await;
    let second = published(&store, "دوم", 10).await;
    // Signed in one step while logged in: no withdrawal link, the member withdraws from /me.
    let me = ConfirmedSignature {
        sealed_answers: None,
        withdraw_key: None,
        ..signer(7)
    };
    let member = store
        .grant_role(&me.contact_key, "s", Role::Member, now())
        .await
        .unwrap();
    sign(&store, first, &[me.clone(), signer(1)]).await.unwrap();
    sign(&store, second, std::slice::from_ref(&me))
        .await
        .unwrap();
    assert_eq!(signed_by(&store, &me).await, [second, first]);

    let mine = store
        .signature_by_signer(first, &me.contact_key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (mine.sequence, mine.status),
        (1, SignatureStatus::Confirmed)
    );
    assert!(
        store
            .signature_by_signer(first, &signer(99).contact_key)
            .await
            .unwrap()
            .is_none()
    );
    let owner = SignatureOwner::Signer(first, &me.contact_key);
    assert_eq!(
        store.withdraw_signature(&owner, now()).await.unwrap(),
        Some(first)
    );
    assert_eq!(store.withdraw_signature(&owner, now()).await.unwrap(), None);
    let campaign = campaign_now(&store, first).await;
    assert_eq!(campaign.signature_count, 1);
    assert_eq!(signed_by(&store, &me).await, [second]);
    let withdrawn = store
        .signature_by_signer(first, &me.contact_key)
        .await
        .unwrap();
    assert_eq!(withdrawn.unwrap().status, SignatureStatus::Withdrawn);

    let draft = store
        .create_campaign(
            &NewCampaign {
                author_id: Some(member.id),
                ..new_campaign("پیش‌نویس من", None, 10)
            },
            now(),
        )
        .await
        .unwrap();
    let mine = store.campaigns_by_author(member.id).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].id, &mine[0].lifecycle), (draft, &Lifecycle::Draft));

    let mut written = comment(second, None, Some("مریم"), "نظر من");
    written.author_id = Some(member.id);
    let comment_id = store.add_comment(&written).await.unwrap();
    store
        .add_comment(&comment(second, None, None, "نظر دیگری"))
        .await
        .unwrap();
    let comments = store.comments_by_author(member.id).await.unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].id, comment_id);
}
