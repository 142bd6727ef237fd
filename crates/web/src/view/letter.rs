//! A campaign's letter as it reads: the author's preview, and the moderators' view of a
//! campaign or of a revised text waiting for review.

use tomar_core::Date;
use tomar_core::body::Block;
use tomar_core::campaign::{CampaignKind, CampaignText};

use crate::view::i18n::Tr;

/// The letter as it will read, for the server-side preview.
pub struct Preview {
    pub kind: String,
    pub title: String,
    pub addressees: Vec<(String, String)>,
    /// «بسمه تعالی» and its kin, above the addressees, exactly as the published page.
    pub invocation: Option<String>,
    pub blocks: Vec<Block>,
    pub on_behalf_of: String,
    pub author_name: String,
    pub hashtag: String,
    /// The end date as the page's language writes dates, as on the published page.
    pub end_date: String,
}

impl Preview {
    pub fn of(kind: CampaignKind, text: &CampaignText, end: Date, tr: Tr) -> Preview {
        let (invocation, blocks) = text.body.opening();
        Preview {
            kind: tr.t(&format!("kind.{}", kind.name())),
            title: text.title.to_string(),
            addressees: text.addressee_lines(),
            invocation,
            blocks,
            on_behalf_of: text.on_behalf_of.to_string(),
            author_name: text.author_name.to_string(),
            hashtag: text.hashtag.to_string(),
            end_date: tr.date(end),
        }
    }
}
