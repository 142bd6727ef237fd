//! The author's form for the sign form's extra questions: five slots, each read into a
//! `Question` or left unused, with a message beside the slot that is refused. A slot is
//! used when its Persian label is typed; choices are typed one per line, the English ones
//! (optional) in the same order.

use tomar_core::names::{InputError, Line};
use tomar_core::questions::{
    Asks, MAX_CHOICES, MAX_LABEL, MAX_QUESTIONS, Question, QuestionError, Questions, Wording,
};

use crate::view::i18n::Tr;

/// One slot of the form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SlotFields {
    /// `text`, `one` or `several` (see `Asks::name`).
    pub asks: String,
    pub required: bool,
    /// The campaign page shows how many took each choice.
    pub totals_public: bool,
    pub label_fa: String,
    pub label_en: String,
    /// One choice per line.
    pub choices_fa: String,
    pub choices_en: String,
}

/// The whole form: always [`MAX_QUESTIONS`] slots, the unused ones empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionFields {
    pub slots: Vec<SlotFields>,
}

/// Longest value kept from any one field, so a hostile form cannot balloon the page.
const FIELD_KEEP: usize = (MAX_LABEL + 1) * MAX_CHOICES * 2;

impl QuestionFields {
    /// Reads a submitted form's pairs: `q{n}.asks`, `q{n}.required`, `q{n}.label_fa`,
    /// `q{n}.label_en`, `q{n}.choices_fa`, `q{n}.choices_en`, for `n` from 1. Anything else
    /// is left alone.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> QuestionFields {
        let mut slots = vec![SlotFields::default(); MAX_QUESTIONS];
        for (key, value) in pairs {
            let Some((slot, part)) = key.strip_prefix('q').and_then(|rest| rest.split_once('.'))
            else {
                continue;
            };
            let Some(slot) = slot
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|at| slots.get_mut(at))
            else {
                continue;
            };
            let value: String = value.chars().take(FIELD_KEEP).collect();
            match part {
                "asks" => slot.asks = value,
                "required" => slot.required = true,
                "totals" => slot.totals_public = true,
                "label_fa" => slot.label_fa = value,
                "label_en" => slot.label_en = value,
                "choices_fa" => slot.choices_fa = value,
                "choices_en" => slot.choices_en = value,
                _ => {}
            }
        }
        QuestionFields { slots }
    }

    /// The form filled with a campaign's questions, the rest of the slots empty.
    pub fn of(questions: &Questions) -> QuestionFields {
        let lines = |choices: &[Wording], english: bool| -> String {
            let words: Vec<&str> = choices
                .iter()
                .map(|choice| match english {
                    true => choice.en.as_ref().map_or("", AsRef::as_ref),
                    false => choice.fa.as_ref(),
                })
                .collect();
            words.join("\n")
        };
        let mut slots: Vec<SlotFields> = questions
            .all()
            .iter()
            .map(|question| {
                let choices = question.asks.choices();
                SlotFields {
                    asks: question.asks.name().to_owned(),
                    required: question.required,
                    totals_public: question.totals_public,
                    label_fa: question.wording.fa.to_string(),
                    label_en: question
                        .wording
                        .en
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    choices_fa: lines(choices, false),
                    choices_en: match choices.iter().any(|choice| choice.en.is_some()) {
                        true => lines(choices, true),
                        false => String::new(),
                    },
                }
            })
            .collect();
        slots.resize(MAX_QUESTIONS, SlotFields::default());
        QuestionFields { slots }
    }

    /// The questions of the used slots, in order; or, for each refused slot (from 0), the
    /// message to show beside it.
    pub fn parse(&self, tr: Tr) -> Result<Questions, Vec<(usize, String)>> {
        let mut questions = Vec::new();
        let mut refused = Vec::new();
        for (at, slot) in self.slots.iter().enumerate() {
            match slot.read() {
                Ok(Some(question)) => questions.push(question),
                Ok(None) => {}
                Err(key) => refused.push((at, tr.t(key))),
            }
        }
        if !refused.is_empty() {
            return Err(refused);
        }
        // Each question passed `Question::check` as its slot was read, and there are no
        // more slots than questions allowed.
        Ok(Questions::new(questions).expect("every slot's question was checked"))
    }
}

impl SlotFields {
    fn is_blank(&self) -> bool {
        [
            &self.label_fa,
            &self.label_en,
            &self.choices_fa,
            &self.choices_en,
        ]
        .iter()
        .all(|field| field.trim().is_empty())
    }

    /// The slot's question; `None` for an unused slot; else the key of why it was refused.
    fn read(&self) -> Result<Option<Question>, &'static str> {
        if self.is_blank() {
            return Ok(None);
        }
        if self.label_fa.trim().is_empty() {
            return Err("questions.label_missing");
        }
        let wording = Wording {
            fa: Line::parse(&self.label_fa, MAX_LABEL).map_err(|e| e.key())?,
            en: optional_line(&self.label_en).map_err(|e| e.key())?,
        };
        let asks = match self.asks.as_str() {
            "text" => Asks::Text,
            "one" => Asks::OneOf(self.choices()?),
            "several" => Asks::SeveralOf(self.choices()?),
            _ => return Err("questions.asks_missing"),
        };
        let question = Question {
            wording,
            asks,
            required: self.required,
            totals_public: self.totals_public,
        };
        question.check().map_err(QuestionError::key)?;
        let (english, choices) = (lines(&self.choices_en).len(), question.asks.choices().len());
        if choices != 0 && english != 0 && english != choices {
            return Err("questions.english_choices");
        }
        Ok(Some(question))
    }

    /// The choices typed, one per line, blank lines skipped; English beside Persian by
    /// place. How many, whether one repeats and whether the English match them are checked
    /// after, on the question.
    fn choices(&self) -> Result<Vec<Wording>, &'static str> {
        let (fa, en) = (lines(&self.choices_fa), lines(&self.choices_en));
        fa.iter()
            .enumerate()
            .map(|(at, persian)| {
                Ok(Wording {
                    fa: Line::parse(persian, MAX_LABEL).map_err(|e| e.key())?,
                    en: optional_line(en.get(at).copied().unwrap_or_default())
                        .map_err(|e| e.key())?,
                })
            })
            .collect()
    }
}

