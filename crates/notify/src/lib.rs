//! Delivering the outbox. Messages are written to the outbox table in the same transaction
//! as the change that caused them; the [`Worker`] here claims due ones, hands each to the
//! [`Transport`], and records the result, retrying failures with growing delays.
//! Nothing here knows what a campaign is: it moves text to recipients and chats.

mod file;
mod http;
mod memory;
mod sms;
mod smtp;
mod telegram;
mod worker;

pub use file::{FileOutbox, plain_text};
pub use memory::MemoryOutbox;
pub use sms::SmsGateway;
pub use smtp::SmtpMailer;
pub use telegram::{TELEGRAM_API, TelegramBot};
pub use worker::{Worker, retry_delay};

use tomar_core::message::{OutboundMessage, Route};

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("cannot write the message file: {0}")]
    File(#[from] std::io::Error),
    #[error("the SMS gateway failed: {0}")]
    Gateway(String),
    #[error("the mail server refused: {0}")]
    Smtp(String),
    #[error("the Telegram Bot API failed: {0}")]
    Telegram(String),
}

/// How messages of one channel travel. Chosen once at start-up.
#[derive(Clone, Debug)]
pub enum Transport {
    /// One file per message in a directory: for development and demos.
    File(FileOutbox),
    /// A list in memory: for tests.
    Memory(MemoryOutbox),
    /// An HTTP SMS gateway.
    Sms(SmsGateway),
    /// An SMTP server, for email.
    Smtp(SmtpMailer),
    /// A Telegram bot, for the platform's channel.
    Telegram(TelegramBot),
}

impl Transport {
    async fn deliver(&self, id: i64, message: &OutboundMessage) -> Result<(), TransportError> {
        match self {
            Transport::File(outbox) => outbox.deliver(id, message).await,
            Transport::Memory(outbox) => {
                outbox.deliver(message);
                Ok(())
            }
            Transport::Sms(gateway) => gateway.deliver(message).await,
            Transport::Smtp(mailer) => mailer.deliver(message).await,
            Transport::Telegram(bot) => bot.deliver(message).await,
        }
    }
}

/// The transport of each route.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub sms: Transport,
    pub email: Transport,
    pub telegram: Transport,
}

impl Delivery {
    /// Everything through one transport (the file outbox, in development).
    pub fn all(transport: Transport) -> Delivery {
        Delivery {
            sms: transport.clone(),
            email: transport.clone(),
            telegram: transport,
        }
    }

    pub async fn deliver(&self, id: i64, message: &OutboundMessage) -> Result<(), TransportError> {
        match message.route {
            Route::Sms => self.sms.deliver(id, message).await,
            Route::Email => self.email.deliver(id, message).await,
            Route::Telegram => self.telegram.deliver(id, message).await,
        }
    }
}
