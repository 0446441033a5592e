//! Binary encoding of Raft messages and log entries (bincode, with a size
//! limit so a corrupt length never allocates without bound) and the
//! length-prefixed frames they travel in.

use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use bincode::Options;

/// No frame (an RPC, a log entry) is larger: snapshot chunks and append
/// batches stay far below it.
pub const MAX_FRAME: usize = 256 << 20;

fn options() -> impl Options {
    bincode::DefaultOptions::new().with_limit(MAX_FRAME as u64)
}

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    options().serialize(value).map_err(|e| e.to_string())
}

/// Decodes `bytes`, which must hold exactly one value.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    options().deserialize(bytes).map_err(|e| e.to_string())
}

/// Writes `[u32 length][payload]`.
pub async fn write_frame<W: AsyncWriteExt + Unpin>(w: &mut W, payload: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|n| *n as usize <= MAX_FRAME)
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "frame too large"))?;
    w.write_all(&len.to_le_bytes()).await?;
    w.write_all(payload).await?;
    w.flush().await
}

/// Reads one frame; `None` at a clean end of the stream. A length above
/// [`MAX_FRAME`] is an `InvalidData` error.
pub async fn read_frame<R: AsyncReadExt + Unpin>(r: &mut R) -> std::io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("frame length {len} exceeds {MAX_FRAME}"),
        ));
    }
    let mut payload = vec![0u8; len];
    r.read_exact(&mut payload).await?;
    Ok(Some(payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_round_trip_and_bad_lengths_are_errors() {
        let mut buf = Vec::new();
        write_frame(&mut buf, b"hello").await.unwrap();
        write_frame(&mut buf, b"").await.unwrap();
        let mut r = &buf[..];
        assert_eq!(read_frame(&mut r).await.unwrap().unwrap(), b"hello");
        assert_eq!(read_frame(&mut r).await.unwrap().unwrap(), b"");
        assert!(read_frame(&mut r).await.unwrap().is_none());
        let huge = (MAX_FRAME as u32 + 1).to_le_bytes();
        let e = read_frame(&mut &huge[..]).await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        let short = [5u8, 0, 0, 0, b'a'];
        assert!(read_frame(&mut &short[..]).await.is_err());
    }

    #[test]
    fn decoding_garbage_is_an_error() {
        let bytes = encode(&(1u64, "x".to_string())).unwrap();
        assert_eq!(decode::<(u64, String)>(&bytes).unwrap(), (1, "x".to_string()));
        assert!(decode::<(u64, String)>(&bytes[..bytes.len() - 1]).is_err());
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(decode::<(u64, String)>(&trailing).is_err());
        assert!(decode::<String>(&[0xfb, 0xff, 0xff, 0xff, 0xff]).is_err());
    }
}
