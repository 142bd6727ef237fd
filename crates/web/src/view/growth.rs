//! The growth chart: how a campaign's count climbed, day by Iran day, drawn as an SVG on the
//! server (no script), with a title, a description and a table for screen readers. A sudden
//! vertical step is how a flood of fake signatures shows, so moderators see it too.

use tomar_core::Date;
use tomar_core::calendar::iran_date;
use tomar_store::BucketCount;

use super::i18n::Tr;

/// The drawing's size, in its own units; it scales to the width of its box.
const WIDTH: u64 = 320;
const HEIGHT: u64 = 120;
/// Room left around the line, for its stroke and the labels under it.
const PAD: u64 = 8;
const LABELS: u64 = 18;

/// One Iran day of the chart's table.
pub struct GrowthDay {
    pub date: String,
    pub new: String,
    pub total: String,
}

pub struct GrowthChart {
    pub title: String,
    pub desc: String,
    pub view_box: String,
    /// The line's points, `x,y` pairs; and the same closed along the bottom, for the fill.
    pub line: String,
    pub area: String,
    /// Where the labels stand (in the drawing's units) and what they say.
    pub label_y: u64,
    pub right_x: u64,
    pub first_date: String,
    /// None when every signature came on the first day: one date says it.
    pub last_date: Option<String>,
    pub days: Vec<GrowthDay>,
}

impl GrowthChart {
    /// The chart of a campaign's counts by Iran day, as the store sums them.
    pub fn of_days(days: &[BucketCount], tr: Tr) -> Option<GrowthChart> {
        let days: Vec<(Date, u64)> = days
            .iter()
            .map(|day| (iran_date(day.start), day.count))
            .collect();
        GrowthChart::new(&days, tr)
    }

    /// The chart of `days` (Iran days with their new signatures, oldest first); `None` when
    /// there is nothing to draw.
    pub fn new(days: &[(Date, u64)], tr: Tr) -> Option<GrowthChart> {
        let (first, last) = (days.first()?.0, days.last()?.0);
        let totals: Vec<u64> = days
            .iter()
            .scan(0, |total, (_, new)| {
                *total += new;
                Some(*total)
            })
            .collect();
        let top = totals.last().copied().unwrap_or(0).max(1);
        let span = u64::try_from(days.len().saturating_sub(1))
            .unwrap_or(1)
            .max(1);
        let bottom = HEIGHT - LABELS;
        let usable = bottom - PAD;
        let point = |index: usize, total: u64| {
            let x = PAD + (WIDTH - 2 * PAD) * index as u64 / span;
            let y = bottom - usable * total / top;
            (x, y)
        };
        let mut points: Vec<(u64, u64)> = totals
            .iter()
            .enumerate()
            .map(|(index, total)| point(index, *total))
            .collect();
        if points.len() == 1 {
            // One day: a level line across the width.
            points.push((WIDTH - PAD, points[0].1));
        }
        let line = points
            .iter()
            .map(|(x, y)| format!("{x},{y}"))
            .collect::<Vec<_>>()
            .join(" ");
        let (left, right) = (points[0].0, points[points.len() - 1].0);
        let area = format!("{left},{bottom} {line} {right},{bottom}");
        let total = tr.count(totals.last().copied().unwrap_or(0));
        let first_date = tr.date(first);
        let last_date = (last != first).then(|| tr.date(last));
        let desc = match &last_date {
            Some(last_date) => tr.with(
                "growth.desc",
                &[
                    ("first", &first_date),
                    ("last", last_date),
                    ("count", &total),
                ],
            ),
            None => tr.with(
                "growth.desc_one_day",
                &[("day", &first_date), ("count", &total)],
            ),
        };
        Some(GrowthChart {
            title: tr.t("growth.title"),
            desc,
            view_box: format!("0 0 {WIDTH} {HEIGHT}"),
            line,
            area,
            label_y: HEIGHT - 4,
            right_x: WIDTH - PAD,
            first_date,
            last_date,
            days: days
                .iter()
                .zip(&totals)
                .map(|((date, new), total)| GrowthDay {
                    date: tr.date(*date),
                    new: tr.count(*new),
                    total: tr.count(*total),
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tomar_core::language::Language;

    fn day(d: i8) -> Date {
        Date::constant(2024, 6, d)
    }

    #[test]
    fn the_line_climbs_from_the_first_day_to_the_total_on_the_last() {
        let tr = Tr::new(Language::En);
        let chart = GrowthChart::new(&[(day(1), 10), (day(2), 0), (day(3), 30)], tr).unwrap();
        // x from the left pad to the right one; y from a quarter of the way up to the top.
        assert_eq!(chart.line, "8,79 160,79 312,8");
        assert_eq!(chart.area, "8,102 8,79 160,79 312,8 312,102");
        let totals: Vec<&str> = chart.days.iter().map(|d| d.total.as_str()).collect();
        assert_eq!(totals, ["10", "10", "40"]);
        assert!(chart.desc.contains("40"), "{}", chart.desc);
        assert_eq!(chart.last_date.as_deref(), Some("June 3, 2024"));
    }

    #[test]
    fn one_day_is_a_level_line_and_none_is_no_chart() {
        let tr = Tr::new(Language::Fa);
        let chart = GrowthChart::new(&[(day(1), 5)], tr).unwrap();
        assert_eq!(chart.line, "8,8 312,8");
        assert_eq!(chart.days[0].total, "۵");
        assert_eq!(chart.last_date, None, "one date under the line");
        assert!(!chart.desc.contains(" تا "), "{}", chart.desc);
        assert!(GrowthChart::new(&[], tr).is_none());
    }
}
