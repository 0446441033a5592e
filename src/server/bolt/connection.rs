//! One Bolt connection on the async runtime: handshake, then batches of
//! pipelined requests handed to the session on a blocking thread, and their
//! responses written back in one go. A malformed message closes only this
//! connection, after a FAILURE saying why.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;
use tracing::{debug, info, warn};

use super::chunking::Dechunker;
use super::errors::Failure;
use super::handshake::{classify_preamble, negotiate, Preamble};
use super::messages::{Request, Responses};
use super::packstream::decode;
use super::session::{Flow, Session, SessionConfig};
use super::version::BoltVersion;
use crate::db::Database;
use crate::server::metrics::Protocol;

/// What all connections of a server share.
pub struct ConnectionContext {
    pub db: Database,
    pub session: Arc<SessionConfig>,
    pub max_message_size: usize,
    pub handshake_timeout: Duration,
    /// The versions offered, best first.
    pub versions: Vec<BoltVersion>,
}

/// A request as it came off the wire: parsed, or why it could not be.
enum Incoming {
    Request(Request),
    Malformed(String),
}

/// Serve one connection (TCP, or TLS over it) until the client leaves, it misbehaves, or `stop` turns true.
pub async fn serve_connection<S: AsyncRead + AsyncWrite + Unpin + Send>(
    mut socket: S,
    peer: SocketAddr,
    id: u64,
    ctx: Arc<ConnectionContext>,
    mut stop: watch::Receiver<bool>,
) {
    let version = match tokio::time::timeout(ctx.handshake_timeout, handshake(&mut socket, &ctx.versions)).await {
        Ok(Ok(Some(v))) => v,
        Ok(Ok(None)) => return,
        Ok(Err(e)) => {
            debug!(conn = id, %peer, error = %e, "handshake failed");
            return;
        }
        Err(_) => {
            warn!(conn = id, %peer, "closing: no handshake within {:?}", ctx.handshake_timeout);
            return;
        }
    };
    info!(conn = id, %peer, %version, "bolt connection");
    let _active = ctx.session.metrics.connection(Protocol::Bolt);
    let mut session = Some(Session::new(ctx.db.clone(), ctx.session.clone(), version, format!("bolt-{id}")));
    let mut dechunker = Dechunker::new(ctx.max_message_size);
    let mut buf = vec![0u8; 64 * 1024];
    // Requests read but not handled yet; reading stops after a malformed one.
    let mut queued: Vec<Incoming> = Vec::new();
    loop {
        if !ends_in_malformed(&queued) {
            queued.extend(take_requests(&mut dechunker, ctx.max_message_size));
        }
        if queued.is_empty() {
            let deadline = session.as_ref().and_then(Session::transaction_deadline);
            let read = tokio::select! {
                r = socket.read(&mut buf) => r,
                _ = stop.changed() => {
                    info!(conn = id, "closing: server shutting down");
                    break;
                }
                _ = sleep_until_some(deadline) => {
                    debug!(conn = id, "rolling back a transaction past its time limit");
                    if let Some(s) = session.as_mut() {
                        s.expire_transaction();
                    }
                    continue;
                }
            };
            match read {
                Ok(0) => {
                    debug!(conn = id, "client closed the connection");
                    break;
                }
                Ok(n) => dechunker.feed(&buf[..n]),
                Err(e) => {
                    debug!(conn = id, error = %e, "read failed");
                    break;
                }
            }
            continue;
        }
        let batch = std::mem::take(&mut queued);
        let Some(mut s) = session.take() else { break };
        let cancel = s.cancel_handle();
        // Big results reach the socket while the session still produces them.
        let (chunks, mut chunks_rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
        let work = tokio::task::spawn_blocking(move || {
            let mut out = Responses::with_sink(Box::new(move |bytes| chunks.blocking_send(bytes).is_ok()));
            let mut flow = Flow::Continue;
            for incoming in batch {
                flow = match incoming {
                    Incoming::Request(r) => {
                        debug!(conn = id, request = r.name(), "request");
                        s.handle(r, &mut out)
                    }
                    Incoming::Malformed(reason) => {
                        warn!(conn = id, %reason, "closing: malformed message");
                        s.fatal(Failure::request_invalid(reason), &mut out)
                    }
                };
                if flow == Flow::Close || out.closed() {
                    break;
                }
            }
            (s, std::mem::take(&mut out.out), flow)
        });
        // While the batch runs: write what it produces, and keep reading so
        // that a RESET (or the client leaving, or the server stopping)
        // cancels the running query instead of waiting for it.
        let (mut written, mut client_gone, mut stopping) = (true, false, false);
        loop {
            let reading = !client_gone && queued.len() < MAX_QUEUED && !ends_in_malformed(&queued);
            tokio::select! {
                chunk = chunks_rx.recv() => match chunk {
                    Some(bytes) => {
                        if let Err(e) = socket.write_all(&bytes).await {
                            debug!(conn = id, error = %e, "write failed");
                            written = false;
                            cancel.cancel();
                            break;
                        }
                    }
                    None => break,
                },
                read = socket.read(&mut buf), if reading => match read {
                    Ok(n) if n > 0 => {
                        dechunker.feed(&buf[..n]);
                        let more = take_requests(&mut dechunker, ctx.max_message_size);
                        if more.iter().any(|r| matches!(r, Incoming::Request(Request::Reset))) {
                            debug!(conn = id, "RESET while a query runs: cancelling it");
                            cancel.cancel();
                        }
                        queued.extend(more);
                    }
                    _ => {
                        debug!(conn = id, "client left while a query ran: cancelling it");
                        client_gone = true;
                        cancel.cancel();
                    }
                },
                _ = stop.changed(), if !stopping => {
                    info!(conn = id, "server shutting down: cancelling the running query");
                    stopping = true;
                    cancel.cancel();
                }
            }
        }
        // Dropping the receiver tells a producer still running that nobody listens.
        drop(chunks_rx);
        let (s, rest, flow) = match work.await {
            Ok(done) => done,
            Err(e) => {
                warn!(conn = id, error = %e, "closing: the session failed");
                break;
            }
        };
        session = Some(s);
        if !written || client_gone {
            break;
        }
        if let Err(e) = socket.write_all(&rest).await {
            debug!(conn = id, error = %e, "write failed");
            break;
        }
        if flow == Flow::Close {
            debug!(conn = id, "closing after the last request");
            break;
        }
        if stopping {
            info!(conn = id, "closing: server shutting down");
            break;
        }
    }
    let _ = socket.shutdown().await;
}

/// Requests read ahead while a batch runs, at most (a client pipelining
/// more waits for TCP backpressure).
const MAX_QUEUED: usize = 1024;

fn ends_in_malformed(queued: &[Incoming]) -> bool {
    matches!(queued.last(), Some(Incoming::Malformed(_)))
}

/// Sleeps until `deadline`, or for ever without one.
async fn sleep_until_some(deadline: Option<std::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// Every complete request received so far; a malformed one ends the batch.
fn take_requests(dechunker: &mut Dechunker, limit: usize) -> Vec<Incoming> {
    let mut batch = Vec::new();
    loop {
        let message = match dechunker.next_message() {
            Ok(Some(m)) => m,
            Ok(None) => return batch,
            Err(e) => {
                batch.push(Incoming::Malformed(format!("{e} (limit {limit})")));
                return batch;
            }
        };
        let parsed = decode(&message)
            .map_err(|e| format!("undecodable message: {e}"))
            .and_then(|v| Request::parse(v).map_err(|e| format!("invalid message: {e}")));
        match parsed {
            Ok(r) => batch.push(Incoming::Request(r)),
            Err(reason) => {
                batch.push(Incoming::Malformed(reason));
                return batch;
            }
        }
    }
}

/// Magic and version proposals; `None` when the connection should just close.
async fn handshake<S: AsyncRead + AsyncWrite + Unpin>(
    socket: &mut S,
    versions: &[BoltVersion],
) -> std::io::Result<Option<BoltVersion>> {
    let mut preamble = [0u8; 4];
    socket.read_exact(&mut preamble).await?;
    match classify_preamble(preamble) {
        Preamble::Bolt => {}
        Preamble::Http => {
            warn!("closing: a client spoke HTTP to the Bolt port");
            return Ok(None);
        }
        Preamble::Unknown => {
            warn!(preamble = ?preamble, "closing: not a Bolt client");
            return Ok(None);
        }
    }
    let mut proposals = [0u8; 16];
    socket.read_exact(&mut proposals).await?;
    match negotiate(&proposals, versions) {
        Some(v) => {
            socket.write_all(&v.to_bytes()).await?;
            Ok(Some(v))
        }
        None => {
            warn!(proposals = ?proposals, "closing: no Bolt version in common");
            socket.write_all(&[0, 0, 0, 0]).await?;
            Ok(None)
        }
    }
}
