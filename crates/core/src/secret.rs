//! The server's secret, and everything keyed by it: contact keys, code hashes, tokens.
//! A stolen database without the secret cannot be matched to phone numbers or emails.

use chacha20poly1305::aead::Aead;
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::signature::{Contact, ContactKey};
use crate::verification::Code;

#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// At least 32 bytes, so that the keyed hashes cannot be brute-forced through the key.
    pub const MIN_LEN: usize = 32;

    pub fn new(bytes: Vec<u8>) -> Option<Secret> {
        (bytes.len() >= Self::MIN_LEN).then_some(Secret(bytes))
    }

    /// Parses the hex form used in configuration.
    pub fn from_hex(hex: &str) -> Option<Secret> {
        Secret::new(from_hex(hex.trim())?)
    }

    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    fn keyed_digest(&self, domain: &str, parts: &[&str]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .expect("HMAC accepts keys of any length");
        mac.update(domain.as_bytes());
        for part in parts {
            mac.update(&[0]);
            mac.update(part.as_bytes());
        }
        mac.finalize().into_bytes().into()
    }

    fn keyed_hash(&self, domain: &str, parts: &[&str]) -> String {
        hex(&self.keyed_digest(domain, parts))
    }

    fn sealing_cipher(&self) -> ChaCha20Poly1305 {
        let key = self.keyed_digest("seal", &[]);
        ChaCha20Poly1305::new(&Key::from(key))
    }

    /// Encrypts a contact kept for a signer who asked for news (ChaCha20-Poly1305 under a
    /// key derived from the secret). `nonce` must be random and never reused; the result
    /// is the nonce and ciphertext in hex.
    pub fn seal(&self, plaintext: &str, nonce: [u8; 12]) -> String {
        let sealed = self
            .sealing_cipher()
            .encrypt(&Nonce::from(nonce), plaintext.as_bytes())
            .expect("encrypting into memory cannot fail");
        format!("{}{}", hex(&nonce), hex(&sealed))
    }

    /// Decrypts what [`Secret::seal`] made; `None` if it was altered or sealed under
    /// another secret.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let bytes = from_hex(sealed)?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        let plain = self
            .sealing_cipher()
            .decrypt(&Nonce::from(nonce), ciphertext)
            .ok()?;
        String::from_utf8(plain).ok()
    }

    pub fn contact_key(&self, contact: &Contact) -> ContactKey {
        contact.key(&self.0)
    }

    /// The stored form of a code, bound to its verification so codes cannot be swapped.
    pub fn code_hash(&self, verification_id: &str, code: &Code) -> String {
        self.keyed_hash("code", &[verification_id, code.as_ref()])
    }

    /// The stored form of a bearer token (a withdrawal link), so a leaked table grants nothing.
    pub fn token_hash(&self, token: &str) -> String {
        self.keyed_hash("token", &[token])
    }

    /// The signature of a session cookie's payload.
    pub fn session_mac(&self, payload: &str) -> String {
        self.keyed_hash("session", &[payload])
    }

    /// Whether `mac` signs `payload`, compared in constant time.
    pub fn verify_session_mac(&self, payload: &str, mac: &str) -> bool {
        constant_time_eq(self.session_mac(payload).as_bytes(), mac.as_bytes())
    }

    /// The key under which requests from one network are counted, for rate limits.
    pub fn client_key(&self, network: &str) -> String {
        self.keyed_hash("client", &[network])
    }
}

/// Equality that takes the same time wherever the inputs differ, so comparing a guess
/// with a secret value leaks nothing about how much of it was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_short_secrets_are_refused() {
        let secret = Secret::new(vec![7; 32]).unwrap();
        assert_eq!(Secret::from_hex(&secret.to_hex()).unwrap().0, secret.0);
        assert!(Secret::new(vec![1; 31]).is_none());
        assert!(Secret::from_hex("zz").is_none());
        assert!(Secret::from_hex("abc").is_none());
    }

    #[test]
    fn sealed_contacts_open_only_under_their_secret_and_unaltered() {
        let secret = Secret::new(vec![3; 32]).unwrap();
        let sealed = secret.seal("+989121234567", [9; 12]);
        assert!(!sealed.contains("989121234567"));
        assert_eq!(secret.open(&sealed).as_deref(), Some("+989121234567"));
        assert_eq!(Secret::new(vec![4; 32]).unwrap().open(&sealed), None);
        let mut altered = sealed.clone();
        altered.replace_range(30..32, if &sealed[30..32] == "00" { "11" } else { "00" });
        assert_eq!(secret.open(&altered), None);
        assert_eq!(secret.open("zz"), None);
        assert_eq!(secret.open(""), None);
    }

    #[test]
    fn hashes_are_separated_by_purpose_and_binding() {
        let secret = Secret::new(vec![1; 32]).unwrap();
        let code = Code::parse("123456").unwrap();
        assert_ne!(secret.code_hash("a", &code), secret.code_hash("b", &code));
        assert_ne!(secret.token_hash("a"), secret.client_key("a"));
        assert_eq!(secret.token_hash("a"), secret.token_hash("a"));
    }
}
