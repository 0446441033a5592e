//! Entry points shared by the `cargo fuzz` targets (`fuzz/fuzz_targets/`)
//! and the test replaying their corpora (`tests/fuzz_corpus.rs`). Each takes
//! arbitrary bytes down the path the server takes them, through the same
//! public functions, and panics only on a bug: a decoder that panics, or a
//! property that fails (an exact round trip, any split of the input giving
//! the same messages).

use super::bolt::chunking::Dechunker;
use super::bolt::handshake::{classify_preamble, negotiate, Preamble, SUPPORTED};
use super::bolt::messages::Request;
use super::bolt::packstream::{self, PackValue};
use super::bolt::structures::{self, to_params, to_value};
use super::bolt::version::{BoltVersion, Dialect};
use super::gremlin_ws::graphbinary;

/// What a target does with one input.
pub type Entry = fn(&[u8]);

/// Every target by name: `fuzz/fuzz_targets/<name>.rs`, `fuzz/corpus/<name>/`.
pub const TARGETS: &[(&str, Entry)] = &[
    ("bolt_handshake", bolt_handshake),
    ("bolt_messages", bolt_messages),
    ("packstream", packstream),
    ("graphbinary_request", graphbinary_request),
];

/// The first 20 bytes of a connection: magic, then four proposals. Two more
/// bytes, when present, pick the versions the server offers (a bit each), as
/// `ServerConfig::bolt_versions` narrows them.
pub fn bolt_handshake(data: &[u8]) {
    let Some((preamble, rest)) = data.split_first_chunk::<4>() else { return };
    if classify_preamble(*preamble) != Preamble::Bolt {
        return;
    }
    let Some((proposals, rest)) = rest.split_first_chunk::<16>() else { return };
    let offered: Vec<BoltVersion> = match rest.first_chunk::<2>() {
        Some(mask) => {
            let mask = u16::from_be_bytes(*mask);
            SUPPORTED.iter().take(16).enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, v)| *v).collect()
        }
        None => SUPPORTED.to_vec(),
    };
    let Some(chosen) = negotiate(proposals, &offered) else { return };
    assert!(offered.contains(&chosen), "{chosen} was not offered");
    let proposed = proposals.chunks_exact(4).any(|p| {
        let (range, minor, major) = (p[1], p[2], p[3]);
        major == chosen.major && chosen.minor <= minor && minor - chosen.minor <= range
    });
    assert!(proposed, "{chosen} is in no proposal of {proposals:02X?}");
}

/// A message limit small enough for fuzz inputs to reach.
const MAX_MESSAGE: usize = 1024;

/// Bytes as a client sends them after the handshake: dechunked and decoded
/// into requests (RUN parameters into Plexus values) until the first
/// malformed message, which closes a connection. Delivered all at once or a
/// byte at a time, the bytes make the same messages.
pub fn bolt_messages(data: &[u8]) {
    let whole = dechunk(std::iter::once(data));
    let bytewise = dechunk(data.chunks(1));
    assert_eq!(whole, bytewise, "the split of the input changed the messages");
    let (messages, _too_large) = whole;
    for message in messages {
        match Request::decode(&message) {
            Ok(Request::Run { parameters, .. }) => {
                let _ = to_params(parameters);
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

/// The messages reassembled from `pieces`, and whether one was over the limit.
fn dechunk<'a>(pieces: impl Iterator<Item = &'a [u8]>) -> (Vec<Vec<u8>>, bool) {
    let mut dechunker = Dechunker::new(MAX_MESSAGE);
    let mut messages = Vec::new();
    for piece in pieces {
        dechunker.feed(piece);
        loop {
            match dechunker.next_message() {
                Ok(Some(message)) => messages.push(message),
                Ok(None) => break,
                Err(_) => return (messages, true),
            }
        }
    }
    (messages, false)
}

/// One PackStream value: one that decodes re-encodes (in the smallest
/// forms) to bytes that decode to exactly it again. As a parameter it becomes
/// a Plexus value, or an error; one that does is written back in the 5.x
/// dialect and reads as the same value.
pub fn packstream(data: &[u8]) {
    let Ok(value) = packstream::decode(data) else { return };
    let canonical = encode(&value);
    let again = packstream::decode(&canonical).expect("a re-encoded value decodes");
    // Equal bytes, not `==`: a NaN float must come back with its bits.
    assert_eq!(encode(&again), canonical, "the round trip changed {value:?}");

    let Ok(param) = to_value(value) else { return };
    let dialect = Dialect::new(BoltVersion::new(5, 8));
    let mut written = Vec::new();
    structures::write_value(&mut written, &param, dialect).expect("a parameter value encodes");
    let back = packstream::decode(&written).map(to_value);
    let Ok(Ok(back)) = back else { panic!("{param:?} was written as {written:02X?}, which reads as {back:?}") };
    let mut rewritten = Vec::new();
    structures::write_value(&mut rewritten, &back, dialect).expect("a parameter value encodes");
    assert_eq!(rewritten, written, "{param:?} read back as {back:?}");
}

fn encode(value: &PackValue) -> Vec<u8> {
    let mut out = Vec::new();
    packstream::write_value(&mut out, value).expect("a decoded value encodes");
    out
}

/// A GraphBinary request message: a binary WebSocket frame's body after its
/// mime prefix. One that decodes, written again as a driver writes it, reads
/// back as the same request.
pub fn graphbinary_request(data: &[u8]) {
    let Ok(request) = graphbinary::decode_request(data) else { return };
    let encoded = graphbinary::encode_request(&request);
    let again = graphbinary::decode_request(&encoded);
    let Ok(again) = again else { panic!("{request:?} was written as {encoded:02X?}, which reads as {again:?}") };
    // Equal bytes, not `==`: a NaN must come back with its bits.
    assert_eq!(graphbinary::encode_request(&again), encoded, "{request:?} read back as {again:?}");
}
