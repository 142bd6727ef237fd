//! Posts to a Telegram chat, the platform's public channel, through the Bot API:
//! `POST {api}/bot{token}/sendMessage` with `chat_id` and `text`. The API's address can be
//! changed: where api.telegram.org is blocked (as in Iran) a relay abroad carries the
//! requests, and tests point it at a local stand-in.

use tomar_core::message::OutboundMessage;

use crate::{TransportError, http};

/// Where the Bot API is unless told otherwise.
pub const TELEGRAM_API: &str = "https://api.telegram.org";

/// The longest text `sendMessage` takes, in characters (UTF-16 units; Persian letters are
/// one each): a longer post would be refused at every retry, so it is cut to fit.
const LONGEST_POST: usize = 4096;

#[derive(Clone)]
pub struct TelegramBot {
    /// `…/bot{token}/sendMessage`: it holds the token, so it is never logged or shown.
    endpoint: String,
    client: reqwest::Client,
}

impl std::fmt::Debug for TelegramBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TelegramBot { .. }")
    }
}

/// Whether `token` has the shape BotFather gives: the bot's number, a colon, and letters,
/// digits, `_` or `-`.
fn is_bot_token(token: &str) -> bool {
    token.split_once(':').is_some_and(|(bot, key)| {
        !bot.is_empty()
            && bot.bytes().all(|b| b.is_ascii_digit())
            && !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

impl TelegramBot {
    /// A bot with `token` speaking to the Bot API at `api` (no trailing slash needed); the
    /// error says what is wrong, without repeating the token.
    pub fn new(token: &str, api: &str) -> Result<TelegramBot, String> {
        let token = token.trim();
        if !is_bot_token(token) {
            return Err(
                "the bot token is malformed: expected NUMBER:KEY, as BotFather gives it".into(),
            );
        }
        let api = api.trim().trim_end_matches('/');
        if !(api.starts_with("https://") || api.starts_with("http://")) {
            return Err(format!("the Bot API address {api:?} is not an http(s) URL"));
        }
        Ok(TelegramBot {
            endpoint: format!("{api}/bot{token}/sendMessage"),
            client: http::client(None)?,
        })
    }

    pub async fn deliver(&self, message: &OutboundMessage) -> Result<(), TransportError> {
        let text = fitted(&message.body);
        let request = self.client.post(&self.endpoint).form(&[
            ("chat_id", message.recipient.as_str()),
            ("text", text.as_str()),
        ]);
        http::send(request, "the Bot API", TransportError::Telegram).await
    }
}

/// `text` as Telegram takes it: whole if it fits, else cut and ended with an ellipsis.
fn fitted(text: &str) -> String {
    let units = |c: char| c.len_utf16();
    if text.chars().map(units).sum::<usize>() <= LONGEST_POST {
        return text.to_owned();
    }
    let mut used = 1; // the ellipsis
    let mut cut: String = text
        .chars()
        .take_while(|c| {
            used += units(*c);
            used <= LONGEST_POST
        })
        .collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_longer_than_telegram_takes_is_cut_to_fit() {
        assert_eq!(fitted("کارزار تازه"), "کارزار تازه");
        let long = "خطاب به شهردار، ".repeat(400);
        let cut = fitted(&long);
        assert_eq!(cut.chars().count(), LONGEST_POST);
        assert!(cut.ends_with('…') && long.starts_with(cut.trim_end_matches('…')));
        let emoji = "📣".repeat(3000);
        let cut = fitted(&emoji);
        assert_eq!(
            cut.encode_utf16().count(),
            LONGEST_POST - 1,
            "no emoji split in half"
        );
    }

    #[test]
    fn tokens_and_addresses_are_checked_without_repeating_the_token() {
        assert!(TelegramBot::new("123456:AAE-x_Y9", TELEGRAM_API).is_ok());
        assert!(TelegramBot::new(" 123456:AAE ", "http://127.0.0.1:9/").is_ok());
        for wrong in [
            "", "123456", ":AAE", "12a:AAE", "123:", "123:AA E", "123:AA/E",
        ] {
            let error = TelegramBot::new(wrong, TELEGRAM_API).unwrap_err();
            assert!(error.contains("malformed"), "{wrong:?}: {error}");
        }
        let error = TelegramBot::new("123:SECRET", "ftp://relay").unwrap_err();
        assert!(!error.contains("SECRET"), "{error}");
    }
}
