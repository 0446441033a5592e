//! TLS for both server ports (rustls with the ring provider): the
//! certificate chain and key of `--tls-cert`/`--tls-key`, the handshake every
//! accepted socket goes through (bounded by the handshake timeout), and a
//! listener that hands axum only connections whose handshake succeeded.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, crypto::ring};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;
use tracing::warn;

/// The server side of TLS, shared by every connection of both ports.
#[derive(Clone)]
pub struct Tls {
    acceptor: TlsAcceptor,
}

impl Tls {
    /// Load a PEM certificate chain (leaf first) and its PEM private key
    /// (PKCS#8, PKCS#1 or SEC1). Errors name the file at fault.
    pub fn from_pem_files(cert: &Path, key: &Path) -> io::Result<Tls> {
        let chain = read_certificates(cert)?;
        let private_key = read_private_key(key)?;
        let provider = Arc::new(ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| io::Error::other(format!("cannot set up TLS: {e}")))?
            .with_no_client_auth()
            .with_single_cert(chain, private_key)
            .map_err(|e| {
                invalid(format!("the TLS key {} does not fit the certificate {}: {e}", key.display(), cert.display()))
            })?;
        Ok(Tls { acceptor: TlsAcceptor::from(Arc::new(config)) })
    }

    /// The TLS handshake on an accepted socket, given at most `timeout`.
    pub async fn accept(&self, socket: TcpStream, timeout: Duration) -> Result<TlsStream<TcpStream>, String> {
        match tokio::time::timeout(timeout, self.acceptor.accept(socket)).await {
            Ok(Ok(stream)) => Ok(stream),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no TLS handshake within {timeout:?}")),
        }
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

fn read_pem(path: &Path, what: &str) -> io::Result<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot read the TLS {what} {}: {e}", path.display())))
}

fn read_certificates(path: &Path) -> io::Result<Vec<CertificateDer<'static>>> {
    let pem = read_pem(path, "certificate")?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("the TLS certificate {} is not valid PEM: {e}", path.display())))?;
    if chain.is_empty() {
        return Err(invalid(format!("the TLS certificate {} holds no PEM certificate", path.display())));
    }
    Ok(chain)
}

fn read_private_key(path: &Path) -> io::Result<PrivateKeyDer<'static>> {
    let pem = read_pem(path, "key")?;
    PrivateKeyDer::from_pem_slice(&pem)
        .map_err(|e| invalid(format!("the TLS key {} holds no usable PEM private key: {e}", path.display())))
}

/// A listener for axum that yields only connections past their TLS
/// handshake. Handshakes run in their own tasks, so a slow or silent client
/// cannot hold up the others; one that fails is logged and dropped.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    accepting: JoinHandle<()>,
}

impl TlsListener {
    pub fn new(listener: TcpListener, tls: Tls, handshake_timeout: Duration) -> io::Result<TlsListener> {
        let local = listener.local_addr()?;
        let (ready_tx, ready) = mpsc::channel(64);
        let accepting = tokio::spawn(async move {
            loop {
                let (socket, peer) = match listener.accept().await {
                    Ok(accepted) => accepted,
                    // Out of file descriptors and the like: wait a little rather than spin.
                    Err(e) => {
                        warn!(error = %e, "HTTPS accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let (tls, ready_tx) = (tls.clone(), ready_tx.clone());
                tokio::spawn(async move {
                    match tls.accept(socket, handshake_timeout).await {
                        Ok(stream) => {
                            let _ = ready_tx.send((stream, peer)).await;
                        }
                        Err(reason) => warn!(%peer, %reason, "closing an HTTPS connection: TLS handshake failed"),
                    }
                });
            }
        });
        Ok(TlsListener { ready, local, accepting })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accepting task is gone only once this listener is dropped.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_malformed_files_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.pem");
        let garbage = dir.path().join("garbage.pem");
        std::fs::write(&garbage, "not a certificate\n").expect("write");
        let err = Tls::from_pem_files(&missing, &garbage).err().expect("missing cert").to_string();
        assert!(err.contains("cannot read the TLS certificate") && err.contains("missing.pem"), "{err}");
        let err = Tls::from_pem_files(&garbage, &garbage).err().expect("garbage cert").to_string();
        assert!(err.contains("holds no PEM certificate") && err.contains("garbage.pem"), "{err}");
    }

    #[test]
    fn a_key_that_does_not_fit_the_certificate_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert a");
        let b = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert b");
        let (cert, key, other_key) = (dir.path().join("c.pem"), dir.path().join("k.pem"), dir.path().join("o.pem"));
        std::fs::write(&cert, a.cert.pem()).expect("write");
        std::fs::write(&key, a.key_pair.serialize_pem()).expect("write");
        std::fs::write(&other_key, b.key_pair.serialize_pem()).expect("write");
        assert!(Tls::from_pem_files(&cert, &key).is_ok());
        let err = Tls::from_pem_files(&cert, &other_key).err().expect("mismatch").to_string();
        assert!(err.contains("o.pem"), "{err}");
        let err = Tls::from_pem_files(&cert, &cert).err().expect("cert as key").to_string();
        assert!(err.contains("no usable PEM private key") && err.contains("c.pem"), "{err}");
    }
}
