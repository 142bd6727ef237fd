//! Platform settings that admins change at run time, read from the store's `settings`
//! table, with the defaults that hold until someone sets them.

use tomar_core::language::Language;
use tomar_core::names::TelegramChat;
use tomar_store::Settings;

use crate::state::AppState;
use crate::view::i18n::Tr;

/// Keys of the `settings` table.
pub mod keys {
    pub const CODES_PER_CONTACT_PER_HOUR: &str = "limits.codes_per_contact_per_hour";
    pub const CODES_PER_NETWORK_PER_HOUR: &str = "limits.codes_per_network_per_hour";
    pub const WRONG_CODES_PER_NETWORK_PER_HOUR: &str = "limits.wrong_codes_per_network_per_hour";
    pub const LOGINS_PER_NETWORK_PER_HOUR: &str = "limits.logins_per_network_per_hour";
    pub const REPORTS_PER_NETWORK_PER_HOUR: &str = "limits.reports_per_network_per_hour";
    pub const SUBMISSIONS_PER_MEMBER_PER_HOUR: &str = "limits.submissions_per_member_per_hour";
    pub const SUBMISSIONS_PER_NETWORK_PER_HOUR: &str = "limits.submissions_per_network_per_hour";
    pub const SIGNING_STOPPED: &str = "switch.signing_stopped";
    pub const CAMPAIGNS_STOPPED: &str = "switch.campaigns_stopped";
    pub const COMMENTS_STOPPED: &str = "switch.comments_stopped";
    pub const COMMENTS_AFTER_END: &str = "switch.comments_after_end";
    pub const POSTS_PER_NETWORK_PER_HOUR: &str = "limits.posts_per_network_per_hour";
    pub const FLAGS_TO_HIDE: &str = "limits.flags_to_hide";
    pub const CAMPAIGN_MAX_DAYS: &str = "limits.campaign_max_days";
    pub const DELIVERY_THRESHOLD: &str = "limits.delivery_threshold";
    pub const ANONYMISE_AFTER_DAYS: &str = "limits.anonymise_after_days";
    pub const RESPONSE_OVERDUE_DAYS: &str = "limits.response_overdue_days";
    pub const NAMES_PER_VOLUME: &str = "limits.delivery_names_per_volume";
    pub const TELEGRAM_CHAT: &str = "channel.telegram_chat";
}

/// Every number setting and the value it has until an admin sets one.
const NUMBER_DEFAULTS: &[(&str, u64)] = &[
    (keys::CODES_PER_CONTACT_PER_HOUR, 5),
    (keys::CODES_PER_NETWORK_PER_HOUR, 1000),
    (keys::WRONG_CODES_PER_NETWORK_PER_HOUR, 200),
    (keys::LOGINS_PER_NETWORK_PER_HOUR, 300),
    (keys::REPORTS_PER_NETWORK_PER_HOUR, 30),
    (keys::SUBMISSIONS_PER_MEMBER_PER_HOUR, 3),
    (keys::SUBMISSIONS_PER_NETWORK_PER_HOUR, 30),
    (keys::POSTS_PER_NETWORK_PER_HOUR, 30),
    (keys::FLAGS_TO_HIDE, 3),
    (keys::CAMPAIGN_MAX_DAYS, 180),
    (keys::DELIVERY_THRESHOLD, 2000),
    (keys::ANONYMISE_AFTER_DAYS, 90),
    (keys::RESPONSE_OVERDUE_DAYS, 30),
    (keys::NAMES_PER_VOLUME, 50_000),
];

/// The platform texts an admin may replace, per language (`disclaimer.fa`), and the
/// translation that holds each until they do.
const BUILT_IN_TEXTS: &[(&str, &str)] = &[
    ("disclaimer", "campaign.disclaimer"),
    ("rules", "rules.default"),
];

pub struct Platform {
    settings: Settings,
}

impl Platform {
    pub fn new(settings: Settings) -> Platform {
        Platform { settings }
    }

    fn number(&self, key: &str) -> u64 {
        let default = NUMBER_DEFAULTS
            .iter()
            .find(|(name, _)| *name == key)
            .map_or(0, |(_, default)| *default);
        self.settings
            .get(key)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(default)
    }

    /// Codes one phone number or email may be sent in an hour.
    pub fn codes_per_contact_per_hour(&self) -> u64 {
        self.number(keys::CODES_PER_CONTACT_PER_HOUR)
    }

    /// Codes one network (an IPv4 /24 or IPv6 /48) may ask for in an hour before it counts
    /// as busy. Never a refusal: whole neighbourhoods share one address behind
    /// carrier-grade NAT, so past it codes still go out and what they confirm is flagged.
    pub fn codes_per_network_per_hour(&self) -> u64 {
        self.number(keys::CODES_PER_NETWORK_PER_HOUR)
    }

