//! What the load tools (and the durability tests) share: reading the codes a Tomar
//! delivered to its file outbox, as a developer reads them in demo mode (there is no
//! test-only shortcut in the server), and reading back what a campaign lists.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
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

/// The code a message's text carries: its first run of six digits, ASCII or Persian (an
/// SMS begins with its code in ASCII digits, an email says it in the reader's digits).
pub fn code_in(text: &str) -> Option<String> {
    let digits = ascii_digits(text);
    let bytes = digits.as_bytes();
    (0..bytes.len().saturating_sub(5)).find_map(|at| {
        let run = bytes.get(at..at + 6)?;
        let starts = at == 0 || !bytes[at - 1].is_ascii_digit();
        let ends = bytes.get(at + 6).is_none_or(|next| !next.is_ascii_digit());
        (starts && ends && run.iter().all(u8::is_ascii_digit))
            .then(|| String::from_utf8_lossy(run).into_owned())
    })
}

/// The code in the newest message to `recipient` in the outbox directory `dir`.
pub async fn code_for(dir: &Path, outbox: &mut Outbox, recipient: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        outbox.scan(dir);
        if let Some(name) = outbox.files_to(recipient).into_iter().max() {
            let text = std::fs::read_to_string(dir.join(name)).ok()?;
            return code_in(text.split_once("\n\n")?.1);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The numbers in a campaign's public list, page by page, and the count it shows.
pub async fn listed(client: &reqwest::Client, base: &str, campaign: &str) -> (HashSet<u64>, u64) {
    let mut numbers = HashSet::new();
    let mut after = String::new();
    loop {
        let url = format!("{base}/api/v1/campaigns/{campaign}/signatures?after={after}");
        let page: Value = client.get(url).send().await.unwrap().json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            numbers.insert(item["number"].as_u64().unwrap());
        }
        match page["next"].as_u64() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    let url = format!("{base}/api/v1/campaigns/{campaign}");
    let shown: Value = client.get(url).send().await.unwrap().json().await.unwrap();
    (numbers, shown["signature_count"].as_u64().unwrap())
}

/// Types `code` for the verification at `url` (`POST …/api/v1/verifications/{id}`), as a
/// signer's client would: the signature's number once the server acknowledged it (201),
/// counted in `acknowledged` at that moment; nothing if it did not.
pub async fn confirm(
    client: reqwest::Client,
    url: String,
    code: String,
    acknowledged: Arc<AtomicUsize>,
) -> Option<u64> {
    let response = client
        .post(url)
        .json(&json!({"code": code}))
        .send()
        .await
        .ok()?;
    if response.status() != 201 {
        return None;
    }
    let number = response.json::<Value>().await.ok()?["number"].as_u64();
    acknowledged.fetch_add(1, Ordering::SeqCst);
    number
}

#[cfg(test)]
mod tests {
    use super::code_in;

    #[test]
    fn the_code_is_the_first_six_digits_standing_alone() {
        assert_eq!(
            code_in("123456 کد امضا\n\n@tomar.example #123456").as_deref(),
            Some("123456")
        );
        assert_eq!(code_in("کد شما: ۶۵۴۳۲۱").as_deref(), Some("654321"));
        assert_eq!(
            code_in("شماره ۰۹۱۲۳۴۵۶۷۸۹ و کد 111222").as_deref(),
            Some("111222")
        );
        assert_eq!(code_in("no code, 12345 or 1234567"), None);
    }
}
