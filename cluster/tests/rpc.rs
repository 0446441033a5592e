//! Bad input on the Raft RPC port closes only that connection; the member
//! keeps serving its cluster.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{write, Cluster};
use plexus_cluster::codec::{decode, MAX_FRAME};
use plexus_cluster::network::RpcResponse;

fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream
}

#[test]
fn malformed_frames_close_only_their_connection() {
    let cluster = Cluster::start(3);
    let leader = cluster.leader(Duration::from_secs(10));
    let follower = cluster.running().into_iter().find(|id| *id != leader).unwrap();
    let addr = cluster.members[&follower].raft_addr.clone();

    // A frame that does not decode: a BadRequest answer, then the connection closes.
    let mut s = connect(&addr);
    s.write_all(&[3, 0, 0, 0, 0xff, 0xff, 0xff]).unwrap();
    let mut len = [0u8; 4];
    s.read_exact(&mut len).unwrap();
    let mut payload = vec![0u8; u32::from_le_bytes(len) as usize];
    s.read_exact(&mut payload).unwrap();
    assert!(matches!(decode::<RpcResponse>(&payload), Ok(RpcResponse::BadRequest(_))));
    assert_eq!(s.read(&mut [0u8; 1]).unwrap(), 0, "closed after the bad frame");

    // A length past the limit: closed without reading on.
    let mut s = connect(&addr);
    s.write_all(&(MAX_FRAME as u32 + 1).to_le_bytes()).unwrap();
    assert_eq!(s.read(&mut [0u8; 1]).unwrap_or(0), 0);

    // A frame cut short by the client going away.
    let mut s = connect(&addr);
    s.write_all(&[100, 0, 0, 0, 1, 2]).unwrap();
    drop(s);

    let seq = write(&cluster.node(leader).graph(), 1).unwrap();
    assert_eq!(cluster.converged(seq).len(), 1);
}