    /// Wrong codes one network may type in an hour: past it, its logins are refused (no
    /// account is worth a crowd's guesses) and the signatures it confirms are flagged.
    pub fn wrong_codes_per_network_per_hour(&self) -> u64 {
        self.number(keys::WRONG_CODES_PER_NETWORK_PER_HOUR)
    }

    /// Login codes one network may ask for in an hour.
    pub fn logins_per_network_per_hour(&self) -> u64 {
        self.number(keys::LOGINS_PER_NETWORK_PER_HOUR)
    }

    /// Comment reports one network may make in an hour.
    pub fn reports_per_network_per_hour(&self) -> u64 {
        self.number(keys::REPORTS_PER_NETWORK_PER_HOUR)
    }

    /// Campaigns one member may send for review in an hour.
    pub fn submissions_per_member_per_hour(&self) -> u64 {
        self.number(keys::SUBMISSIONS_PER_MEMBER_PER_HOUR)
    }

    /// Campaigns that may be sent for review from one network in an hour.
    pub fn submissions_per_network_per_hour(&self) -> u64 {
        self.number(keys::SUBMISSIONS_PER_NETWORK_PER_HOUR)
    }

    fn switch(&self, key: &str) -> bool {
        self.settings.get(key).is_some_and(|v| v.trim() == "true")
    }

    /// The kill switch: no signing anywhere while it is on.
    pub fn signing_stopped(&self) -> bool {
        self.switch(keys::SIGNING_STOPPED)
    }

    /// No new campaigns are started or submitted for review while it is on.
    pub fn campaigns_stopped(&self) -> bool {
        self.switch(keys::CAMPAIGNS_STOPPED)
    }

    /// No new comments or news links anywhere while it is on.
    pub fn comments_stopped(&self) -> bool {
        self.switch(keys::COMMENTS_STOPPED)
    }

    /// Whether ended campaigns still take comments.
    pub fn comments_after_end(&self) -> bool {
        self.switch(keys::COMMENTS_AFTER_END)
    }

    /// Comments and news links one network (IPv4 /24, IPv6 /48) may post in an hour.
    pub fn posts_per_network_per_hour(&self) -> u64 {
        self.number(keys::POSTS_PER_NETWORK_PER_HOUR)
    }

    /// Flags from different people that hide a comment until a moderator reviews it.
    pub fn flags_to_hide(&self) -> u32 {
        self.number(keys::FLAGS_TO_HIDE).clamp(1, 1000) as u32
    }

    /// The longest a campaign may run, in days from when it is written.
    pub fn campaign_max_days(&self) -> i64 {
        self.number(keys::CAMPAIGN_MAX_DAYS).clamp(1, 3650) as i64
    }

    /// Signatures from which a campaign is due to be delivered to its addressees.
    pub fn delivery_threshold(&self) -> u64 {
        self.number(keys::DELIVERY_THRESHOLD)
    }

    /// Days after a campaign's last day until what ties its signatures to their signers
    /// is erased (see `/privacy`).
    pub fn anonymise_after_days(&self) -> u32 {
        self.number(keys::ANONYMISE_AFTER_DAYS).clamp(1, 3650) as u32
    }

    /// Days after delivery when a campaign still without an answer is overdue.
    pub fn response_overdue_days(&self) -> u32 {
        self.number(keys::RESPONSE_OVERDUE_DAYS).clamp(1, 3650) as u32
    }

    /// Signature numbers a volume of the delivery package lists: a PDF is held whole while
    /// it is written, so a big campaign's package comes as several. At least a thousand, so
    /// that even ten million signers make a list of volumes a page can link to.
    pub fn names_per_volume(&self) -> u64 {
        self.number(keys::NAMES_PER_VOLUME).clamp(1_000, 1_000_000)
    }

    /// The Telegram chat the platform posts its campaigns' news to, if an admin named one.
    pub fn telegram_chat(&self) -> Option<TelegramChat> {
        self.get(keys::TELEGRAM_CHAT)
            .and_then(|chat| TelegramChat::parse(chat).ok())
    }

    /// A platform text an admin set for this language, if any; an emptied one is none.
    fn custom_text(&self, name: &str, language: Language) -> Option<&str> {
        self.settings
            .get(&format!("{name}.{}", language.code()))
            .map(String::as_str)
            .filter(|text| !text.trim().is_empty())
    }

