//! How many signers took each choice of a campaign's questions: counted from their answers
//! one signer at a time, for the public totals and for the addressee's package.

use crate::questions::{Answer, Answers, Question, Questions};

/// How many signers took each choice of some of a campaign's questions, counted from their
/// answers one signer at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// By question, by choice; empty for a question whose totals are not public.
    counts: Vec<Vec<u64>>,
}

impl Tally {
    /// A tally of the questions whose totals are public, for the campaign page.
    pub fn new(questions: &Questions) -> Tally {
        Tally::counting(questions, |question| question.totals_public)
    }

    /// A tally of every question of choices, for the addressee's package.
    pub fn of_every_choice(questions: &Questions) -> Tally {
        Tally::counting(questions, |question| !question.asks.choices().is_empty())
    }

    fn counting(questions: &Questions, counted: impl Fn(&Question) -> bool) -> Tally {
        let counts = questions
            .all()
            .iter()
            .map(|question| match counted(question) {
                true => vec![0; question.asks.choices().len()],
                false => Vec::new(),
            })
            .collect();
        Tally { counts }
    }

    /// Counts one signer's answers; a place beyond the choices counts nowhere.
    pub fn add(&mut self, answers: &Answers) {
        for (counts, answer) in self.counts.iter_mut().zip(answers.all()) {
            let places = match answer {
                Some(Answer::One(place)) => std::slice::from_ref(place),
                Some(Answer::Several(places)) => places.as_slice(),
                Some(Answer::Text(_)) | None => &[],
            };
            for place in places {
                if let Some(count) = counts.get_mut(*place) {
                    *count += 1;
                }
            }
        }
    }

    /// Every count: question's place, choice's place, signers; zeros included.
    pub fn counts(&self) -> impl Iterator<Item = (usize, usize, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .flat_map(|(question, counts)| {
                counts
                    .iter()
                    .enumerate()
                    .map(move |(choice, count)| (question, choice, *count))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questions::tests::city_and_work;

    #[test]
    fn a_tally_counts_each_choice_taken_of_the_public_questions_only() {
        let questions = city_and_work();
        let mut tally = Tally::new(&questions);
        for form in [
            &[("q1", "0"), ("q2", "0"), ("q2", "2"), ("q3", "بازار")][..],
            &[("q1", "0")],
            &[("q1", "2"), ("q2", "2")],
        ] {
            tally.add(&questions.answer(form.iter().copied()).unwrap());
        }
        // An answer kept before a choice was dropped counts nowhere, and breaks nothing.
        tally.add(&Answers(vec![Some(Answer::One(9)), None, None]));
        let counts: Vec<_> = tally.counts().collect();
        assert_eq!(
            counts,
            [
                (0, 0, 2),
                (0, 1, 0),
                (0, 2, 1),
                (1, 0, 1),
                (1, 1, 0),
                (1, 2, 2)
            ]
        );
        let mut private = questions.all().to_vec();
        private[1].totals_public = false;
        let private = Questions::new(private).unwrap();
        assert_eq!(
            Tally::new(&private).counts().count(),
            3,
            "only the city is public"
        );
        let mut every = Tally::of_every_choice(&private);
        every.add(
            &private
                .answer([("q1", "1"), ("q2", "0"), ("q3", "بازار")])
                .unwrap(),
        );
        let taken: Vec<_> = every.counts().filter(|(.., count)| *count > 0).collect();
        assert_eq!(
            taken,
            [(0, 1, 1), (1, 0, 1)],
            "every question of choices, no text"
        );
    }
}
