//! Command-line arguments of the `plexus` binary.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use plexus::format::OutputFormat;
use plexus_storage::durable::SyncMode;

/// Where commands look for the data directory unless told otherwise.
const DEFAULT_DATA_DIR: &str = "plexus-data";

/// Plexus: a property-graph database queried with openCypher and Gremlin, kept in a data
/// directory (`./plexus-data` unless `--data-dir` or `--in-memory` says otherwise).
#[derive(Debug, Parser)]
#[command(name = "plexus", version, about, long_about = None, args_override_self = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server on the data directory: Bolt for the Neo4j drivers (port
    /// 7687) and HTTP in Neptune's forms (port 8182: /openCypher, /gremlin,
    /// /status, and /metrics for Prometheus).
    ///
    /// Stops on ctrl-c or SIGTERM: running queries get a grace period, then
    /// the WAL is synced, a checkpoint written, and the exit code is 0.
    ///
    /// With --cluster FILE --node-id N the server is member N of a
    /// replicated cluster (Raft): the leader takes writes, the other members
    /// refuse them (Bolt: Neo.ClientError.Cluster.NotALeader, HTTP:
    /// ReadOnlyViolationException) and serve reads; `neo4j://` drivers find
    /// the leader through ROUTE. A new cluster starts with `plexus cluster
    /// init`; the cluster file's format is below.
    #[command(after_long_help = "The cluster file (--cluster), the same on every member:\n\n  \
        election_timeout_ms = [400, 800]  # optional (defaults shown)\n  \
        heartbeat_ms = 100                # optional\n  \
        commit_timeout_ms = 5000          # optional: a write's wait for a majority\n  \
        snapshot_every = 10000            # optional: log entries between snapshots\n  \
        keep_after_snapshot = 1000        # optional: entries kept for lagging members\n  \
        bookmark_timeout_ms = 10000       # optional: a read's wait for its bookmark\n\n  \
        [[member]]\n  \
        id = 1\n  \
        raft = \"10.0.0.1:7100\"  # Raft between members\n  \
        bolt = \"10.0.0.1:7687\"  # advertised by ROUTE; the member listens on its port\n  \
        http = \"10.0.0.1:8182\"\n  \
        voter = true            # false: a read replica (plexus cluster add-replica)")]
    Serve(ServeArgs),
    /// Manage a running cluster through a member's HTTP port: start it, add
    /// read replicas or voters, remove members, move the leadership, or show
    /// a member's view (role, term, leader, commit sequences, members, lag).
    #[command(
        subcommand,
        after_help = "Examples:\n  \
        plexus cluster init --server 127.0.0.1:8182\n  \
        plexus cluster init --server 127.0.0.1:8182 --seed /backups/restored\n  \
        plexus cluster status --server 127.0.0.1:8182\n  \
        plexus cluster add-replica 4 --server 127.0.0.1:8182\n  \
        plexus cluster add-voter 5 --server 127.0.0.1:8182 --raft h5:7100 --bolt h5:7687 --http h5:8182\n  \
        plexus cluster transfer-leader 2 --server 127.0.0.1:8182"
    )]
    Cluster(ClusterCommand),
    /// Open an interactive Cypher and Gremlin shell on the data directory.
    ///
    /// Statements end with `;` and may span lines. Type :help inside the shell
    /// for its commands (:param, :explain, :profile, ...). Every committed
    /// statement is durable (in the WAL) before its result prints; the data
    /// stays in the data directory across restarts. Input can also be piped
    /// in: `echo 'RETURN 1;' | plexus shell`.
    ///
    /// With --connect the same shell runs Cypher on a server over Bolt
    /// (a Plexus or Neo4j server; Gremlin needs the server's HTTP endpoint).
    #[command(after_help = "Examples:\n  \
        plexus shell --data-dir db\n  \
        plexus shell --connect bolt://localhost:7687\n  \
        plexus shell --connect bolt+ssc://ann@db.example.com:7687 --password secret")]
    Shell(ShellArgs),
    /// Run Cypher statements (or Gremlin traversals) on the data directory and print the results.
    ///
    /// Statements are separated by `;` (the last one may omit it) and run in
    /// order; the first error stops the run with exit code 1. In json and csv
    /// formats stdout carries only the data: timings and notices go to stderr.
    #[command(after_help = "Examples:\n  \
        plexus query -e 'UNWIND [1, 2, 3] AS x RETURN x, x * 2 AS y'\n  \
        plexus query -f script.cypher --format json\n  \
        plexus query -e 'RETURN $limit + 1 AS n' --param limit=10 --format csv\n  \
        plexus query --lang gremlin -e \"g.V().hasLabel('person').values('name')\"")]
    Query(QueryArgs),
    /// Create or list snapshots: consistent copies of a data directory at one
    /// commit, which `plexus restore` turns back into a data directory.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Restore a snapshot into a new data directory, optionally rolled forward
    /// to a commit sequence number or a time through the WAL archived in the
    /// data directory the snapshot was taken from (point-in-time restore).
    #[command(after_help = "Examples:\n  \
        plexus restore --from plexus-data/snapshots/nightly --data-dir restored\n  \
        plexus restore --from plexus-data/snapshots/nightly --data-dir restored --to-time 2026-11-24T10:15:00Z\n  \
        plexus restore --from plexus-data/snapshots/nightly --data-dir restored --to-seq 1200")]
    Restore(RestoreArgs),
    /// Write the whole graph of a data directory to exchange files (also
    /// while a server has the directory open; the export holds one commit).
    #[command(after_help = "Examples:\n  \
        plexus export --format graphson graph.json\n  \
        plexus export --data-dir db --format parquet out-dir")]
    Export(ExportArgs),
    /// Load exchange files into a new data directory (it must hold no data).
    Import(ImportArgs),
    /// Bulk-load Neptune CSV files into a new data directory (it must hold no
    /// data): vertex files first, then edge files; durable when it returns.
    #[command(after_help = "Examples:\n  \
        plexus load --data-dir air --format gremlin-csv ../shared/data/air-routes\n  \
        plexus load --format opencypher-csv nodes.csv rels.csv --no-fail-on-error\n  \
        plexus load --data-dir ldbc --mapping benches/ldbc/mini.toml ../shared/data/ldbc-snb-mini")]
    Load(LoadArgs),
    /// Manage the users the server authenticates (argon2 password hashes in DIR/users.toml).
    #[command(subcommand)]
    User(UserCommand),
    /// Generate a synthetic graph as Neptune Gremlin CSV (for `plexus load` and benchmarks).
    #[command(subcommand)]
    Generate(GenerateCommand),
}

