//! Translations. Every user-facing string lives in `i18n/fa.toml` or `i18n/en.toml`,
//! compiled into the binary and looked up by dotted key (`campaign.signers`).

use std::collections::HashMap;
use std::sync::LazyLock;

use tomar_core::Date;
use tomar_core::Timestamp;
use tomar_core::calendar;
use tomar_core::language::Language;
use tomar_core::names::InputError;

type Catalog = HashMap<String, String>;

fn flatten(prefix: &str, table: &toml::Table, into: &mut Catalog) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, into),
            toml::Value::String(text) => {
                into.insert(full, text.clone());
            }
            other => panic!("translation {full} must be text, not {}", other.type_str()),
        }
    }
}

fn load(source: &str, file: &str) -> Catalog {
    let table: toml::Table = toml::from_str(source).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut catalog = Catalog::new();
    flatten("", &table, &mut catalog);
    catalog
}

static FA: LazyLock<Catalog> =
    LazyLock::new(|| load(include_str!("../../i18n/fa.toml"), "fa.toml"));
static EN: LazyLock<Catalog> =
    LazyLock::new(|| load(include_str!("../../i18n/en.toml"), "en.toml"));

fn catalog(language: Language) -> &'static Catalog {
    match language {
        Language::Fa => &FA,
        Language::En => &EN,
    }
}

/// The translator for one request's language; cheap to copy into every template.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    pub language: Language,
}

impl Tr {
    pub fn new(language: Language) -> Tr {
        Tr { language }
    }

    /// The text for `key`. A missing key shows as `⟦key⟧` so tests and eyes catch it.
    pub fn t(&self, key: &str) -> String {
        match catalog(self.language).get(key) {
            Some(text) => text.clone(),
            None => {
                tracing::error!(key, language = self.language.code(), "missing translation");
                format!("⟦{key}⟧")
            }
        }
    }

    /// The text for `key` with each `{name}` replaced by its value.
    pub fn with(&self, key: &str, values: &[(&str, &str)]) -> String {
        values.iter().fold(self.t(key), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
    }

    pub fn count(&self, n: u64) -> String {
        self.language.count(n)
    }

    pub fn digits(&self, text: &str) -> String {
        self.language.digits(text)
    }

    pub fn number(&self, n: impl std::fmt::Display) -> String {
        self.language.number(n)
    }

    /// The message for a refused form field, with the limit where there is one.
    pub fn input_error(&self, error: &InputError) -> String {
        match error {
            InputError::TooLong { max } => {
                self.with("editor.too_long", &[("max", &self.number(*max as u64))])
            }
            other => self.t(other.key()),
        }
    }

    pub fn date(&self, date: Date) -> String {
        calendar::format_date(date, self.language)
    }

    pub fn instant(&self, at: Timestamp) -> String {
        calendar::format_instant(at, self.language)
    }

    pub fn code(&self) -> &'static str {
        self.language.code()
    }

    pub fn dir(&self) -> &'static str {
        self.language.dir()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let mut fa: Vec<_> = FA.keys().collect();
        let mut en: Vec<_> = EN.keys().collect();
        fa.sort();
        en.sort();
        assert_eq!(fa, en);
        assert!(fa.len() > 50);
    }

    #[test]
    fn both_languages_use_the_same_placeholders() {
        let placeholders = |text: &str| {
            let mut names: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
                .collect();
            names.sort();
            names
        };
        for (key, fa) in FA.iter() {
            assert_eq!(placeholders(fa), placeholders(&EN[key]), "{key}");
        }
    }

    #[test]
    fn values_are_filled_in() {
        let tr = Tr::new(Language::Fa);
        assert_eq!(
            tr.with("campaign.signers", &[("count", &tr.count(598))]),
            "امضاکنندگان: ۵۹۸ نفر"
        );
        assert_eq!(Tr::new(Language::En).t("no.such.key"), "⟦no.such.key⟧");
    }
}
