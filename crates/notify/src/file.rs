//! The file outbox: each message becomes `<id>-<channel>.txt` in a directory, with its
//! recipient, subject and text. In demo mode the text is also logged, so a person trying
//! Tomar locally sees their code in the console.

use std::path::{Path, PathBuf};

use tomar_core::message::OutboundMessage;

use crate::TransportError;

#[derive(Clone, Debug)]
pub struct FileOutbox {
    dir: PathBuf,
    log_messages: bool,
}

impl FileOutbox {
    /// `log_messages` prints every message, codes included, to the log: demo mode only.
    pub fn new(dir: impl Into<PathBuf>, log_messages: bool) -> FileOutbox {
        FileOutbox {
            dir: dir.into(),
            log_messages,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub async fn deliver(&self, id: i64, message: &OutboundMessage) -> Result<(), TransportError> {
        tokio::fs::create_dir_all(&self.dir).await?;
        let text = format!(
            "To: {}\nChannel: {}\nSubject: {}\n\n{}\n",
            message.recipient,
            message.channel.name(),
            message.subject,
            message.body
        );
        // Written under a temporary name and renamed, so a reader never sees half a message.
        let name = format!("{id:08}-{}.txt", message.channel.name());
        let partial = self.dir.join(format!(".{name}.partial"));
        tokio::fs::write(&partial, text).await?;
        tokio::fs::rename(&partial, self.dir.join(&name)).await?;
        if self.log_messages {
            tracing::info!(to = %message.recipient, "demo message:\n{}", message.body);
        }
        Ok(())
    }
}
