//! The server's secret, and everything keyed by it: contact keys, code hashes, tokens.
//! A stolen database without the secret cannot be matched to phone numbers or emails.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

use crate::contact::{Contact, ContactKey};
use crate::hash::{constant_time_eq, from_hex, hex, hmac_sha256};
use crate::signature::{WithdrawKey, WithdrawToken};
use crate::verification::{Code, VerificationId};

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

    /// HMAC of the domain and each part, every part after a zero byte, so that values for
    /// different purposes can never collide.
    fn keyed_digest(&self, domain: &str, parts: &[&str]) -> [u8; 32] {
        let mut input: Vec<&[u8]> = vec![domain.as_bytes()];
        for part in parts {
            input.push(&[0]);
            input.push(part.as_bytes());
        }
        hmac_sha256(&self.0, &input)
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

    /// The de-duplication key of a contact: HMAC-SHA256 of its canonical form. Without
    /// the secret, a leaked key says nothing about the person. (It has no domain label, as
    /// the keyed hashes below do: it was the first, and every stored key is in this form.)
    pub fn contact_key(&self, contact: &Contact) -> ContactKey {
        ContactKey::from_digest(&hmac_sha256(&self.0, &[contact.canonical().as_bytes()]))
    }

    /// The stored form of a code, bound to its verification so codes cannot be swapped.
    pub fn code_hash(&self, verification: &VerificationId, code: &Code) -> String {
        self.keyed_hash("code", &[verification.as_ref(), code.as_ref()])
    }

    /// The stored form of a withdrawal link's token.
    pub fn withdraw_key(&self, token: &WithdrawToken) -> WithdrawKey {
        WithdrawKey::from_digest(&self.keyed_digest("token", &[token.as_ref()]))
    }

    /// The stored form of any other bearer value (who flagged a comment), so a leaked table
    /// names nobody. Shares its domain with withdrawal keys: both are "a token's hash".
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

    /// The seed of the signatures logs' checkpoints carry: every process holding the
    /// secret signs with the same Ed25519 key, and there is no second key to keep.
    pub fn log_key_seed(&self) -> [u8; 32] {
        self.keyed_digest("log signing key", &[])
    }
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
        let (a, b) = (
            VerificationId::from_random([1; 16]),
            VerificationId::from_random([2; 16]),
        );
        assert_ne!(secret.code_hash(&a, &code), secret.code_hash(&b, &code));
        assert_ne!(secret.token_hash("a"), secret.client_key("a"));
        assert_eq!(secret.token_hash("a"), secret.token_hash("a"));
        let token = WithdrawToken::from_random([3; 16]);
        assert_eq!(
            secret.withdraw_key(&token).as_ref(),
            secret.token_hash(token.as_ref())
        );
    }

    #[test]
    fn contact_keys_depend_on_contact_and_secret() {
        let (s1, s2) = (
            Secret::new(vec![1; 32]).unwrap(),
            Secret::new(vec![2; 32]).unwrap(),
        );
        let a = Contact::parse("09123456789").unwrap();
        let b = Contact::parse("+98 912 345 6789").unwrap();
        let c = Contact::parse("sara@example.org").unwrap();
        assert_eq!(s1.contact_key(&a), s1.contact_key(&b));
        assert_ne!(s1.contact_key(&a), s2.contact_key(&a));
        assert_ne!(s1.contact_key(&a), s1.contact_key(&c));
        assert_eq!(s1.contact_key(&a).as_ref().len(), 64);
    }

    #[test]
    fn email_aliases_of_one_inbox_are_one_person() {
        let secret = Secret::new(vec![1; 32]).unwrap();
        let key = |typed: &str| secret.contact_key(&Contact::parse(typed).unwrap());
        let sara = key("sara.niknam@gmail.com");
        for alias in [
            "saraniknam@gmail.com",
            "Sara.Nik.Nam+petitions@Gmail.com",
            "s.a.r.a.niknam+1@googlemail.com",
        ] {
            assert_eq!(key(alias), sara, "{alias}");
        }
        assert_eq!(key("reza+news@example.org"), key("reza@example.org"));
        assert_ne!(
            key("re.za@example.org"),
            key("reza@example.org"),
            "dots matter outside Gmail"
        );
        assert_ne!(
            key("+only@example.org"),
            key("only@example.org"),
            "a local part that is all tag stays whole"
        );
        // The code still goes where it was typed.
        let typed = Contact::parse("Sara+petitions@gmail.com").unwrap();
        assert_eq!(typed.as_ref(), "sara+petitions@gmail.com");
    }

    #[test]
    fn contact_keys_keep_their_stored_form() {
        // HMAC-SHA256(key "k", "mobile:+989123456789"), computed elsewhere: every stored key
        // is in this form, so changing how it is computed would make every signer new.
        let secret = Secret(b"k".to_vec());
        let contact = Contact::parse("09123456789").unwrap();
        assert_eq!(
            secret.contact_key(&contact).as_ref(),
            "ddeb2e50706e7c9c7af4971b22c3934039a1c74d03add0842d9f0bfb7bef4118"
        );
    }
}
