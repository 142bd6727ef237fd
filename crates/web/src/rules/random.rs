//! Unguessable values from the operating system's generator.

use tomar_core::hash::hex;
use tomar_core::signature::WithdrawToken;
use tomar_core::verification::{Code, VerificationId};

fn bytes<const N: usize>() -> [u8; N] {
    let mut buffer = [0u8; N];
    // The OS generator failing means the machine cannot do cryptography at all; refusing
    // to go on is the only safe answer.
    getrandom::fill(&mut buffer).expect("the operating system's random generator works");
    buffer
}

/// 128 random bits in hex: CSRF tokens.
pub fn token() -> String {
    hex(&bytes::<16>())
}

pub fn verification_id() -> VerificationId {
    VerificationId::from_random(bytes())
}

pub fn withdraw_token() -> WithdrawToken {
    WithdrawToken::from_random(bytes())
}

pub fn code() -> Code {
    Code::from_random(u32::from_le_bytes(bytes::<4>()))
}

/// A fresh nonce for `Secret::seal`.
pub fn nonce() -> [u8; 12] {
    bytes::<12>()
}