/// How `plexus cluster` reaches a member.
#[derive(Debug, Args)]
pub struct ClusterServer {
    /// A member's HTTP address (host:port); changes go to the leader it names.
    #[arg(long, value_name = "HOST:PORT")]
    pub server: String,
    /// The user to log in as when the servers run with --auth.
    #[arg(long)]
    pub user: Option<String>,
    /// The password of --user.
    #[arg(long, requires = "user")]
    pub password: Option<String>,
}

/// A member's addresses, when the servers' cluster file does not list it.
#[derive(Debug, Args)]
pub struct MemberAddresses {
    /// Its Raft address.
    #[arg(long, value_name = "HOST:PORT", requires_all = ["bolt", "http"])]
    pub raft: Option<String>,
    /// Its Bolt address.
    #[arg(long, value_name = "HOST:PORT", requires_all = ["raft", "http"])]
    pub bolt: Option<String>,
    /// Its HTTP address.
    #[arg(long, value_name = "HOST:PORT", requires_all = ["raft", "bolt"])]
    pub http: Option<String>,
}

/// `plexus cluster ...`.
#[derive(Debug, Subcommand)]
pub enum ClusterCommand {
    /// Start a new cluster: the voters of the cluster file become its members.
    Init {
        #[command(flatten)]
        server: ClusterServer,
        /// Seed the new cluster with this data directory's graph (a path on the
        /// member's machine: a `plexus restore` of a snapshot, or a member's
        /// directory of another cluster after a snapshot); ids are kept.
        #[arg(long, value_name = "DIR")]
        seed: Option<PathBuf>,
    },
    /// Show a member's view: role, term, leader, commit sequences, members, lag.
    Status(ClusterServer),
    /// Add a read replica (never votes); returns once it has caught up.
    AddReplica {
        /// The new member's id.
        id: u64,
        #[command(flatten)]
        server: ClusterServer,
        #[command(flatten)]
        addresses: MemberAddresses,
    },
    /// Add a voter (or promote a replica to one).
    AddVoter {
        id: u64,
        #[command(flatten)]
        server: ClusterServer,
        #[command(flatten)]
        addresses: MemberAddresses,
    },
    /// Remove a member (voter or replica) from the cluster.
    Remove {
        id: u64,
        #[command(flatten)]
        server: ClusterServer,
    },
    /// Make a voter the leader: it stands for election and wins when its log is up to date.
    TransferLeader {
        id: u64,
        #[command(flatten)]
        server: ClusterServer,
    },
}

