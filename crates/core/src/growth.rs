//! A campaign's growth as people read it: its counts by Iran clock hour (as the store keeps
//! them) or summed by Iran calendar day, the days campaigns start and end on.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::calendar::iran_date;
use crate::named::named_enum;

named_enum! {
    /// How finely the growth is told.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    pub enum Bucket {
        #[default]
        Hour = "hour",
        Day = "day",
    }
}

/// Sums counts by Iran clock hour, oldest first, into counts by Iran calendar day, oldest
/// first. An Iran hour never straddles two days, so each hour lands in one.
pub fn by_iran_day(hours: impl IntoIterator<Item = (Timestamp, u64)>) -> Vec<(Date, u64)> {
    let mut days: Vec<(Date, u64)> = Vec::new();
    for (start, count) in hours {
        let day = iran_date(start);
        match days.last_mut() {
            Some((last, total)) if *last == day => *total += count,
            _ => days.push((day, count)),
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn hours_sum_into_iran_days_that_turn_at_tehran_midnight() {
        let hours = [
            (at("2024-06-16T19:30:00Z"), 3), // 23:00 in Tehran, the 16th
            (at("2024-06-16T20:30:00Z"), 5), // midnight: the 17th
            (at("2024-06-17T10:30:00Z"), 2),
            (at("2024-06-19T08:30:00Z"), 1),
        ];
        assert_eq!(
            by_iran_day(hours),
            [
                (Date::constant(2024, 6, 16), 3),
                (Date::constant(2024, 6, 17), 7),
                (Date::constant(2024, 6, 19), 1),
            ]
        );
        assert_eq!(by_iran_day([]), []);
    }
}
