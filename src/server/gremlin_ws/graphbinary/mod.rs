//! GraphBinary v1 (`application/vnd.graphbinary-v1.0`): request and response
//! messages (PROTOCOLS.md B.5). `decode_request` is the entry point the fuzz
//! target drives: it takes the serialized RequestMessage *after* the frame's
//! mime prefix (`{0x20}application/vnd.graphbinary-v1.0`), and no input makes
//! it panic or allocate beyond the input's size times a small constant.

pub mod reader;
pub mod types;
pub mod writer;

use reader::{ReadError, Reader};
use writer::Writer;

use super::request::{DecodeError, RequestMessage};
use super::response::ResponseMessage;
use super::value::WireValue;

/// The version byte that starts every message.
const VERSION: u8 = 0x81;

/// `{0x81}{requestId: 16 bytes}{op: String}{processor: String}{args: Map}`, all bare.
pub fn decode_request(bytes: &[u8]) -> Result<RequestMessage, DecodeError> {
    let mut r = Reader::new(bytes);
    let malformed =
        |e: ReadError, id| DecodeError { request_id: id, message: format!("{} (at byte {})", e.message, e.at) };
    match r.u8() {
        Ok(VERSION) => {}
        Ok(v) => return Err(DecodeError { request_id: None, message: format!("unknown message version {v:#04x}") }),
        Err(e) => return Err(malformed(e, None)),
    }
    let request_id = r.bare_uuid().map_err(|e| malformed(e, None))?;
    let rest = (|| {
        let op = r.bare_string()?;
        let processor = r.bare_string()?;
        let entries = r.bare_map()?;
        Ok((op, processor, entries))
    })();
    let (op, processor, entries) = rest.map_err(|e| malformed(e, Some(request_id)))?;
    if r.remaining() > 0 {
        let message = format!("{} bytes follow the request message", r.remaining());
        return Err(DecodeError { request_id: Some(request_id), message });
    }
    let mut args = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        match key {
            WireValue::String(key) => args.push((key, value)),
            other => {
                let message = format!("request argument names must be strings, not {other:?}");
                return Err(DecodeError { request_id: Some(request_id), message });
            }
        }
    }
    Ok(RequestMessage { request_id, op, processor, args })
}

/// The bytes of a request message (no mime prefix), as a driver writes them.
pub fn encode_request(request: &RequestMessage) -> Vec<u8> {
    let mut w = Writer::new();
    w.u8(VERSION);
    w.bytes.extend_from_slice(&request.request_id.0);
    w.bare_string(&request.op);
    w.bare_string(&request.processor);
    let args: Vec<(WireValue, WireValue)> =
        request.args.iter().map(|(k, v)| (WireValue::String(k.clone()), v.clone())).collect();
    w.bare_map(&args);
    w.bytes
}

/// `{0x81}{requestId: flag + 16 bytes}{code: Int}{message: flag + String}{attributes: Map}{meta: Map}{data: fq}`.
pub fn encode_response(response: &ResponseMessage) -> Vec<u8> {
    let mut w = Writer::new();
    w.u8(VERSION);
    match response.request_id {
        Some(id) => {
            w.u8(0x00);
            w.bytes.extend_from_slice(&id.0);
        }
        None => w.u8(0x01),
    }
    w.i32(i32::from(response.code));
    w.u8(0x00);
    w.bare_string(&response.message);
    w.bare_map(&response.attributes);
    w.bare_map(&response.meta);
    w.value(&response.data);
    w.bytes
}

/// Reads a response message (for clients and tests).
pub fn decode_response(bytes: &[u8]) -> Result<ResponseMessage, ReadError> {
    let mut r = Reader::new(bytes);
    let version = r.u8()?;
    if version != VERSION {
        return Err(ReadError { message: format!("unknown message version {version:#04x}"), at: 0 });
    }
    let request_id = r.nullable(|r| r.bare_uuid())?;
    let code = r.i32()?;
    let code = u16::try_from(code).map_err(|_| ReadError { message: format!("status code {code}"), at: 0 })?;
    let message = r.nullable(|r| r.bare_string())?.unwrap_or_default();
    let attributes = r.bare_map()?;
    let meta = r.bare_map()?;
    let data = r.value()?;
    Ok(ResponseMessage { request_id, code, message, attributes, meta, data })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::gremlin_ws::value::{Bytecode, Uuid, WireInstruction};

    /// gremlinpython's `g.V().count()` frame after the mime prefix (PROTOCOLS.md B.5).
    const COUNT_REQUEST: &str = "81 41d2e28a20a44ab0b379d810dede3786
        00000008 6279746563 6f6465  00000009 7472617665 7273616c  00000002
        03 00 00000007 6772656d6c696e  15 00 00000002 00000001 56 00000000 00000005 636f756e74 00000000 00000000
        03 00 00000007 616c6961736573  0a 00 00000001 03 00 00000001 67 03 00 00000001 67";

    fn hex(text: &str) -> Vec<u8> {
        let digits: String = text.chars().filter(char::is_ascii_hexdigit).collect();
        (0..digits.len()).step_by(2).map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex")).collect()
    }

    #[test]
    fn the_observed_gremlinpython_request_decodes_and_round_trips() {
        let bytes = hex(COUNT_REQUEST);
        let request = decode_request(&bytes).expect("decodes");
        assert_eq!(request.request_id.to_string(), "41d2e28a-20a4-4ab0-b379-d810dede3786");
        assert_eq!((request.op.as_str(), request.processor.as_str()), ("bytecode", "traversal"));
        let step = |name: &str| WireInstruction { name: name.into(), args: vec![] };
        let expected = Bytecode { sources: vec![], steps: vec![step("V"), step("count")] };
        assert_eq!(request.arg("gremlin"), Some(&WireValue::Bytecode(Box::new(expected))));
        assert_eq!(encode_request(&request), bytes);
    }

    #[test]
    fn the_documented_count_response_is_written_byte_for_byte() {
        let id = Uuid::parse("41d2e28a-20a4-4ab0-b379-d810dede3786").expect("uuid");
        let traverser = WireValue::Traverser { bulk: 1, value: Box::new(WireValue::Long(6)) };
        let response = ResponseMessage::new(Some(id), 200, WireValue::List(vec![traverser]));
        let expected = hex("81 00 41d2e28a20a44ab0b379d810dede3786 000000c8 0000000000 00000000 00000000
            09 00 00000001 21 00 0000000000000001 02 00 0000000000000006");
        assert_eq!(encode_response(&response), expected);
        assert_eq!(decode_response(&expected), Ok(response));
    }

    #[test]
    fn every_truncation_of_a_request_is_an_error_not_a_panic() {
        let bytes = hex(COUNT_REQUEST);
        for end in 0..bytes.len() {
            let error = decode_request(&bytes[..end]).expect_err("truncated");
            assert_eq!(error.request_id.is_some(), end >= 17, "{end}: {error:?}");
        }
        for i in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xFF] {
                let mut bad = bytes.clone();
                bad[i] ^= flip;
                let _ = decode_request(&bad);
            }
        }
    }
}
