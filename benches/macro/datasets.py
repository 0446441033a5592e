"""Benchmark datasets: each is a directory of CSV files every system loads,
plus the queries run on it. Files are written once per run under the work dir."""
from __future__ import annotations

import csv
import os
import random
import subprocess


class Kronecker:
    """Graph500-style R-MAT graph from `plexus generate kronecker`, rewritten as
    plain `id` / `src,dst` CSV so that Plexus (through a mapping file), Kuzu's
    COPY and FalkorDB all read the same files."""

    name = "kronecker"

    def __init__(self, plexus: str, scale: int, edge_factor: int, starts: int):
        self.plexus, self.scale, self.edge_factor, self.starts = plexus, scale, edge_factor, starts

    def prepare(self, work: str) -> str:
        out = os.path.join(work, f"kron-{self.scale}-{self.edge_factor}")
        if os.path.exists(os.path.join(out, "edges.csv")):
            return out
        raw = os.path.join(work, "kron-raw")
        subprocess.run([self.plexus, "generate", "kronecker", "--scale", str(self.scale),
                        "--edge-factor", str(self.edge_factor), raw], check=True, stdout=subprocess.DEVNULL)
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "vertices.csv"), "w", newline="") as f:
            f.write("id\n")
            for v in range(1 << self.scale):
                f.write(f"{v}\n")
        with open(os.path.join(raw, "edges.csv")) as src, open(os.path.join(out, "edges.csv"), "w") as dst:
            next(src)
            dst.write("src,dst\n")
            for line in src:
                a, b, _ = line.split(",", 2)
                dst.write(f"{a},{b}\n")
        return out

    def queries(self):
        rng = random.Random(7)
        ids = rng.sample(range(1 << self.scale), self.starts)
        p = {"ids": ids}
        few = {"ids": ids[:10]}
        return [
            ("1-hop count", "MATCH (a:Node)-[:LINK]->(b:Node) WHERE a.id IN $ids RETURN count(*)", p),
            ("2-hop count", "MATCH (a:Node)-[:LINK]->(:Node)-[:LINK]->(c:Node) WHERE a.id IN $ids RETURN count(*)", p),
            ("3-hop count",
             "MATCH (a:Node)-[:LINK]->(:Node)-[:LINK]->(:Node)-[:LINK]->(d:Node) WHERE a.id IN $ids RETURN count(*)",
             few),
            ("out-degree top 5",
             "MATCH (a:Node)-[:LINK]->(b:Node) RETURN a.id, count(*) AS d ORDER BY d DESC, a.id LIMIT 5", {}),
            ("count per label", "MATCH (n:Node) RETURN count(*)", {}),
        ]

    def kuzu_schema(self):
        return ["CREATE NODE TABLE Node(id INT64, PRIMARY KEY(id))", "CREATE REL TABLE LINK(FROM Node TO Node)"]

    def kuzu_copy(self, data):
        return [f"COPY Node FROM '{data}/vertices.csv' (header=true)",
                f"COPY LINK FROM '{data}/edges.csv' (header=true)"]

    def plexus_mapping(self):
        return os.path.join(os.path.dirname(__file__), "kronecker.toml")

    def falkor_load(self, graph, data, batch=20000):
        graph.query("CREATE INDEX FOR (n:Node) ON (n.id)")
        with open(os.path.join(data, "vertices.csv")) as f:
            rows = [int(r[0]) for r in csv.reader(f) if r[0] != "id"]
        for i in range(0, len(rows), batch):
            graph.query("UNWIND $ids AS i CREATE (:Node {id: i})", {"ids": rows[i:i + batch]})
        with open(os.path.join(data, "edges.csv")) as f:
            reader = csv.reader(f)
            next(reader)
            edges = [[int(a), int(b)] for a, b in reader]
        for i in range(0, len(edges), batch):
            graph.query("UNWIND $e AS e MATCH (a:Node {id: e[0]}), (b:Node {id: e[1]}) CREATE (a)-[:LINK]->(b)",
                        {"e": edges[i:i + batch]})
