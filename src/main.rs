//! The `plexus` binary: the interactive shell, one-shot queries, snapshots,
//! restore, export and import.

mod cli;
mod cluster_cli;
mod serve_config;

use std::io::{self, Read};
use std::process::ExitCode;

use clap::Parser;
use plexus::io::columnar::{self, ColumnarFormat};
use plexus::io::graphson;
use plexus::shell::batch::{self, Output};
use plexus::Database;
use plexus_storage::durable::recovery::recover;
use plexus_storage::durable::replay::TornTail;
use plexus_storage::durable::{self, DurableOptions, Stop, WalOptions};
use plexus_storage::GraphConfig;

use cli::{
    Cli, Command, CsvDialect, ExportArgs, GenerateCommand, GraphFormat, ImportArgs, LoadArgs, QueryArgs, RestoreArgs,
    ServeArgs, ShellArgs, SnapshotCommand, StoreArgs, UserCommand,
};

fn main() -> ExitCode {
    let args = match serve_config::expand(std::env::args_os().collect()) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("plexus: {e}");
            return ExitCode::FAILURE;
        }
    };
    let cli = Cli::parse_from(args);
    if !matches!(cli.command, Command::Serve(_)) {
        // Warnings (a cut WAL tail, a skipped checkpoint) go to stderr; RUST_LOG=info shows more.
        // The server logs at info by default (`plexus::server::init_logging`).
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
        let _ = tracing_subscriber::fmt().with_writer(io::stderr).with_env_filter(filter).try_init();
    }
    let outcome = match cli.command {
        Command::Serve(args) => serve(&args),
        Command::Shell(args) if args.connect.is_some() => remote_shell(&args),
        Command::Shell(args) => open(&args.store).and_then(|db| finish(&db, plexus::shell::run(&db))),
        Command::Query(args) => query(&args),
        Command::Snapshot(command) => snapshot(command),
        Command::Restore(args) => restore(&args),
        Command::Export(args) => export(&args),
        Command::Import(args) => import(&args),
        Command::Load(args) => load(&args),
        Command::Generate(command) => generate(command),
        Command::User(command) => user(command),
        Command::Cluster(command) => cluster_cli::run(command),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        // A reader that went away (`plexus query ... | head`) is not an error worth a word.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plexus: {e}");
            ExitCode::FAILURE
        }
    }
}

fn io_error(e: plexus_storage::Error) -> io::Error {
    io::Error::other(e.to_string())
}

/// The database the store arguments name.
fn open(store: &StoreArgs) -> io::Result<Database> {
    if store.in_memory {
        return Ok(Database::in_memory());
    }
    let options =
        DurableOptions { wal: WalOptions { sync: store.sync, ..WalOptions::default() }, ..Default::default() };
    Database::open(&store.data_dir, options).map_err(io_error)
}

/// `plexus serve`: serves until ctrl-c or SIGTERM, then closes the store cleanly.
fn serve(args: &ServeArgs) -> io::Result<bool> {
    plexus::server::init_logging();
    // A bad certificate stops the server before it touches the data directory.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(plexus::server::tls::Tls::from_pem_files(cert, key)?),
        _ => None,
    };
    if let (Some(path), Some(id)) = (&args.cluster, args.node_id) {
        return serve_member(args, path, id, tls);
    }
    let db = open(&args.store)?;
    if let Some(store) = db.store() {
        let r = store.recovery();
        tracing::info!(dir = %store.dir().display(), seq = r.seq, replayed = r.replayed, "data directory open");
    }
    let config = server_config(args, tls)?;
    let outcome = plexus::server::run(db.clone(), config).map(|()| true);
    finish(&db, outcome)
}

/// The server settings of `plexus serve`'s flags.
fn server_config(args: &ServeArgs, tls: Option<plexus::server::tls::Tls>) -> io::Result<plexus::server::ServerConfig> {
    if !args.listen.is_loopback() && !args.auth {
        tracing::warn!(address = %args.listen, "listening beyond this machine without authentication (see --auth)");
    }
    let authenticator: std::sync::Arc<dyn plexus::server::bolt::auth::Authenticator> = if args.auth {
        let path = plexus::users::users_file(&args.store.data_dir);
        let users = plexus::users::Users::load(&path).map_err(io_error)?;
        if users.is_empty() {
            return Err(io::Error::other(format!("--auth needs users: none in {} (plexus user add)", path.display())));
        }
        std::sync::Arc::new(plexus::users::UserAuthenticator::new(users))
    } else {
        std::sync::Arc::new(plexus::server::bolt::auth::AcceptAll)
    };
    let timeout = (args.query_timeout_ms > 0).then(|| std::time::Duration::from_millis(args.query_timeout_ms));
    Ok(plexus::server::ServerConfig {
        bolt_addr: std::net::SocketAddr::new(args.listen, args.bolt_port),
        http_addr: Some(std::net::SocketAddr::new(args.listen, args.http_port)),
        query_timeout: timeout,
        query_memory_limit: (args.query_memory_limit_mb > 0)
            .then(|| usize::try_from(args.query_memory_limit_mb.saturating_mul(1 << 20)).unwrap_or(usize::MAX)),
        max_connections: args.max_connections,
        authenticator,
        tls,
        ..Default::default()
    })
}

