//! The questions an author may add to a campaign's sign form (a city, a profession), and
//! one signer's answers to them.
//!
//! Answers are personal data: they are never public and never in the signature log; they
//! go only into the delivery package, and into per-choice totals when the author chose to
//! publish them. [`Answers::seal`] is the one form they are kept in (encoded, then sealed
//! under the platform's secret), so a stored answer reads back exactly as it was checked.

use crate::language::Language;
use crate::names::{InputError, Line};
use crate::secret::Secret;

/// Questions on one sign form, at most.
pub const MAX_QUESTIONS: usize = 5;
/// Choices of one question, at most; a question with choices has two or more.
pub const MAX_CHOICES: usize = 20;
/// Characters of a label or a choice.
pub const MAX_LABEL: usize = 120;
/// Characters of a text answer.
pub const MAX_ANSWER: usize = 120;
/// A list this long or longer is offered as a drop-down; a shorter one as radio buttons.
pub const DROP_DOWN_FROM: usize = 6;
/// The sign form's field of each question, in order.
pub const FIELDS: [&str; MAX_QUESTIONS] = ["q1", "q2", "q3", "q4", "q5"];

/// A label or a choice, in Persian and, when the author gave it, in English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wording {
    pub fa: Line,
    pub en: Option<Line>,
}

impl Wording {
    /// The wording in `language`, Persian where no English was given.
    pub fn in_language(&self, language: Language) -> &Line {
        match (language, &self.en) {
            (Language::En, Some(english)) => english,
            _ => &self.fa,
        }
    }
}

/// What a question asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asks {
    /// A short line of text.
    Text,
    /// One of the choices.
    OneOf(Vec<Wording>),
    /// Any of the choices (none, when the question is optional).
    SeveralOf(Vec<Wording>),
}

impl Asks {
    pub fn choices(&self) -> &[Wording] {
        match self {
            Asks::Text => &[],
            Asks::OneOf(choices) | Asks::SeveralOf(choices) => choices,
        }
    }

    /// How it is stored and named in forms: `text`, `one`, `several`.
    pub fn name(&self) -> &'static str {
        match self {
            Asks::Text => "text",
            Asks::OneOf(_) => "one",
            Asks::SeveralOf(_) => "several",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub wording: Wording,
    pub asks: Asks,
    pub required: bool,
    /// The campaign page shows how many signers took each choice (never who): the
    /// author's choice, for a question of choices only.
    pub totals_public: bool,
}

/// Why a set of questions was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuestionsError {
    #[error("more than {MAX_QUESTIONS} questions")]
    TooMany,
    /// Question `.0` (from 0) offers fewer than two choices or more than [`MAX_CHOICES`].
    #[error("question {0} needs 2 to {MAX_CHOICES} choices")]
    Choices(usize),
    /// Question `.0` offers the same choice twice.
    #[error("question {0} offers a choice twice")]
    RepeatedChoice(usize),
    /// Question `.0` asks for text, which has no totals to publish.
    #[error("question {0} asks for text and has no totals")]
    TotalsOfText(usize),
}

/// Why one question was refused. Each maps to the message the author's form shows beside
/// it, by [`key`](Self::key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("a question of choices needs 2 to {MAX_CHOICES} of them")]
    Choices,
    #[error("a choice is offered twice")]
    RepeatedChoice,
    #[error("a text question has no totals to publish")]
    TotalsOfText,
}

impl QuestionError {
    /// The translation key of the message shown beside the question.
    pub fn key(self) -> &'static str {
        match self {
            QuestionError::Choices => "questions.choices_count",
            QuestionError::RepeatedChoice => "questions.choice_repeated",
            QuestionError::TotalsOfText => "questions.totals_of_text",
        }
    }
}

impl Question {
    /// Whether this question may stand on a form: a question of choices offers 2 to
    /// [`MAX_CHOICES`] distinct ones; only a question of choices publishes totals.
    pub fn check(&self) -> Result<(), QuestionError> {
        let choices = self.asks.choices();
        let text = matches!(self.asks, Asks::Text);
        if !text && !(2..=MAX_CHOICES).contains(&choices.len()) {
            return Err(QuestionError::Choices);
        }
        let repeated = choices
            .iter()
            .enumerate()
            .any(|(i, choice)| choices[..i].iter().any(|before| before.fa == choice.fa));
        if repeated {
            return Err(QuestionError::RepeatedChoice);
        }
        if text && self.totals_public {
            return Err(QuestionError::TotalsOfText);
        }
        Ok(())
    }
}

