#!/usr/bin/env python3
"""A bounded load test of `plexus serve` over Bolt: N concurrent clients (the
official neo4j driver, one session each) run a fixed number of point reads,
2-hop reads and small writes on LDBC SF0.1 (the part that exists), and the
run reports throughput and p50/p99 latency per kind.

    <peers venv>/bin/python benches/load/run.py --plexus target/release/plexus [--clients 16] [--queries 200]
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "../../../shared/data/ldbc-sf01")
MAPPING = os.path.join(HERE, "../macro/ldbc-sf01.toml")

KINDS = {
    "point read": ("MATCH (p:Person {id: $id}) RETURN p.firstName, p.lastName", False),
    "2-hop read": ("MATCH (p:Person {id: $id})-[:knows]-(:Person)-[:knows]-(f:Person) RETURN count(DISTINCT f)", False),
    "small write": ("CREATE (:Visit {person: $id})", True),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plexus", default=os.environ.get("PLEXUS_BIN", "target/release/plexus"))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--queries", type=int, default=200, help="queries per client")
    args = parser.parse_args()
    from neo4j import GraphDatabase

    work = tempfile.mkdtemp(prefix="plexus-load-")
    data_dir = os.path.join(work, "db")
    subprocess.run([args.plexus, "load", "--data-dir", data_dir, "--mapping", MAPPING, DATA], check=True,
                   stdout=subprocess.DEVNULL)
    bolt, http = free_port(), free_port()
    server = subprocess.Popen([args.plexus, "serve", "--data-dir", data_dir, "--bolt-port", str(bolt),
                               "--http-port", str(http)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        driver = GraphDatabase.driver(f"bolt://127.0.0.1:{bolt}", auth=("neo4j", "x"))
        deadline = time.time() + 60
        while True:
            try:
                driver.verify_connectivity()
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        ids = [r["id"] for r in driver.execute_query("MATCH (p:Person) RETURN p.id AS id", database_="neo4j").records]
        latencies = {k: [] for k in KINDS}
        errors = []
        lock = threading.Lock()

        def client(seed):
            rng = random.Random(seed)
            mine = {k: [] for k in KINDS}
            with driver.session(database="neo4j") as session:
                for _ in range(args.queries):
                    kind = rng.choice(list(KINDS))
                    text, write = KINDS[kind]
                    started = time.perf_counter()
                    try:
                        run = session.execute_write if write else session.execute_read
                        run(lambda tx: tx.run(text, id=rng.choice(ids)).consume())
                    except Exception as e:  # counted, not hidden
                        with lock:
                            errors.append(f"{kind}: {e}")
                        continue
                    mine[kind].append(time.perf_counter() - started)
            with lock:
                for k, v in mine.items():
                    latencies[k].extend(v)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        total = sum(len(v) for v in latencies.values())
        print(f"{args.clients} clients x {args.queries} queries over Bolt on LDBC SF0.1 (persons {len(ids)}): "
              f"{total} ok, {len(errors)} failed in {elapsed:.2f} s = {total / elapsed:.0f} queries/s")
        print(f"{'kind':<14}{'count':>8}{'per s':>10}{'p50 ms':>10}{'p99 ms':>10}")
        for kind, values in latencies.items():
            if values:
                print(f"{kind:<14}{len(values):>8}{len(values) / elapsed:>10.0f}"
                      f"{statistics.median(values) * 1000:>10.2f}{percentile(values, 99) * 1000:>10.2f}")
        for e in errors[:5]:
            print("error:", e, file=sys.stderr)
        driver.close()
        if errors:
            sys.exit(f"{len(errors)} queries failed")
    finally:
        server.terminate()
        server.wait(timeout=60)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