/// `plexus user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user, or set an existing user's password.
    Add {
        /// The user name.
        name: String,
        /// The password (default: the first line of stdin, so it stays out of the shell history).
        #[arg(long)]
        password: Option<String>,
        /// The data directory whose server the user logs in to.
        #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// Remove a user.
    Remove {
        name: String,
        #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// List the user names.
    List {
        #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
}

/// `plexus generate ...`.
#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// A Graph500-style Kronecker (R-MAT) graph: 2^scale `Node` vertices and
    /// edge-factor * 2^scale `LINK` edges, written as vertices.csv and edges.csv.
    Kronecker {
        /// log2 of the number of vertices (20 → 1M).
        #[arg(long, default_value_t = 16)]
        scale: u32,
        /// Edges per vertex.
        #[arg(long, default_value_t = 16)]
        edge_factor: u64,
        /// Random seed (the same seed gives the same graph).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The output directory.
        #[arg(value_name = "DIR")]
        out: PathBuf,
    },
}

/// Neptune's bulk-load CSV dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvDialect {
    /// `~id,~label,name:String,...` vertices; `~id,~from,~to,~label,...` edges.
    GremlinCsv,
    /// `:ID,:LABEL,name:String,...` nodes; `:START_ID,:END_ID,:TYPE,...` relationships.
    OpencypherCsv,
}

/// Arguments of `plexus load`.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// The new data directory.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
    /// The CSV dialect (not needed with --mapping).
    #[arg(long, value_enum, required_unless_present = "mapping")]
    pub format: Option<CsvDialect>,
    /// A mapping file (TOML) naming the files of the dataset directory given
    /// as input, their labels or types and headers (see benches/ldbc/*.toml).
    #[arg(long, value_name = "FILE", conflicts_with = "format")]
    pub mapping: Option<PathBuf>,
    /// CSV files, or directories whose `.csv` files are loaded (with --mapping: the dataset directory).
    #[arg(value_name = "FILES_OR_DIRS", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Skip bad lines instead of stopping at the first (they are listed, up to --max-errors).
    #[arg(long = "no-fail-on-error", action = clap::ArgAction::SetFalse)]
    pub fail_on_error: bool,
    /// How many bad lines to list when skipping them.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_errors: usize,
}

/// Exchange formats of whole graphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// GraphSON 3 adjacency list (TinkerPop's `g.io()` format), one vertex per line.
    Graphson,
    /// A directory of Parquet files, one per label and relationship type, with a manifest.
    Parquet,
    /// A directory of Arrow IPC files, one per label and relationship type, with a manifest.
    Arrow,
}

/// Arguments of `plexus export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The data directory to read.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
    /// The file format.
    #[arg(long, value_enum)]
    pub format: GraphFormat,
    /// Where to write: a file for graphson (`-` for stdout), a new directory for parquet and arrow.
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
}

/// Arguments of `plexus import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The new data directory.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
    /// The file format.
    #[arg(long, value_enum)]
    pub format: GraphFormat,
    /// What to read: a file for graphson, the exported directory for parquet and arrow.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
}

/// Where the data lives and how commits reach the disk.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The data directory (created if missing).
    #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
    /// Use a new in-memory database instead; nothing is saved.
    #[arg(long, conflicts_with = "data_dir")]
    pub in_memory: bool,
    /// When a commit is acknowledged: `always` after the WAL is fsynced
    /// (concurrent commits share one fsync), `batch` after it is written,
    /// fsyncing every 10 ms (a power loss may lose that window), `off` leaving
    /// syncing to the OS.
    #[arg(long, value_name = "MODE", default_value = "always", value_parser = parse_sync)]
    pub sync: SyncMode,
}

fn parse_sync(s: &str) -> Result<SyncMode, String> {
    s.parse()
}

