//! Accepts Raft RPCs from other members and hands them to the local Raft.
//! A frame that is too long or does not decode closes that connection with
//! a logged reason; other connections are unaffected.

use tokio::net::{TcpListener, TcpStream};

use crate::codec::{decode, encode, read_frame, write_frame};
use crate::network::{Isolation, RpcRequest, RpcResponse};
use crate::types::Raft;

pub async fn serve(listener: TcpListener, raft: Raft, isolation: Isolation) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                let (raft, isolation) = (raft.clone(), isolation.clone());
                tokio::spawn(async move {
                    if let Err(why) = connection(stream, raft, isolation).await {
                        tracing::warn!(%peer, "Raft RPC connection closed: {why}");
                    }
                });
            }
            Err(e) => {
                tracing::warn!("accepting a Raft RPC connection: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}

async fn connection(mut stream: TcpStream, raft: Raft, isolation: Isolation) -> Result<(), String> {
    while let Some(frame) = read_frame(&mut stream).await.map_err(|e| e.to_string())? {
        if isolation.is_set() {
            return Err("this member is isolated".into());
        }
        let response = match decode::<RpcRequest>(&frame) {
            Ok(RpcRequest::Append(rpc)) => RpcResponse::Append(raft.append_entries(rpc).await),
            Ok(RpcRequest::Vote(rpc)) => RpcResponse::Vote(raft.vote(rpc).await),
            Ok(RpcRequest::Snapshot(rpc)) => RpcResponse::Snapshot(raft.install_snapshot(rpc).await),
            Err(e) => {
                let why = format!("a Raft RPC does not decode: {e}");
                let bytes = encode(&RpcResponse::BadRequest(why.clone()))?;
                let _ = write_frame(&mut stream, &bytes).await;
                return Err(why);
            }
        };
        let bytes = encode(&response)?;
        write_frame(&mut stream, &bytes).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}
