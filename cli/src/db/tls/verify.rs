//! The certificate checks rustls runs for `verify-ca` (the chain, not the name) and for
//! `prefer`/`require` without a root certificate (nothing, as libpq). Both verify the
//! handshake's signatures the same way, so one [`Checked`] verifier holds both.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

/// What a mode checks of the server's certificate (`verify-full` is rustls' own verifier).
#[derive(Debug)]
pub(super) enum Check {
    /// `verify-ca`: the chain is checked, the name is not.
    ChainOnly(Arc<WebPkiServerVerifier>),
    /// `prefer` and `require` without a root file: encrypted, the server not checked (the
    /// handshake's signatures still are).
    Unchecked,
}

/// A mode's [`Check`] of the certificate, with the handshake's signatures verified with the
/// provider's algorithms, exactly as rustls' `WebPkiServerVerifier` verifies them (whatever a
/// mode skips of the certificate, the server must still prove it holds the certificate's key).
#[derive(Debug)]
pub(super) struct Checked {
    check: Check,
    algorithms: WebPkiSupportedAlgorithms,
}

impl Checked {
    /// `check`, with the signatures verified with `provider`'s algorithms.
    pub(super) fn new(check: Check, provider: &CryptoProvider) -> Self {
        Checked {
            check,
            algorithms: provider.signature_verification_algorithms,
        }
    }
}

impl ServerCertVerifier for Checked {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match &self.check {
            Check::ChainOnly(webpki) => {
                match webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
                    Err(rustls::Error::InvalidCertificate(
                        CertificateError::NotValidForName
                        | CertificateError::NotValidForNameContext { .. },
                    )) => Ok(ServerCertVerified::assertion()),
                    other => other,
                }
            }
            Check::Unchecked => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