/// Arguments of `plexus serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Read settings from a TOML file whose keys are these flags
    /// (`bolt_port = 7687`, `data_dir = "db"`, `in_memory = true`); flags
    /// given on the command line win.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// The address to listen on (both ports).
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub listen: std::net::IpAddr,
    /// The Bolt port.
    #[arg(long, value_name = "PORT", default_value_t = 7687)]
    pub bolt_port: u16,
    /// The HTTP port (`/openCypher`, `/gremlin`, `/status`, `/metrics`).
    #[arg(long, value_name = "PORT", default_value_t = 8182)]
    pub http_port: u16,
    /// Time limit of a query or transaction (0: none): a running query is
    /// stopped at its next batch and its writes roll back; an explicit
    /// transaction past it fails and rolls back.
    #[arg(long, value_name = "MS", default_value_t = 120_000)]
    pub query_timeout_ms: u64,
    /// Memory one query may hold (0: no limit): rows it sorts, writes or
    /// materializes, its aggregation tables (collect and DISTINCT keep their
    /// inputs) and any batch in flight; past it the query fails
    /// (Bolt: Neo.TransientError.General.MemoryPoolOutOfMemoryError, HTTP:
    /// MemoryLimitExceededException) and the server goes on.
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    pub query_memory_limit_mb: u64,
    /// Refuse connections beyond this many.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_connections: usize,
    /// Require Bolt basic authentication against the users of `plexus user add`.
    #[arg(long)]
    pub auth: bool,
    /// Serve both ports over TLS only, with this PEM certificate chain (leaf
    /// first): Bolt drivers then connect with `bolt+s://` or `neo4j+s://`
    /// (`+ssc` for a self-signed certificate), HTTP is https. Needs --tls-key.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve as a member of the cluster this file describes (see `plexus
    /// serve --help`); the member's Bolt and HTTP addresses there replace
    /// --bolt-port and --http-port. Needs --node-id and a data directory.
    #[arg(long, value_name = "FILE", requires = "node_id", conflicts_with = "in_memory")]
    pub cluster: Option<PathBuf>,
    /// This member's id in the cluster file.
    #[arg(long, value_name = "N", requires = "cluster")]
    pub node_id: Option<u64>,
}

/// Arguments of `plexus shell`.
#[derive(Debug, Args)]
pub struct ShellArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Run statements on the server at URI instead of a local data directory:
    /// bolt:// or neo4j:// (host[:port], port 7687 by default), bolt+s:// and
    /// neo4j+s:// for TLS with a certificate the system trusts, bolt+ssc://
    /// and neo4j+ssc:// for TLS with any certificate (self-signed). User info
    /// in the URI (`bolt://user:password@host`) logs in.
    #[arg(long, value_name = "URI", conflicts_with_all = ["data_dir", "in_memory"])]
    pub connect: Option<String>,
    /// The user to log in as with --connect (basic auth).
    #[arg(long, requires = "connect")]
    pub user: Option<String>,
    /// The password of --user.
    #[arg(long, requires = "connect")]
    pub password: Option<String>,
}

/// `plexus snapshot ...`.
#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Write a snapshot of the data directory (also while a server has it
    /// open) and print its location as the last line.
    Create {
        /// The data directory.
        #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
        /// Its name (default: `snapshot-<seq>-<unix time>`).
        #[arg(long)]
        name: Option<String>,
    },
    /// List the snapshots of a data directory: name, commit, time, size, location.
    List {
        /// The data directory.
        #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
}

/// Arguments of `plexus restore`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("point").multiple(false)))]
pub struct RestoreArgs {
    /// The snapshot's location (as `snapshot create` printed it).
    #[arg(long, value_name = "LOCATION")]
    pub from: PathBuf,
    /// The new data directory (must not exist or be empty).
    #[arg(long, value_name = "DIR")]
    pub data_dir: PathBuf,
    /// Roll forward to the last commit at or before this time (RFC 3339, e.g. 2026-11-24T10:15:00Z).
    #[arg(long, value_name = "RFC3339", group = "point", value_parser = parse_time)]
    pub to_time: Option<i64>,
    /// Roll forward to exactly this commit sequence number.
    #[arg(long, value_name = "N", group = "point")]
    pub to_seq: Option<u64>,
    /// Roll forward through all the WAL there is.
    #[arg(long, group = "point")]
    pub to_latest: bool,
}

/// An RFC 3339 time as microseconds since the epoch.
fn parse_time(s: &str) -> Result<i64, String> {
    let t = humantime::parse_rfc3339_weak(s).map_err(|e| format!("`{s}` is not an RFC 3339 time: {e}"))?;
    let micros = t.duration_since(std::time::UNIX_EPOCH).map_err(|_| "times before 1970 are not supported")?;
    i64::try_from(micros.as_micros()).map_err(|_| "time out of range".to_string())
}