/// `plexus serve --cluster FILE --node-id N`: member N on the data
/// directory, listening on the Bolt and HTTP ports the file gives it.
fn serve_member(
    args: &ServeArgs,
    path: &std::path::Path,
    id: u64,
    tls: Option<plexus::server::tls::Tls>,
) -> io::Result<bool> {
    use plexus::server::cluster::{ClusterFile, ClusterMember};
    let file = ClusterFile::read(path).map_err(io::Error::other)?;
    let me = file.member(id).ok_or_else(|| io::Error::other(format!("member {id} is not in {}", path.display())))?;
    let bolt_addr = listen_address(args.listen, &me.bolt)?;
    let http_addr = listen_address(args.listen, &me.http)?;
    let mut config = server_config(args, tls)?;
    let member = ClusterMember::start(file, id, &args.store.data_dir).map_err(io_error)?;
    tracing::info!(id, dir = %args.store.data_dir.display(), seq = member.node().graph().seq(), "cluster member started");
    config.bolt_addr = bolt_addr;
    config.http_addr = Some(http_addr);
    config.cluster = Some(member.clone());
    let outcome = plexus::server::run(member.database(), config).map(|()| true);
    member.node().shutdown();
    outcome
}

/// Where to listen for an advertised `host:port`: the address itself when
/// it is an IP address, else --listen with its port.
fn listen_address(listen: std::net::IpAddr, advertised: &str) -> io::Result<std::net::SocketAddr> {
    if let Ok(addr) = advertised.parse() {
        return Ok(addr);
    }
    let port = advertised.rsplit_once(':').and_then(|(_, p)| p.parse::<u16>().ok());
    let port = port.ok_or_else(|| io::Error::other(format!("`{advertised}` is not host:port")))?;
    Ok(std::net::SocketAddr::new(listen, port))
}

/// `plexus shell --connect URI`: the shell on a server over Bolt.
fn remote_shell(args: &ShellArgs) -> io::Result<bool> {
    let uri = args.connect.as_deref().unwrap_or_default();
    let mut target = plexus::client::Target::parse(uri).map_err(io::Error::other)?;
    if let Some(user) = &args.user {
        target.user = Some(user.clone());
    }
    if let Some(password) = &args.password {
        target.password = Some(password.clone());
    }
    let remote = plexus::shell::remote::Remote::connect(target).map_err(io::Error::other)?;
    plexus::shell::run_on(Box::new(remote))
}

/// Closes the database (final checkpoint) after `outcome`, reporting either's error.
fn finish(db: &Database, outcome: io::Result<bool>) -> io::Result<bool> {
    let closed = db.close().map_err(io_error);
    let ok = outcome?;
    closed?;
    Ok(ok)
}

/// `plexus query`: whether every statement succeeded.
fn query(args: &QueryArgs) -> io::Result<bool> {
    let script = match (&args.execute, &args.file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            io::stdin().read_to_string(&mut text)?;
            text
        }
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display())))?,
        // clap requires one of the two.
        (None, None) => String::new(),
    };
    let db = open(&args.store)?;
    let (mut out, mut err) = (io::stdout().lock(), io::stderr());
    let outcome = match batch::eval_params(&db, &args.params, &mut err) {
        Ok(Some(params)) => {
            let language = match args.lang {
                cli::Lang::Cypher => plexus::shell::exec::Language::Cypher,
                cli::Lang::Gremlin => plexus::shell::exec::Language::Gremlin,
            };
            let io = Output { out: &mut out, err: &mut err };
            batch::run_in(&db, language, &script, args.format.into(), &params, io)
        }
        Ok(None) => Ok(false),
        Err(e) => Err(e),
    };
    finish(&db, outcome)
}

