//! Dates as Iranians read them: Iran time, Solar Hijri months, Persian digits; and the same
//! instants in Gregorian for English readers. Storage is UTC; this module is the only place
//! that turns an instant into a calendar day.

use icu::calendar::Date as IcuDate;
use icu::datetime::DateTimeFormatter;
use icu::datetime::fieldsets::YMD;
use icu::locale::locale;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use std::sync::OnceLock;

use crate::language::Language;

/// The platform's time zone: campaign days start and end at midnight in Tehran.
pub fn iran() -> &'static TimeZone {
    static IRAN: OnceLock<TimeZone> = OnceLock::new();
    IRAN.get_or_init(|| {
        // The zone database is compiled in (jiff's bundled tzdb), so this cannot miss.
        TimeZone::get("Asia/Tehran").expect("bundled tz database has Asia/Tehran")
    })
}

/// The calendar day in Iran at the instant `now`.
pub fn iran_date(now: Timestamp) -> Date {
    now.to_zoned_datetime(iran().clone()).date()
}

/// The first instant after the Iran day `date` is over (midnight that starts the next day).
pub fn end_of_iran_day(date: Date) -> Timestamp {
    let next = date.checked_add(1.day()).unwrap_or(Date::MAX);
    iran()
        .to_ambiguous_zoned_datetime(next.to_datetime(jiff::civil::Time::midnight()))
        .compatible()
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

/// Whole days from `today` until `until`, zero when `until` is today or past.
pub fn days_between(today: Date, until: Date) -> i32 {
    today
        .until(until)
        .map(|span| span.get_days())
        .unwrap_or(0)
        .max(0)
}

fn formatter(language: Language) -> &'static DateTimeFormatter<YMD> {
    static FA: OnceLock<DateTimeFormatter<YMD>> = OnceLock::new();
    static EN: OnceLock<DateTimeFormatter<YMD>> = OnceLock::new();
    // The compiled-in ICU data covers both locales; `fa` brings the Persian calendar and digits.
    match language {
        Language::Fa => FA.get_or_init(|| {
            DateTimeFormatter::try_new(locale!("fa").into(), YMD::long())
                .expect("compiled ICU data has fa dates")
        }),
        Language::En => EN.get_or_init(|| {
            DateTimeFormatter::try_new(locale!("en").into(), YMD::long())
                .expect("compiled ICU data has en dates")
        }),
    }
}

/// A date written out for readers of `language`: `۲۷ خرداد ۱۴۰۳` or `June 16, 2024`.
pub fn format_date(date: Date, language: Language) -> String {
    match IcuDate::try_new_iso(i32::from(date.year()), date.month() as u8, date.day() as u8) {
        Ok(iso) => formatter(language).format(&iso).to_string(),
        // jiff and ICU agree on the proleptic Gregorian range we store; keep a readable
        // fallback rather than a panic if they ever disagree.
        Err(_) => language.digits(&date.to_string()),
    }
}

/// The Iran calendar day of an instant, written out for `language`.
pub fn format_instant(at: Timestamp, language: Language) -> String {
    format_date(iran_date(at), language)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn persian_dates_are_solar_hijri_with_persian_digits() {
        assert_eq!(
            format_date(date(2024, 6, 16), Language::Fa),
            "۲۷ خرداد ۱۴۰۳"
        );
        assert_eq!(format_date(date(2024, 6, 28), Language::Fa), "۸ تیر ۱۴۰۳");
        assert_eq!(
            format_date(date(2024, 3, 20), Language::Fa),
            "۱ فروردین ۱۴۰۳"
        );
    }

    #[test]
    fn english_dates_are_gregorian() {
        assert_eq!(
            format_date(date(2024, 6, 16), Language::En),
            "June 16, 2024"
        );
    }

    #[test]
    fn iran_day_turns_at_tehran_midnight() {
        // 20:29 UTC is 23:59 in Tehran (UTC+3:30); 20:30 UTC is the next day there.
        let before: Timestamp = "2024-06-16T20:29:00Z".parse().unwrap();
        let after: Timestamp = "2024-06-16T20:30:00Z".parse().unwrap();
        assert_eq!(iran_date(before), date(2024, 6, 16));
        assert_eq!(iran_date(after), date(2024, 6, 17));
        assert_eq!(end_of_iran_day(date(2024, 6, 16)), after);
    }

    #[test]
    fn days_left_never_go_negative() {
        assert_eq!(days_between(date(2024, 6, 16), date(2024, 6, 28)), 12);
        assert_eq!(days_between(date(2024, 6, 28), date(2024, 6, 28)), 0);
        assert_eq!(days_between(date(2024, 7, 1), date(2024, 6, 28)), 0);
    }
}
