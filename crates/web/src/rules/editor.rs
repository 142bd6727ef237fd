//! The campaign form: what an author types, read field by field into a `NewCampaign`, with
//! a message beside every field that is refused. Shared by starting a campaign (`/new`)
//! and editing one (`/me/campaigns/{id}`).

use jiff::ToSpan;
use tomar_core::Date;
use tomar_core::body::LetterBody;
use tomar_core::calendar::{parse_day, solar_hijri_numeric};
use tomar_core::campaign::{Addressee, Campaign, CampaignKind, CampaignText, NewCampaign};
use tomar_core::ids::MemberId;
use tomar_core::names::{Hashtag, InputError, Line, Slug};
use tomar_core::persian::ascii_digits;

use crate::error::FieldErrors;
use crate::view::i18n::Tr;

/// At most this many addressees; the form offers one empty row after those typed.
pub const ADDRESSEES_MAX: usize = 5;

/// What the author asked the form to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    Preview,
    Save,
    Submit,
}

/// The form as typed, every field kept so a refused form comes back as it was.
#[derive(Clone, Debug, Default)]
pub struct CampaignFields {
    pub kind: String,
    pub title: String,
    pub addressees: Vec<(String, String)>,
    pub body: String,
    pub on_behalf_of: String,
    pub author_name: String,
    pub hashtag: String,
    pub category: String,
    pub end_date: String,
    pub goal: String,
    pub slug: String,
    pub rules_accepted: bool,
}

/// Longest value kept from any one field, so a hostile form cannot balloon the page.
const FIELD_KEEP: usize = LetterBody::MAX + 100;

impl CampaignFields {
    /// Reads a submitted form's pairs (addressees repeat `addressee_name` and
    /// `addressee_position`); answers the fields and the intent.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> (CampaignFields, Intent) {
        let mut fields = CampaignFields::default();
        let mut intent = Intent::Preview;
        let (mut names, mut positions) = (Vec::new(), Vec::new());
        for (key, value) in pairs {
            let value: String = value.chars().take(FIELD_KEEP).collect();
            match key.as_str() {
                "intent" => {
                    intent = match value.as_str() {
                        "save" => Intent::Save,
                        "submit" => Intent::Submit,
                        _ => Intent::Preview,
                    }
                }
                "kind" => fields.kind = value,
                "title" => fields.title = value,
                "addressee_name" => names.push(value),
                "addressee_position" => positions.push(value),
                "body" => fields.body = value,
                "on_behalf_of" => fields.on_behalf_of = value,
                "author_name" => fields.author_name = value,
                "hashtag" => fields.hashtag = value,
                "category" => fields.category = value,
                "end_date" => fields.end_date = value,
                "goal" => fields.goal = value,
                "slug" => fields.slug = value,
                "rules" => fields.rules_accepted = true,
                _ => {}
            }
        }
        fields.addressees = names
            .into_iter()
            .zip(positions)
            .filter(|(name, position)| !name.trim().is_empty() || !position.trim().is_empty())
            .take(ADDRESSEES_MAX + 1)
            .collect();
        (fields, intent)
    }

    /// The fields of a stored campaign, for editing it.
    pub fn of(campaign: &Campaign) -> CampaignFields {
        CampaignFields {
            kind: campaign.kind.name().to_owned(),
            category: campaign
                .category
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            end_date: solar_hijri_numeric(campaign.end_date),
            goal: campaign
                .signature_goal
                .map(|g| g.to_string())
                .unwrap_or_default(),
            slug: campaign
                .slug
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            rules_accepted: true,
            ..CampaignFields::default()
        }
        .with_text(&campaign.text)
    }

    /// These fields with the text fields replaced by `text`.
    pub fn with_text(self, text: &CampaignText) -> CampaignFields {
        CampaignFields {
            title: text.title.to_string(),
            addressees: text.addressee_lines(),
            body: text.body.as_ref().to_owned(),
            on_behalf_of: text.on_behalf_of.to_string(),
            author_name: text.author_name.to_string(),
            hashtag: text.hashtag.to_string(),
            ..self
        }
    }

    /// The addressee rows to show: those typed, and one empty row while there is room.
    pub fn addressee_rows(&self) -> Vec<(String, String)> {
        let mut rows = self.addressees.clone();
        if rows.len() < ADDRESSEES_MAX {
            rows.push(Default::default());
        }
        rows
    }
}

