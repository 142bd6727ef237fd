//! `tomar verify receipt FILE --key KEY [--code CODE --name NAME]`: a signer's receipt
//! checked offline, trusting only the key: the checkpoint's signature, that the entry is a
//! signature in that checkpoint's tree and, given the receipt code and the name, that the
//! signature is that person's.

use std::path::Path;

use tomar_core::names::PersonName;
use tomar_core::note::Verifier;
use tomar_core::receipt::{Receipt, ReceiptCode, ReceiptRefused, check_receipt};

/// Why a receipt is not taken.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error("{0}: {1}")]
    File(String, std::io::Error),
    #[error("{0} is not a log key (name+id+key, as tomar log-key prints it)")]
    Key(String),
    #[error("the receipt does not stand: {0}")]
    Refused(#[from] ReceiptRefused),
    #[error("{0:?} is not a receipt code (64 hex digits)")]
    Code(String),
    #[error("{0:?} is not a name as Tomar takes names")]
    Name(String),
    #[error(
        "the code and the name do not open this signature: it is not theirs, or one is mistyped"
    )]
    NotTheirs,
}

/// What a receipt that stands shows, and whose it is if that was asked.
pub struct ReceiptReport {
    pub receipt: Receipt,
    /// The name whose signature it was shown to be.
    pub owner: Option<String>,
}

/// Checks the receipt in `file` against `key`, and against `code` and `name` if given.
pub fn check(
    file: &Path,
    key: &str,
    owner: Option<(&str, &str)>,
) -> Result<ReceiptReport, ReceiptError> {
    let text = std::fs::read(file)
        .map_err(|error| ReceiptError::File(file.display().to_string(), error))?;
    let text = String::from_utf8(text).map_err(|_| ReceiptRefused::Unreadable)?;
    let verifier = Verifier::parse(key).ok_or_else(|| ReceiptError::Key(key.trim().to_owned()))?;
    let receipt = check_receipt(&text, &verifier)?;
    let owner = match owner {
        None => None,
        Some((code, name)) => {
            let code = ReceiptCode::parse(code).ok_or_else(|| ReceiptError::Code(code.into()))?;
            let name = PersonName::parse(name).map_err(|_| ReceiptError::Name(name.into()))?;
            if !receipt.is_of(&code, &name) {
                return Err(ReceiptError::NotTheirs);
            }
            Some(name.as_ref().to_owned())
        }
    };
    Ok(ReceiptReport { receipt, owner })
}
