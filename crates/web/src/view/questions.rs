//! A campaign's extra questions as the moderators' review page lists them: what each asks,
//! whether it must be answered, and its choices, in the reader's language.

use tomar_core::questions::{Asks, Questions};

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
                QuestionLine {
                    label: question.wording.in_language(tr.language).to_string(),
                    asks: format!("{} · {}", tr.t(kind), tr.t(need)),
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
