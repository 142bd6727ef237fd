//! Email over SMTP (`lettre`): `smtp://HOST:PORT` (add `?tls=required` for STARTTLS) or
//! `smtps://USER:PASSWORD@HOST:465`, with the sender's address given apart.

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tomar_core::message::OutboundMessage;

use crate::TransportError;

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
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("the SMTP URL: {e}"))?
            .build();
        Ok(SmtpMailer { transport, from })
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
