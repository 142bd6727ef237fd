//! The signal from a backend's commits to this process's live counts (`live`): a count
//! moved here. A file of its own, so that the backends and the live counts each depend on
//! it rather than on one another.

use tokio::sync::Notify;

/// Tells this process's live counts that a count moved here.
#[derive(Debug, Default)]
pub(crate) struct CountsMoved(Notify);

impl CountsMoved {
    /// Called after the commit of a transaction that moved a count.
    pub(crate) fn tell(&self) {
        // One waiter, the live counts' task; a permit left while it reads makes it read
        // once more, so no move goes unread.
        self.0.notify_one();
    }

    /// Waits for the next [`tell`](Self::tell), or for one that came while no one waited.
    pub(crate) async fn heard(&self) {
        self.0.notified().await;
    }
}
