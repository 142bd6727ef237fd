//! Checkpoints (C2SP tlog-checkpoint) and the signed notes that carry them (C2SP
//! signed-note), with Ed25519 keys: what the log publishes as its current size and root,
//! signed so that anyone holding its public key can tell the log's own word from a copy.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use sha2::{Digest, Sha256};

use crate::hash::{from_hex, hex};
use crate::tlog::Hash;

/// The signature algorithm byte of an Ed25519 key in signed notes.
const ED25519_ALGORITHM: u8 = 0x01;
/// What starts every signature line: an em dash and a space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// A log's statement of its tree: `origin`, `size` and root hash, one per line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

impl Checkpoint {
    /// The checkpoint as a note's text.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(self.root)
        )
    }

    /// Reads a note's text as a checkpoint; extension lines after the root are allowed.
    pub fn parse(body: &str) -> Option<Checkpoint> {
        let mut lines = body.strip_suffix('\n')?.split('\n');
        let origin = lines.next().filter(|o| !o.is_empty())?.to_owned();
        let size = lines.next()?;
        if size.len() > 1 && size.starts_with('0') {
            return None;
        }
        let size = size.parse().ok()?;
        let root = BASE64.decode(lines.next()?).ok()?.try_into().ok()?;
        Some(Checkpoint { origin, size, root })
    }
}

/// The 4 bytes that name a key in its signatures: the start of SHA-256 over the key's
/// name, a newline, the algorithm byte and the public key.
fn key_id(name: &str, public: &[u8]) -> [u8; 4] {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update([b'\n', ED25519_ALGORITHM])
        .chain_update(public)
        .finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// Whether `name` may name a key: not empty, no spaces, no plus signs.
fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(|c: char| c.is_whitespace() || c == '+')
}

/// A log's signing key.
pub struct SigningKey {
    name: String,
    pair: Ed25519KeyPair,
}

impl SigningKey {
    /// The key drawn from a 32-byte seed (the server's secret derives it, so every process
    /// signs with the same key and nothing new must be kept). `None` for a name a note
    /// cannot carry.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Option<SigningKey> {
        if !valid_name(name) {
            return None;
        }
        let pair = Ed25519KeyPair::from_seed_unchecked(seed).ok()?;
        Some(SigningKey {
            name: name.to_owned(),
            pair,
        })
    }

    /// The key anyone checks signatures with, as signed-note writes verifier keys:
    /// `<name>+<key id in hex>+<base64 of the algorithm byte and public key>`.
    pub fn verifier_key(&self) -> String {
        let public = self.pair.public_key().as_ref();
        let id = hex(&key_id(&self.name, public));
        let mut encoded = vec![ED25519_ALGORITHM];
        encoded.extend_from_slice(public);
        format!("{}+{id}+{}", self.name, BASE64.encode(encoded))
    }

    /// `text` (which must end in a newline) as a signed note.
    pub fn sign(&self, text: &str) -> String {
        let public = self.pair.public_key().as_ref();
        let mut signature = key_id(&self.name, public).to_vec();
        signature.extend_from_slice(self.pair.sign(text.as_bytes()).as_ref());
        format!(
            "{text}\n{SIGNATURE_PREFIX}{} {}\n",
            self.name,
            BASE64.encode(signature)
        )
    }
}

/// A key that checks a log's signatures, read from its verifier key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    id: [u8; 4],
    public: [u8; 32],
}

impl Verifier {
    pub fn parse(verifier_key: &str) -> Option<Verifier> {
        // The key's base64 may itself hold a '+': only the first two separate.
        let mut parts = verifier_key.trim().splitn(3, '+');
        let (name, id, key) = (parts.next()?, parts.next()?, parts.next()?);
        if !valid_name(name) || id.len() != 8 {
            return None;
        }
        let id = from_hex(id)?;
        let key = BASE64.decode(key).ok()?;
        let (&algorithm, public) = key.split_first()?;
        let public: [u8; 32] = public.try_into().ok()?;
        let id: [u8; 4] = id.try_into().ok()?;
        (algorithm == ED25519_ALGORITHM && key_id(name, &public) == id).then(|| Verifier {
            name: name.to_owned(),
            id,
            public,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text of a signed note, if one of its signatures is this key's and checks.
    /// Signatures by other keys (a witness's, say) are passed over.
    pub fn open<'a>(&self, note: &'a str) -> Option<&'a str> {
        let split = note.rfind("\n\n")?;
        let (text, signatures) = (&note[..=split], &note[split + 2..]);
        let signatures = signatures.strip_suffix('\n')?;
        let public = UnparsedPublicKey::new(&ED25519, self.public);
        let signed = signatures.split('\n').any(|line| {
            let Some((name, encoded)) = line
                .strip_prefix(SIGNATURE_PREFIX)
                .and_then(|rest| rest.split_once(' '))
            else {
                return false;
            };
            let Ok(signature) = BASE64.decode(encoded) else {
                return false;
            };
            name == self.name
                && signature.len() == 68
                && signature[..4] == self.id
                && public.verify(text.as_bytes(), &signature[4..]).is_ok()
        });
        signed.then_some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_seed("tomar.example/log/7", &[7; 32]).unwrap()
    }

    #[test]
    fn a_signed_checkpoint_opens_with_its_key_and_no_other() {
        let checkpoint = Checkpoint {
            origin: "tomar.example/log/7".into(),
            size: 1843,
            root: [9; 32],
        };
        let note = key().sign(&checkpoint.body());
        assert!(note.starts_with("tomar.example/log/7\n1843\nCQkJ"));
        assert!(note.contains("\n\n\u{2014} tomar.example/log/7 "));
        let verifier = Verifier::parse(&key().verifier_key()).unwrap();
        let text = verifier.open(&note).expect("our own signature");
        assert_eq!(Checkpoint::parse(text), Some(checkpoint.clone()));

        let other = SigningKey::from_seed("tomar.example/log/7", &[8; 32]).unwrap();
        let stranger = Verifier::parse(&other.verifier_key()).unwrap();
        assert_eq!(stranger.open(&note), None, "another key of the same name");
        let forged = note.replacen("1843", "1844", 1);
        assert_eq!(verifier.open(&forged), None, "a changed size");
        // A witness's signature beside ours does not get in the way.
        let cosigned = format!("{note}\u{2014} witness.example AAAA\n");
        assert!(verifier.open(&cosigned).is_some());
    }

    #[test]
    fn keys_and_checkpoints_are_read_strictly() {
        let vkey = key().verifier_key();
        assert!(vkey.starts_with("tomar.example/log/7+"));
        for bad in [
            "",
            "name+12345678",
            "na me+12345678+AQ==",
            &vkey.replacen('+', "+0", 1),
            &format!("{vkey}+extra"),
        ] {
            assert_eq!(Verifier::parse(bad), None, "{bad}");
        }
        assert_eq!(
            SigningKey::from_seed("with space", &[1; 32]).map(|_| ()),
            None
        );
        for bad in [
            "",
            "origin\n",
            "origin\n01\nAAAA\n",
            "origin\n5\nnot base64\n",
            "o\n5\nAAAA\n",
        ] {
            assert_eq!(Checkpoint::parse(bad), None, "{bad:?}");
        }
    }
}
