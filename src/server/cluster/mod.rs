//! The server as a member of a replicated cluster (`plexus serve --cluster`,
//! crate `plexus-cluster`): the cluster file, the member's routing, bookmark
//! waits and status (`member.rs`), seeding a new cluster from a data
//! directory (`seed.rs`), and the admin endpoints that `plexus cluster`
//! calls (`admin.rs`).

pub mod admin;
pub mod file;
pub mod member;
pub mod seed;

pub use file::ClusterFile;
pub use member::{ClusterMember, RoutingTable};