/// The rules a campaign's dates must keep.
pub struct DateRules {
    /// The Iran day the campaign is written on; it starts then.
    pub today: Date,
    /// The latest end date, in days from today.
    pub max_days: i64,
}

/// Collects the message for every refused field while the form is read.
struct Reader {
    tr: Tr,
    errors: FieldErrors,
}

impl Reader {
    /// The parsed value, or `None` with the field's message recorded.
    fn take<T>(&mut self, field: &'static str, parsed: Result<T, InputError>) -> Option<T> {
        parsed
            .map_err(|error| self.errors.push((field, self.tr.input_error(&error))))
            .ok()
    }

    fn refuse(&mut self, field: &'static str, key: &str, values: &[(&str, &str)]) {
        self.errors.push((field, self.tr.with(key, values)));
    }

    /// What the author wrote: the part of a campaign a text revision replaces.
    fn text(&mut self, fields: &CampaignFields) -> Option<CampaignText> {
        let title = self.take("title", Line::parse(&fields.title, CampaignText::TITLE_MAX));
        let mut addressees = Vec::new();
        for (name, position) in &fields.addressees {
            let name = self.take("addressees", Line::parse(name, CampaignText::LINE_MAX));
            let position = self.take("addressees", Line::parse(position, CampaignText::LINE_MAX));
            if let (Some(name), Some(position)) = (name, position) {
                addressees.push(Addressee { name, position });
            }
        }
        if fields.addressees.is_empty() {
            self.take::<()>("addressees", Err(InputError::Empty));
        }
        if fields.addressees.len() > ADDRESSEES_MAX {
            let max = self.tr.number(ADDRESSEES_MAX as u64);
            self.refuse("addressees", "editor.addressees_max", &[("max", &max)]);
        }
        let body = self.take("body", LetterBody::parse(&fields.body));
        let on_behalf_of = self.take(
            "on_behalf_of",
            Line::parse(&fields.on_behalf_of, CampaignText::LINE_MAX),
        );
        let author_name = self.take(
            "author_name",
            Line::parse(&fields.author_name, CampaignText::LINE_MAX),
        );
        let hashtag = self.take("hashtag", Hashtag::parse(&fields.hashtag));
        Some(CampaignText {
            title: title?,
            addressees,
            body: body?,
            on_behalf_of: on_behalf_of?,
            author_name: author_name?,
            hashtag: hashtag?,
        })
    }

    fn end_date(&mut self, typed: &str, rules: &DateRules) -> Option<Date> {
        let end = match parse_day(typed) {
            Ok(end) => end,
            Err(InputError::Empty) => return self.take("end_date", Err(InputError::Empty)),
            Err(_) => {
                self.refuse("end_date", "editor.end_date_invalid", &[]);
                return None;
            }
        };
        let earliest = rules.today.checked_add(1.day()).unwrap_or(rules.today);
        let latest = rules
            .today
            .checked_add(rules.max_days.days())
            .unwrap_or(rules.today);
        if end < earliest || end > latest {
            let max = self.tr.number(rules.max_days);
            self.refuse("end_date", "editor.end_date_range", &[("max", &max)]);
            return None;
        }
        Some(end)
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, FieldErrors> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(self.errors),
        }
    }
}

/// Reads the fields into a campaign for `author`, or says what is wrong with each field.
/// Accepting the rules is asked for only when the author submits for review.
pub fn parse_campaign(
    fields: &CampaignFields,
    intent: Intent,
    author: MemberId,
    rules: &DateRules,
    tr: Tr,
) -> Result<NewCampaign, FieldErrors> {
    let mut reader = Reader {
        tr,
        errors: FieldErrors::new(),
    };
    let kind = reader.take(
        "kind",
        CampaignKind::from_name(&fields.kind).ok_or(InputError::Empty),
    );
    let text = reader.text(fields);
    let category = reader.take(
        "category",
        optional(&fields.category, |c| Line::parse(c, CampaignText::LINE_MAX)),
    );
    let slug = reader.take("slug", optional(&fields.slug, Slug::parse));
    let goal = reader.take(
        "goal",
        optional(&fields.goal, |g| {
            ascii_digits(g.trim())
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(InputError::BadCharacters)
        }),
    );
    if intent == Intent::Submit && !fields.rules_accepted {
        reader.refuse("rules", "editor.rules_required", &[]);
    }
    let end_date = reader.end_date(&fields.end_date, rules);
    let campaign = (|| {
        Some(NewCampaign {
            slug: slug?,
            kind: kind?,
            text: text?,
            category: category?,
            author_id: Some(author),
            start_date: rules.today,
            end_date: end_date?,
            signature_goal: goal?,
        })
    })();
    reader.finish(campaign)
}