/// A campaign's questions, in the order the form asks them. Built only by [`Questions::new`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Questions(Vec<Question>);

impl Questions {
    pub fn new(questions: Vec<Question>) -> Result<Questions, QuestionsError> {
        if questions.len() > MAX_QUESTIONS {
            return Err(QuestionsError::TooMany);
        }
        for (at, question) in questions.iter().enumerate() {
            question.check().map_err(|error| match error {
                QuestionError::Choices => QuestionsError::Choices(at),
                QuestionError::RepeatedChoice => QuestionsError::RepeatedChoice(at),
                QuestionError::TotalsOfText => QuestionsError::TotalsOfText(at),
            })?;
        }
        Ok(Questions(questions))
    }

    pub fn all(&self) -> &[Question] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the campaign page shows the totals of any of them.
    pub fn has_public_totals(&self) -> bool {
        self.0.iter().any(|question| question.totals_public)
    }

    /// Reads a signer's answers from a form: the question at place `i` (from 0) is the
    /// field [`FIELDS`]`[i]`, repeated for several choices, whose values are the choices' places
    /// (from 0) or the text typed. Every refused answer is named, with why.
    pub fn answer<'a>(
        &self,
        fields: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
    ) -> Result<Answers, Vec<(usize, AnswerError)>> {
        let mut answers = Vec::with_capacity(self.0.len());
        let mut errors = Vec::new();
        for (at, (question, name)) in self.0.iter().zip(FIELDS).enumerate() {
            let given: Vec<&str> = fields
                .clone()
                .into_iter()
                .filter(|(field, _)| *field == name)
                .map(|(_, value)| value)
                .filter(|value| !value.trim().is_empty())
                .collect();
            match question.read(&given) {
                Ok(answer) => answers.push(answer),
                Err(error) => errors.push((at, error)),
            }
        }
        match errors.is_empty() {
            true => Ok(Answers(answers)),
            false => Err(errors),
        }
    }
}

/// Why one answer was refused. Each maps to a translated message by [`key`](Self::key).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("a required question was left empty")]
    Missing,
    #[error("not one of the choices")]
    NotAChoice,
    #[error("one answer was expected")]
    MoreThanOne,
    #[error(transparent)]
    Text(#[from] InputError),
}

impl AnswerError {
    /// The translation key of the message shown beside the question.
    pub fn key(&self) -> &'static str {
        match self {
            AnswerError::Missing => "input.required",
            AnswerError::NotAChoice | AnswerError::MoreThanOne => "input.not_a_choice",
            AnswerError::Text(error) => error.key(),
        }
    }
}

impl Question {
    /// Reads this question's non-empty values from a form.
    fn read(&self, given: &[&str]) -> Result<Option<Answer>, AnswerError> {
        if given.is_empty() {
            return match self.required {
                true => Err(AnswerError::Missing),
                false => Ok(None),
            };
        }
        let choice = |value: &str| {
            let digits = crate::persian::ascii_digits(value.trim());
            digits
                .parse::<usize>()
                .ok()
                .filter(|at| *at < self.asks.choices().len())
                .ok_or(AnswerError::NotAChoice)
        };
        match (&self.asks, given) {
            (Asks::Text, [text]) => Ok(Some(Answer::Text(Line::parse(text, MAX_ANSWER)?))),
            (Asks::OneOf(_), [one]) => Ok(Some(Answer::One(choice(one)?))),
            (Asks::Text | Asks::OneOf(_), _) => Err(AnswerError::MoreThanOne),
            (Asks::SeveralOf(_), several) => {
                let mut chosen = several
                    .iter()
                    .map(|value| choice(value))
                    .collect::<Result<Vec<_>, _>>()?;
                chosen.sort_unstable();
                chosen.dedup();
                Ok(Some(Answer::Several(chosen)))
            }
        }
    }
}

/// One answer: the text typed, or the places (from 0) of the choices taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Text(Line),
    One(usize),
    /// In order, without repeats.
    Several(Vec<usize>),
}

/// A signer's answers, one per question in the form's order; `None` for an optional one
/// left empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answers(pub(crate) Vec<Option<Answer>>);

impl Answers {
    pub fn all(&self) -> &[Option<Answer>] {
        &self.0
    }

