//! A Plexus server on a background tokio runtime for the in-process server
//! tests, stopped when dropped, and a plain HTTP/1.1 exchange with it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use plexus::server::{Server, ServerConfig};
use plexus::Database;

pub struct TestServer {
    pub bolt: SocketAddr,
    /// Set when the config asked for HTTP.
    pub http: Option<SocketAddr>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// A small part of TinkerPop's modern graph: marko knows vadas and created lop.
pub fn modern_graph() -> Database {
    let db = Database::in_memory();
    db.execute(
        "CREATE (m:person {name: 'marko', age: 29})-[:knows {weight: 0.5}]->(:person {name: 'vadas', age: 27}),
                (m)-[:created {weight: 0.4}]->(:software {name: 'lop', lang: 'java'})",
        &Default::default(),
    )
    .and_then(|r| r.collect_rows())
    .expect("seed");
    db
}

impl TestServer {
    /// Serves `db` with `config`, Bolt and HTTP both on ephemeral loopback ports.
    pub fn start_loopback(db: Database, config: ServerConfig) -> TestServer {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        TestServer::start(db, ServerConfig { bolt_addr: loopback, http_addr: Some(loopback), ..config })
    }

    /// Serves `db` with `config` (give it port 0 addresses for ephemeral ports).
    pub fn start(db: Database, config: ServerConfig) -> TestServer {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
            rt.block_on(async move {
                let server = Server::bind(db, config).await.expect("bind");
                addr_tx.send((server.bolt_addr().expect("bolt address"), server.http_addr())).expect("send address");
                server
                    .run(async move {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("serve");
            });
        });
        let (bolt, http) = addr_rx.recv_timeout(Duration::from_secs(10)).expect("server started");
        TestServer { bolt, http, stop: Some(stop), thread: Some(thread) }
    }

    /// Shuts the server down and waits for it.
    pub fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            t.join().expect("server thread");
        }
    }

    /// One HTTP/1.1 exchange: status, content type and body. Bodies here are
    /// small and sent with Content-Length (no chunked encoding).
    pub fn http_request(
        &self,
        method: &str,
        path: &str,
        extra_headers: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> (u16, String, String) {
        let mut socket = TcpStream::connect(self.http.expect("an HTTP address")).expect("connect");
        socket.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra_headers}");
        if let Some(ct) = content_type {
            head += &format!("Content-Type: {ct}\r\n");
        }
        head += &format!("Content-Length: {}\r\n\r\n", body.len());
        socket.write_all(head.as_bytes()).expect("head");
        socket.write_all(body).expect("body");
        let mut response = Vec::new();
        socket.read_to_end(&mut response).expect("response");
        let text = String::from_utf8(response).expect("utf-8 response");
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status");
        let content_type = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type:").map(|v| v.trim().to_string()))
            .unwrap_or_default();
        (status, content_type, body.to_string())
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
