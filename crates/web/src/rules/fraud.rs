//! The moderators' choice of signatures to invalidate, as typed: a network (its keyed
//! hash, as the sources table shows it), an email domain, a time window in Iran's time.
//! Every part is checked, and an empty choice, which would take every signature, is
//! refused.

use jiff::Timestamp;
use jiff::civil::DateTime;
use tomar_core::calendar::iran;
use tomar_core::hash::is_hex;
use tomar_store::SignatureChoice;

use crate::error::{FieldErrors, WebError};
use crate::view::i18n::Tr;
use crate::view::url::percent_encode;

/// The choice as the form sends it; blank fields choose nothing.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ChoiceForm {
    #[serde(default)]
    pub network: String,
    #[serde(default)]
    pub domain: String,
    /// `YYYY-MM-DDTHH:MM` (an HTML `datetime-local`), in Iran's time.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

impl ChoiceForm {
    /// The form that chooses `choice` again, for links and hidden fields.
    pub fn of(choice: &SignatureChoice) -> ChoiceForm {
        let local = |at: Option<Timestamp>| {
            at.map(|at| {
                let zoned = at.to_zoned_datetime(iran().clone());
                zoned.strftime("%Y-%m-%dT%H:%M").to_string()
            })
            .unwrap_or_default()
        };
        ChoiceForm {
            network: choice.network.clone().unwrap_or_default(),
            domain: choice.email_domain.clone().unwrap_or_default(),
            from: local(choice.from),
            to: local(choice.to),
        }
    }

    /// The choice as a query string, `network=…&domain=…&from=…&to=…`.
    pub fn query(&self) -> String {
        [
            ("network", &self.network),
            ("domain", &self.domain),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .map(|(name, value)| format!("{name}={}", percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
    }

    pub fn is_blank(&self) -> bool {
        [&self.network, &self.domain, &self.from, &self.to]
            .iter()
            .all(|field| field.trim().is_empty())
    }

    /// The signatures chosen, or each refused field with its message.
    pub fn parse(&self, tr: Tr) -> Result<SignatureChoice, WebError> {
        let mut errors: FieldErrors = Vec::new();
        let network = non_blank(&self.network).map(str::to_ascii_lowercase);
        if network.as_deref().is_some_and(|n| !is_hex(n, 64)) {
            errors.push(("network", tr.t("fraud.bad_network")));
        }
        let domain = non_blank(&self.domain).map(str::to_lowercase);
        let domain_ok = |d: &str| {
            d.len() <= 253
                && d.contains('.')
                && d.split('.').all(|label| {
                    !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                })
        };
        if domain.as_deref().is_some_and(|d| !domain_ok(d)) {
            errors.push(("domain", tr.t("fraud.bad_domain")));
        }
        let mut time = |field: &'static str, typed: &str| match non_blank(typed) {
            None => None,
            Some(typed) => match iran_time(typed) {
                Some(at) => Some(at),
                None => {
                    errors.push((field, tr.t("fraud.bad_time")));
                    None
                }
            },
        };
        let from = time("from", &self.from);
        let to = time("to", &self.to);
        if let (Some(from), Some(to)) = (from, to)
            && from >= to
        {
            errors.push(("to", tr.t("fraud.bad_window")));
        }
        let choice = SignatureChoice {
            network,
            email_domain: domain,
            from,
            to,
        };
        if errors.is_empty() && choice.is_empty() {
            errors.push(("network", tr.t("fraud.choose_something")));
        }
        match errors.is_empty() {
            true => Ok(choice),
            false => Err(WebError::Invalid {
                detail: errors[0].1.clone(),
                fields: errors,
            }),
        }
    }
}

fn non_blank(typed: &str) -> Option<&str> {
    Some(typed.trim()).filter(|t| !t.is_empty())
}

/// A `datetime-local` value read as Iran's time.
fn iran_time(typed: &str) -> Option<Timestamp> {
    let civil: DateTime = typed.parse().ok()?;
    let zoned = iran()
        .to_ambiguous_zoned_datetime(civil)
        .compatible()
        .ok()?;
    Some(zoned.timestamp())
}

/// What the moderation log says of a choice: its parts, readable.
pub fn describe(choice: &SignatureChoice, tr: Tr) -> String {
    let mut parts = Vec::new();
    if let Some(network) = &choice.network {
        parts.push(tr.with("fraud.of_network", &[("network", short(network))]));
    }
    if let Some(domain) = &choice.email_domain {
        parts.push(tr.with("fraud.of_domain", &[("domain", domain)]));
    }
    if let Some(from) = choice.from {
        parts.push(tr.with("fraud.of_from", &[("at", &tr.instant(from))]));
    }
    if let Some(to) = choice.to {
        parts.push(tr.with("fraud.of_to", &[("at", &tr.instant(to))]));
    }
    parts.join("، ")
}

/// The first characters of a network's keyed hash: enough to tell networks apart on a
/// page, while the whole key goes in links and forms.
pub fn short(network: &str) -> &str {
    network.get(..12).unwrap_or(network)
}

#[cfg(test)]
mod tests {
    use tomar_core::language::Language;

    use super::*;

    fn form(network: &str, domain: &str, from: &str, to: &str) -> ChoiceForm {
        ChoiceForm {
            network: network.into(),
            domain: domain.into(),
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn choices_are_checked_and_read_in_iran_time() {
        let tr = Tr::new(Language::En);
        let key = "ab".repeat(32);
        let choice = form(
            &key.to_uppercase(),
            " Mail.Example ",
            "2026-12-01T09:30",
            "",
        )
        .parse(tr)
        .unwrap();
        assert_eq!(choice.network.as_deref(), Some(key.as_str()));
        assert_eq!(choice.email_domain.as_deref(), Some("mail.example"));
        assert_eq!(
            choice.from.unwrap().to_string(),
            "2026-12-01T06:00:00Z",
            "Tehran is UTC+3:30"
        );
        let again = ChoiceForm::of(&choice);
        assert_eq!(again.from, "2026-12-01T09:30");
        assert_eq!(
            again.parse(tr).unwrap(),
            choice,
            "a choice survives its own form"
        );
        assert!(
            again.query().contains("from=2026-12-01T09%3A30"),
            "{}",
            again.query()
        );
        for bad in [
            form("", "", "", ""),
            form("not-a-key", "", "", ""),
            form("", "no dots", "", ""),
            form("", "", "yesterday", ""),
            form("", "", "2026-12-01T10:00", "2026-12-01T09:00"),
            form("", "<script>.example", "", ""),
        ] {
            assert!(bad.parse(tr).is_err(), "{bad:?}");
        }
    }
}
