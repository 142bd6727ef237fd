//! What the HTTP gateways share: a client with a timeout, the public roots and optionally one
//! more certificate authority (a relay inside a private network), and how a request's
//! answer is read.

use crate::TransportError;

/// A client whose requests give up after 15 seconds; `authority` is the path of a PEM
/// certificate authority trusted besides the public roots.
pub(crate) fn client(authority: Option<&str>) -> Result<reqwest::Client, String> {
    // One process-wide TLS provider; a second install (another gateway) is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder().timeout(std::time::Duration::from_secs(15));
    if let Some(path) = authority {
        let pem =
            std::fs::read(path).map_err(|e| format!("the certificate authority {path}: {e}"))?;
        let certificate = reqwest::Certificate::from_pem(&pem)
            .map_err(|e| format!("the certificate authority {path}: {e}"))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .build()
        .map_err(|e| format!("cannot set up HTTPS: {e}"))
}

/// Sends `request` and answers whether `service` took it. Reaching it failed, or an answer
/// other than success, is an error in `failed`'s kind, never naming the address (which may
/// hold a key).
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    service: &str,
    failed: fn(String) -> TransportError,
) -> Result<(), TransportError> {
    let response = request
        .send()
        .await
        .map_err(|e| failed(e.without_url().to_string()))?;
    let status = response.status();
    match status.is_success() {
        true => Ok(()),
        false => Err(failed(format!("{service} answered {status}"))),
    }
}
