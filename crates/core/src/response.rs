//! An addressee's answer to a delivered campaign, as a moderator records it (the day they
//! answered, what they said in brief, where the official text is), and the record the
//! platform keeps of who answers: per addressee, campaigns delivered, answered, and the
//! median days it took.

use std::collections::BTreeMap;

use crate::calendar::{days_between, iran_date};
use crate::names::InputError;
use crate::news::NewsUrl;
use crate::persian::clean_text;
use crate::{Date, Timestamp};

/// What the addressee said, in a moderator's words: plain text, cleaned, at most
/// [`ResponseSummary::MAX`] characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseSummary(String);

impl ResponseSummary {
    pub const MAX: usize = 2000;

    pub fn parse(input: &str) -> Result<ResponseSummary, InputError> {
        let text = clean_text(input);
        let text = text.trim();
        match text.chars().count() {
            0 => Err(InputError::Empty),
            n if n > Self::MAX => Err(InputError::TooLong { max: Self::MAX }),
            _ => Ok(ResponseSummary(text.to_owned())),
        }
    }
}

impl AsRef<str> for ResponseSummary {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ResponseSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An addressee's answer to a campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddresseeResponse {
    /// The day they answered, in Iran.
    pub answered_on: Date,
    pub summary: ResponseSummary,
    /// The official text of the answer, where it was published.
    pub official_url: Option<NewsUrl>,
}

/// One delivered campaign, as the record of answers counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Its first addressee's name, the one the letter is written to.
    pub addressee: String,
    /// The day it was delivered, in Iran.
    pub delivered_on: Date,
    pub answered_on: Option<Date>,
}

impl Delivery {
    /// Days from delivery to `day` (the answer, or today for one still waiting); never
    /// negative.
    pub fn days_until(&self, day: Date) -> u32 {
        whole_days(self.delivered_on, day)
    }
}

/// Whole days from a delivery at `delivered_at` to `day` (Iran calendar days).
pub fn days_since_delivery(delivered_at: Timestamp, day: Date) -> u32 {
    whole_days(iran_date(delivered_at), day)
}

fn whole_days(from: Date, to: Date) -> u32 {
    u32::try_from(days_between(from, to)).unwrap_or(0)
}

/// One addressee's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddresseeRecord {
    pub name: String,
    pub delivered: u64,
    pub answered: u64,
    /// Median days from delivery to answer over the answered ones; `None` before any.
    pub median_days: Option<u32>,
}

/// Each addressee's record over `deliveries`, those with the most delivered first (then by
/// name).
pub fn records_by_addressee(deliveries: &[Delivery]) -> Vec<AddresseeRecord> {
    let mut days_by_name: BTreeMap<&str, (u64, Vec<u32>)> = BTreeMap::new();
    for delivery in deliveries {
        let (delivered, days) = days_by_name.entry(&delivery.addressee).or_default();
        *delivered += 1;
        if let Some(answered_on) = delivery.answered_on {
            days.push(delivery.days_until(answered_on));
        }
    }
    let mut records: Vec<AddresseeRecord> = days_by_name
        .into_iter()
        .map(|(name, (delivered, mut days))| AddresseeRecord {
            name: name.to_owned(),
            delivered,
            answered: days.len() as u64,
            median_days: median(&mut days),
        })
        .collect();
    records.sort_by(|a, b| b.delivered.cmp(&a.delivered).then(a.name.cmp(&b.name)));
    records
}

/// The median, the lower of the middle two for an even count.
fn median(values: &mut [u32]) -> Option<u32> {
    values.sort_unstable();
    let middle = values.len().checked_sub(1)? / 2;
    values.get(middle).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn delivery(addressee: &str, delivered: i8, answered: Option<i8>) -> Delivery {
        Delivery {
            addressee: addressee.to_owned(),
            delivered_on: date(2025, 1, delivered),
            answered_on: answered.map(|day| date(2025, 1, day)),
        }
    }

    #[test]
    fn a_summary_is_cleaned_and_bounded() {
        assert_eq!(ResponseSummary::parse("  \n "), Err(InputError::Empty));
        let long = "ب".repeat(ResponseSummary::MAX + 1);
        assert_eq!(
            ResponseSummary::parse(&long),
            Err(InputError::TooLong {
                max: ResponseSummary::MAX
            })
        );
        let summary = ResponseSummary::parse(" وزارت پاسخ داد\u{0}.\n\nدر دست بررسی ").unwrap();
        assert_eq!(summary.as_ref(), "وزارت پاسخ داد.\n\nدر دست بررسی");
    }

    #[test]
    fn each_addressee_counts_its_deliveries_answers_and_median_days() {
        let deliveries = [
            delivery("وزیر کار", 1, Some(11)),
            delivery("وزیر کار", 2, Some(4)),
            delivery("وزیر کار", 3, None),
            delivery("وزیر کار", 5, Some(25)),
            delivery("شهردار", 1, None),
            delivery("مجلس", 10, Some(9)),
        ];
        let records = records_by_addressee(&deliveries);
        assert_eq!(
            records,
            [
                AddresseeRecord {
                    name: "وزیر کار".into(),
                    delivered: 4,
                    answered: 3,
                    // 10, 2 and 20 days: the middle one.
                    median_days: Some(10),
                },
                AddresseeRecord {
                    name: "شهردار".into(),
                    delivered: 1,
                    answered: 0,
                    median_days: None,
                },
                AddresseeRecord {
                    name: "مجلس".into(),
                    delivered: 1,
                    answered: 1,
                    // Answered (as recorded) before the day it was delivered: none waited.
                    median_days: Some(0),
                },
            ]
        );
    }

    #[test]
    fn the_median_of_an_even_count_is_the_lower_middle() {
        assert_eq!(median(&mut [9, 1, 5, 3]), Some(3));
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
    }
}
