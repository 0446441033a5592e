"""A replicated cluster under faults, driven by the official Python driver.

Three voters and one read replica run as separate `plexus serve --cluster`
processes on loopback. Client threads write through `neo4j://` (each write a
MERGE of a unique id, recorded once its commit is acknowledged) while the test
SIGKILLs the leader, then pauses the remaining follower with SIGSTOP for a
second (the killed member is still down, so the cluster has no majority then:
writes wait and none may be acknowledged), resumes it with SIGCONT and
restarts the killed member, three times. Then every member, read directly over `bolt://`,
must hold every acknowledged write and the same data as the others.

Measured and printed (also written to `cluster-figures.txt` in the test's
temp dir): the time from each kill to a new leader and to the first write
acknowledged by it, replica lag under steady writes, and the write throughput
of the 3-voter cluster against a single node in the same run.
"""

import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import neo4j
import pytest

from conftest import _free_port, _wait_for_port, running_server

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("CARGO_TARGET_DIR", str(REPO / "target"))) / "debug" / "plexus"
VOTERS = (1, 2, 3)
REPLICA = 4
ROUNDS = 3
WRITERS = 3
# Generous for a loaded 2-core CI machine; the figures printed are the point.
MAX_UNAVAILABLE_S = 10.0


class Cluster:
    """The member processes, their addresses and data directories."""

    def __init__(self, root):
        self.root = root
        self.ports = {
            i: {"raft": _free_port(), "bolt": _free_port(), "http": _free_port()} for i in (*VOTERS, REPLICA)
        }
        lines = ["snapshot_every = 300", "keep_after_snapshot = 50"]
        for i, p in self.ports.items():
            lines += [
                "[[member]]",
                f"id = {i}",
                f'raft = "127.0.0.1:{p["raft"]}"',
                f'bolt = "127.0.0.1:{p["bolt"]}"',
                f'http = "127.0.0.1:{p["http"]}"',
            ]
            if i == REPLICA:
                lines.append("voter = false")
        self.file = root / "cluster.toml"
        self.file.write_text("\n".join(lines) + "\n")
        self.procs = {}

    def start(self, i):
        log = open(self.root / f"member-{i}.log", "a")
        cmd = [str(BINARY), "serve", "--cluster", str(self.file), "--node-id", str(i)]
        cmd += ["--data-dir", str(self.root / f"member-{i}")]
        proc = subprocess.Popen(cmd, stdout=log, stderr=log)
        self.procs[i] = proc
        _wait_for_port(self.ports[i]["bolt"], proc)
        _wait_for_port(self.ports[i]["http"], proc)

    def kill(self, i):
        self.procs[i].send_signal(signal.SIGKILL)
        self.procs[i].wait()

    def signal(self, i, sig):
        self.procs[i].send_signal(sig)

    def stop_all(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def alive(self, i):
        return i in self.procs and self.procs[i].poll() is None

    def bolt(self, i):
        return f"127.0.0.1:{self.ports[i]['bolt']}"

    def http(self, i):
        return f"127.0.0.1:{self.ports[i]['http']}"

    def status(self, i, timeout=1.0):
        """Member i's `/cluster/status`, or None if it does not answer."""
        try:
            with urllib.request.urlopen(f"http://{self.http(i)}/cluster/status", timeout=timeout) as r:
                return json.load(r)
        except OSError:
            return None

    def leader(self, timeout=15.0, exclude=()):
        """The id of the member that is leader and takes writes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i in VOTERS:
                if i in exclude or not self.alive(i):
                    continue
                s = self.status(i, timeout=0.3)
                if s and s["role"] == "writer":
                    return i
            time.sleep(0.02)
        raise AssertionError("no leader within the time limit")

    def cli(self, *args):
        out = subprocess.run([str(BINARY), "cluster", *args], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout


class Writers:
    """Client threads writing unique ids through one `neo4j://` driver."""

    def __init__(self, uri, threads=WRITERS, name="w"):
        self.driver = neo4j.GraphDatabase.driver(uri, auth=None, connection_timeout=1.0)
        self.name = name
        self.running = threading.Event()
        self.lock = threading.Lock()
        # (id, start of the attempt that was acknowledged, acknowledgement time)
        self.acked = []
        self.errors = 0
        self.threads = [threading.Thread(target=self._loop, args=(t,), daemon=True) for t in range(threads)]

    def start(self):
        self.running.set()
        for t in self.threads:
            t.start()

    def stop(self):
        self.running.clear()
        for t in self.threads:
            t.join(timeout=60)
        self.driver.close()

    def _loop(self, t):
        k = 0
        while self.running.is_set():
            key = f"{self.name}{t}-{k}"
            # The same id until it is acknowledged: MERGE makes a retry of
            # a write whose answer was lost harmless.
            while self.running.is_set():
                attempt = time.monotonic()
                try:
                    # Naming the database lets the driver route through any
                    # member it knows; resolving the home database asks
                    # only the address it was created with (here killed).
                    with self.driver.session(database="neo4j", default_access_mode=neo4j.WRITE_ACCESS) as s:
                        with s.begin_transaction() as tx:
                            tx.run("MERGE (:W {id: $id})", id=key).consume()
                            tx.commit()
                    with self.lock:
                        self.acked.append((key, attempt, time.monotonic()))
                    break
                except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError):
                    with self.lock:
                        self.errors += 1
                    time.sleep(0.02)
            k += 1

    def first_ack_after(self, t):
        """The first acknowledgement of an attempt begun after `t`."""
        with self.lock:
            times = [end for _, start, end in self.acked if start > t]
        return min(times) if times else None

    def ids(self):
        with self.lock:
            return {key for key, _, _ in self.acked}


def _ids_on(address):
    with neo4j.GraphDatabase.driver(f"bolt://{address}", auth=None) as driver:
        records, _, _ = driver.execute_query("MATCH (n:W) RETURN n.id AS id")
    return [r["id"] for r in records]


def _wait_converged(cluster, timeout=30.0):
    """Until every member has applied the leader's newest commit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        leader = cluster.status(cluster.leader())
        statuses = [cluster.status(i) for i in (*VOTERS, REPLICA)]
        if leader and all(s and s["appliedSequence"] >= leader["commitSequence"] for s in statuses):
            return leader["commitSequence"]
        time.sleep(0.1)
    raise AssertionError(f"members did not converge: {[cluster.status(i) for i in (*VOTERS, REPLICA)]}")


def _throughput(uri, seconds, name):
    writers = Writers(uri, name=name)
    writers.start()
    time.sleep(seconds)
    writers.stop()
    return len(writers.acked) / seconds


def _replica_lag(cluster, leader, samples=20):
    """Milliseconds from a commit on the leader to the replica applying it, under the running writers."""
    lags = []
    for _ in range(samples):
        s = cluster.status(leader)
        target, t0 = s["commitSequence"], time.monotonic()
        while (cluster.status(REPLICA) or {}).get("appliedSequence", 0) < target:
            assert time.monotonic() - t0 < 10, "the replica stopped applying"
            time.sleep(0.002)
        lags.append((time.monotonic() - t0) * 1000)
        time.sleep(0.05)
    return lags


@pytest.fixture
def single_node(tmp_path):
    bolt, http = _free_port(), _free_port()
    cmd = [str(BINARY), "serve", "--data-dir", str(tmp_path / "single"), "--bolt-port", str(bolt)]
    cmd += ["--http-port", str(http)]
    with running_server(cmd, [bolt], ".single", "the single node"):
        yield f"127.0.0.1:{bolt}"


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path)
    try:
        for i in VOTERS:
            c.start(i)
        c.cli("init", "--server", c.http(1))
        c.leader()
        yield c
    finally:
        c.stop_all()
        for i in (*VOTERS, REPLICA):
            log = tmp_path / f"member-{i}.log"
            if log.exists():
                print(f"--- member {i} log (tail) ---\n" + "\n".join(log.read_text().splitlines()[-15:]))


