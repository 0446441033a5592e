//! `plexus cluster ...`: talks to a running member's `/cluster/*` endpoints
//! (`server/cluster/admin.rs`) over plain HTTP/1.1. Membership changes go to
//! the leader that the given member names; `transfer-leader` asks the target
//! member to campaign and waits until it leads.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value as Json};

use crate::cli::{ClusterCommand, ClusterServer, MemberAddresses};

/// How long one admin request may take (adding a replica waits for its catch-up).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

pub fn run(command: ClusterCommand) -> io::Result<bool> {
    match command {
        ClusterCommand::Init { server, seed } => {
            // A path that exists here is made absolute (the member may run elsewhere in the file system).
            let seed = seed.map(|p| std::fs::canonicalize(&p).unwrap_or(p));
            let body = match seed {
                Some(dir) => json!({"seed": dir}),
                None => json!({}),
            };
            report(post(&server, &server.server, "/cluster/init", &body))
        }
        ClusterCommand::Status(server) => report(get(&server, &server.server, "/cluster/status")),
        ClusterCommand::AddReplica { id, server, addresses } => {
            on_leader(&server, "/cluster/add-replica", &target(id, &addresses))
        }
        ClusterCommand::AddVoter { id, server, addresses } => {
            on_leader(&server, "/cluster/add-voter", &target(id, &addresses))
        }
        ClusterCommand::Remove { id, server } => on_leader(&server, "/cluster/remove", &json!({"id": id})),
        ClusterCommand::TransferLeader { id, server } => transfer_leader(&server, id),
    }
}

fn target(id: u64, a: &MemberAddresses) -> Json {
    match (&a.raft, &a.bolt, &a.http) {
        (Some(raft), Some(bolt), Some(http)) => json!({"id": id, "raft": raft, "bolt": bolt, "http": http}),
        _ => json!({"id": id}),
    }
}

/// A member's answer: the JSON body on success, else the error's code and message.
type Answer = Result<Json, String>;

/// Prints the answer; whether it was a success.
fn report(answer: io::Result<Answer>) -> io::Result<bool> {
    match answer? {
        Ok(body) => {
            let text = serde_json::to_string_pretty(&body).unwrap_or_else(|_| body.to_string());
            writeln!(io::stdout(), "{text}")?;
            Ok(true)
        }
        Err(message) => {
            eprintln!("plexus: {message}");
            Ok(false)
        }
    }
}

/// Sends a membership change to the leader the given member knows of.
fn on_leader(server: &ClusterServer, path: &str, body: &Json) -> io::Result<bool> {
    let leader = match leader_http(server)? {
        Ok(address) => address,
        Err(message) => return report(Ok(Err(message))),
    };
    report(post(server, &leader, path, body))
}

fn leader_http(server: &ClusterServer) -> io::Result<Result<String, String>> {
    let status = match get(server, &server.server, "/cluster/status")? {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let Some(leader) = status["leader"].as_u64() else {
        return Ok(Err("the cluster has no leader now (not initialized, or an election is under way)".into()));
    };
    Ok(member_http(&status, leader).ok_or_else(|| format!("the leader {leader} is not among the members")))
}

fn member_http(status: &Json, id: u64) -> Option<String> {
    status["members"].as_array()?.iter().find(|m| m["id"].as_u64() == Some(id))?["http"].as_str().map(str::to_owned)
}

fn transfer_leader(server: &ClusterServer, id: u64) -> io::Result<bool> {
    let status = match get(server, &server.server, "/cluster/status")? {
        Ok(s) => s,
        Err(e) => return report(Ok(Err(e))),
    };
    let Some(address) = member_http(&status, id) else {
        return report(Ok(Err(format!("member {id} is not in the cluster"))));
    };
    if let Err(e) = post(server, &address, "/cluster/campaign", &json!({}))? {
        return report(Ok(Err(e)));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = get(server, &address, "/cluster/status")?;
        if let Ok(s) = &status {
            if s["leader"].as_u64() == Some(id) && s["role"] == "writer" {
                return report(Ok(status));
            }
        }
        if Instant::now() > deadline {
            return report(Ok(Err(format!("member {id} campaigned but did not become the leader within 10 s"))));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn get(server: &ClusterServer, address: &str, path: &str) -> io::Result<Answer> {
    exchange(server, address, "GET", path, None)
}

fn post(server: &ClusterServer, address: &str, path: &str, body: &Json) -> io::Result<Answer> {
    exchange(server, address, "POST", path, Some(body))
}

/// One HTTP/1.1 request with `Connection: close`; the response is read to its end.
fn exchange(
    server: &ClusterServer,
    address: &str,
    method: &str,
    path: &str,
    body: Option<&Json>,
) -> io::Result<Answer> {
    let addr = address
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::other(format!("{address} resolves to no address")))?;
    let mut socket = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .map_err(|e| io::Error::new(e.kind(), format!("cannot reach {address}: {e}")))?;
    socket.set_read_timeout(Some(REQUEST_TIMEOUT))?;
    let body = body.map(Json::to_string).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(user) = &server.user {
        let pair = format!("{user}:{}", server.password.as_deref().unwrap_or_default());
        head += &format!("Authorization: Basic {}\r\n", base64::engine::general_purpose::STANDARD.encode(pair));
    }
    head += &format!("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len());
    socket.write_all(head.as_bytes())?;
    socket.write_all(body.as_bytes())?;
    let mut response = Vec::new();
    socket.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return Err(io::Error::other(format!("{address} sent a malformed HTTP response")));
    };
    let status: u16 = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let json: Json = serde_json::from_str(body).unwrap_or_else(|_| Json::String(body.to_string()));
    if status == 200 {
        return Ok(Ok(json));
    }
    let code = json["code"].as_str().unwrap_or("error");
    let message = json["detailedMessage"].as_str().map(str::to_owned).unwrap_or_else(|| json.to_string());
    Ok(Err(format!("{address} answered {status} {code}: {message}")))
}
