//! User text and translated sentences as runs of plain text and links, for templates to
//! lay out without ever marking up user text themselves.

use tomar_core::language::Language;
use tomar_core::links::{Run, runs};

/// The `lang` attribute for a piece of user text: `fa` or `en` as it is written, empty
/// (unknown, as HTML defines it) when it shows neither. Persian content on an English page
/// is read by a screen reader's Persian voice, and the reverse.
pub fn lang_of(text: &str) -> &'static str {
    Language::written_in(text).map_or("", Language::code)
}

/// A piece of text that may be a link. User links are marked `ugc` so they pass no
/// reputation and open nothing with our page's authority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    /// A name someone typed, isolated from the words around it (`<bdi>`): a Persian name in
    /// an English sentence, or a Latin one in a Persian sentence, keeps its place.
    Name(String),
    UserLink(String),
    Link {
        href: String,
        text: String,
    },
}

/// User text as segments: its addresses (see `tomar_core::links`) become user links.
pub fn linkify(text: &str) -> Vec<Segment> {
    runs(text)
        .into_iter()
        .map(|run| match run {
            Run::Plain(plain) => Segment::Text(plain.to_owned()),
            Run::Address(address) => Segment::UserLink(address.to_owned()),
        })
        .collect()
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
    fn addresses_become_user_links() {
        assert_eq!(
            linkify("ببینید https://example.org/a، و"),
            vec![
                text("ببینید "),
                Segment::UserLink("https://example.org/a".into()),
                text("، و"),
            ]
        );
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