/// Reads only the text of the fields: what revising a published campaign may change.
pub fn parse_text(fields: &CampaignFields, tr: Tr) -> Result<CampaignText, FieldErrors> {
    let mut reader = Reader {
        tr,
        errors: FieldErrors::new(),
    };
    let text = reader.text(fields);
    reader.finish(text)
}

/// An optional field: empty is `None`, anything else must parse.
fn optional<T>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, InputError>,
) -> Result<Option<T>, InputError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use tomar_core::language::Language;

    fn pairs(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut all = vec![
            ("csrf", "t"),
            ("kind", "request"),
            ("title", "بازگشایی کتابخانه"),
            ("addressee_name", "شهردار"),
            ("addressee_position", "شهرداری"),
            ("addressee_name", ""),
            ("addressee_position", ""),
            ("body", "متن نامه\n\n- بند یک"),
            ("on_behalf_of", "اهالی"),
            ("author_name", "مریم"),
            ("hashtag", "کتابخانه"),
            ("end_date", "۱۴۰۳/۰۴/۰۱"),
        ];
        all.extend_from_slice(extra);
        all.into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn rules() -> DateRules {
        DateRules {
            today: date(2024, 6, 1),
            max_days: 180,
        }
    }

    fn tr() -> Tr {
        Tr::new(Language::En)
    }

    #[test]
    fn a_complete_form_reads_into_a_campaign() {
        let (fields, intent) = CampaignFields::from_pairs(pairs(&[("intent", "save")]));
        assert_eq!(intent, Intent::Save);
        assert_eq!(fields.addressees.len(), 1, "empty rows are dropped");
        let campaign = parse_campaign(&fields, intent, MemberId(1), &rules(), tr()).unwrap();
        assert_eq!(campaign.end_date, date(2024, 6, 21));
        assert_eq!(campaign.start_date, date(2024, 6, 1));
        assert_eq!(campaign.author_id, Some(MemberId(1)));
        assert!(campaign.slug.is_none() && campaign.signature_goal.is_none());
    }

    #[test]
    fn every_refused_field_gets_its_message() {
        let (fields, intent) = CampaignFields::from_pairs(
            [
                ("intent", "submit"),
                ("kind", "threat"),
                ("title", &"ا".repeat(121)),
                ("addressee_name", "وزیر"),
                ("addressee_position", ""),
                ("body", ""),
                ("hashtag", "# #"),
                ("end_date", "1403/12/31"),
                ("goal", "-5"),
                ("slug", "admin"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        );
        let errors = parse_campaign(&fields, intent, MemberId(1), &rules(), tr()).unwrap_err();
        let refused: Vec<_> = errors.iter().map(|(field, _)| *field).collect();
        for field in [
            "kind",
            "title",
            "addressees",
            "body",
            "on_behalf_of",
            "author_name",
            "hashtag",
            "slug",
            "goal",
            "rules",
            "end_date",
        ] {
            assert!(refused.contains(&field), "{field}: {refused:?}");
        }
    }

    #[test]
    fn end_dates_are_between_tomorrow_and_the_maximum() {
        for (typed, ok) in [
            ("1403/03/12", false), // today, 1 June 2024
            ("1403/03/13", true),
            ("1403/09/08", true), // 180 days on: 28 November 2024
            ("1403/09/09", false),
        ] {
            let (fields, intent) = CampaignFields::from_pairs(pairs(&[("end_date", typed)]));
            let fields = CampaignFields {
                end_date: typed.into(),
                ..fields
            };
            let parsed = parse_campaign(&fields, intent, MemberId(1), &rules(), tr());
            assert_eq!(parsed.is_ok(), ok, "{typed}");
        }
    }

    #[test]
    fn at_most_five_addressees() {
        let mut extra = Vec::new();
        for _ in 0..6 {
            extra.push(("addressee_name", "وزیر"));
            extra.push(("addressee_position", "وزارت"));
        }
        let (fields, intent) = CampaignFields::from_pairs(pairs(&extra));
        assert_eq!(fields.addressee_rows().len(), ADDRESSEES_MAX + 1);
        let errors = parse_campaign(&fields, intent, MemberId(1), &rules(), tr()).unwrap_err();
        assert_eq!(errors[0].0, "addressees");
    }
}
