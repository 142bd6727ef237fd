//! Email over SMTP (`lettre`): `smtp://HOST:PORT` (add `?tls=required` for STARTTLS) or
//! `smtps://USER:PASSWORD@HOST:465`, with the sender's address given apart. A relay whose
//! certificate comes from a private authority is trusted with `ca=PATH` (a PEM file) in the
//! query, besides the public roots.

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tomar_core::message::OutboundMessage;

use crate::TransportError;

/// The URL without its `ca=` parameter, and that parameter's path.
fn split_ca(url: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), None);
    };
    let mut ca = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("ca=") {
            Some(path) => {
                ca = Some(path.to_owned());
                false
            }
            None => true,
        })
        .collect();
    let url = if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    (url, ca)
}

/// The host of an `smtp://` or `smtps://` URL, without credentials or port.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host_port.rsplit_once(':').map_or(host_port, |(h, _)| h);
    (!host.is_empty()).then(|| host.to_owned())
}

#[derive(Clone, Debug)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// Parses the server URL and the sender; the error says what is wrong.
    pub fn new(url: &str, from: &str) -> Result<SmtpMailer, String> {
        if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
            return Err("expected smtp://HOST:PORT or smtps://USER:PASSWORD@HOST:465".into());
        }
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("the sender address: {e}"))?;
        // One process-wide TLS provider; a second install (another transport) is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let (url, ca) = split_ca(url);
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| format!("the SMTP URL: {e}"))?;
        if let Some(path) = ca {
            let pem = std::fs::read(&path)
                .map_err(|e| format!("the certificate authority {path}: {e}"))?;
            let authority = Certificate::from_pem(&pem)
                .map_err(|e| format!("the certificate authority {path}: {e}"))?;
            let host = host_of(&url).ok_or("the SMTP URL has no host")?;
            let parameters = TlsParameters::builder(host)
                .add_root_certificate(authority)
                .build_rustls()
                .map_err(|e| format!("the TLS settings: {e}"))?;
            // Implicit TLS for smtps://; STARTTLS, required, for smtp://.
            builder = builder.tls(if url.starts_with("smtps://") {
                Tls::Wrapper(parameters)
            } else {
                Tls::Required(parameters)
            });
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from,
        })
    }

    pub async fn deliver(&self, message: &OutboundMessage) -> Result<(), TransportError> {
        let to: Mailbox = message
            .recipient
            .parse()
            .map_err(|e| TransportError::Smtp(format!("the recipient address: {e}")))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| TransportError::Smtp(e.to_string()))?;
        self.transport
            .send(email)
            .await
            .map_err(|e| TransportError::Smtp(e.to_string()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ca_parameter_is_taken_out_of_the_url() {
        assert_eq!(
            split_ca("smtps://u:p@mail.example:465?ca=/etc/ca.pem"),
            (
                "smtps://u:p@mail.example:465".to_owned(),
                Some("/etc/ca.pem".to_owned())
            )
        );
        assert_eq!(
            split_ca("smtp://mail.example:25?tls=required&ca=/ca.pem"),
            (
                "smtp://mail.example:25?tls=required".to_owned(),
                Some("/ca.pem".to_owned())
            )
        );
        assert_eq!(split_ca("smtp://mail.example").1, None);
        assert_eq!(
            host_of("smtps://u:p@mail.example:465").as_deref(),
            Some("mail.example")
        );
        assert_eq!(
            host_of("smtp://127.0.0.1:25?x=1").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(host_of("smtp://"), None);
    }
}
