//! Dates as Iranians read them: Iran time, Solar Hijri months, Persian digits; and the same
//! instants in Gregorian for English readers. Storage is UTC; this module is the only place
//! that turns an instant into a calendar day.

use icu::calendar::Date as IcuDate;
use icu::calendar::cal::{Iso, Persian};
use icu::datetime::DateTimeFormatter;
use icu::datetime::fieldsets::YMD;
use icu::locale::locale;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use std::sync::OnceLock;

use crate::language::Language;
use crate::names::InputError;
use crate::persian::{ascii_digits, search_key};

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

/// The first instant of the Iran day `date` (its midnight in Tehran).
pub fn start_of_iran_day(date: Date) -> Timestamp {
    iran()
        .to_ambiguous_zoned_datetime(date.to_datetime(jiff::civil::Time::midnight()))
        .compatible()
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

/// The first instant after the Iran day `date` is over (midnight that starts the next day).
pub fn end_of_iran_day(date: Date) -> Timestamp {
    start_of_iran_day(date.checked_add(1.day()).unwrap_or(Date::MAX))
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

/// The Solar Hijri months, as `format_date` writes them and people type them.
const SOLAR_HIJRI_MONTHS: [&str; 12] = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
];

/// `۲۰ بهمن ۱۴۰۵` as year, month and day numbers (as text), if it is written that way.
fn with_month_name(typed: &str) -> Option<[String; 3]> {
    let words: Vec<&str> = typed.split_whitespace().collect();
    let [day, month, year] = words[..] else {
        return None;
    };
    let month = search_key(month);
    let number = SOLAR_HIJRI_MONTHS
        .iter()
        .position(|name| search_key(name) == month)?;
    Some([year.to_owned(), (number + 1).to_string(), day.to_owned()])
}

/// A day as people type it: a Solar Hijri date `۱۴۰۳/۱۲/۳۰` (or with `-` or `.`, in
/// Persian, Arabic-Indic or ASCII digits), the way Tomar writes dates (`۲۰ بهمن ۱۴۰۵`),
/// or a Gregorian `2025-03-20` as a date picker sends it. Years from 1700 on are read as
/// Gregorian; Solar Hijri years are far below.
pub fn parse_day(input: &str) -> Result<Date, InputError> {
    let typed = ascii_digits(input.trim());
    if typed.is_empty() {
        return Err(InputError::Empty);
    }
    let parts: Vec<String> = match with_month_name(&typed) {
        Some(parts) => parts.to_vec(),
        None => typed
            .split(['/', '-', '.'])
            .map(|part| part.trim().to_owned())
            .collect(),
    };
    let [year, month, day] = &parts[..] else {
        return Err(InputError::BadCharacters);
    };
    let number = |s: &str| -> Result<i32, InputError> {
        if s.is_empty() || s.len() > 4 || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(InputError::BadCharacters);
        }
        s.parse().map_err(|_| InputError::BadCharacters)
    };
    let (year, month, day) = (number(year)?, number(month)?, number(day)?);
    let (Ok(month), Ok(day)) = (u8::try_from(month), u8::try_from(day)) else {
        return Err(InputError::BadCharacters);
    };
    if year >= 1700 {
        return Date::new(year as i16, month as i8, day as i8)
            .map_err(|_| InputError::BadCharacters);
    }
    // ICU accepts an out-of-range day by clamping it; a typed Esfand 30 in a common year
    // must be refused, so the date is converted back and compared.
    let persian =
        IcuDate::try_new_persian(year, month, day).map_err(|_| InputError::BadCharacters)?;
    if solar_hijri(&persian) != (year, month, day) {
        return Err(InputError::BadCharacters);
    }
    let iso = persian.to_calendar(Iso);
    Date::new(
        iso.year().extended_year() as i16,
        iso.month().ordinal as i8,
        iso.day_of_month().0 as i8,
    )
    .map_err(|_| InputError::BadCharacters)
}