    /// A platform text (`disclaimer`, `rules`) in `tr`'s language: the admin's, else the
    /// built-in one.
    pub fn text(&self, name: &str, tr: Tr) -> String {
        self.custom_text(name, tr.language)
            .map_or_else(|| built_in(name, tr.language), str::to_owned)
    }

    /// A setting's value as it holds now, for the admin page to show: what an admin set,
    /// else its default; for a text (`rules.fa`), the built-in text in that language.
    pub fn in_use(&self, key: &str) -> String {
        if NUMBER_DEFAULTS.iter().any(|(name, _)| *name == key) {
            return self.number(key).to_string();
        }
        match text_setting(key) {
            Some((name, language)) => self.text(name, Tr::new(language)),
            None => self.get(key).unwrap_or_default().to_owned(),
        }
    }

    /// Whether `value` is what setting `key` holds without an admin: saved as that, it
    /// would pin today's default, so it is saved as unset instead.
    pub fn is_default(key: &str, value: &str) -> bool {
        match text_setting(key) {
            Some((name, language)) => built_in(name, language).trim() == value.trim(),
            None => NUMBER_DEFAULTS
                .iter()
                .any(|(name, default)| *name == key && default.to_string() == value),
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings.get(key).map(String::as_str)
    }
}

/// The platform text and language a setting key such as `disclaimer.fa` names.
fn text_setting(key: &str) -> Option<(&'static str, Language)> {
    let (name, code) = key.rsplit_once('.')?;
    let language = Language::from_code(code)?;
    BUILT_IN_TEXTS
        .iter()
        .find(|(text, _)| *text == name)
        .map(|(text, _)| (*text, language))
}

/// The text that comes with Tomar for platform text `name`.
fn built_in(name: &str, language: Language) -> String {
    BUILT_IN_TEXTS
        .iter()
        .find(|(text, _)| *text == name)
        .map_or_else(String::new, |(_, key)| Tr::new(language).t(key))
}

/// The keyed name of the network `peer` is in, by which its limits are counted and its
/// signatures traced: never the address, and no use without the secret.
pub fn network_key(state: &AppState, peer: std::net::IpAddr) -> String {
    state.secret.client_key(&network_of(peer))
}

/// The network a client address belongs to, for rate limits: the /24 of an IPv4 address,
/// the /48 of an IPv6 one. Addresses are never stored whole.
pub fn network_of(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => network_of(std::net::IpAddr::V4(v4)),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn networks_are_truncated() {
        assert_eq!(
            network_of("192.168.7.42".parse().unwrap()),
            "192.168.7.0/24"
        );
        assert_eq!(
            network_of("2001:db8:abcd:12::1".parse().unwrap()),
            "2001:db8:abcd::/48"
        );
        assert_eq!(
            network_of("::ffff:10.1.2.3".parse().unwrap()),
            "10.1.2.0/24"
        );
    }

    #[test]
    fn settings_fall_back_to_defaults() {
        let mut settings = BTreeMap::new();
        settings.insert(keys::CODES_PER_CONTACT_PER_HOUR.to_owned(), "2".to_owned());
        settings.insert(
            keys::CODES_PER_NETWORK_PER_HOUR.to_owned(),
            "lots".to_owned(),
        );
        let platform = Platform::new(settings.into());
        assert_eq!(platform.codes_per_contact_per_hour(), 2);
        assert_eq!(platform.codes_per_network_per_hour(), 1000);
        assert!(!platform.signing_stopped());
    }

    #[test]
    fn texts_in_use_are_the_admins_or_the_built_in_ones() {
        let mut settings = BTreeMap::new();
        settings.insert("disclaimer.en".to_owned(), "Ours.".to_owned());
        settings.insert("rules.en".to_owned(), "  ".to_owned());
        let platform = Platform::new(settings.into());
        assert_eq!(platform.in_use("disclaimer.en"), "Ours.");
        let built_in_fa = Tr::new(Language::Fa).t("campaign.disclaimer");
        assert_eq!(platform.in_use("disclaimer.fa"), built_in_fa);
        assert_eq!(
            platform.in_use("rules.en"),
            Tr::new(Language::En).t("rules.default"),
            "an emptied text is the built-in one"
        );
        assert_eq!(platform.in_use(keys::FLAGS_TO_HIDE), "3");
        assert!(Platform::is_default(
            "disclaimer.fa",
            &format!("{built_in_fa}\n")
        ));
        assert!(!Platform::is_default("disclaimer.en", "Ours."));
        assert!(Platform::is_default(keys::FLAGS_TO_HIDE, "3"));
        assert!(!Platform::is_default(keys::FLAGS_TO_HIDE, "4"));
    }
}
