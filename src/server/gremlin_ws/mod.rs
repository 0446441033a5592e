//! The Gremlin Server WebSocket protocol (TinkerPop 3.8, PROTOCOLS.md Part B)
//! on the HTTP port's `/gremlin` route: a GET carrying `Upgrade: websocket`
//! becomes a WebSocket, any other GET or POST stays the HTTP endpoint
//! (`http/gremlin.rs`), as the reference `WsAndHttpChannelizer` does.
//!
//! A binary frame is `{mime length}{mime}{RequestMessage}`; GraphBinary v1
//! (`graphbinary/`) and GraphSON 3 (`graphson.rs`) both decode into the wire
//! model of `value.rs`, and the answer uses the request's serializer. Bytecode
//! is translated into the Gremlin AST (`bytecode.rs`) and runs through the
//! same lowering as scripts; `connection.rs` handles the ops, `session.rs`
//! the session transactions, `execute.rs` one traversal on a blocking thread
//! under the time limit, `results.rs` shapes results, `response.rs` batches
//! them (206 … 200).
//!
//! Requests on one connection are answered in the order they arrive; the
//! socket is still read while one runs (pings answered, later frames
//! queued). A frame
//! whose request id can be read but not the rest gets a `498`; one that
//! cannot be read at all (unknown mime, garbage) closes that connection with
//! a logged reason. Frames beyond the server's `max_message_size` close it too.

pub mod auth;
pub mod bytecode;
pub mod connection;
pub mod errors;
pub mod execute;
pub mod graphbinary;
pub mod graphson;
pub mod request;
pub mod response;
pub mod results;
pub mod session;
pub mod value;

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, Method};
use axum::response::IntoResponse;
use axum::routing::{get, MethodRouter};
use tracing::{debug, warn};

use crate::server::http::{gremlin as http_gremlin, HttpState};
use crate::server::metrics::Protocol;
use connection::Connection;
use request::{split_binary_frame, Serializer};
use response::{status, ResponseMessage};

static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

/// `/gremlin`: the WebSocket for upgrade requests, the HTTP endpoint otherwise.
pub fn route(max_message_size: usize) -> MethodRouter<Arc<HttpState>> {
    get(
        move |upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
              state: State<Arc<HttpState>>,
              method: Method,
              headers: HeaderMap,
              query: RawQuery,
              body: Bytes| async move {
            if !headers.contains_key(header::UPGRADE) {
                return http_gremlin::handle(state, method, headers, query, body).await;
            }
            match upgrade {
                Ok(ws) => {
                    let State(state) = state;
                    ws.max_message_size(max_message_size)
                        .max_frame_size(max_message_size)
                        .on_upgrade(move |socket| serve(socket, state))
                }
                Err(rejection) => rejection.into_response(),
            }
        },
    )
    .post(http_gremlin::handle)
}

/// A frame's fate: answered, or the connection closes for the reason given.
enum Frame {
    Answer(Vec<ResponseMessage>, Serializer),
    Close(String),
}

async fn serve(mut socket: WebSocket, state: Arc<HttpState>) {
    let _open = state.metrics.connection(Protocol::WebSocket);
    let id = NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed);
    debug!(conn = id, "Gremlin WebSocket opened");
    let mut connection = Connection::new(state, id);
    let mut queued: VecDeque<Message> = VecDeque::new();
    let mut gone: Option<String> = None;
    let reason = loop {
        let received = match (queued.pop_front(), gone.take(), connection.next_expiry()) {
            (Some(message), _, _) => Some(Ok(message)),
            (None, Some(reason), _) => break reason,
            (None, None, None) => socket.recv().await,
            (None, None, Some(at)) => tokio::select! {
                received = socket.recv() => received,
                _ = tokio::time::sleep_until(at.into()) => {
                    connection.expire_idle();
                    continue;
                }
            },
        };
        let frame = match received {
            None => break "the client went away".to_string(),
            Some(Err(e)) => break format!("read failed: {e}"),
            Some(Ok(Message::Close(_))) => break "the client closed it".to_string(),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Text(text))) => {
                let answering = answer(&mut connection, Serializer::GraphSon { text_frame: true }, text.as_bytes());
                while_reading(&mut socket, answering, &mut queued, &mut gone).await
            }
            Some(Ok(Message::Binary(bytes))) => match split_binary_frame(&bytes) {
                Ok((serializer, body)) => {
                    let answering = answer(&mut connection, serializer, body);
                    while_reading(&mut socket, answering, &mut queued, &mut gone).await
                }
                Err(unreadable) => Frame::Close(unreadable.0),
            },
        };
        match frame {
            Frame::Answer(responses, serializer) => {
                if let Err(e) = send(&mut socket, &responses, serializer).await {
                    break format!("write failed: {e}");
                }
            }
            Frame::Close(reason) => {
                warn!(conn = id, %reason, "closing a Gremlin WebSocket: malformed frame");
                let close = CloseFrame {
                    code: close_code::INVALID,
                    reason: reason.chars().take(120).collect::<String>().into(),
                };
                let _ = socket.send(Message::Close(Some(close))).await;
                break reason;
            }
        }
    };
    connection.close();
    debug!(conn = id, %reason, "Gremlin WebSocket closed");
}

/// Frames that arrive while a request runs wait here; past this many the
/// socket is left unread until the request is answered.
const MAX_QUEUED_FRAMES: usize = 64;

/// Awaits an answer while still reading the socket, so that pings are
/// answered during a long traversal and pipelined requests wait their turn.
async fn while_reading(
    socket: &mut WebSocket,
    answering: impl Future<Output = Frame>,
    queued: &mut VecDeque<Message>,
    gone: &mut Option<String>,
) -> Frame {
    tokio::pin!(answering);
    loop {
        let reading = gone.is_none() && queued.len() < MAX_QUEUED_FRAMES;
        tokio::select! {
            frame = &mut answering => return frame,
            received = socket.recv(), if reading => match received {
                None => *gone = Some("the client went away".into()),
                Some(Err(e)) => *gone = Some(format!("read failed: {e}")),
                Some(Ok(Message::Close(_))) => *gone = Some("the client closed it".into()),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(message)) => queued.push_back(message),
            },
        }
    }
}

async fn answer(connection: &mut Connection, serializer: Serializer, body: &[u8]) -> Frame {
    match request::decode(serializer, body) {
        Ok(request) => {
            debug!(conn = connection.id, request = %request.request_id, op = %request.op, processor = %request.processor, "request");
            Frame::Answer(connection.handle(request).await, serializer)
        }
        Err(e) => match e.request_id {
            Some(id) => {
                warn!(conn = connection.id, request = %id, reason = %e.message, "malformed request");
                let error = ResponseMessage::error(Some(id), status::MALFORMED_REQUEST, e.message, "MalformedRequest");
                Frame::Answer(vec![error], serializer)
            }
            None => Frame::Close(e.message),
        },
    }
}

async fn send(
    socket: &mut WebSocket,
    responses: &[ResponseMessage],
    serializer: Serializer,
) -> Result<(), axum::Error> {
    for response in responses {
        let bytes = response.encode(serializer);
        let message = match serializer {
            Serializer::GraphSon { text_frame: true } => {
                Message::Text(String::from_utf8(bytes).unwrap_or_default().into())
            }
            _ => Message::Binary(bytes.into()),
        };
        socket.send(message).await?;
    }
    Ok(())
}
