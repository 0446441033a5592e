//! The client side of TLS (rustls, ring): `+s` checks the server's
//! certificate against the system's trusted roots, `+ssc` accepts any
//! certificate but still checks that the server holds its key.

use std::net::TcpStream;
use std::sync::Arc;

use tokio_rustls::rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use tokio_rustls::rustls::crypto::{ring, verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{self, ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme, StreamOwned};

use super::address::Security;

/// A TLS stream over TCP, its handshake done.
pub type TlsStream = StreamOwned<ClientConnection, TcpStream>;

/// The rustls configuration for `security`; `None` for plaintext.
pub fn client_config(security: Security) -> Result<Option<Arc<ClientConfig>>, String> {
    let provider = Arc::new(ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?;
    let config = match security {
        Security::Plain => return Ok(None),
        Security::Verified => {
            let found = rustls_native_certs::load_native_certs();
            let mut roots = rustls::RootCertStore::empty();
            let (added, _ignored) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err("no trusted root certificates found on this system; a self-signed server \
                            needs the +ssc scheme"
                    .into());
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Security::AnyCertificate => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
            .with_no_client_auth(),
    };
    Ok(Some(Arc::new(config)))
}

/// Run the TLS handshake with `host` on `socket`, so a refused certificate
/// is reported at connect time rather than at the first query.
pub fn connect(socket: TcpStream, host: &str, config: Arc<ClientConfig>) -> Result<TlsStream, String> {
    let name =
        ServerName::try_from(host.to_string()).map_err(|e| format!("`{host}` is not a valid server name: {e}"))?;
    let connection = ClientConnection::new(config, name).map_err(|e| format!("cannot start TLS: {e}"))?;
    let mut stream = StreamOwned::new(connection, socket);
    while stream.conn.is_handshaking() {
        stream.conn.complete_io(&mut stream.sock).map_err(|e| format!("TLS handshake failed: {e}"))?;
    }
    Ok(stream)
}

/// `+ssc`: any certificate is accepted; signatures are still verified.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
