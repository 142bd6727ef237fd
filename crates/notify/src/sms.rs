//! SMS through an HTTP gateway. Two forms of configuration:
//!
//! - `kavenegar:API_KEY?sender=LINE` — the Kavenegar API (`POST /v1/{key}/sms/send.json`
//!   with `receptor`, `message`, `sender`); `&lookup=TEMPLATE` sends codes through its
//!   verification API instead (`POST /v1/{key}/verify/lookup.json` with `receptor`,
//!   `token`, `template`), the way Iranian services send codes: a template approved in the
//!   Kavenegar panel goes out on its fast code lines, with the code as `%token`. `&base=URL`
//!   points it elsewhere (tests, proxies) and `&ca=PATH` trusts a PEM certificate authority
//!   besides the public roots (a relay inside a private network).
//! - any `http://` or `https://` URL with `{to}` and `{text}` in it, fetched with `GET`
//!   after filling them in, percent-encoded: most gateways take that shape.

use tomar_core::message::OutboundMessage;

use crate::{TransportError, http};

const KAVENEGAR: &str = "https://api.kavenegar.com";

#[derive(Clone, Debug)]
enum Gateway {
    Kavenegar {
        endpoint: String,
        sender: String,
        /// The verification API's endpoint and the template name, for codes.
        lookup: Option<(String, String)>,
    },
    Template {
        url: String,
    },
}

/// The code a message begins with: a code SMS starts with its code in ASCII digits and a
/// space (tomar-web writes them so, for the phone's autofill); any other message has none.
fn leading_code(body: &str) -> Option<&str> {
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let follows = body[digits..].chars().next();
    ((4..=10).contains(&digits) && follows.is_none_or(char::is_whitespace)).then(|| &body[..digits])
}

#[derive(Clone, Debug)]
pub struct SmsGateway {
    gateway: Gateway,
    client: reqwest::Client,
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

impl SmsGateway {
    /// Parses a gateway specification; the error says what is wrong with it.
    pub fn parse(spec: &str) -> Result<SmsGateway, String> {
        let mut authority = None;
        let gateway = if let Some(rest) = spec.strip_prefix("kavenegar:") {
            let (key, query) = rest.split_once('?').unwrap_or((rest, ""));
            let sender = query_value(query, "sender").ok_or("kavenegar: needs ?sender=LINE")?;
            let base = query_value(query, "base")
                .unwrap_or(KAVENEGAR)
                .trim_end_matches('/');
            authority = query_value(query, "ca");
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err("kavenegar: the API key is missing or malformed".into());
            }
            let lookup = query_value(query, "lookup").map(|template| {
                (
                    format!("{base}/v1/{key}/verify/lookup.json"),
                    template.to_owned(),
                )
            });
            Gateway::Kavenegar {
                endpoint: format!("{base}/v1/{key}/sms/send.json"),
                sender: sender.to_owned(),
                lookup,
            }
        } else if (spec.starts_with("https://") || spec.starts_with("http://"))
            && spec.contains("{to}")
            && spec.contains("{text}")
        {
            Gateway::Template {
                url: spec.to_owned(),
            }
        } else {
            return Err(
                "expected kavenegar:KEY?sender=LINE, or an http(s) URL with {to} and {text}".into(),
            );
        };
        Ok(SmsGateway {
            gateway,
            client: http::client(authority)?,
        })
    }

    pub async fn deliver(&self, message: &OutboundMessage) -> Result<(), TransportError> {
        let request = match (&self.gateway, leading_code(&message.body)) {
            (
                Gateway::Kavenegar {
                    lookup: Some((lookup, template)),
                    ..
                },
                Some(code),
            ) => self.client.post(lookup).form(&[
                ("receptor", message.recipient.as_str()),
                ("token", code),
                ("template", template.as_str()),
            ]),
            (
                Gateway::Kavenegar {
                    endpoint, sender, ..
                },
                _,
            ) => self.client.post(endpoint).form(&[
                ("receptor", message.recipient.as_str()),
                ("message", message.body.as_str()),
                ("sender", sender.as_str()),
            ]),
            (Gateway::Template { url }, _) => self.client.get(
                url.replace("{to}", &percent_encode(&message.recipient))
                    .replace("{text}", &percent_encode(&message.body)),
            ),
        };
        http::send(request, "the gateway", TransportError::Gateway).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifications_parse_or_say_why_not() {
        assert!(SmsGateway::parse("kavenegar:ABC-123?sender=10004346").is_ok());
        assert!(SmsGateway::parse("https://sms.example/send?to={to}&msg={text}").is_ok());
        assert!(
            SmsGateway::parse("kavenegar:ABC")
                .unwrap_err()
                .contains("sender")
        );
        assert!(
            SmsGateway::parse("kavenegar:?sender=1")
                .unwrap_err()
                .contains("key")
        );
        assert!(SmsGateway::parse("https://sms.example/send").is_err());
        assert!(SmsGateway::parse("ftp://x/{to}{text}").is_err());
    }

    #[test]
    fn a_code_is_the_digits_a_message_begins_with() {
        assert_eq!(
            leading_code("123456 کد امضای شما\n\n@h #123456"),
            Some("123456")
        );
        assert_eq!(leading_code("123456"), Some("123456"));
        assert_eq!(leading_code("کد: 123456"), None);
        assert_eq!(leading_code("123 کد"), None, "too short for a code");
        assert_eq!(leading_code("123456x"), None);
        assert_eq!(leading_code(""), None);
    }

    #[test]
    fn values_are_percent_encoded() {
        assert_eq!(percent_encode("+98 کد"), "%2B98%20%DA%A9%D8%AF");
    }
}
