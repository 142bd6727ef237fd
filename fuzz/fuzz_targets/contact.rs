//! A mobile number or email as typed: never a panic; what parses reads back as itself,
//! is counted as the same person, and an email's domain is the end of its address.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tomar_core::contact::Contact;
use tomar_core::secret::Secret;

fuzz_target!(|typed: &str| {
    let Ok(contact) = Contact::parse(typed) else {
        return;
    };
    let again = Contact::parse(contact.as_ref()).expect("a parsed contact parses again");
    assert_eq!(again, contact);
    let secret = Secret::new(vec![7; Secret::MIN_LEN]).expect("a secret");
    assert_eq!(secret.contact_key(&again), secret.contact_key(&contact));
    if let Some(domain) = contact.email_domain() {
        assert!(contact.as_ref().ends_with(&format!("@{domain}")));
    }
});
