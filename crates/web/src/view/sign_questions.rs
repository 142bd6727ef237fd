//! A campaign's extra questions as the sign form asks them: each with its label in the
//! reader's language, the control that fits (a line of text; radio buttons, or a
//! drop-down for a long list, for one choice; checkboxes for several), what was typed or
//! chosen before a refusal, and the refusal's message.

use tomar_core::questions::{AnswerError, Asks, DROP_DOWN_FROM, FIELDS, Questions};

use crate::view::i18n::Tr;

pub struct AskedQuestion {
    /// The form field: `q1`…`q5`.
    pub field: &'static str,
    pub label: String,
    pub required: bool,
    /// The campaign page shows the totals of its choices.
    pub totals_public: bool,
    pub control: Control,
    pub error: Option<String>,
}

pub enum Control {
    Text {
        value: String,
    },
    /// One choice from a long list.
    DropDown(Vec<ChoiceView>),
    /// Radio buttons for one choice, checkboxes for `several`.
    Choices {
        choices: Vec<ChoiceView>,
        several: bool,
    },
}

pub struct ChoiceView {
    /// The choice's place, as the form sends it.
    pub value: String,
    pub label: String,
    pub chosen: bool,
}

impl AskedQuestion {
    /// The questions of a form, filled with `given` (the fields as sent, empty for a fresh
    /// form) and the messages of the answers refused (by question, from 0).
    pub fn list(
        questions: &Questions,
        given: &[(String, String)],
        refused: &[(usize, AnswerError)],
        tr: Tr,
    ) -> Vec<AskedQuestion> {
        questions
            .all()
            .iter()
            .zip(FIELDS)
            .enumerate()
            .map(|(at, (question, field))| {
                let values: Vec<&str> = given
                    .iter()
                    .filter(|(name, _)| name == field)
                    .map(|(_, value)| value.as_str())
                    .collect();
                let choices = || -> Vec<ChoiceView> {
                    question
                        .asks
                        .choices()
                        .iter()
                        .enumerate()
                        .map(|(place, choice)| {
                            let value = place.to_string();
                            ChoiceView {
                                chosen: values.contains(&value.as_str()),
                                value,
                                label: choice.in_language(tr.language).to_string(),
                            }
                        })
                        .collect()
                };
                let control = match &question.asks {
                    Asks::Text => Control::Text {
                        // Kept as typed, within what a page should carry back.
                        value: values
                            .first()
                            .map(|value| value.chars().take(400).collect())
                            .unwrap_or_default(),
                    },
                    Asks::OneOf(list) if list.len() >= DROP_DOWN_FROM => {
                        Control::DropDown(choices())
                    }
                    Asks::OneOf(_) => Control::Choices {
                        choices: choices(),
                        several: false,
                    },
                    Asks::SeveralOf(_) => Control::Choices {
                        choices: choices(),
                        several: true,
                    },
                };
                AskedQuestion {
                    field,
                    label: question.wording.in_language(tr.language).to_string(),
                    required: question.required,
                    totals_public: question.totals_public,
                    control,
                    error: refused
                        .iter()
                        .find(|(refused, _)| *refused == at)
                        .map(|(_, error)| tr.t(error.key())),
                }
            })
            .collect()
    }
}
