//! A date as typed, Solar Hijri or Gregorian, in any digits: never a panic; a date that
//! parses is written out in both languages, and its Solar Hijri form reads back as it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tomar_core::calendar::{format_date, parse_day, solar_hijri_numeric};
use tomar_core::language::Language;

fuzz_target!(|typed: &str| {
    let Ok(date) = parse_day(typed) else {
        return;
    };
    for language in [Language::Fa, Language::En] {
        assert!(!format_date(date, language).is_empty());
    }
    // Gregorian years from 1700 on are read as Gregorian, so the Solar Hijri form reads
    // back only for the Gregorian years whose Solar Hijri year is below 1700.
    if (1700..=2320).contains(&date.year()) {
        let written = solar_hijri_numeric(date);
        assert_eq!(parse_day(&written), Ok(date), "{written}");
    }
});
