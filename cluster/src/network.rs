//! Raft RPCs between members: one TCP connection per peer, each call a
//! request frame and a response frame (`[u32 length][bincode]`), reconnected
//! after any error. The server side is in `rpc_server`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use openraft::error::{InstallSnapshotError, NetworkError, RPCError, RaftError, RemoteError, Unreachable};
use openraft::network::{RPCOption, RaftNetwork, RaftNetworkFactory};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse, VoteRequest,
    VoteResponse,
};
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;

use crate::codec::{decode, encode, read_frame, write_frame};
use crate::types::{Member, NodeId, TypeConfig};

#[derive(Serialize, Deserialize)]
pub enum RpcRequest {
    Append(AppendEntriesRequest<TypeConfig>),
    Vote(VoteRequest<NodeId>),
    Snapshot(InstallSnapshotRequest<TypeConfig>),
}

#[derive(Serialize, Deserialize)]
pub enum RpcResponse {
    Append(Result<AppendEntriesResponse<NodeId>, RaftError<NodeId>>),
    Vote(Result<VoteResponse<NodeId>, RaftError<NodeId>>),
    Snapshot(Result<InstallSnapshotResponse<NodeId>, RaftError<NodeId, InstallSnapshotError>>),
    /// The request could not be decoded.
    BadRequest(String),
}

/// Cuts a member off the network (for failure tests and for fencing a
/// member by hand): its calls fail as unreachable and the calls it receives
/// are dropped.
#[derive(Clone, Default)]
pub struct Isolation(Arc<AtomicBool>);

impl Isolation {
    pub fn set(&self, isolated: bool) {
        self.0.store(isolated, Ordering::SeqCst);
    }

    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Makes a [`Peer`] per target member.
#[derive(Clone, Default)]
pub struct Network {
    pub isolation: Isolation,
}

impl RaftNetworkFactory<TypeConfig> for Network {
    type Network = Peer;

    async fn new_client(&mut self, target: NodeId, node: &Member) -> Peer {
        Peer { target, addr: node.raft_addr.clone(), conn: None, isolation: self.isolation.clone() }
    }
}

/// The connection to one member.
pub struct Peer {
    target: NodeId,
    addr: String,
    conn: Option<TcpStream>,
    isolation: Isolation,
}

enum CallError {
    Unreachable(std::io::Error),
    Network(std::io::Error),
}

impl CallError {
    fn into_rpc<E: std::error::Error>(self) -> RPCError<NodeId, Member, E> {
        match self {
            CallError::Unreachable(e) => RPCError::Unreachable(Unreachable::new(&e)),
            CallError::Network(e) => RPCError::Network(NetworkError::new(&e)),
        }
    }
}

impl Peer {
    async fn exchange(&mut self, payload: &[u8]) -> Result<RpcResponse, CallError> {
        if self.isolation.is_set() {
            return Err(CallError::Unreachable(std::io::Error::other("this member is isolated")));
        }
        if self.conn.is_none() {
            let stream = TcpStream::connect(&self.addr).await.map_err(CallError::Unreachable)?;
            let _ = stream.set_nodelay(true);
            self.conn = Some(stream);
        }
        let Some(stream) = self.conn.as_mut() else {
            return Err(CallError::Network(std::io::Error::other("no connection")));
        };
        write_frame(stream, payload).await.map_err(CallError::Network)?;
        let frame = read_frame(stream)
            .await
            .map_err(CallError::Network)?
            .ok_or_else(|| CallError::Network(std::io::Error::other("the peer closed the connection")))?;
        decode(&frame).map_err(|e| CallError::Network(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
    }

    async fn call(&mut self, request: &RpcRequest, ttl: Duration) -> Result<RpcResponse, CallError> {
        let payload = encode(request).map_err(|e| CallError::Network(std::io::Error::other(e)))?;
        let result = match tokio::time::timeout(ttl, self.exchange(&payload)).await {
            Ok(result) => result,
            Err(_) => Err(CallError::Network(std::io::Error::new(std::io::ErrorKind::TimedOut, "RPC timed out"))),
        };
        if result.is_err() {
            // The stream may hold half a frame: start afresh next time.
            self.conn = None;
        }
        match result? {
            RpcResponse::BadRequest(why) => {
                Err(CallError::Network(std::io::Error::new(std::io::ErrorKind::InvalidData, why)))
            }
            response => Ok(response),
        }
    }

    fn unexpected<E: std::error::Error>(&self) -> RPCError<NodeId, Member, E> {
        let e = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("member {} answered another RPC", self.target),
        );
        RPCError::Network(NetworkError::new(&e))
    }
}

impl RaftNetwork<TypeConfig> for Peer {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<AppendEntriesResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId>>> {
        match self.call(&RpcRequest::Append(rpc), option.hard_ttl()).await.map_err(CallError::into_rpc)? {
            RpcResponse::Append(r) => r.map_err(|e| RPCError::RemoteError(RemoteError::new(self.target, e))),
            _ => Err(self.unexpected()),
        }
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<InstallSnapshotResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId, InstallSnapshotError>>>
    {
        match self.call(&RpcRequest::Snapshot(rpc), option.hard_ttl()).await.map_err(CallError::into_rpc)? {
            RpcResponse::Snapshot(r) => r.map_err(|e| RPCError::RemoteError(RemoteError::new(self.target, e))),
            _ => Err(self.unexpected()),
        }
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<NodeId>,
        option: RPCOption,
    ) -> Result<VoteResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId>>> {
        match self.call(&RpcRequest::Vote(rpc), option.hard_ttl()).await.map_err(CallError::into_rpc)? {
            RpcResponse::Vote(r) => r.map_err(|e| RPCError::RemoteError(RemoteError::new(self.target, e))),
            _ => Err(self.unexpected()),
        }
    }
}