    /// The answers as one text to keep: a line per question, `-` for none, `t` and the
    /// text, `o` and a place, `s` and places between commas. Texts are single lines, so a
    /// line is always one answer.
    pub fn encode(&self) -> String {
        let line = |answer: &Option<Answer>| match answer {
            None => "-".to_owned(),
            Some(Answer::Text(text)) => format!("t{}", text.as_ref()),
            Some(Answer::One(at)) => format!("o{at}"),
            Some(Answer::Several(chosen)) => {
                let places: Vec<String> = chosen.iter().map(usize::to_string).collect();
                format!("s{}", places.join(","))
            }
        };
        self.0.iter().map(line).collect::<Vec<_>>().join("\n")
    }

    /// Reads what [`encode`](Self::encode) wrote; `None` for anything else.
    pub fn decode(encoded: &str) -> Option<Answers> {
        if encoded.is_empty() {
            return Some(Answers::default());
        }
        let answer = |line: &str| -> Option<Option<Answer>> {
            let (kind, rest) = line.split_at_checked(1)?;
            match kind {
                "-" if rest.is_empty() => Some(None),
                "t" => Some(Some(Answer::Text(Line::parse(rest, MAX_ANSWER).ok()?))),
                "o" => Some(Some(Answer::One(rest.parse().ok()?))),
                "s" if rest.is_empty() => Some(Some(Answer::Several(Vec::new()))),
                "s" => {
                    let chosen = rest.split(',').map(|at| at.parse().ok());
                    Some(Some(Answer::Several(chosen.collect::<Option<_>>()?)))
                }
                _ => None,
            }
        };
        encoded
            .split('\n')
            .map(answer)
            .collect::<Option<_>>()
            .map(Answers)
    }

    /// The answers as the store keeps them: encoded, then sealed under `secret`.
    pub fn seal(&self, secret: &Secret, nonce: [u8; 12]) -> String {
        secret.seal(&self.encode(), nonce)
    }

    /// What [`seal`](Self::seal) kept; `None` when it does not open under `secret` or was
    /// not written by it.
    pub fn unseal(secret: &Secret, sealed: &str) -> Option<Answers> {
        secret.open(sealed).and_then(|text| Answers::decode(&text))
    }

