//! Messages to people (codes, receipts, updates) and the platform's channel posts, as the
//! outbox holds them. The transports that deliver them know nothing beyond this.

use crate::contact::Channel;
use crate::named::named_enum;

named_enum! {
    /// How a message travels: to a person by the channel their contact has, or to the
    /// platform's public Telegram channel.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Route {
        Sms = "sms",
        Email = "email",
        /// A post in a Telegram chat, through the Bot API; the recipient is the chat.
        Telegram = "telegram",
    }
}

impl From<Channel> for Route {
    fn from(channel: Channel) -> Route {
        match channel {
            Channel::Sms => Route::Sms,
            Channel::Email => Route::Email,
        }
    }
}

/// A message about to be written to the outbox, in the same transaction as the change that
/// caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboundMessage {
    pub route: Route,
    pub recipient: String,
    /// The email subject; unused by SMS and Telegram.
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
