//! Persian search: documents and queries are cut into the same words by [`words`] (after
//! [`search_key`]: Arabic and Persian letter forms, digit forms, zero-width non-joiners,
//! diacritics and tatweel all folded), so `كارزار` finds `کارزار`, `۱۴۰۳` finds `1403`
//! and `میخواهم` finds `می‌خواهم`. A query's words match words that start with them; the
//! store finds the campaigns that contain every one, and [`score`] ranks them the same way
//! on every backend.

use crate::campaign::CampaignText;
use crate::persian::search_key;

/// The searchable words of `text`, in order: letters and digits, everything else a gap.
pub fn words(text: &str) -> Vec<String> {
    search_key(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A campaign's searchable fields, each as its words joined by single spaces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchDocument {
    pub title: String,
    pub addressees: String,
    pub body: String,
    pub hashtag: String,
    pub on_behalf_of: String,
}

impl SearchDocument {
    pub fn of(text: &CampaignText) -> SearchDocument {
        let join = |t: &str| words(t).join(" ");
        let addressees: Vec<String> = text
            .addressees
            .iter()
            .map(|a| format!("{} {}", a.name, a.position))
            .collect();
        SearchDocument {
            title: join(text.title.as_ref()),
            addressees: join(&addressees.join(" ")),
            body: join(text.body.as_ref()),
            hashtag: join(text.hashtag.as_ref()),
            on_behalf_of: join(text.on_behalf_of.as_ref()),
        }
    }

    fn fields(&self) -> [&String; 5] {
        [
            &self.title,
            &self.addressees,
            &self.body,
            &self.hashtag,
            &self.on_behalf_of,
        ]
    }

    /// Every word of the document, for indexes that take a list.
    pub fn all_words(&self) -> Vec<String> {
        self.fields()
            .iter()
            .flat_map(|field| field.split(' '))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Each pair of neighbouring words of a field written as one: the document's side of
    /// Persian compounds. A document that spaces `کتاب خانه` is found by `کتابخانه` and
    /// `کتاب‌خانه` through these, as a spaced query finds a joined document through
    /// [`SearchQuery::alternatives`]. Indexed beside the words, never shown.
    pub fn compounds(&self) -> Vec<String> {
        let mut compounds = Vec::new();
        for field in self.fields() {
            let words: Vec<&str> = field.split(' ').filter(|w| !w.is_empty()).collect();
            compounds.extend(words.windows(2).map(|pair| pair.concat()));
        }
        compounds
    }
}

/// What someone searched for: at most [`SearchQuery::MAX_TERMS`] distinct words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<String>,
}

impl SearchQuery {
    pub const MAX_TERMS: usize = 8;

    /// `None` when the query has no words at all.
    pub fn parse(input: &str) -> Option<SearchQuery> {
        let mut terms: Vec<String> = Vec::new();
        for word in words(input) {
            if !terms.contains(&word) && terms.len() < Self::MAX_TERMS {
                terms.push(word);
            }
        }
        (!terms.is_empty()).then_some(SearchQuery { terms })
    }

    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// The ways the query may be written in a document: as typed, and with each pair of
    /// neighbouring terms as one word. Persian compounds are written with a space, a
    /// zero-width non-joiner or nothing between their parts (`کتاب خانه`, `کتاب‌خانه`,
    /// `کتابخانه`), and the index keeps the joined form, so `کتاب خانه` must also look for
    /// `کتابخانه`. A document matches if it has every term of one of these.
    pub fn alternatives(&self) -> Vec<Vec<String>> {
        let mut ways = vec![self.terms.clone()];
        for pair in 0..self.terms.len().saturating_sub(1) {
            let mut joined = self.terms.clone();
            let second = joined.remove(pair + 1);
            joined[pair].push_str(&second);
            ways.push(joined);
        }
        ways
    }

    /// Whether `word` (already in search form) is matched by a term, or by two neighbouring
    /// terms written as one.
    pub fn matches(&self, word: &str) -> bool {
        self.alternatives()
            .iter()
            .flatten()
            .any(|term| word.starts_with(term.as_str()))
    }

    /// How well a document answers the query: each term counts once per field it appears
    /// in, weighted title 4, hashtag 3, addressees 2, on-behalf-of, body and the compounds
    /// of spaced words 1.
    pub fn score(&self, document: &SearchDocument) -> u32 {
        let compounds = document.compounds().join(" ");
        let fields = [
            (&document.title, 4),
            (&document.hashtag, 3),
            (&document.addressees, 2),
            (&document.on_behalf_of, 1),
            (&document.body, 1),
            (&compounds, 1),
        ];
        let score_of = |terms: &[String]| {
            let mut score = 0;
            for term in terms {
                for (field, weight) in fields {
                    if field.split(' ').any(|w| w.starts_with(term.as_str())) {
                        score += weight;
                    }
                }
            }
            score
        };
        // As well as the way of writing it that the document answers best.
        self.alternatives()
            .iter()
            .map(|terms| score_of(terms))
            .max()
            .unwrap_or(0)
    }

    /// Splits display text into runs, marking the words the query matches.
    pub fn highlight(&self, text: &str) -> Vec<(String, bool)> {
        let mut runs: Vec<(String, bool)> = Vec::new();
        let mut push = |piece: &str, marked: bool| match runs.last_mut() {
            Some((last, was)) if *was == marked => last.push_str(piece),
            _ => runs.push((piece.to_owned(), marked)),
        };
        for (i, word) in text.split(' ').enumerate() {
            if i > 0 {
                push(" ", false);
            }
            let marked = words(word).iter().any(|w| self.matches(w));
            push(word, marked);
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(q: &str) -> SearchQuery {
        SearchQuery::parse(q).unwrap()
    }

    #[test]
    fn neighbouring_terms_may_be_one_compound() {
        let ways = query("اطلاع رسانی شهرداری").alternatives();
        assert_eq!(
            ways,
            [
                vec!["اطلاع", "رسانی", "شهرداری"],
                vec!["اطلاعرسانی", "شهرداری"],
                vec!["اطلاع", "رسانیشهرداری"],
            ]
        );
        assert_eq!(query("کتاب").alternatives(), [vec!["کتاب"]]);
        let document = SearchDocument {
            title: words("کتاب‌خانه").join(" "),
            ..SearchDocument::default()
        };
        assert!(query("کتاب خانه").score(&document) >= query("کتابخانه").score(&document));
    }

    #[test]
    fn spaced_words_of_a_document_are_also_its_compounds() {
        let document = SearchDocument {
            title: words("آتش نشانی نیک آباد").join(" "),
            body: words("اطلاع رسانی").join(" "),
            ..SearchDocument::default()
        };
        assert_eq!(
            document.compounds(),
            ["اتشنشانی", "نشانینیک", "نیکاباد", "اطلاعرسانی"],
            "within a field, never across two"
        );
        assert!(query("آتش‌نشانی").score(&document) > 0);
        assert!(query("نیک‌آباد").score(&document) > 0);
        assert_eq!(query("شهرداری").score(&document), 0);
    }

    #[test]
    fn letter_digit_and_joiner_forms_are_one_word() {
        assert_eq!(words("كارزار"), words("کارزار"));
        assert_eq!(words("۱۴۰۳"), ["1403"]);
        assert_eq!(words("می‌خواهم"), words("میخواهم"));
        assert_eq!(words("كـــتاب"), words("کتاب"), "tatweel");
        assert_eq!(words("کِتاب"), words("کتاب"), "diacritics");
        assert_eq!(words("#رود_پاک، (1403)"), ["رود", "پاک", "1403"]);
    }

    #[test]
    fn queries_keep_distinct_words_and_refuse_empty_ones() {
        // Alef with madda folds to alef, so «آب» and «اب» are one word.
        assert_eq!(query("آب اب  رود").terms(), ["اب", "رود"]);
        assert!(SearchQuery::parse(" ،؛ ").is_none());
        assert_eq!(query(&"و ".repeat(20)).terms().len(), 1);
        let many: String = (0..20).map(|n| format!("w{n} ")).collect();
        assert_eq!(query(&many).terms().len(), SearchQuery::MAX_TERMS);
    }

    #[test]
    fn titles_weigh_more_than_bodies() {
        let in_title = SearchDocument {
            title: "کتابخانه شهر".into(),
            ..Default::default()
        };
        let in_body = SearchDocument {
            body: "کتابخانه شهر".into(),
            ..Default::default()
        };
        let q = query("کتاب");
        assert!(q.score(&in_title) > q.score(&in_body));
        assert_eq!(q.score(&SearchDocument::default()), 0);
    }

    #[test]
    fn matched_words_are_marked_in_display_text() {
        let runs = query("كتاب").highlight("بازگشایی کتابخانهٔ محله");
        assert_eq!(
            runs,
            [
                ("بازگشایی ".to_owned(), false),
                ("کتابخانهٔ".to_owned(), true),
                (" محله".to_owned(), false),
            ]
        );
    }
}