/// The lines of a box of choices, trimmed, blank ones skipped.
fn lines(typed: &str) -> Vec<&str> {
    typed
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
}

/// A line that may be left empty.
fn optional_line(typed: &str) -> Result<Option<Line>, InputError> {
    match typed.trim().is_empty() {
        true => Ok(None),
        false => Line::parse(typed, MAX_LABEL).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use tomar_core::language::Language;

    use super::*;

    fn tr() -> Tr {
        Tr::new(Language::En)
    }

    fn form(pairs: &[(&str, &str)]) -> QuestionFields {
        QuestionFields::from_pairs(
            pairs
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn used_slots_become_questions_in_order_and_read_back_the_same() {
        let fields = form(&[
            ("q2.asks", "one"),
            ("q2.label_fa", "شهر"),
            ("q2.label_en", "City"),
            ("q2.required", "on"),
            ("q2.choices_fa", "تهران\r\n\r\n  تبریز  \n"),
            ("q2.choices_en", "Tehran\nTabriz"),
            ("q2.totals", "on"),
            ("q4.asks", "text"),
            ("q4.label_fa", "پیشه"),
            ("q9.label_fa", "beyond the form"),
            ("csrf", "x"),
        ]);
        let questions = fields.parse(tr()).unwrap();
        let all = questions.all();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].wording.fa.as_ref(), "شهر");
        assert!(all[0].required && all[0].totals_public);
        assert_eq!(all[0].asks.choices()[1].fa.as_ref(), "تبریز");
        assert_eq!(
            all[0].asks.choices()[1].en.as_ref().map(AsRef::as_ref),
            Some("Tabriz")
        );
        assert_eq!(all[1].asks, Asks::Text);
        assert!(!all[1].required && !all[1].totals_public);

        let again = QuestionFields::of(&questions);
        assert_eq!(again.slots.len(), MAX_QUESTIONS);
        assert_eq!(again.parse(tr()).unwrap(), questions);
        assert_eq!(again.slots[0].choices_fa, "تهران\nتبریز");
        assert_eq!(again.slots[1].choices_en, "", "no English, no lines");
    }

    #[test]
    fn every_refused_slot_gets_its_message() {
        let fields = form(&[
            ("q1.asks", "one"),
            ("q1.label_fa", "شهر"),
            ("q1.choices_fa", "تهران"),
            ("q2.asks", "several"),
            ("q2.label_fa", "پیشه"),
            ("q2.choices_fa", "آموزگار\nپرستار"),
            ("q2.choices_en", "Teacher"),
            ("q3.asks", "one"),
            ("q3.label_fa", "رنگ"),
            ("q3.choices_fa", "سبز\nسبز"),
            ("q4.choices_fa", "بی‌پرسش\nگزینه"),
            ("q5.asks", "sql'; DROP TABLE campaigns;--"),
            ("q5.label_fa", "پنجم"),
        ]);
        let text_totals = form(&[
            ("q1.asks", "text"),
            ("q1.label_fa", "محله"),
            ("q1.totals", "on"),
        ]);
        assert_eq!(
            text_totals.parse(tr()).unwrap_err(),
            [(0, tr().t("questions.totals_of_text"))]
        );
        let refused = fields.parse(tr()).unwrap_err();
        let places: Vec<usize> = refused.iter().map(|(at, _)| *at).collect();
        assert_eq!(places, [0, 1, 2, 3, 4]);
        let message = |key: &str| tr().t(key);
        assert_eq!(refused[0].1, message("questions.choices_count"));
        assert_eq!(refused[1].1, message("questions.english_choices"));
        assert_eq!(refused[2].1, message("questions.choice_repeated"));
        assert_eq!(refused[3].1, message("questions.label_missing"));
        assert_eq!(refused[4].1, message("questions.asks_missing"));
    }

    #[test]
    fn labels_and_choices_are_single_lines_of_bounded_length() {
        let long = "ب".repeat(MAX_LABEL + 1);
        let too_long = form(&[("q1.asks", "text"), ("q1.label_fa", &long)]);
        assert_eq!(
            too_long.parse(tr()).unwrap_err()[0].1,
            tr().t("input.too_long")
        );
        let null = form(&[("q1.asks", "text"), ("q1.label_fa", "شهر\0\n")]);
        let cleaned = null.parse(tr()).unwrap();
        assert_eq!(
            cleaned.all()[0].wording.fa.as_ref(),
            "شهر",
            "as every line is"
        );
        let blank = form(&[("q1.asks", "text"), ("q1.required", "on")]);
        assert!(blank.parse(tr()).unwrap().is_empty(), "an unused slot");
        let many: String = (0..=MAX_CHOICES).map(|n| format!("{n}\n")).collect();
        let too_many = form(&[
            ("q1.asks", "one"),
            ("q1.label_fa", "عدد"),
            ("q1.choices_fa", &many),
        ]);
        assert_eq!(
            too_many.parse(tr()).unwrap_err()[0].1,
            tr().t("questions.choices_count")
        );
    }
}
