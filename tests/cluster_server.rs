//! Cluster members in-process, each behind its own Bolt and HTTP server (as
//! `plexus serve --cluster` runs them), driven over raw Bolt, HTTP and the
//! `plexus cluster` commands: ROUTE answers, writes refused on followers,
//! bookmark waits on a replica, `/status` and `/metrics`, membership changes,
//! leader transfer, credentials on the admin endpoints, and a restarted
//! member catching up.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use plexus::server::bolt::auth::SingleUser;
use plexus::server::bolt::packstream::{map_get, PackValue};
use plexus::server::cluster::{ClusterFile, ClusterMember};
use plexus::server::ServerConfig;
use serde_json::Value as Json;

#[path = "common/server.rs"]
#[allow(dead_code)]
mod server;

use server::TestServer;

const USER: &str = "admin";
/// How long a member may take to catch up on a loaded machine.
const CATCH_UP: Duration = Duration::from_secs(30);

/// One cluster at a time: the machine has few cores and elections need them.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}
const PASSWORD: &str = "secret";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Three voters and member 4, a read replica; short bookmark waits.
fn cluster_file() -> ClusterFile {
    let mut text = String::from("bookmark_timeout_ms = 3000\n");
    for id in 1..=4 {
        text += &format!(
            "[[member]]\nid = {id}\nraft = \"127.0.0.1:{}\"\nbolt = \"127.0.0.1:{}\"\nhttp = \"127.0.0.1:{}\"\nvoter = {}\n",
            free_port(),
            free_port(),
            free_port(),
            id != 4
        );
    }
    ClusterFile::parse(&text).expect("cluster file")
}

/// One member and its server.
struct Running {
    member: Arc<ClusterMember>,
    server: TestServer,
}

impl Running {
    fn start(file: &ClusterFile, id: u64, dir: &Path) -> Running {
        let member = ClusterMember::start(file.clone(), id, dir).expect("member starts");
        let me = file.member(id).expect("in the file");
        let config = ServerConfig {
            bolt_addr: me.bolt.parse().expect("bolt address"),
            http_addr: Some(me.http.parse().expect("http address")),
            authenticator: Arc::new(SingleUser { user: USER.into(), password: PASSWORD.into() }),
            cluster: Some(member.clone()),
            ..ServerConfig::default()
        };
        let server = TestServer::start(member.database(), config);
        Running { member, server }
    }

    fn stop(mut self) {
        self.server.stop();
        self.member.node().shutdown();
    }

    fn http(&self) -> String {
        self.server.http.expect("http").to_string()
    }

    fn get(&self, path: &str, authorized: bool) -> (u16, String) {
        let (status, _, body) = self.server.http_request("GET", path, &auth_header(authorized), None, b"");
        (status, body)
    }

    fn cypher(&self, query: &str, extra_headers: &str) -> (u16, String) {
        let headers = auth_header(true) + extra_headers;
        let body = format!("query={query}");
        let (status, _, body) = self.server.http_request(
            "POST",
            "/openCypher",
            &headers,
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        );
        (status, body)
    }

    fn status(&self) -> Json {
        let (code, body) = self.get("/status", false);
        assert_eq!(code, 200, "{body}");
        serde_json::from_str(&body).expect("status JSON")
    }
}

fn auth_header(authorized: bool) -> String {
    use base64::Engine;
    if !authorized {
        return String::new();
    }
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    format!("Authorization: Basic {token}\r\n")
}

/// `plexus cluster ARGS --server ADDRESS` with credentials: its stdout (JSON) when it succeeds.
fn plexus_cluster(args: &[&str], server: &str) -> Result<Json, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_plexus"))
        .arg("cluster")
        .args(args)
        .args(["--server", server, "--user", USER, "--password", PASSWORD])
        .output()
        .expect("run plexus cluster");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn leader_of(members: &[&Running]) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        for m in members {
            if m.member.node().check_writable().is_ok() {
                return m.member.node().id();
            }
        }
        assert!(Instant::now() < deadline, "no leader");
        std::thread::sleep(Duration::from_millis(20));
    }
}

// --- a raw Bolt client (5.x) --------------------------------------------------------

#[path = "common/bolt.rs"]
#[allow(dead_code)]
mod bolt;

use bolt::{map, msg, s, Client, Reply, SUCCESS};

/// Bolt 5.x, logged in as the cluster's user.
fn connect(addr: SocketAddr) -> Client {
    Client::ready_with(addr, &[("scheme", s("basic")), ("principal", s(USER)), ("credentials", s(PASSWORD))])
}

