//! Bolt chunking: a message travels as `u16 length + bytes` chunks ended by
//! `00 00`. A bare `00 00` between messages is a NOOP keep-alive.

use std::fmt;

/// The largest chunk the length prefix can describe.
pub const MAX_CHUNK: usize = 0xFFFF;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageTooLarge {
    pub limit: usize,
}

impl fmt::Display for MessageTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a message exceeds the limit of {} bytes", self.limit)
    }
}

impl std::error::Error for MessageTooLarge {}

/// Reassembles messages from bytes as they arrive, in any split.
#[derive(Debug)]
pub struct Dechunker {
    input: Vec<u8>,
    message: Vec<u8>,
    max_message: usize,
}

impl Dechunker {
    pub fn new(max_message: usize) -> Self {
        Dechunker { input: Vec::new(), message: Vec::new(), max_message }
    }

    /// Bytes received from the peer.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.input.extend_from_slice(bytes);
    }

    /// Whether received bytes are waiting that no message has used yet.
    pub fn has_pending_input(&self) -> bool {
        !self.input.is_empty()
    }

    /// The next complete message, or `None` until more bytes arrive.
    pub fn next_message(&mut self) -> Result<Option<Vec<u8>>, MessageTooLarge> {
        let mut pos = 0;
        let result = loop {
            let Some(header) = self.input.get(pos..pos + 2) else { break Ok(None) };
            let len = u16::from_be_bytes([header[0], header[1]]) as usize;
            if len == 0 {
                pos += 2;
                if self.message.is_empty() {
                    continue; // NOOP
                }
                break Ok(Some(std::mem::take(&mut self.message)));
            }
            let Some(body) = self.input.get(pos + 2..pos + 2 + len) else { break Ok(None) };
            if self.message.len() + len > self.max_message {
                break Err(MessageTooLarge { limit: self.max_message });
            }
            self.message.extend_from_slice(body);
            pos += 2 + len;
        };
        self.input.drain(..pos);
        result
    }
}

/// Append `message` to `out` as chunks of at most `MAX_CHUNK` bytes plus the end marker.
pub fn write_chunked(out: &mut Vec<u8>, message: &[u8]) {
    for piece in message.chunks(MAX_CHUNK) {
        out.extend_from_slice(&(piece.len() as u16).to_be_bytes());
        out.extend_from_slice(piece);
    }
    out.extend_from_slice(&[0, 0]);
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN_RETURN_1: [u8; 13] = [0xB3, 0x10, 0x88, b'R', b'E', b'T', b'U', b'R', b'N', b' ', b'1', 0xA0, 0xA0];

    #[test]
    fn run_message_chunks_as_in_protocols_md() {
        let mut out = Vec::new();
        write_chunked(&mut out, &RUN_RETURN_1);
        let expected = [&[0x00, 0x0D][..], &RUN_RETURN_1, &[0x00, 0x00]].concat();
        assert_eq!(out, expected);
    }

    #[test]
    fn any_split_of_the_input_reassembles_the_same_messages() {
        let big: Vec<u8> = (0..150_000u32).map(|i| (i % 251) as u8).collect();
        let mut wire = vec![0, 0]; // a leading NOOP
        write_chunked(&mut wire, &RUN_RETURN_1);
        wire.extend_from_slice(&[0, 0, 0, 0]); // NOOPs between messages
        write_chunked(&mut wire, &big);
        for step in [1usize, 2, 3, 7, 1000, wire.len()] {
            let mut d = Dechunker::new(1 << 20);
            let mut got = Vec::new();
            for piece in wire.chunks(step) {
                d.feed(piece);
                while let Some(m) = d.next_message().expect("within limit") {
                    got.push(m);
                }
            }
            assert_eq!(got, vec![RUN_RETURN_1.to_vec(), big.clone()], "step {step}");
            assert!(!d.has_pending_input());
        }
    }

    #[test]
    fn a_message_may_arrive_in_many_small_chunks() {
        let mut d = Dechunker::new(100);
        d.feed(&[0, 2, 0xB1, 0x3F, 0, 3, 0xA1, 0x81, 0x6E, 0, 1, 0xFF, 0, 0]);
        assert_eq!(d.next_message(), Ok(Some(vec![0xB1, 0x3F, 0xA1, 0x81, 0x6E, 0xFF])));
        assert_eq!(d.next_message(), Ok(None));
    }

    #[test]
    fn oversized_messages_are_refused() {
        let mut d = Dechunker::new(10);
        let mut wire = Vec::new();
        write_chunked(&mut wire, &[1; 11]);
        d.feed(&wire);
        assert_eq!(d.next_message(), Err(MessageTooLarge { limit: 10 }));
    }
}
