//! Which campaign a moderator may merge another into: named by its number (in any digits),
//! its address, or its page's URL as copied from the browser; it must be public and not
//! merged itself, and not the campaign being merged.

use serde::Deserialize;
use tomar_core::campaign::Campaign;
use tomar_core::names::CampaignRef;

use crate::error::WebError;
use crate::state::AppState;
use crate::view::i18n::Tr;

/// The moderator's form: the campaign to merge this one into, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    pub into: String,
}

impl MergeForm {
    /// The campaign `from` would be merged into, or the refusal beside the field.
    pub async fn target(
        &self,
        state: &AppState,
        from: &Campaign,
        tr: Tr,
    ) -> Result<Campaign, WebError> {
        let refuse = |key| WebError::invalid_field(tr, "into", key);
        let by = named(&self.into).ok_or_else(|| refuse("merge.no_such_campaign"))?;
        let into = match state.store.campaign(&by).await? {
            Some(into) if into.lifecycle.is_public() => into,
            _ => return Err(refuse("merge.no_such_campaign")),
        };
        if into.id == from.id {
            return Err(refuse("merge.same_campaign"));
        }
        Ok(into)
    }
}

/// The campaign a typed text names: the last segment of its path, without a query or
/// fragment, so a page's URL names its campaign as its address does.
fn named(typed: &str) -> Option<CampaignRef> {
    let address = typed.trim().split(['?', '#']).next()?;
    let segment = address.trim_end_matches('/').rsplit('/').next()?;
    CampaignRef::parse(segment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tomar_core::ids::CampaignId;

    #[test]
    fn a_campaign_is_named_by_its_number_address_or_url() {
        assert_eq!(named("۱۲"), Some(CampaignRef::Id(CampaignId(12))));
        assert_eq!(named(" 12 "), Some(CampaignRef::Id(CampaignId(12))));
        assert_eq!(
            named("https://tomar.example/night-bus/?ref=x#sign"),
            named("night-bus")
        );
        assert!(matches!(named("night-bus"), Some(CampaignRef::Slug(_))));
        for bad in [
            "",
            "   ",
            "https://tomar.example/",
            "<script>",
            "1 OR 1=1",
            "\0",
        ] {
            assert_eq!(named(bad), None, "{bad:?}");
        }
    }
}
