//! Bolt, the Neo4j drivers' protocol (PROTOCOLS.md Part A): versions 4.1–4.4
//! and 5.0–5.8 (never 5.5), plaintext or TLS (`server/tls.rs`), one database.

pub mod auth;
pub mod chunking;
pub mod connection;
pub mod errors;
pub mod handshake;
pub mod legacy_routing;
pub mod messages;
pub mod packstream;
pub mod session;
pub mod structures;
pub mod version;