/// ROUTE's table: TTL and the addresses per role.
fn route(bolt: &mut Client) -> (i64, Vec<(String, Vec<String>)>) {
    bolt.send(&msg(0x66, vec![map(&[]), PackValue::List(vec![]), map(&[])]));
    let reply = bolt.recv();
    assert_eq!(reply.tag, SUCCESS, "{reply:?}");
    let Some(PackValue::Map(rt)) = reply.meta("rt") else { panic!("{reply:?}") };
    let Some(PackValue::Integer(ttl)) = map_get(rt, "ttl") else { panic!("ttl") };
    let Some(PackValue::List(servers)) = map_get(rt, "servers") else { panic!("servers") };
    let mut roles: Vec<(String, Vec<String>)> = servers
        .iter()
        .map(|server| {
            let PackValue::Map(server) = server else { panic!("server") };
            let role = map_get(server, "role").and_then(PackValue::as_str).expect("role").to_string();
            let Some(PackValue::List(a)) = map_get(server, "addresses") else { panic!("addresses") };
            let mut a: Vec<String> = a.iter().filter_map(PackValue::as_str).map(str::to_owned).collect();
            a.sort();
            (role, a)
        })
        .collect();
    roles.sort();
    (*ttl, roles)
}

fn count(bolt: &mut Client, extra: PackValue) -> Result<i64, Reply> {
    let (rows, _) = bolt.try_query("MATCH (n:X) RETURN count(n) AS c", extra)?;
    match rows.first().and_then(|r| r.first()) {
        Some(PackValue::Integer(c)) => Ok(*c),
        other => panic!("count: {other:?}"),
    }
}

fn bolt_addr(file: &ClusterFile, id: u64) -> String {
    file.member(id).expect("member").bolt.clone()
}

// --- the test ----------------------------------------------------------------------

