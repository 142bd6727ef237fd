//! Messages to people (codes, receipts, updates), as the outbox holds them. The transports
//! that deliver them know nothing beyond this.

use crate::contact::Channel;

/// A message about to be written to the outbox, in the same transaction as the change that
/// caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboundMessage {
    pub channel: Channel,
    pub recipient: String,
    /// The email subject; unused by SMS.
    pub subject: String,
    pub body: String,
}

/// A message claimed from the outbox for delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub message: OutboundMessage,
    /// Deliveries tried before this one.
    pub attempts: u32,
}