def test_failover_loses_no_acknowledged_write(cluster, single_node, tmp_path, capsys):
    figures = []

    # Throughput: the same writers against one node and against the cluster's leader.
    single = _throughput(f"bolt://{single_node}", 3, "s")
    leader = cluster.leader()
    clustered = _throughput(f"bolt://{cluster.bolt(leader)}", 3, "c")
    figures.append(
        f"write throughput ({WRITERS} clients, 1 MERGE per transaction): single node {single:.0f}/s, "
        f"3-voter cluster {clustered:.0f}/s ({clustered / single:.0%} of single)"
    )

    # A replica added to the running cluster catches up from a snapshot plus the log.
    cluster.start(REPLICA)
    cluster.cli("add-replica", str(REPLICA), "--server", cluster.http(2))
    deadline = time.monotonic() + 10
    while True:
        replica = cluster.status(REPLICA)
        if replica and replica["snapshotsInstalled"] >= 1 and replica["appliedSequence"] > 0:
            break
        assert time.monotonic() < deadline, f"the replica did not install a snapshot: {replica}"
        time.sleep(0.05)
    assert replica["raftRole"] == "replica", replica
    figures.append(
        f"replica added after {replica['appliedSequence']} commits: caught up from "
        f"{replica['snapshotsInstalled']} snapshot(s) plus the log"
    )

    writers = Writers(f"neo4j://{cluster.bolt(1)}")
    writers.start()
    time.sleep(1.5)
    lags = sorted(_replica_lag(cluster, cluster.leader()))
    figures.append(
        f"replica lag under steady writes: median {lags[len(lags) // 2]:.0f} ms, max {lags[-1]:.0f} ms "
        f"({len(lags)} samples)"
    )

    for round in range(ROUNDS):
        leader = cluster.leader()
        before = len(writers.ids())
        killed_at = time.monotonic()
        cluster.kill(leader)
        new_leader = cluster.leader(exclude=(leader,))
        elected_at = time.monotonic()
        while writers.first_ack_after(killed_at) is None:
            assert time.monotonic() - killed_at < 30, "no write was acknowledged after the kill"
            time.sleep(0.01)
        unavailable = writers.first_ack_after(killed_at) - killed_at
        figures.append(
            f"round {round + 1}: killed leader {leader}, member {new_leader} leads after "
            f"{elected_at - killed_at:.2f} s, first acknowledged write after {unavailable:.2f} s"
        )
        assert unavailable < MAX_UNAVAILABLE_S
        # Pause the new leader's only live follower: no majority for a second.
        follower = next(i for i in VOTERS if i not in (leader, new_leader))
        cluster.signal(follower, signal.SIGSTOP)
        time.sleep(1.0)
        cluster.signal(follower, signal.SIGCONT)
        cluster.start(leader)
        time.sleep(1.0)
        assert len(writers.ids()) > before, "writes stopped"
    writers.stop()

    # Read-your-writes on the replica with the last bookmark of a write session.
    with neo4j.GraphDatabase.driver(f"bolt://{cluster.bolt(cluster.leader())}", auth=None) as driver:
        with driver.session() as s:
            s.run("CREATE (:Marker {at: timestamp()})").consume()
            bookmarks = s.last_bookmarks()
    with neo4j.GraphDatabase.driver(f"bolt://{cluster.bolt(REPLICA)}", auth=None) as driver:
        with driver.session(bookmarks=bookmarks, default_access_mode=neo4j.READ_ACCESS) as s:
            assert s.run("MATCH (m:Marker) RETURN count(m) AS c").single()["c"] == 1

    seq = _wait_converged(cluster)
    acked = writers.ids()
    contents = {i: _ids_on(cluster.bolt(i)) for i in (*VOTERS, REPLICA)}
    for i, ids in contents.items():
        missing = acked - set(ids)
        assert not missing, f"member {i} lacks {len(missing)} acknowledged writes, e.g. {sorted(missing)[:5]}"
        assert len(ids) == len(set(ids)), f"member {i} holds duplicate ids"
    assert len({frozenset(ids) for ids in contents.values()}) == 1, "members diverge"
    figures.append(
        f"{len(acked)} acknowledged writes ({writers.errors} failed attempts retried), "
        f"all on every member at commit {seq}; lost: 0"
    )

    text = "\n".join(figures)
    (tmp_path / "cluster-figures.txt").write_text(text + "\n")
    with capsys.disabled():
        print("\n" + text)