#[test]
fn a_cluster_behind_bolt_http_and_the_cluster_commands() {
    let _one = one_at_a_time();
    let root = tempfile::tempdir().expect("temp dir");
    let file = cluster_file();
    let mut members: Vec<Running> =
        (1..=3).map(|id| Running::start(&file, id, &root.path().join(id.to_string()))).collect();

    // The admin endpoints need credentials; `init` makes the file's voters the membership.
    let (code, _) = members[0].get("/cluster/status", false);
    assert_eq!(code, 401);
    plexus_cluster(&["init"], &members[0].http()).expect("cluster init");
    let leader = leader_of(&members.iter().collect::<Vec<_>>());
    let at = |id: u64| (id - 1) as usize;
    let follower = (1..=3).find(|id| *id != leader).expect("a follower");

    // `plexus cluster status` on a follower names the leader; /status has the fields.
    let view = plexus_cluster(&["status"], &members[at(follower)].http()).expect("cluster status");
    assert_eq!(view["leader"].as_u64(), Some(leader), "{view}");
    assert_eq!(view["role"], "reader");
    let status = members[at(leader)].status();
    assert_eq!(status["role"], "writer", "{status}");
    let cluster = &status["cluster"];
    assert!(cluster["term"].as_u64() >= Some(1), "{status}");
    assert_eq!(cluster["leader"].as_u64(), Some(leader));
    assert_eq!(cluster["members"].as_array().map(Vec::len), Some(3));
    for key in ["commitSequence", "appliedSequence"] {
        assert!(cluster[key].is_u64(), "{key} in {status}");
    }

    // ROUTE: the leader writes, the others read, everyone routes, a short TTL.
    let mut on_follower = connect(bolt_addr(&file, follower).parse().expect("address"));
    let (ttl, roles) = route(&mut on_follower);
    let mut others: Vec<String> = (1..=3).filter(|id| *id != leader).map(|id| bolt_addr(&file, id)).collect();
    others.sort();
    let mut all: Vec<String> = (1..=3).map(|id| bolt_addr(&file, id)).collect();
    all.sort();
    assert_eq!(ttl, 10);
    assert_eq!(
        roles,
        vec![("READ".into(), others), ("ROUTE".into(), all), ("WRITE".into(), vec![bolt_addr(&file, leader)])]
    );

    // A follower refuses writes before they run: Bolt NotALeader naming the leader, HTTP ReadOnlyViolation.
    let refused = on_follower.try_query("CREATE (:X)", map(&[])).expect_err("a follower refuses writes");
    assert_eq!(refused.text("code"), "Neo.ClientError.Cluster.NotALeader");
    assert!(refused.text("message").contains(&bolt_addr(&file, leader)), "{refused:?}");
    let (code, body) = members[at(follower)].cypher("CREATE (:X)", "");
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("ReadOnlyViolationException"), "{body}");

    // The leader takes writes; the bookmark carries the commit sequence.
    let mut on_leader = connect(bolt_addr(&file, leader).parse().expect("address"));
    let (_, summary) = on_leader.try_query("CREATE (:X {n: 1})", map(&[])).expect("write on the leader");
    let bookmark = summary.text("bookmark");
    let seq: u64 = bookmark.strip_prefix("plexus:").and_then(|n| n.parse().ok()).expect("a plexus bookmark");
    assert!(seq >= 1);
    let (code, body) = members[at(leader)].cypher("CREATE (:X {n: 2})", "");
    assert_eq!(code, 200, "{body}");

    // A replica added to the running cluster (addresses from the cluster file) catches up.
    members.push(Running::start(&file, 4, &root.path().join("4")));
    plexus_cluster(&["add-replica", "4"], &members[at(follower)].http()).expect("add-replica");
    let mut on_replica = connect(bolt_addr(&file, 4).parse().expect("address"));
    let with_bookmark = |b: &str| map(&[("bookmarks", PackValue::List(vec![s(b)]))]);
    // Both writes so far: the Bolt one (`seq`) and the HTTP one after it.
    assert_eq!(count(&mut on_replica, with_bookmark(&format!("plexus:{}", seq + 1))).ok(), Some(2));
    let (code, body) = members[3].cypher("CREATE (:X)", "");
    assert!(code == 400 && body.contains("ReadOnlyViolationException"), "{code} {body}");

    // Read-your-writes: a replica cut off waits for the bookmark, and reads once it arrives...
    members[3].member.node().isolate(true);
    let (_, summary) = on_leader.try_query("CREATE (:X {n: 3})", map(&[])).expect("write");
    let bookmark = summary.text("bookmark");
    let replica = members[3].member.clone();
    let heal = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        replica.node().isolate(false);
    });
    assert_eq!(count(&mut on_replica, with_bookmark(&bookmark)).ok(), Some(3));
    heal.join().expect("heal");
    // ... or fails with a transient error when it cannot; unknown bookmarks are ignored.
    let far = "plexus:1000000";
    let late = count(&mut on_replica, with_bookmark(far)).expect_err("a bookmark from the future");
    assert_eq!(late.text("code"), "Neo.TransientError.Transaction.BookmarkTimeout");
    assert_eq!(count(&mut on_replica, with_bookmark("FB:other-database")).ok(), Some(3));
    // HTTP: the same wait with x-plexus-min-seq; answers carry x-plexus-commit-seq.
    let (code, body) = members[3].cypher("MATCH (n:X) RETURN count(n) AS c", &format!("x-plexus-min-seq: {seq}\r\n"));
    assert_eq!(code, 200, "{body}");
    let (code, body) = members[3].cypher("MATCH (n) RETURN n", "x-plexus-min-seq: 1000000\r\n");
    assert!(code == 500 && body.contains("TimeLimitExceededException"), "{code} {body}");
    let commit_seq =
        http_header(&members[at(leader)].http(), "/openCypher", "query=CREATE (:X)", "x-plexus-commit-seq");
    assert!(commit_seq.and_then(|v| v.parse::<u64>().ok()) > Some(seq));

    // /metrics: role, replication lag per member, elections.
    let (code, metrics) = members[at(leader)].get("/metrics", true);
    assert_eq!(code, 200);
    for line in ["plexus_cluster_is_leader 1", "plexus_cluster_replication_lag_entries{member=\"4\"}"] {
        assert!(metrics.lines().any(|l| l.starts_with(line)), "no `{line}` in\n{metrics}");
    }
    for series in ["plexus_cluster_elections_total", "plexus_cluster_leader_changes_total", "plexus_commits_total"] {
        assert!(metrics.contains(series), "no {series}");
    }

    // A restarted follower catches up with what was committed while it was down.
    let restarted = members.remove(at(follower));
    restarted.stop();
    on_leader.try_query("CREATE (:X {n: 4})", map(&[])).expect("write with a follower down");
    let seq_now = members.iter().find(|m| m.member.node().id() == leader).expect("leader").member.node().graph().seq();
    members.insert(at(follower), Running::start(&file, follower, &root.path().join(follower.to_string())));
    members[at(follower)].member.node().wait_for_seq(seq_now, CATCH_UP).expect("the restarted follower catches up");
    let mut on_restarted = connect(bolt_addr(&file, follower).parse().expect("address"));
    assert_eq!(count(&mut on_restarted, map(&[])).ok(), Some(5));

    // transfer-leader moves the leadership; ROUTE follows it.
    let view = plexus_cluster(&["transfer-leader", &follower.to_string()], &members[at(leader)].http())
        .expect("transfer-leader");
    assert_eq!(view["leader"].as_u64(), Some(follower), "{view}");
    // The replica hears of the new leader with its next heartbeat.
    let wanted = ("WRITE".to_string(), vec![bolt_addr(&file, follower)]);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, roles) = route(&mut on_replica);
        if roles[2] == wanted {
            break;
        }
        assert!(Instant::now() < deadline, "ROUTE still answers {roles:?}");
        std::thread::sleep(Duration::from_millis(20));
    }

    // remove takes the replica out (sent to the new leader through any member).
    let view = plexus_cluster(&["remove", "4"], &members[at(leader)].http()).expect("remove");
    assert_eq!(view["members"].as_array().map(Vec::len), Some(3), "{view}");
    // A membership change on an unknown member says why.
    let e = plexus_cluster(&["add-replica", "9"], &members[0].http()).expect_err("member 9 is unknown");
    assert!(e.contains("not in the cluster file"), "{e}");

    for m in members {
        m.stop();
    }
}