/// Arguments of `plexus query`.
#[derive(Debug, Args)]
#[group(skip)]
#[command(group(ArgGroup::new("source").required(true).multiple(false)))]
pub struct QueryArgs {
    /// The statements to run.
    #[arg(short = 'e', long = "execute", value_name = "QUERY", group = "source")]
    pub execute: Option<String>,
    /// Read the statements from FILE (`-` for stdin).
    #[arg(short = 'f', long = "file", value_name = "FILE", group = "source")]
    pub file: Option<PathBuf>,
    /// How to print results: table (aligned, with a summary), json (one array
    /// of records per statement, one per line) or csv (header then records).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Set parameter $NAME to the value of a Cypher expression, e.g.
    /// `--param limit=10` or `--param "names=['a', 'b']"`. Repeatable; later
    /// parameters may use earlier ones.
    #[arg(long = "param", value_name = "NAME=EXPR")]
    pub params: Vec<String>,
    /// The language of the statements (a statement starting with `g.` is Gremlin either way).
    #[arg(long, value_enum, default_value_t = Lang::Cypher)]
    pub lang: Lang,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// The `--lang` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Cypher,
    Gremlin,
}

/// The `--format` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

impl From<Format> for OutputFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => OutputFormat::Table,
            Format::Json => OutputFormat::Json,
            Format::Csv => OutputFormat::Csv,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn query_needs_exactly_one_source() {
        assert!(Cli::try_parse_from(["plexus", "query"]).is_err());
        assert!(Cli::try_parse_from(["plexus", "query", "-e", "RETURN 1", "-f", "x"]).is_err());
        let cli = Cli::try_parse_from(["plexus", "query", "-e", "RETURN 1", "--format", "csv", "--param", "a=1"]);
        let Ok(Cli { command: Command::Query(args) }) = cli else { panic!("parse failed") };
        assert_eq!(args.execute.as_deref(), Some("RETURN 1"));
        assert_eq!(args.format, Format::Csv);
        assert_eq!(args.params, vec!["a=1".to_string()]);
        assert_eq!(args.store.data_dir, PathBuf::from("plexus-data"));
        assert_eq!(args.store.sync, SyncMode::Always);
    }

    #[test]
    fn later_flags_override_earlier_ones() {
        let cli = Cli::try_parse_from(["plexus", "serve", "--bolt-port", "9000", "--bolt-port", "9001"]);
        let Ok(Cli { command: Command::Serve(args) }) = cli else { panic!("parse failed") };
        assert_eq!(args.bolt_port, 9001);
    }

    #[test]
    fn store_and_restore_arguments() {
        let cli = Cli::try_parse_from(["plexus", "shell", "--data-dir", "d", "--sync", "batch"]);
        let Ok(Cli { command: Command::Shell(args) }) = cli else { panic!("parse failed") };
        assert_eq!((args.store.data_dir, args.store.sync), (PathBuf::from("d"), SyncMode::Batch));
        assert!(Cli::try_parse_from(["plexus", "shell", "--sync", "sometimes"]).is_err());
        assert!(Cli::try_parse_from(["plexus", "shell", "--in-memory", "--data-dir", "d"]).is_err());
        let restore = |extra: &[&str]| {
            let mut args = vec!["plexus", "restore", "--from", "s", "--data-dir", "n"];
            args.extend_from_slice(extra);
            Cli::try_parse_from(args)
        };
        let Ok(Cli { command: Command::Restore(args) }) = restore(&["--to-time", "2026-01-02T03:04:05Z"]) else {
            panic!("parse failed")
        };
        assert_eq!(args.to_time, Some(1_767_323_045_000_000));
        assert!(restore(&["--to-seq", "1", "--to-latest"]).is_err());
        assert!(restore(&["--to-time", "yesterday"]).is_err());
    }

    #[test]
    fn cluster_flags_go_together() {
        let parse = |args: &[&str]| Cli::try_parse_from([&["plexus"], args].concat());
        let Ok(Cli { command: Command::Serve(args) }) =
            parse(&["serve", "--cluster", "c.toml", "--node-id", "2", "--data-dir", "d"])
        else {
            panic!("a member's flags parse")
        };
        assert_eq!((args.cluster.as_deref(), args.node_id), (Some(std::path::Path::new("c.toml")), Some(2)));
        assert!(parse(&["serve", "--cluster", "c.toml"]).is_err(), "a member needs its id");
        assert!(parse(&["serve", "--cluster", "c.toml", "--node-id", "1", "--in-memory"]).is_err());
        let add = ["cluster", "add-voter", "5", "--server", "h:1", "--raft", "a:1", "--bolt", "b:1", "--http", "c:1"];
        assert!(matches!(parse(&add), Ok(Cli { command: Command::Cluster(ClusterCommand::AddVoter { id: 5, .. }) })));
        assert!(parse(&["cluster", "add-replica", "4", "--server", "h:1", "--raft", "a:1"]).is_err(), "all three");
        assert!(parse(&["cluster", "init"]).is_err(), "--server is required");
    }
}