/// A time in microseconds as RFC 3339 (UTC, seconds).
fn rfc3339(micros: i64) -> String {
    if micros <= 0 {
        return "-".to_string();
    }
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_micros(micros as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// `plexus snapshot create|list`.
fn snapshot(command: SnapshotCommand) -> io::Result<bool> {
    match command {
        SnapshotCommand::Create { data_dir, name } => {
            let path = durable::snapshot_data_dir(&data_dir, name.as_deref()).map_err(io_error)?;
            println!("{}", path.display());
        }
        SnapshotCommand::List { data_dir } => {
            let snapshots = durable::list_snapshots(&data_dir).map_err(io_error)?;
            let mut table = comfy_table::Table::new();
            table.load_preset(comfy_table::presets::NOTHING);
            table.set_header(["name", "commit", "committed at", "bytes", "location"]);
            for s in &snapshots {
                table.add_row([
                    s.name.clone(),
                    s.manifest.seq.to_string(),
                    rfc3339(s.manifest.seq_time_micros),
                    s.bytes.to_string(),
                    s.path.display().to_string(),
                ]);
            }
            println!("{table}");
            eprintln!("{} snapshot(s)", snapshots.len());
        }
    }
    Ok(true)
}

/// `plexus restore`.
fn restore(args: &RestoreArgs) -> io::Result<bool> {
    let stop = match (args.to_seq, args.to_time, args.to_latest) {
        (Some(seq), _, _) => Some(Stop::Seq(seq)),
        (_, Some(time), _) => Some(Stop::Time(time)),
        (_, _, true) => Some(Stop::End),
        _ => None,
    };
    let report = durable::restore(&args.from, &args.data_dir, stop).map_err(io_error)?;
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    println!(
        "restored commit {} (committed at {}; the snapshot holds commit {}) into {}",
        report.seq,
        rfc3339(report.seq_time_micros),
        report.snapshot_seq,
        args.data_dir.display()
    );
    Ok(true)
}

/// `plexus export`: reads the directory without changing it (a server may own it).
fn export(args: &ExportArgs) -> io::Result<bool> {
    let dir = &args.data_dir;
    if !dir.join("wal").is_dir() && !dir.join("checkpoints").is_dir() {
        return Err(io::Error::other(format!("{} is not a Plexus data directory", dir.display())));
    }
    let (graph, report) = recover(dir, GraphConfig::default(), TornTail::Ignore).map_err(io_error)?;
    let snapshot = graph.snapshot();
    match args.format {
        GraphFormat::Graphson => {
            if args.out.as_os_str() == "-" {
                graphson::write_graph(&snapshot, io::BufWriter::new(io::stdout().lock())).map_err(io_error)?;
            } else {
                let file = std::fs::File::create(&args.out)
                    .map_err(|e| io::Error::new(e.kind(), format!("cannot create {}: {e}", args.out.display())))?;
                graphson::write_graph(&snapshot, io::BufWriter::new(file)).map_err(io_error)?;
            }
        }
        GraphFormat::Parquet | GraphFormat::Arrow => {
            let format =
                if args.format == GraphFormat::Parquet { ColumnarFormat::Parquet } else { ColumnarFormat::Arrow };
            columnar::export(&snapshot, &args.out, format).map_err(io_error)?;
        }
    }
    eprintln!(
        "exported commit {}: {} nodes, {} relationships",
        report.seq,
        snapshot.node_count(),
        snapshot.rel_count()
    );
    Ok(true)
}

/// `plexus import`: builds the graph in memory, then installs it as the new directory's first checkpoint.
fn import(args: &ImportArgs) -> io::Result<bool> {
    let graph = match args.format {
        GraphFormat::Graphson => {
            let file = std::fs::File::open(&args.input)
                .map_err(|e| io::Error::new(e.kind(), format!("cannot open {}: {e}", args.input.display())))?;
            let (graph, report) = graphson::read_graph(io::BufReader::new(file)).map_err(io_error)?;
            for (key, n) in &report.dropped_meta_properties {
                eprintln!("warning: dropped the meta-properties of `{key}` on {n} vertices");
            }
            for (key, n) in &report.multi_properties {
                eprintln!("warning: `{key}` had several values on {n} vertices; each became one list");
            }
            graph
        }
        GraphFormat::Parquet | GraphFormat::Arrow => columnar::import(&args.input).map_err(io_error)?.0,
    };
    let seq = durable::install_graph(&args.data_dir, &graph).map_err(io_error)?;
    let snapshot = graph.snapshot();
    println!(
        "imported {} nodes and {} relationships into {} (commit {seq})",
        snapshot.node_count(),
        snapshot.rel_count(),
        args.data_dir.display()
    );
    Ok(true)
}

/// `plexus load`: parses in parallel, builds the graph, installs it as the directory's first checkpoint.
fn load(args: &LoadArgs) -> io::Result<bool> {
    use plexus::load::{self, CsvFormat, LoadOptions};
    let started = std::time::Instant::now();
    let (sources, missing) = match (&args.mapping, args.format) {
        (Some(mapping), _) => {
            let [dataset] = args.inputs.as_slice() else {
                return Err(io::Error::other("with --mapping, give the dataset directory as the one input"));
            };
            load::mapping::sources(mapping, dataset).map_err(io_error)?
        }
        (None, Some(CsvDialect::GremlinCsv)) => (
            load::classify(&load::csv_files(&args.inputs).map_err(io_error)?, CsvFormat::Gremlin).map_err(io_error)?,
            Vec::new(),
        ),
        (None, Some(CsvDialect::OpencypherCsv)) | (None, None) => (
            load::classify(&load::csv_files(&args.inputs).map_err(io_error)?, CsvFormat::OpenCypher)
                .map_err(io_error)?,
            Vec::new(),
        ),
    };
    for m in &missing {
        eprintln!("warning: {m} is not in the dataset (optional in the mapping); loading the rest");
    }
    let files: Vec<std::path::PathBuf> = sources.iter().map(|s| s.path.clone()).collect();
    let total: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let bar = if io::IsTerminal::is_terminal(&io::stderr()) {
        let bar = indicatif::ProgressBar::new(total);
        let style = indicatif::ProgressStyle::with_template(
            "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg} ({eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |bytes: u64, rows: u64| {
        bar.set_position(bytes);
        let secs = started.elapsed().as_secs_f64().max(1e-3);
        bar.set_message(format!("{rows} rows, {:.0} rows/s", rows as f64 / secs));
    };
    let options = LoadOptions { fail_on_error: args.fail_on_error, max_errors: args.max_errors };
    let (graph, report) = load::load_sources(&sources, options, &progress).map_err(io_error)?;
    bar.finish_and_clear();
    let parsed = started.elapsed();
    let seq = durable::install_graph(&args.data_dir, &graph).map_err(io_error)?;
    for e in &report.errors {
        eprintln!("{e}");
    }
    if report.bad_lines > report.errors.len() as u64 {
        eprintln!("... and {} more bad lines", report.bad_lines - report.errors.len() as u64);
    }
    for f in report.per_file.iter().filter(|f| f.bad_lines > 0) {
        eprintln!("{}: {} rows loaded, {} bad lines skipped", f.path.display(), f.rows, f.bad_lines);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "loaded {} nodes and {} relationships from {} files ({:.1} MiB) into {} (commit {seq}) in {:.2} s \
         (parse and build {:.2} s, write {:.2} s); {} bad lines skipped",
        report.nodes,
        report.relationships,
        report.files,
        report.bytes as f64 / 1048576.0,
        args.data_dir.display(),
        secs,
        parsed.as_secs_f64(),
        secs - parsed.as_secs_f64(),
        report.bad_lines
    );
    Ok(true)
}

/// `plexus generate`.
fn generate(command: GenerateCommand) -> io::Result<bool> {
    let GenerateCommand::Kronecker { scale, edge_factor, seed, out } = command;
    let started = std::time::Instant::now();
    let spec = plexus::load::kronecker::KroneckerSpec { scale, edge_factor, seed };
    let (vertices, edges) = plexus::load::kronecker::write_csv(spec, &out).map_err(io_error)?;
    eprintln!(
        "wrote {} vertices and {} edges in {:.2} s",
        1u64 << scale,
        edge_factor << scale,
        started.elapsed().as_secs_f64()
    );
    println!("{}\n{}", vertices.display(), edges.display());
    Ok(true)
}

/// `plexus user add|remove|list`.
fn user(command: UserCommand) -> io::Result<bool> {
    use plexus::users::{users_file, Users};
    match command {
        UserCommand::Add { name, password, data_dir } => {
            let password = match password {
                Some(p) => p,
                None => {
                    let mut line = String::new();
                    io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\n', '\r']).to_string()
                }
            };
            std::fs::create_dir_all(&data_dir)?;
            let path = users_file(&data_dir);
            let mut users = Users::load(&path).map_err(io_error)?;
            users.set_password(&name, &password).map_err(io_error)?;
            users.save(&path).map_err(io_error)?;
            eprintln!("user {name} saved in {}", path.display());
        }
        UserCommand::Remove { name, data_dir } => {
            let path = users_file(&data_dir);
            let mut users = Users::load(&path).map_err(io_error)?;
            if !users.remove(&name) {
                return Err(io::Error::other(format!("no user {name} in {}", path.display())));
            }
            users.save(&path).map_err(io_error)?;
        }
        UserCommand::List { data_dir } => {
            for name in Users::load(&users_file(&data_dir)).map_err(io_error)?.names() {
                println!("{name}");
            }
        }
    }
    Ok(true)
}
