//! The HTTP client the gateways share: a timeout, the public roots, and optionally one more
//! certificate authority (a relay inside a private network).

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
