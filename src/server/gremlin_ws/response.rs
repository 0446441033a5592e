//! ResponseMessage (PROTOCOLS.md B.3): status codes, and results cut into
//! `206` batches of `batchSize` items ending with a `200` (or `204` when
//! there is nothing).

use super::graphbinary;
use super::graphson;
use super::request::Serializer;
use super::value::{Uuid, WireValue};

pub mod status {
    pub const SUCCESS: u16 = 200;
    pub const NO_CONTENT: u16 = 204;
    pub const PARTIAL_CONTENT: u16 = 206;
    pub const UNAUTHORIZED: u16 = 401;
    pub const AUTHENTICATE: u16 = 407;
    pub const MALFORMED_REQUEST: u16 = 498;
    pub const INVALID_REQUEST_ARGUMENTS: u16 = 499;
    pub const SERVER_ERROR: u16 = 500;
    pub const SERVER_ERROR_TEMPORARY: u16 = 596;
    pub const SCRIPT_EVALUATION_ERROR: u16 = 597;
    pub const SERVER_TIMEOUT: u16 = 598;
    pub const SERVER_SERIALIZATION_ERROR: u16 = 599;
}

/// The reference server's default `resultIterationBatchSize`.
pub const DEFAULT_BATCH_SIZE: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseMessage {
    pub request_id: Option<Uuid>,
    pub code: u16,
    pub message: String,
    pub attributes: Vec<(WireValue, WireValue)>,
    pub meta: Vec<(WireValue, WireValue)>,
    pub data: WireValue,
}

impl ResponseMessage {
    pub fn new(request_id: Option<Uuid>, code: u16, data: WireValue) -> Self {
        ResponseMessage { request_id, code, message: String::new(), attributes: Vec::new(), meta: Vec::new(), data }
    }

    /// An error: the message in `status.message`, and as the reference
    /// server does, in `attributes.exceptions` (here our error code).
    pub fn error(request_id: Option<Uuid>, code: u16, message: impl Into<String>, exception: &str) -> Self {
        let attributes = vec![(
            WireValue::String("exceptions".into()),
            WireValue::List(vec![WireValue::String(exception.to_string())]),
        )];
        ResponseMessage {
            message: message.into(),
            attributes,
            ..ResponseMessage::new(request_id, code, WireValue::Null)
        }
    }

    pub fn encode(&self, serializer: Serializer) -> Vec<u8> {
        match serializer {
            Serializer::GraphBinary => graphbinary::encode_response(self),
            Serializer::GraphSon { .. } => graphson::encode_response(self).into_bytes(),
        }
    }
}

/// The responses that carry `items`: `206`s of `batch_size`, then a `200`
/// with the rest; `204` when there are none.
pub fn batches(request_id: Uuid, items: Vec<WireValue>, batch_size: usize) -> Vec<ResponseMessage> {
    if items.is_empty() {
        return vec![ResponseMessage::new(Some(request_id), status::NO_CONTENT, WireValue::List(Vec::new()))];
    }
    let batch_size = batch_size.max(1);
    let count = items.len().div_ceil(batch_size);
    let mut out = Vec::with_capacity(count);
    let mut items = items.into_iter();
    for i in 0..count {
        let chunk: Vec<WireValue> = items.by_ref().take(batch_size).collect();
        let code = if i + 1 == count { status::SUCCESS } else { status::PARTIAL_CONTENT };
        out.push(ResponseMessage::new(Some(request_id), code, WireValue::List(chunk)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_cut_into_partial_batches_ending_in_success() {
        let id = Uuid([7; 16]);
        let items = |n: i64| (0..n).map(WireValue::Long).collect::<Vec<_>>();
        let codes = |r: Vec<ResponseMessage>| r.iter().map(|m| m.code).collect::<Vec<_>>();
        assert_eq!(codes(batches(id, items(5), 2)), vec![206, 206, 200]);
        assert_eq!(codes(batches(id, items(4), 2)), vec![206, 200]);
        assert_eq!(codes(batches(id, items(3), 64)), vec![200]);
        assert_eq!(codes(batches(id, Vec::new(), 64)), vec![204]);
        assert_eq!(batches(id, items(5), 2)[2].data, WireValue::List(vec![WireValue::Long(4)]));
    }
}
