//! The memory outbox: delivered messages kept in a list, for tests that read what was sent.
//! A reader waits for the next delivery instead of polling a folder.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tomar_core::message::OutboundMessage;

#[derive(Clone, Debug)]
pub struct MemoryOutbox {
    delivered: Arc<Mutex<Vec<OutboundMessage>>>,
    /// How many messages were delivered, for readers waiting for more.
    count: watch::Sender<usize>,
}

impl Default for MemoryOutbox {
    fn default() -> Self {
        MemoryOutbox {
            delivered: Arc::default(),
            count: watch::Sender::new(0),
        }
    }
}

impl MemoryOutbox {
    pub fn deliver(&self, message: &OutboundMessage) {
        let mut delivered = self.delivered.lock().expect("memory outbox lock");
        delivered.push(message.clone());
        self.count.send_replace(delivered.len());
    }

    /// Every message delivered so far, oldest first.
    pub fn messages(&self) -> Vec<OutboundMessage> {
        self.delivered.lock().expect("memory outbox lock").clone()
    }

    /// The newest message that `matches`, waiting up to `within` for it to be delivered.
    pub async fn wait_for(
        &self,
        within: Duration,
        matches: impl Fn(&OutboundMessage) -> bool,
    ) -> Option<OutboundMessage> {
        let mut count = self.count.subscribe();
        tokio::time::timeout(within, async {
            loop {
                // Marked seen before looking, so a delivery after the look ends the wait.
                count.borrow_and_update();
                let found = self.messages().into_iter().rev().find(|m| matches(m));
                if found.is_some() {
                    return found;
                }
                if count.changed().await.is_err() {
                    return None;
                }
            }
        })
        .await
        .ok()
        .flatten()
    }

    /// Waits up to `within` until at least `n` messages were delivered; answers whether
    /// they were.
    pub async fn wait_for_count(&self, n: usize, within: Duration) -> bool {
        let mut count = self.count.subscribe();
        tokio::time::timeout(within, count.wait_for(|delivered| *delivered >= n))
            .await
            .is_ok_and(|waited| waited.is_ok())
    }
}

#[cfg(test)]
mod tests {
    use tomar_core::message::Route;

    use super::*;

    fn message(to: &str) -> OutboundMessage {
        OutboundMessage {
            route: Route::Email,
            recipient: to.into(),
            subject: "s".into(),
            body: format!("to {to}"),
        }
    }

    #[tokio::test]
    async fn a_waiting_reader_wakes_at_the_delivery_it_waits_for() {
        let outbox = MemoryOutbox::default();
        let later = outbox.clone();
        tokio::spawn(async move {
            later.deliver(&message("a@example.org"));
            tokio::time::sleep(Duration::from_millis(20)).await;
            later.deliver(&message("b@example.org"));
        });
        let b = outbox
            .wait_for(Duration::from_secs(5), |m| m.recipient == "b@example.org")
            .await;
        assert_eq!(b.map(|m| m.body), Some("to b@example.org".to_owned()));
        assert!(outbox.wait_for_count(2, Duration::from_secs(5)).await);
        assert!(!outbox.wait_for_count(3, Duration::from_millis(20)).await);
        let none = outbox
            .wait_for(Duration::from_millis(20), |m| {
                m.recipient == "c@example.org"
            })
            .await;
        assert!(none.is_none());
    }
}
