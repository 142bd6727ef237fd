//! Proofs that travel as files (C2SP tlog-proof): a leaf's index, its inclusion proof and
//! the signed checkpoint of the tree the proof is against, with optional opaque extra data
//! (Tomar puts the entry itself there, so that a receipt needs nothing else).
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64>
//! index <n>
//! <base64 hash>…
//!
//! <signed checkpoint>
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::Hash;

const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// A leaf's inclusion proof with the checkpoint it leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    pub extra: Option<Vec<u8>>,
    pub index: u64,
    /// The inclusion proof, leaf side first (RFC 9162).
    pub hashes: Vec<Hash>,
    /// The signed note of the checkpoint, as the log served it.
    pub checkpoint: String,
}

impl Proof {
    pub fn encode(&self) -> String {
        let mut text = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            text.push_str(&format!("extra {}\n", BASE64.encode(extra)));
        }
        text.push_str(&format!("index {}\n", self.index));
        for hash in &self.hashes {
            text.push_str(&BASE64.encode(hash));
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&self.checkpoint);
        text
    }

    /// Reads a proof file; `None` unless it is exactly in the format [`Proof::encode`]
    /// writes (one spelling of each number and hash).
    pub fn parse(text: &str) -> Option<Proof> {
        let (head, checkpoint) = text.split_once("\n\n")?;
        let mut lines = head.split('\n');
        if lines.next()? != HEADER {
            return None;
        }
        let mut line = lines.next()?;
        let extra = match line.strip_prefix("extra ") {
            Some(encoded) => {
                line = lines.next()?;
                Some(BASE64.decode(encoded).ok()?)
            }
            None => None,
        };
        let index = line.strip_prefix("index ")?;
        if index.len() > 1 && index.starts_with('0') {
            return None;
        }
        let index = index.parse().ok()?;
        let hashes = lines
            .map(|line| BASE64.decode(line).ok()?.try_into().ok())
            .collect::<Option<Vec<Hash>>>()?;
        let proof = Proof {
            extra,
            index,
            hashes,
            checkpoint: checkpoint.to_owned(),
        };
        (!checkpoint.is_empty() && proof.encode() == text).then_some(proof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Proof {
        Proof {
            extra: Some(b"tomar/signature/v1\n".to_vec()),
            index: 73894,
            hashes: vec![[1; 32], [2; 32]],
            checkpoint: "example.com/log\n109482\nAQ==\n\n\u{2014} example.com/log AAAA\n"
                .to_owned(),
        }
    }

    #[test]
    fn a_proof_reads_back_as_written() {
        let proof = example();
        assert_eq!(Proof::parse(&proof.encode()), Some(proof));
        let plain = Proof {
            extra: None,
            hashes: Vec::new(),
            ..example()
        };
        assert!(
            plain
                .encode()
                .starts_with("c2sp.org/tlog-proof@v1\nindex 73894\n\n")
        );
        assert_eq!(Proof::parse(&plain.encode()), Some(plain));
    }

    #[test]
    fn the_spec_layout_is_followed() {
        let text = example().encode();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "c2sp.org/tlog-proof@v1");
        assert_eq!(lines[1], "extra dG9tYXIvc2lnbmF0dXJlL3YxCg==");
        assert_eq!(lines[2], "index 73894");
        assert_eq!(lines[3], BASE64.encode([1; 32]));
        assert_eq!(lines[5], "");
        assert_eq!(lines[6], "example.com/log");
    }

    #[test]
    fn other_spellings_are_refused() {
        let text = example().encode();
        for bad in [
            text.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"),
            text.replace("index 73894", "index 073894"),
            text.replace("index 73894", "index -1"),
            text.replace("index 73894", "index  73894"),
            text.replace("extra ", "extra  "),
            text.replace(&BASE64.encode([2; 32]), "AAAA"),
            text.replacen("\n\n", "\n", 1),
            text.split("\n\n").next().unwrap().to_owned() + "\n\n",
            String::new(),
            "\u{0}".into(),
        ] {
            assert_eq!(Proof::parse(&bad), None, "{bad:?}");
        }
    }
}