fn solar_hijri<C: icu::calendar::AsCalendar>(date: &IcuDate<C>) -> (i32, u8, u8) {
    (
        date.year().extended_year(),
        date.month().ordinal,
        date.day_of_month().0,
    )
}

/// A day as `YYYY/MM/DD` in the Solar Hijri calendar (ASCII digits), the form
/// [`parse_day`] reads back.
pub fn solar_hijri_numeric(date: Date) -> String {
    match IcuDate::try_new_iso(i32::from(date.year()), date.month() as u8, date.day() as u8) {
        Ok(iso) => {
            let (year, month, day) = solar_hijri(&iso.to_calendar(Persian));
            format!("{year}/{month:02}/{day:02}")
        }
        Err(_) => date.to_string(),
    }
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
    fn a_date_written_with_its_month_name_reads_back() {
        assert_eq!(parse_day("۲۰ بهمن ۱۴۰۵"), parse_day("1405/11/20"));
        assert_eq!(
            parse_day("1 فروردين 1403"),
            Ok(date(2024, 3, 20)),
            "Arabic yeh"
        );
        let written = format_date(date(2026, 12, 26), Language::Fa);
        assert_eq!(parse_day(&written), Ok(date(2026, 12, 26)), "{written}");
        for bad in [
            "۲۰ بهمنی ۱۴۰۵",
            "۳۰ اسفند ۱۴۰۳ ۱",
            "بهمن ۱۴۰۵",
            "۳۲ دی ۱۴۰۵",
        ] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
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
        assert_eq!(start_of_iran_day(date(2024, 6, 17)), after);
    }

    #[test]
    fn days_left_never_go_negative() {
        assert_eq!(days_between(date(2024, 6, 16), date(2024, 6, 28)), 12);
        assert_eq!(days_between(date(2024, 6, 28), date(2024, 6, 28)), 0);
        assert_eq!(days_between(date(2024, 7, 1), date(2024, 6, 28)), 0);
    }

    #[test]
    fn solar_hijri_days_are_typed_in_any_digits_and_checked() {
        let nowruz_1404 = date(2025, 3, 21);
        for typed in [
            "1404/01/01",
            "۱۴۰۴/۱/۱",
            "١٤٠٤-٠١-٠١",
            " 1404.1.1 ",
            "2025-03-21",
        ] {
            assert_eq!(parse_day(typed), Ok(nowruz_1404), "{typed}");
        }
        // 1403 is a leap year: Esfand has 30 days. 1402 and 1404 are common years.
        assert_eq!(parse_day("۱۴۰۳/۱۲/۳۰"), Ok(date(2025, 3, 20)));
        assert_eq!(parse_day("1402/12/29"), Ok(date(2024, 3, 19)));
        assert_eq!(parse_day("1402/12/30"), Err(InputError::BadCharacters));
        assert_eq!(parse_day("1404/12/30"), Err(InputError::BadCharacters));
        assert_eq!(parse_day("1404/12/29"), Ok(date(2026, 3, 20)));
        // The first six months have 31 days, the next five 30.
        assert!(parse_day("1404/06/31").is_ok());
        assert!(parse_day("1404/07/31").is_err());
        for bad in [
            "",
            "1404",
            "1404/13/01",
            "1404/00/10",
            "1404/1/0",
            "x/1/1",
            "2025-02-30",
            "1404/1/1/1",
            "-1/1/1",
            "99999/1/1",
        ] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_day(""), Err(InputError::Empty));
    }

    #[test]
    fn days_are_written_back_in_the_form_they_are_typed() {
        for day in [date(2025, 3, 20), date(2024, 6, 16), date(2026, 3, 20)] {
            assert_eq!(parse_day(&solar_hijri_numeric(day)), Ok(day));
        }
        assert_eq!(solar_hijri_numeric(date(2025, 3, 20)), "1403/12/30");
    }
}
