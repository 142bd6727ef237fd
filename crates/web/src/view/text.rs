//! User text and translated sentences as runs of plain text and links, for templates to
//! lay out without ever marking up user text themselves.

/// A piece of text that may be a link. User links are marked `ugc` so they pass no
/// reputation and open nothing with our page's authority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    UserLink(String),
    Link { href: String, text: String },
}

/// Splits user text into plain text and http(s) addresses. Only those two schemes become
/// links, so `javascript:` and friends stay text.
pub fn linkify(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut plain = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            plain.push(' ');
        }
        let is_link = (word.starts_with("https://") || word.starts_with("http://"))
            && word.len() > "https://".len();
        if is_link {
            // Trailing punctuation belongs to the sentence, not the address.
            let address = word.trim_end_matches(['.', ',', '،', '!', '?', ')', '؛', ':']);
            if !plain.is_empty() {
                segments.push(Segment::Text(std::mem::take(&mut plain)));
            }
            segments.push(Segment::UserLink(address.to_owned()));
            plain.push_str(&word[address.len()..]);
        } else {
            plain.push_str(word);
        }
    }
    if !plain.is_empty() {
        segments.push(Segment::Text(plain));
    }
    segments
}

/// A translated sentence whose `{name}` placeholders are replaced by segments (links).
pub fn sentence(template: &str, values: Vec<(&str, Segment)>) -> Vec<Segment> {
    let mut segments = vec![Segment::Text(template.to_owned())];
    for (name, value) in values {
        let marker = format!("{{{name}}}");
        segments = segments
            .into_iter()
            .flat_map(|segment| match segment {
                Segment::Text(text) if text.contains(&marker) => {
                    let (before, after) = text.split_once(&marker).unwrap_or((&text, ""));
                    vec![
                        Segment::Text(before.to_owned()),
                        value.clone(),
                        Segment::Text(after.to_owned()),
                    ]
                }
                other => vec![other],
            })
            .filter(|s| !matches!(s, Segment::Text(t) if t.is_empty()))
            .collect();
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Segment {
        Segment::Text(s.into())
    }

    #[test]
    fn only_http_addresses_become_links() {
        assert_eq!(
            linkify("ببینید https://example.org/a، و javascript:alert(1) را"),
            vec![
                text("ببینید "),
                Segment::UserLink("https://example.org/a".into()),
                text("، و javascript:alert(1) را"),
            ]
        );
        assert_eq!(linkify("https://"), vec![text("https://")]);
        assert_eq!(linkify(""), vec![]);
    }

    #[test]
    fn sentences_take_links_for_placeholders() {
        let link = Segment::Link {
            href: "/t".into(),
            text: "T".into(),
        };
        assert_eq!(
            sentence(
                "see {a} or {b}.",
                vec![("a", link.clone()), ("b", text("B"))]
            ),
            vec![text("see "), link, text(" or "), text("B"), text(".")]
        );
    }
}
