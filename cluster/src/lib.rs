//! Plexus high availability: a graph replicated with Raft (`openraft` 0.9).
//!
//! # Design
//!
//! - **Log entries are committed change sets.** A Raft entry carries one
//!   commit: its sequence number and its change set in the WAL's binary
//!   form ([`types::Commit`]). Sequence numbers count commits only; Raft
//!   indexes also count blank and membership entries.
//! - **The Raft log replaces the WAL** for a clustered store
//!   ([`log_store`]): a commit is written and fsynced once, as an entry; the
//!   graph has no WAL of its own. Snapshots are the store's checkpoints
//!   (`DIR/checkpoints/<seq>/`), built by the checkpoint writer, sent packed
//!   to lagging or new members and installed with `Graph::replace_state`.
//!   After a snapshot the log before it is purged (openraft keeps
//!   `keep_after_snapshot` entries).
//! - **The commit path** ([`commit_log`]): the member's `Graph` has a
//!   `ClusterLog` as its `CommitLog`. On the leader a writer appends its
//!   commit to the graph's head under the writer lock and the log proposes
//!   it (one proposer task keeps Raft order = sequence order); the writer's
//!   `wait_durable` returns when the state machine has applied that proposal,
//!   i.e. a majority of voters has it on disk, and only then readers see
//!   it. The leader's state machine recognises its own proposals and does
//!   not apply them twice. Followers and learners apply entries through
//!   `Graph::apply`. Writes on a member that is not the leader fail with
//!   `NotALeader` (naming the leader); a new leader takes writes only after
//!   applying everything committed before its term.
//! - **Safety of a leader change**: every entry must continue the committed
//!   sequence (`seq == committed + 1`), or every member skips it alike, so a
//!   leader that proposed on a stale state cannot make members diverge. A
//!   proposal that fails (or that a newer leader's entries supersede) is
//!   discarded from the graph's head with all local commits after it
//!   (`Graph::discard_pending`); their writers get `NotCommitted`. A write
//!   that waits longer than `commit_timeout` for a majority fails with
//!   `ReplicationTimeout`: its outcome is then unknown (it commits if the
//!   cluster later commits it), as with any database that loses its quorum.
//! - **Network** ([`network`], [`rpc_server`]): Raft RPCs over TCP, one
//!   request frame and one response frame (`[u32 length][bincode]`), every
//!   length checked; a bad frame closes only that connection.
//! - **Embedding** ([`ClusterNode`]): a member runs on its own tokio
//!   runtime, so the server calls it from any thread: `start`, `graph()` (to
//!   build a `Database` on), `check_writable` (refuse a write transaction on
//!   a non-leader before it takes the writer lock, which replication needs),
//!   `initialize`, `add_learner`, `set_voters`, `remove_member`, `campaign`
//!   (openraft 0.9 has no leader transfer: the target campaigns),
//!   `wait_for_seq` (bookmarks), `status()` (role, term, leader, positions,
//!   replication lag, elections, snapshots), `isolate` (a partition, for
//!   failure tests or fencing by hand).
//! - **Not yet**: snapshots travel packed in memory (openraft 0.9's chunked
//!   install), so their size is bounded by memory; seeding a new cluster
//!   from a backup is not done (every member would need the same seed and
//!   a new member joining before the first purge would replay onto an empty
//!   graph).

pub mod codec;
pub mod commit_log;
pub mod config;
mod files;
pub mod log_store;
pub mod network;
mod node;
pub mod rpc_server;
pub mod snapshot_files;
pub mod state_machine;
pub mod status;
pub mod types;

pub use config::ClusterConfig;
pub use node::ClusterNode;
pub use status::{ClusterStatus, Role};
pub use types::{Member, NodeId};