/// One POST; the value of a response header.
fn http_header(address: &str, path: &str, form: &str, name: &str) -> Option<String> {
    let mut socket = TcpStream::connect(address).expect("connect");
    socket.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        auth_header(true),
        form.len()
    );
    socket.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    socket.read_to_string(&mut response).expect("read");
    let (head, _) = response.split_once("\r\n\r\n")?;
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

/// Every node and relationship with its id, labels or type, and properties.
fn contents(db: &plexus::Database) -> Vec<Vec<plexus::Value>> {
    let query = "MATCH (n) OPTIONAL MATCH (n)-[r]->(m) \
                 RETURN id(n), labels(n), properties(n), id(r), type(r), properties(r), id(m) ORDER BY id(n), id(r)";
    db.execute(query, &Default::default()).and_then(|r| r.collect_rows()).expect("contents")
}

#[test]
fn new_clusters_seeded_from_a_backup_and_from_another_clusters_member() {
    let _one = one_at_a_time();
    let root = tempfile::tempdir().expect("temp dir");
    // A single server's data directory, with a hole where a node was deleted.
    let backup = root.path().join("backup");
    let expected = {
        let db = plexus::Database::open(&backup, Default::default()).expect("open");
        for q in
            ["CREATE (:A {n: 1})-[:R {w: 2}]->(:B {n: 2}), (:Gone)", "MATCH (g:Gone) DELETE g", "CREATE (:C {n: 3})"]
        {
            db.execute(q, &Default::default()).and_then(|r| r.collect_rows()).expect(q);
        }
        let rows = contents(&db);
        db.close().expect("close");
        rows
    };
    assert_eq!(expected.len(), 3, "{expected:?}");

    let file = cluster_file();
    let first: Vec<Running> =
        (1..=3).map(|id| Running::start(&file, id, &root.path().join(format!("a{id}")))).collect();
    let view = plexus_cluster(&["init", "--seed", backup.to_str().expect("utf-8")], &first[1].http()).expect("seed");
    assert_eq!(view["leader"].as_u64(), Some(2), "the member seeded leads: {view}");
    for m in &first {
        if let Err(e) = m.member.node().wait_for_seq(1, CATCH_UP) {
            panic!("the seed commit did not arrive ({e}): {}", m.member.status_json());
        }
        assert_eq!(contents(&m.member.database()), expected, "member {}", m.member.node().id());
    }
    let e = plexus_cluster(&["init", "--seed", backup.to_str().expect("utf-8")], &first[0].http())
        .expect_err("a cluster is seeded once");
    assert!(e.contains("InvalidSeed") || e.contains("already"), "{e}");

    // A whole-cluster snapshot (a member's directory after /cluster/snapshot) seeds another cluster.
    let (code, _, body) = first[2].server.http_request("POST", "/cluster/snapshot", &auth_header(true), None, b"");
    assert_eq!(code, 200, "{body}");
    let other = cluster_file();
    let second: Vec<Running> =
        (1..=3).map(|id| Running::start(&other, id, &root.path().join(format!("b{id}")))).collect();
    let from = root.path().join("a3");
    plexus_cluster(&["init", "--seed", from.to_str().expect("utf-8")], &second[0].http()).expect("seed from a member");
    for m in &second {
        if let Err(e) = m.member.node().wait_for_seq(1, CATCH_UP) {
            panic!("the seed commit did not arrive ({e}): {}", m.member.status_json());
        }
        assert_eq!(contents(&m.member.database()), expected, "member {}", m.member.node().id());
    }
    for m in first.into_iter().chain(second) {
        m.stop();
    }
}
