//! The cryptography behind every TLS connection the server opens: the data sources, webhooks,
//! error reports, S3, PostgreSQL and SMTP. The TLS library takes it from the process, where it is
//! installed once; the HTTP client library brings none of its own.

/// Installs ring's cryptography for the process. Called before anything that may open a TLS
/// connection is set up; a second call changes nothing.
pub fn install_crypto() {
    // An error means a provider is in place already, from an earlier call.
    rustls::crypto::ring::default_provider()
        .install_default()
        .ok();
}

/// A builder for an HTTP client, with the cryptography it needs installed.
pub fn http_client() -> reqwest::ClientBuilder {
    install_crypto();
    reqwest::Client::builder()
}
