//! Delivering the outbox. Messages are written to the outbox table in the same transaction
//! as the change that caused them; the [`Worker`] here claims due ones, hands each to the
//! [`Transport`], and records the result, retrying failures with growing delays.
//! Nothing here knows what a campaign is: it moves text to recipients.

mod file;
mod worker;

pub use file::FileOutbox;
pub use worker::{Worker, retry_delay};

use tomar_core::message::OutboundMessage;

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("cannot write the message file: {0}")]
    File(#[from] std::io::Error),
}

/// Where messages go. Chosen once at start-up.
#[derive(Clone, Debug)]
pub enum Transport {
    /// One file per message in a directory: for development, demos and tests.
    File(FileOutbox),
}

impl Transport {
    pub async fn deliver(&self, id: i64, message: &OutboundMessage) -> Result<(), TransportError> {
        match self {
            Transport::File(outbox) => outbox.deliver(id, message).await,
        }
    }
}
