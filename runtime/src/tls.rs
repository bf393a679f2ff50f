//! The TLS crypto provider: which rustls backend encrypts HTTPS, chosen by a cargo feature of
//! the crate compiling this source.
//!
//! * `tls-ring` (on by default): rustls with `ring`. It builds in seconds from a little C and
//!   assembly, and is what a client needs to talk to an HTTPS API.
//! * `tls-aws-lc-rs`: rustls with `aws-lc-rs` (reqwest's own default, FIPS-capable), which
//!   compiles the much larger AWS-LC C library. Turn the default features off to use it; with
//!   both features on, `ring` is used.
//!
//! rustls uses one provider per process: [`install_crypto_provider`] installs the chosen one
//! unless the program installed its own first (`CryptoProvider::install_default`), which then
//! stays in use. [`ClientBuilder::build`](super::ClientBuilder::build) calls it; a program that
//! builds its own `reqwest::Client` calls it first.

use super::error::Error;

/// Makes sure rustls has a process-wide crypto provider: the one already installed, else the
/// one the crate's features choose. Fails (a [`Config`](super::ErrorKind::Config) error) only when neither
/// feature is on and nothing was installed, where reqwest would panic.
pub fn install_crypto_provider() -> Result<(), Error> {
    if rustls::crypto::CryptoProvider::get_default().is_some() {
        return Ok(());
    }
    #[cfg(feature = "tls-ring")]
    {
        // Losing a race with another thread installing one is fine: a provider is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(())
    }
    #[cfg(all(feature = "tls-aws-lc-rs", not(feature = "tls-ring")))]
    {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        Ok(())
    }
    #[cfg(not(any(feature = "tls-ring", feature = "tls-aws-lc-rs")))]
    {
        Err(
            Error::new(super::error::ErrorKind::Config, "client").with_message(
                "no TLS crypto provider: turn on the `tls-ring` or `tls-aws-lc-rs` feature, or \
             install one with rustls::crypto::CryptoProvider::install_default"
                    .to_owned(),
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    /// Each feature set installs its provider once and keeps it (rustls has one per process);
    /// `cargo test -p dynroute-runtime --lib tls` with `--no-default-features` and
    /// `--features tls-aws-lc-rs` or none checks the other cases.
    #[test]
    fn the_features_choose_the_provider() {
        let installed = super::install_crypto_provider();
        #[cfg(not(any(feature = "tls-ring", feature = "tls-aws-lc-rs")))]
        {
            let error = installed.expect_err("no provider without a feature");
            assert!(error.to_string().contains("tls-ring"), "{error}");
            assert!(rustls::crypto::CryptoProvider::get_default().is_none());
        }
        #[cfg(any(feature = "tls-ring", feature = "tls-aws-lc-rs"))]
        {
            installed.expect("a feature chooses a provider");
            let first = rustls::crypto::CryptoProvider::get_default().expect("installed");
            super::install_crypto_provider().expect("still there");
            let second = rustls::crypto::CryptoProvider::get_default().expect("installed");
            assert!(std::sync::Arc::ptr_eq(first, second), "the first one stays");
            #[cfg(feature = "tls-ring")]
            let expected = rustls::crypto::ring::default_provider();
            #[cfg(not(feature = "tls-ring"))]
            let expected = rustls::crypto::aws_lc_rs::default_provider();
            assert_eq!(first.cipher_suites, expected.cipher_suites);
        }
    }
}
