"""The systems under test, each behind the same small interface:
`load(dataset, data_dir) -> seconds`, `query(text, params) -> rows`, `peak_rss() -> bytes`, `close()`.
Each runs in its own worker process (see run.py), so peak memory is its own."""
from __future__ import annotations

import os
import socket
import subprocess
import time


def vm_hwm(pid: int | str = "self") -> int:
    """Peak resident set size of a process, from /proc."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Plexus:
    """`plexus load` into a data directory, then `plexus serve` queried over Bolt
    with the official neo4j driver (the way applications reach it)."""

    name = "plexus"

    def __init__(self, binary: str, work: str):
        self.binary, self.work = binary, work
        self.server = None
        self.load_rss = 0

    def load(self, dataset, data: str) -> float:
        target = os.path.join(self.work, f"plexus-{dataset.name}")
        subprocess.run(["rm", "-rf", target], check=True)
        started = time.perf_counter()
        child = subprocess.Popen([self.binary, "load", "--data-dir", target] + dataset.plexus_load_args(data),
                                 stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        if status != 0:
            raise RuntimeError(f"plexus load failed with status {status}")
        self.load_rss = usage.ru_maxrss * 1024
        bolt, http = free_port(), free_port()
        self.server = subprocess.Popen(
            [self.binary, "serve", "--data-dir", target, "--bolt-port", str(bolt), "--http-port", str(http)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from neo4j import GraphDatabase
        deadline = time.time() + 60
        while True:
            try:
                self.driver = GraphDatabase.driver(f"bolt://127.0.0.1:{bolt}", auth=("neo4j", "x"))
                self.driver.verify_connectivity()
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        return seconds

    def query(self, text: str, params: dict):
        records, _, _ = self.driver.execute_query(text, params, database_="neo4j")
        return [list(r.values()) for r in records]

    def peak_rss(self) -> int:
        return max(self.load_rss, vm_hwm(self.server.pid) if self.server else 0)

    def close(self):
        if self.server:
            self.driver.close()
            self.server.terminate()
            self.server.wait(timeout=60)


class Kuzu:
    """Kuzu embedded: CREATE TABLE then COPY FROM the same CSV files."""

    name = "kuzu"

    def __init__(self, work: str):
        self.work = work

    def load(self, dataset, data: str) -> float:
        import kuzu
        path = os.path.join(self.work, f"kuzu-{dataset.name}")
        subprocess.run(["rm", "-rf", path], check=True)
        started = time.perf_counter()
        self.db = kuzu.Database(path)
        self.conn = kuzu.Connection(self.db)
        for stmt in dataset.kuzu_schema() + dataset.kuzu_copy(data):
            self.conn.execute(stmt)
        return time.perf_counter() - started

    def query(self, text: str, params: dict):
        result = self.conn.execute(text, params)
        rows = []
        while result.has_next():
            rows.append(result.get_next())
        return rows

    def peak_rss(self) -> int:
        return vm_hwm()

    def close(self):
        pass


class Falkor:
    """FalkorDB embedded (falkordblite: its own redis-server on a unix socket),
    loaded with batched UNWIND ... CREATE (its bulk loader is a separate tool)."""

    name = "falkordb"

    def __init__(self, work: str):
        self.work = work

    def load(self, dataset, data: str) -> float:
        from redislite.falkordb_client import FalkorDB
        path = os.path.join(self.work, f"falkor-{dataset.name}")
        subprocess.run(["rm", "-rf", path], check=True)
        os.makedirs(path)
        started = time.perf_counter()
        self.db = FalkorDB(os.path.join(path, "falkor.rdb"), socket_timeout=None)
        self.graph = self.db.select_graph(dataset.name)
        dataset.falkor_load(self.graph, data)
        return time.perf_counter() - started

    def query(self, text: str, params: dict):
        # No client-side limit: a slow query is measured, not cut off at the socket's default.
        return [list(r) for r in self.graph.query(text, params, timeout=600_000).result_set]

    def peak_rss(self) -> int:
        pid = self.db.client.pid if hasattr(self.db, "client") and hasattr(self.db.client, "pid") else None
        server = vm_hwm(pid) if pid else 0
        return max(server, vm_hwm())

    def close(self):
        try:
            self.db.close()
        except Exception:
            pass
