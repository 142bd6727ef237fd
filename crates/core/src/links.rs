//! Which parts of user text are addresses to link: words that start with `http://` or
//! `https://` and have something after it, without the punctuation that ends a sentence.
//! No other scheme is ever a link, so `javascript:` and friends stay text.

/// A run of user text: as it was typed, or an address in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run<'a> {
    Plain(&'a str),
    Address(&'a str),
}

/// Punctuation that ends a sentence rather than an address (Persian ones included).
const SENTENCE_END: [char; 8] = ['.', ',', '،', '!', '?', ')', '؛', ':'];

/// Splits `text` into plain runs and addresses; joined again, the runs are `text`.
pub fn runs(text: &str) -> Vec<Run<'_>> {
    let mut runs = Vec::new();
    let mut plain_from = 0;
    let mut at = 0;
    while let Some(rest) = text.get(at..).filter(|rest| !rest.is_empty()) {
        let word_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        if word_len == 0 {
            at += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        if let Some(address) = address_in(&rest[..word_len]) {
            if plain_from < at {
                runs.push(Run::Plain(&text[plain_from..at]));
            }
            runs.push(Run::Address(address));
            plain_from = at + address.len();
        }
        at += word_len;
    }
    if plain_from < text.len() {
        runs.push(Run::Plain(&text[plain_from..]));
    }
    runs
}

/// The address a word starts with, if it is one.
fn address_in(word: &str) -> Option<&str> {
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|scheme| word.starts_with(scheme))?;
    let address = word.trim_end_matches(SENTENCE_END);
    (address.len() > scheme.len()).then_some(address)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_http_addresses_become_links() {
        assert_eq!(
            runs("ببینید https://example.org/a، و javascript:alert(1) را"),
            [
                Run::Plain("ببینید "),
                Run::Address("https://example.org/a"),
                Run::Plain("، و javascript:alert(1) را"),
            ]
        );
        assert_eq!(runs("https://"), [Run::Plain("https://")]);
        assert_eq!(
            runs("(https://.)"),
            [Run::Plain("(https://.)")],
            "nothing after the scheme"
        );
        assert_eq!(
            runs("http://a\thttp://b"),
            [
                Run::Address("http://a"),
                Run::Plain("\t"),
                Run::Address("http://b"),
            ]
        );
        assert_eq!(runs(""), []);
    }

    proptest! {
        #[test]
        fn runs_join_back_into_the_text(text in "\\PC*") {
            let joined: String = runs(&text)
                .iter()
                .map(|run| match run {
                    Run::Plain(s) | Run::Address(s) => *s,
                })
                .collect();
            prop_assert_eq!(joined, text);
        }
    }
}
