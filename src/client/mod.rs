//! Plexus as a client of a Plexus (or any Bolt) server: the URI forms the
//! Neo4j drivers accept, TLS, and a blocking Bolt client that reuses the
//! server's codec. `plexus shell --connect` runs on it.

pub mod address;
pub mod bolt;
pub mod tls;
pub mod values;

pub use address::{Security, Target};
pub use bolt::{BoltClient, ClientError, StatementResult};
