//! RequestMessage framing (PROTOCOLS.md B.1, B.2): a binary frame is
//! `{mime length: u8}{mime}{message}`, the mime naming the serializer the
//! answer must use too; a text frame is a bare GraphSON message.

use super::graphbinary;
use super::graphson;
use super::value::{Uuid, WireValue};

/// A driver's request: `op` (`bytecode`, `eval`, `authentication`, `close`)
/// for `processor` (`""`, `traversal`, `session`) with its `args`.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestMessage {
    pub request_id: Uuid,
    pub op: String,
    pub processor: String,
    pub args: Vec<(String, WireValue)>,
}

impl RequestMessage {
    pub fn arg(&self, name: &str) -> Option<&WireValue> {
        self.args.iter().find(|(k, _)| k == name).map(|(_, v)| v).filter(|v| **v != WireValue::Null)
    }
}

/// A frame that is not a request; the id is known when it could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub request_id: Option<Uuid>,
    pub message: String,
}

/// How a request was written, and so how its answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serializer {
    GraphBinary,
    /// Typed GraphSON 3; `text_frame` when the request came as a text frame.
    GraphSon {
        text_frame: bool,
    },
}

pub const GRAPHBINARY_MIME: &str = "application/vnd.graphbinary-v1.0";
pub const GRAPHSON_MIME: &str = "application/vnd.gremlin-v3.0+json";

impl Serializer {
    /// The serializer for a mime type. Untyped GraphSON (`;types=false`) and
    /// GraphSON 1/2 have none: answering them in typed GraphSON 3 would mislead.
    pub fn for_mime(mime: &str) -> Option<Serializer> {
        let mut parts = mime.split(';').map(str::trim);
        let base = parts.next().unwrap_or("");
        if parts.any(|p| p.replace(' ', "").eq_ignore_ascii_case("types=false")) {
            return None;
        }
        match base {
            GRAPHBINARY_MIME => Some(Serializer::GraphBinary),
            GRAPHSON_MIME | "application/json" => Some(Serializer::GraphSon { text_frame: false }),
            _ => None,
        }
    }
}

/// A frame whose serializer is unknown cannot be answered: the connection closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableFrame(pub String);

/// Splits a binary frame into its serializer and message bytes.
pub fn split_binary_frame(frame: &[u8]) -> Result<(Serializer, &[u8]), UnreadableFrame> {
    let Some((&len, rest)) = frame.split_first() else { return Err(UnreadableFrame("an empty frame".into())) };
    let len = usize::from(len);
    if len == 0 || len > rest.len() {
        return Err(UnreadableFrame(format!("a mime type length of {len} in a frame of {} bytes", frame.len())));
    }
    let (mime, body) = rest.split_at(len);
    let mime = String::from_utf8_lossy(mime);
    match Serializer::for_mime(&mime) {
        Some(serializer) => Ok((serializer, body)),
        None => Err(UnreadableFrame(format!("no serializer for mime type `{mime}`"))),
    }
}

/// Decodes a message with the serializer its frame named.
pub fn decode(serializer: Serializer, body: &[u8]) -> Result<RequestMessage, DecodeError> {
    match serializer {
        Serializer::GraphBinary => graphbinary::decode_request(body),
        Serializer::GraphSon { .. } => graphson::decode_request(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_name_their_serializer() {
        let mut frame = vec![GRAPHSON_MIME.len() as u8];
        frame.extend_from_slice(GRAPHSON_MIME.as_bytes());
        frame.extend_from_slice(b"{}");
        assert_eq!(split_binary_frame(&frame), Ok((Serializer::GraphSon { text_frame: false }, &b"{}"[..])));
        assert!(split_binary_frame(b"").is_err());
        assert!(split_binary_frame(b"\x00abc").is_err());
        assert!(split_binary_frame(b"\x40short").is_err());
        assert!(split_binary_frame(b"\x0atext/plainrest").is_err());
        assert_eq!(Serializer::for_mime("application/json"), Some(Serializer::GraphSon { text_frame: false }));
        assert_eq!(Serializer::for_mime("application/vnd.gremlin-v3.0+json;types=false"), None);
        assert_eq!(Serializer::for_mime("application/vnd.gremlin-v2.0+json"), None);
    }
}
