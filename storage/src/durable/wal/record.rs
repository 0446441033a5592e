//! One WAL record: `[length u32][crc32c u32][payload]`, the payload being the
//! commit's sequence number, its commit time and its change set. A reader
//! stops at the first record that is short or fails its checksum: that is a
//! torn tail (or corruption) and nothing from it is applied.

use crate::changeset::ChangeSet;
use crate::durable::codec::{Decoder, Encoder};
use crate::error::{Error, Result};

/// Bytes before the payload.
pub const FRAME_HEADER: usize = 8;
/// A length above this is corruption, not a record (no commit is this large).
const MAX_PAYLOAD: usize = 1 << 30;

/// A decoded record.
#[derive(Debug, Clone)]
pub struct Record {
    pub seq: u64,
    /// Commit time, microseconds since the Unix epoch.
    pub time_micros: i64,
    pub changes: ChangeSet,
}

/// Appends the framed record to `out`.
pub fn encode(seq: u64, time_micros: i64, changes: &ChangeSet, out: &mut Vec<u8>) -> Result<()> {
    let mut e = Encoder::default();
    e.u64(seq);
    e.i64(time_micros);
    e.change_set(changes)?;
    let len = u32::try_from(e.buf.len()).map_err(|_| Error::internal("a commit is too large to log"))?;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&crc32c::crc32c(&e.buf).to_le_bytes());
    out.extend_from_slice(&e.buf);
    Ok(())
}

/// What reading one frame at an offset found.
pub enum Frame {
    /// A whole, checksummed record and the offset after it.
    Record(Box<Record>, usize),
    /// No more bytes (a clean end).
    End,
    /// A frame that is cut short or fails its checksum: the reason.
    Torn(String),
}

/// Reads the frame at `offset` of `bytes`. A frame whose checksum holds but
/// whose payload does not decode is an error: that is not a torn write.
pub fn read_frame(bytes: &[u8], offset: usize) -> Result<Frame> {
    let rest = &bytes[offset.min(bytes.len())..];
    if rest.is_empty() {
        return Ok(Frame::End);
    }
    if rest.len() < FRAME_HEADER {
        return Ok(Frame::Torn(format!("{} bytes of a record header", rest.len())));
    }
    let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
    if len == 0 && crc == 0 && rest.iter().all(|&b| b == 0) {
        return Ok(Frame::Torn("zero-filled space".into()));
    }
    if len > MAX_PAYLOAD {
        return Ok(Frame::Torn(format!("implausible record length {len}")));
    }
    if rest.len() < FRAME_HEADER + len {
        return Ok(Frame::Torn(format!("a record of {len} bytes with only {} present", rest.len() - FRAME_HEADER)));
    }
    let payload = &rest[FRAME_HEADER..FRAME_HEADER + len];
    if crc32c::crc32c(payload) != crc {
        return Ok(Frame::Torn("checksum mismatch".into()));
    }
    let mut d = Decoder::new(payload);
    let record = Record { seq: d.u64()?, time_micros: d.i64()?, changes: d.change_set()? };
    if !d.at_end() {
        return Err(Error::io("CorruptWal", "a checksummed WAL record has trailing bytes"));
    }
    Ok(Frame::Record(Box::new(record), offset + FRAME_HEADER + len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changeset::Change;

    fn changes() -> ChangeSet {
        ChangeSet {
            changes: vec![Change::CreateNode {
                id: 0,
                labels: vec!["P".into()],
                properties: vec![("x".into(), 1.into())],
                external_id: None,
            }],
        }
    }

    #[test]
    fn records_read_back_and_torn_tails_are_detected() {
        let mut buf = Vec::new();
        encode(1, 100, &changes(), &mut buf).unwrap();
        let first_end = buf.len();
        encode(2, 200, &changes(), &mut buf).unwrap();
        let Frame::Record(r, next) = read_frame(&buf, 0).unwrap() else { panic!("first record") };
        assert_eq!((r.seq, r.time_micros, next), (1, 100, first_end));
        let Frame::Record(r, end) = read_frame(&buf, next).unwrap() else { panic!("second record") };
        assert_eq!((r.seq, end), (2, buf.len()));
        assert!(matches!(read_frame(&buf, end).unwrap(), Frame::End));
        for cut in first_end + 1..buf.len() {
            assert!(matches!(read_frame(&buf[..cut], first_end).unwrap(), Frame::Torn(_)), "cut at {cut}");
        }
        for i in first_end..buf.len() {
            let mut bad = buf.clone();
            bad[i] ^= 0x01;
            assert!(matches!(read_frame(&bad, first_end).unwrap(), Frame::Torn(_)), "flip at {i}");
        }
        let zeros = vec![0u8; 64];
        assert!(matches!(read_frame(&zeros, 0).unwrap(), Frame::Torn(_)));
    }
}
