//! What the load tools share: reading the codes a Tomar delivered to its file outbox, as a
//! developer reads them in demo mode (there is no test-only shortcut in the server).

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use tomar_core::persian::ascii_digits;

/// The outbox, read as files arrive: each file's recipient, by file name.
#[derive(Default)]
pub struct Outbox {
    seen: HashMap<String, String>,
}

impl Outbox {
    pub fn scan(&mut self, dir: &Path) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".partial") || self.seen.contains_key(&name) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            if let Some(to) = text.lines().next().and_then(|l| l.strip_prefix("To: ")) {
                self.seen.insert(name, to.to_owned());
            }
        }
    }

    pub fn files_to(&self, recipient: &str) -> Vec<&str> {
        self.seen
            .iter()
            .filter(|(_, to)| to.as_str() == recipient)
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// The code in the newest message to `recipient` in the outbox directory `dir`.
pub async fn code_for(dir: &Path, outbox: &mut Outbox, recipient: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        outbox.scan(dir);
        if let Some(name) = outbox.files_to(recipient).into_iter().max() {
            // The code is the last word of the message's first line.
            let text = std::fs::read_to_string(dir.join(name)).ok()?;
            let first_line = text.split_once("\n\n")?.1.lines().next()?;
            return first_line.rsplit(' ').next().map(ascii_digits);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
