//! Which open campaigns to suggest beside a campaign (its ended banner, "support these
//! campaigns too", the thank-you page): those related to it (the same official hashtag,
//! category or addressee, similar words in the title and hashtag), blended with momentum
//! (signatures in the last day, and in all). Never the campaign itself; when nothing is
//! related, momentum alone orders them, so the most active campaigns come first.

use std::collections::BTreeSet;

use crate::campaign::{Campaign, CampaignSummary};
use crate::ids::CampaignId;
use crate::search::words;

/// An open campaign that may be suggested, with its signatures in the last day.
pub struct Candidate<'a> {
    pub summary: &'a CampaignSummary,
    pub recent_signatures: u64,
}

fn word_set(texts: &[&str]) -> BTreeSet<String> {
    texts
        .iter()
        .flat_map(|t| words(t))
        .filter(|w| w.chars().count() > 2)
        .collect()
}

/// How alike two word sets are: shared words over all words (Jaccard), 0 to 1.
fn similarity(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// `n` scaled into 0..1 against the largest value seen, on a log scale so a surge does
/// not drown everything else.
fn scaled(n: u64, max: u64) -> f64 {
    if max == 0 {
        return 0.0;
    }
    (1.0 + n as f64).ln() / (1.0 + max as f64).ln()
}

/// How related a candidate is to `target`, before momentum.
fn relatedness(
    target: &Campaign,
    target_words: &BTreeSet<String>,
    candidate: &CampaignSummary,
) -> f64 {
    let mut score = 0.0;
    if candidate.hashtag == target.text.hashtag {
        score += 3.0;
    }
    if candidate.category.is_some() && candidate.category == target.category {
        score += 2.0;
    }
    if let Some(addressee) = &candidate.first_addressee
        && target
            .text
            .addressees
            .iter()
            .any(|a| a.name == addressee.name)
    {
        score += 2.0;
    }
    let candidate_words = word_set(&[candidate.title.as_ref(), candidate.hashtag.as_ref()]);
    score + 6.0 * similarity(target_words, &candidate_words)
}

/// Up to `limit` candidates to suggest beside `target`, best first.
pub fn suggest(target: &Campaign, candidates: &[Candidate], limit: usize) -> Vec<CampaignId> {
    let target_words = word_set(&[target.text.title.as_ref(), target.text.hashtag.as_ref()]);
    let max_recent = candidates
        .iter()
        .map(|c| c.recent_signatures)
        .max()
        .unwrap_or(0);
    let max_total = candidates
        .iter()
        .map(|c| c.summary.signature_count)
        .max()
        .unwrap_or(0);
    let mut scored: Vec<(f64, CampaignId)> = candidates
        .iter()
        .filter(|c| c.summary.id != target.id)
        .map(|c| {
            let momentum = scaled(c.recent_signatures, max_recent)
                + 0.5 * scaled(c.summary.signature_count, max_total);
            (
                relatedness(target, &target_words, c.summary) + momentum,
                c.summary.id,
            )
        })
        .collect();
    // Best first; equal scores keep the newer campaign first, so the order is stable.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    scored.into_iter().take(limit).map(|(_, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::LetterBody;
    use crate::campaign::{Addressee, CampaignKind, CampaignText};
    use crate::lifecycle::{Lifecycle, Outcome};
    use crate::names::{Hashtag, Line};
    use jiff::civil::date;

    fn line(s: &str) -> Line {
        Line::parse(s, 200).unwrap()
    }

    fn summary(id: i64, title: &str, hashtag: &str, category: &str, count: u64) -> CampaignSummary {
        CampaignSummary {
            id: CampaignId(id),
            slug: None,
            kind: CampaignKind::Request,
            title: line(title),
            hashtag: Hashtag::parse(hashtag).unwrap(),
            category: Some(line(category)),
            first_addressee: Some(Addressee {
                name: line(&format!("مخاطب {id}")),
                position: line("سمت"),
            }),
            end_date: date(2030, 1, 1),
            lifecycle: Lifecycle::Published,
            outcome: Outcome::None,
            signature_count: count,
            image: None,
            answered_on: None,
        }
    }

    fn target() -> Campaign {
        Campaign {
            id: CampaignId(1),
            slug: None,
            kind: CampaignKind::Request,
            text: CampaignText {
                title: line("نجات رودخانه سپیدرود از پساب"),
                addressees: vec![Addressee {
                    name: line("وزیر نیرو"),
                    position: line("وزارت"),
                }],
                body: LetterBody::parse("متن").unwrap(),
                on_behalf_of: line("اهالی"),
                author_name: line("نویسنده"),
                hashtag: Hashtag::parse("سپیدرود").unwrap(),
            },
            text_version: 1,
            category: Some(line("محیط زیست")),
            author_id: None,
            start_date: date(2024, 1, 1),
            end_date: date(2030, 1, 1),
            signature_goal: None,
            lifecycle: Lifecycle::Published,
            outcome: Outcome::None,
            signature_count: 10,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            published_at: None,
            submitted_at: None,
            image: None,
            delivered_at: None,
            response: None,
            questions: Default::default(),
            extension: None,
            merged_into: None,
        }
    }

    #[test]
    fn related_campaigns_come_before_merely_busy_ones() {
        let itself = summary(
            1,
            "نجات رودخانه سپیدرود از پساب",
            "سپیدرود",
            "محیط زیست",
            10,
        );
        let busy = summary(2, "اتوبوس شبانه", "اتوبوس", "حمل و نقل", 5000);
        let same_tag = summary(3, "پاکسازی ساحل", "سپیدرود", "شهری", 3);
        let same_words = summary(4, "رودخانه سپیدرود خشک شد", "خشکسالی", "کشاورزی", 1);
        let same_category = summary(5, "درختان سروستان", "درختان", "محیط زیست", 2);
        let candidates: Vec<Candidate> = [&itself, &busy, &same_tag, &same_words, &same_category]
            .into_iter()
            .map(|summary| Candidate {
                summary,
                recent_signatures: summary.signature_count / 10,
            })
            .collect();
        let ranked = suggest(&target(), &candidates, 10);
        assert!(
            !ranked.contains(&CampaignId(1)),
            "never the campaign itself"
        );
        assert_eq!(ranked.last(), Some(&CampaignId(2)), "{ranked:?}");
        assert_eq!(ranked[0], CampaignId(3), "the same hashtag weighs most");
        assert_eq!(suggest(&target(), &candidates, 2).len(), 2);
    }

    #[test]
    fn with_nothing_related_the_most_active_come_first() {
        let quiet = summary(7, "کتابخانه", "کتاب", "آموزش", 900);
        let busy_today = summary(8, "اتوبوس", "اتوبوس", "حمل", 100);
        let candidates = [
            Candidate {
                summary: &quiet,
                recent_signatures: 0,
            },
            Candidate {
                summary: &busy_today,
                recent_signatures: 80,
            },
        ];
        assert_eq!(
            suggest(&target(), &candidates, 3),
            [CampaignId(8), CampaignId(7)]
        );
    }
}
