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
        let text = plain_text(message);
        let name = format!("{id:08}-{}.txt", message.route.name());
        let dir = self.dir.clone();
        // One trip to the blocking pool for the whole file, not one per call.
        tokio::task::spawn_blocking(move || write_whole(&dir, &name, text.as_bytes()))
            .await
            .map_err(std::io::Error::other)??;
        if self.log_messages {
            tracing::info!(to = %message.recipient, "demo message:\n{}", message.body);
        }
        Ok(())
    }
}

/// A message as the file outbox writes it: its headers, a blank line, its text.
pub fn plain_text(message: &OutboundMessage) -> String {
    format!(
        "To: {}\nChannel: {}\nSubject: {}\n\n{}\n",
        message.recipient,
        message.route.name(),
        message.subject,
        message.body
    )
}

/// Writes `name` in `dir` under a temporary name and renames it, so a reader never sees half
/// a message.
fn write_whole(dir: &Path, name: &str, contents: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let partial = dir.join(format!(".{name}.partial"));
    std::fs::write(&partial, contents)?;
    std::fs::rename(&partial, dir.join(name))
}
