//! The count under a campaign's title, with the goal bar and the way to the sign form: what
//! a visitor sees first, and what `live.js` ticks as signatures arrive. Without the script
//! it shows the count the page was rendered with.

use tomar_core::campaign::Campaign;

use crate::view::i18n::Tr;

pub struct Tally {
    /// The words around the number, split where the number stands.
    pub before: String,
    pub count: String,
    pub after: String,
    /// The count against the goal, for the bar: `(value, max)`.
    pub goal: Option<(u64, u64)>,
    /// Where the event stream of the count is.
    pub events: String,
}

impl Tally {
    pub fn new(campaign: &Campaign, tr: Tr) -> Tally {
        let count = campaign.signature_count;
        let goal = campaign.signature_goal.map(u64::from);
        let sentence = match goal {
            Some(goal) => tr.with("campaign.tally_of_goal", &[("goal", &tr.count(goal))]),
            None => tr.t("campaign.tally"),
        };
        let (before, after) = sentence
            .split_once("{count}")
            .map(|(before, after)| (before.to_owned(), after.to_owned()))
            .unwrap_or((String::new(), sentence.clone()));
        Tally {
            before,
            count: tr.count(count),
            after,
            goal: goal.map(|goal| (count.min(goal), goal)),
            events: format!("/api/v1/campaigns/{}/events", campaign.id),
        }
    }
}