    /// Each answer as the delivery package shows it, in `language`: the text, or the
    /// choices' wording joined by `separator`; empty for none.
    pub fn shown(&self, questions: &Questions, language: Language, separator: &str) -> Vec<String> {
        questions
            .all()
            .iter()
            .enumerate()
            .map(|(at, question)| {
                let wording = |place: &usize| {
                    question
                        .asks
                        .choices()
                        .get(*place)
                        .map_or("", |choice| choice.in_language(language).as_ref())
                };
                match self.0.get(at).and_then(Option::as_ref) {
                    None => String::new(),
                    Some(Answer::Text(text)) => text.as_ref().to_owned(),
                    Some(Answer::One(place)) => wording(place).to_owned(),
                    Some(Answer::Several(chosen)) => {
                        let words: Vec<&str> = chosen.iter().map(wording).collect();
                        words.join(separator)
                    }
                }
            })
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn wording(fa: &str) -> Wording {
        Wording {
            fa: Line::parse(fa, MAX_LABEL).unwrap(),
            en: None,
        }
    }

    pub(crate) fn city_and_work() -> Questions {
        let cities = ["تهران", "تبریز", "شیراز"].map(wording).to_vec();
        let work = ["آموزگار", "پرستار", "دانشجو"].map(wording).to_vec();
        Questions::new(vec![
            Question {
                wording: wording("شهر"),
                asks: Asks::OneOf(cities),
                required: true,
                totals_public: true,
            },
            Question {
                wording: wording("پیشه"),
                asks: Asks::SeveralOf(work),
                required: false,
                totals_public: true,
            },
            Question {
                wording: wording("محله"),
                asks: Asks::Text,
                required: false,
                totals_public: false,
            },
        ])
        .unwrap()
    }

    #[test]
    fn at_most_five_questions_each_list_of_two_to_twenty_distinct_choices() {
        let text = Question {
            wording: wording("شهر"),
            asks: Asks::Text,
            required: false,
            totals_public: false,
        };
        assert!(Questions::new(vec![text.clone(); MAX_QUESTIONS]).is_ok());
        assert_eq!(
            Questions::new(vec![text.clone(); MAX_QUESTIONS + 1]),
            Err(QuestionsError::TooMany)
        );
        let with = |choices: Vec<Wording>| {
            Questions::new(vec![
                text.clone(),
                Question {
                    asks: Asks::OneOf(choices),
                    ..text.clone()
                },
            ])
        };
        assert_eq!(with(vec![wording("تنها")]), Err(QuestionsError::Choices(1)));
        let many = (0..=MAX_CHOICES).map(|n| wording(&format!("گزینه {n}")));
        assert_eq!(with(many.collect()), Err(QuestionsError::Choices(1)));
        assert_eq!(
            with(vec![wording("تهران"), wording(" تهران ")]),
            Err(QuestionsError::RepeatedChoice(1))
        );
        let public_text = Question {
            totals_public: true,
            ..text.clone()
        };
        assert_eq!(
            Questions::new(vec![text.clone(), public_text]),
            Err(QuestionsError::TotalsOfText(1))
        );
    }

    #[test]
    fn answers_are_read_from_the_form_and_every_refusal_is_named() {
        let questions = city_and_work();
        let answers = questions
            .answer([
                ("q1", "۱"),
                ("q2", "2"),
                ("q2", "0"),
                ("q2", "2"),
                ("q3", " "),
            ])
            .unwrap();
        assert_eq!(
            answers.all(),
            [
                Some(Answer::One(1)),
                Some(Answer::Several(vec![0, 2])),
                None
            ]
        );
        let refused = questions
            .answer([("q1", "3"), ("q2", "x"), ("q3", "\u{0}")])
            .unwrap_err();
        assert_eq!(
            refused,
            [
                (0, AnswerError::NotAChoice),
                (1, AnswerError::NotAChoice),
                (2, AnswerError::Text(InputError::Empty)),
            ]
        );
        let html = questions
            .answer([("q1", "0"), ("q3", "<b>خیابان</b>")])
            .unwrap();
        assert_eq!(
            html.all()[2],
            Some(Answer::Text(
                Line::parse("<b>خیابان</b>", MAX_ANSWER).unwrap()
            )),
            "kept as typed: pages escape it"
        );
        assert_eq!(
            questions.answer([]).unwrap_err(),
            [(0, AnswerError::Missing)],
            "only the required one"
        );
        assert_eq!(
            questions.answer([("q1", "0"), ("q1", "1")]).unwrap_err(),
            [(0, AnswerError::MoreThanOne)]
        );
        let long = "ا".repeat(MAX_ANSWER + 1);
        let refused = questions.answer([("q1", "0"), ("q3", long.as_str())]);
        assert_eq!(
            refused.unwrap_err(),
            [(
                2,
                AnswerError::Text(InputError::TooLong { max: MAX_ANSWER })
            )]
        );
    }

    #[test]
    fn answers_read_back_exactly_as_they_were_kept() {
        let questions = city_and_work();
        for fields in [
            vec![("q1", "0")],
            vec![("q1", "2"), ("q2", "1"), ("q3", "محلهٔ نو, کوچهٔ ۳")],
            vec![("q1", "1"), ("q2", "0"), ("q2", "1"), ("q2", "2")],
        ] {
            let answers = questions.answer(fields.iter().copied()).unwrap();
            assert_eq!(Answers::decode(&answers.encode()), Some(answers.clone()));
            let secret = Secret::new(vec![7; 32]).unwrap();
            let sealed = answers.seal(&secret, [1; 12]);
            assert!(!sealed.contains("محله"), "sealed, not readable");
            assert_eq!(Answers::unseal(&secret, &sealed), Some(answers));
            let other = Secret::new(vec![8; 32]).unwrap();
            assert_eq!(Answers::unseal(&other, &sealed), None);
        }
        assert_eq!(Answers::decode(""), Some(Answers::default()));
        for broken in ["x", "o", "oa", "s1,,2", "-x", "t", "o1\n"] {
            assert_eq!(Answers::decode(broken), None, "{broken:?}");
        }
    }

    #[test]
    fn the_package_shows_each_answer_in_words() {
        let questions = city_and_work();
        let answers = questions
            .answer([("q1", "2"), ("q2", "0"), ("q2", "2")])
            .unwrap();
        assert_eq!(
            answers.shown(&questions, Language::Fa, "، "),
            ["شیراز", "آموزگار، دانشجو", ""]
        );
    }
}
