//! A campaign's extra questions as the moderators' review page and the author's page list
//! them: what each asks, whether it must be answered, and its choices, in the reader's
//! language; and the totals of the choices, as the campaign page shows those its author
//! made public.

use tomar_core::questions::{Asks, Questions};
use tomar_store::AnswerTotals;

use crate::view::i18n::Tr;

pub struct QuestionLine {
    pub label: String,
    /// What it asks for and whether it must be answered, as one line.
    pub asks: String,
    pub choices: Vec<String>,
}

impl QuestionLine {
    pub fn list(questions: &Questions, tr: Tr) -> Vec<QuestionLine> {
        questions
            .all()
            .iter()
            .map(|question| {
                let kind = match question.asks {
                    Asks::Text => "questions.asks_text",
                    Asks::OneOf(_) => "questions.asks_one",
                    Asks::SeveralOf(_) => "questions.asks_several",
                };
                let need = match question.required {
                    true => "questions.required",
                    false => "questions.optional",
                };
                let mut asks = format!("{} · {}", tr.t(kind), tr.t(need));
                if question.totals_public {
                    asks = format!("{asks} · {}", tr.t("questions.public_totals"));
                }
                QuestionLine {
                    label: question.wording.in_language(tr.language).to_string(),
                    asks,
                    choices: question
                        .asks
                        .choices()
                        .iter()
                        .map(|choice| choice.in_language(tr.language).to_string())
                        .collect(),
                }
            })
            .collect()
    }
}

/// The public totals on the campaign page: each question whose totals are public, with how
/// many took each of its choices, and when they were counted.
pub struct TotalsView {
    pub questions: Vec<QuestionTotals>,
    pub counted: String,
}

pub struct QuestionTotals {
    pub label: String,
    /// The choice's wording, its count as written, the count and the question's largest
    /// count (for the bar).
    pub choices: Vec<(String, String, u64, u64)>,
}

impl TotalsView {
    /// `None` before anyone's answer was counted.
    pub fn of(questions: &Questions, totals: &AnswerTotals, tr: Tr) -> Option<TotalsView> {
        if totals.counts.iter().all(|(_, _, count)| *count == 0) {
            return None;
        }
        let shown = questions
            .all()
            .iter()
            .enumerate()
            .filter(|(_, question)| question.totals_public)
            .map(|(place, question)| {
                let choices = question.asks.choices();
                let counts = totals.of_question(place, choices.len());
                let largest = counts.iter().copied().max().unwrap_or(0);
                QuestionTotals {
                    label: question.wording.in_language(tr.language).to_string(),
                    choices: choices
                        .iter()
                        .zip(counts)
                        .map(|(choice, count)| {
                            let label = choice.in_language(tr.language).to_string();
                            (label, tr.count(count), count, largest)
                        })
                        .collect(),
                }
            })
            .collect();
        Some(TotalsView {
            questions: shown,
            counted: tr.with(
                "questions.totals_counted",
                &[("at", &tr.instant(totals.counted_at))],
            ),
        })
    }
}
