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
        # Relationships are bound and told apart explicitly: Cypher matches each
        # relationship once per pattern (Plexus, Neo4j), Kuzu does not by itself,
        # and FalkorDB counts node pairs, not edges, when the relationship is unbound.
        return [
            ("1-hop count", "MATCH (a:Node)-[r:LINK]->(b:Node) WHERE a.id IN $ids RETURN count(r)", p),
            ("2-hop count",
             "MATCH (a:Node)-[r1:LINK]->(:Node)-[r2:LINK]->(c:Node) WHERE a.id IN $ids AND id(r1) <> id(r2) "
             "RETURN count(*)", p),
            ("3-hop count",
             "MATCH (a:Node)-[r1:LINK]->(:Node)-[r2:LINK]->(:Node)-[r3:LINK]->(d:Node) WHERE a.id IN $ids "
             "AND id(r1) <> id(r2) AND id(r2) <> id(r3) AND id(r1) <> id(r3) RETURN count(*)", few),
            ("out-degree top 5",
             "MATCH (a:Node)-[r:LINK]->(:Node) RETURN a.id, count(r) AS d ORDER BY d DESC, a.id LIMIT 5", {}),
            ("count per label", "MATCH (n:Node) RETURN count(*)", {}),
        ]

    def kuzu_schema(self):
        return ["CREATE NODE TABLE Node(id INT64, PRIMARY KEY(id))", "CREATE REL TABLE LINK(FROM Node TO Node)"]

    def kuzu_copy(self, data):
        return [f"COPY Node FROM '{data}/vertices.csv' (header=true)",
                f"COPY LINK FROM '{data}/edges.csv' (header=true)"]

    def plexus_load_args(self, data):
        return ["--mapping", os.path.join(os.path.dirname(os.path.abspath(__file__)), "kronecker.toml"), data]

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


class AirRoutes:
    """Kelvin Lawrence's air-routes graph. Plexus loads the Neptune CSV files as
    shipped (`plexus load --format gremlin-csv`); for Kuzu and FalkorDB the same
    rows are split into one file per label and type, as their schemas need."""

    name = "air-routes"
    NODE_COLUMNS = {
        "airport": ["code", "icao", "desc", "region", "runways", "longest", "elev", "country", "city", "lat", "lon"],
        "country": ["code", "desc"],
        "continent": ["code", "desc"],
    }
    TYPES = {"runways": "INT64", "longest": "INT64", "elev": "INT64", "lat": "DOUBLE", "lon": "DOUBLE"}

    def __init__(self, source: str):
        self.source = source

    def prepare(self, work: str) -> str:
        out = os.path.join(work, "air-routes")
        os.makedirs(out, exist_ok=True)
        label_of = {}
        with open(os.path.join(self.source, "air-routes-latest-nodes.csv"), newline="") as f:
            reader = csv.reader(f)
            header = [h.split(":")[0] for h in next(reader)]
            writers = {}
            files = []
            for label, cols in self.NODE_COLUMNS.items():
                fh = open(os.path.join(out, f"{label}.csv"), "w", newline="")
                files.append(fh)
                writers[label] = (csv.writer(fh), [header.index(c) for c in cols])
                writers[label][0].writerow(["id"] + cols)
            for row in reader:
                label_of[row[0]] = row[1]
                if row[1] in writers:
                    w, idx = writers[row[1]]
                    w.writerow([row[0]] + [row[i] for i in idx])
            for fh in files:
                fh.close()
        with open(os.path.join(self.source, "air-routes-latest-edges.csv"), newline="") as f, \
                open(os.path.join(out, "route.csv"), "w", newline="") as route, \
                open(os.path.join(out, "contains_continent.csv"), "w", newline="") as cont, \
                open(os.path.join(out, "contains_country.csv"), "w", newline="") as ctry:
            reader = csv.reader(f)
            next(reader)
            rw, cw, kw = csv.writer(route), csv.writer(cont), csv.writer(ctry)
            rw.writerow(["from", "to", "dist"])
            cw.writerow(["from", "to"])
            kw.writerow(["from", "to"])
            for _, a, b, label, dist in reader:
                if label == "route":
                    rw.writerow([a, b, dist])
                elif label_of.get(a) == "continent":
                    cw.writerow([a, b])
                else:
                    kw.writerow([a, b])
        return out

    def queries(self):
        return [
            ("routes from AUS", "MATCH (a:airport {code: 'AUS'})-[r:route]->(b:airport) RETURN b.code ORDER BY b.code", {}),
            ("airports by country",
             "MATCH (a:airport) RETURN a.country, count(*) AS n ORDER BY n DESC, a.country LIMIT 10", {}),
            ("two-stop AUS-LHR",
             "MATCH (a:airport {code: 'AUS'})-[r1:route]->(:airport)-[r2:route]->(c:airport {code: 'LHR'}) RETURN count(*)",
             {}),
            ("longest routes",
             "MATCH (a:airport)-[r:route]->(b:airport) RETURN a.code, b.code, r.dist "
             "ORDER BY r.dist DESC, a.code, b.code LIMIT 10", {}),
            ("most connected",
             "MATCH (a:airport)-[r:route]->(:airport) RETURN a.code, count(r) AS n ORDER BY n DESC, a.code LIMIT 10", {}),
            ("US 4+ runways",
             "MATCH (a:airport) WHERE a.country = 'US' AND a.runways >= 4 RETURN a.code ORDER BY a.code", {}),
            ("airports in Europe", "MATCH (c:continent {code: 'EU'})-[r:contains]->(a:airport) RETURN count(r)", {}),
            ("mean route length", "MATCH (:airport)-[r:route]->(:airport) RETURN avg(r.dist)", {}),
            ("US to GB routes",
             "MATCH (a:airport)-[r:route]->(b:airport) WHERE a.country = 'US' AND b.country = 'GB' RETURN count(r)", {}),
            ("two hops from AUS",
             "MATCH (a:airport {code: 'AUS'})-[r1:route]->(:airport)-[r2:route]->(b:airport) WHERE id(r1) <> id(r2) RETURN count(DISTINCT b.code)", {}),
        ]

    def plexus_load_args(self, data):
        return ["--format", "gremlin-csv", self.source]

    def kuzu_schema(self):
        stmts = []
        for label, cols in self.NODE_COLUMNS.items():
            # Backquoted: `desc` is a keyword in Kuzu.
            defs = ", ".join(f"`{c}` {self.TYPES.get(c, 'STRING')}" for c in cols)
            stmts.append(f"CREATE NODE TABLE {label}(id STRING, {defs}, PRIMARY KEY(id))")
        stmts.append("CREATE REL TABLE route(FROM airport TO airport, dist INT64)")
        stmts.append("CREATE REL TABLE contains(FROM continent TO airport, FROM country TO airport)")
        return stmts

    def kuzu_copy(self, data):
        stmts = [f"COPY {label} FROM '{data}/{label}.csv' (header=true)" for label in self.NODE_COLUMNS]
        stmts.append(f"COPY route FROM '{data}/route.csv' (header=true)")
        stmts.append(f"COPY contains FROM '{data}/contains_continent.csv' (header=true, from='continent', to='airport')")
        stmts.append(f"COPY contains FROM '{data}/contains_country.csv' (header=true, from='country', to='airport')")
        return stmts

    def falkor_load(self, graph, data, batch=5000):
        def rows(name):
            with open(os.path.join(data, name), newline="") as f:
                reader = csv.DictReader(f)
                return list(reader)
        for label, cols in self.NODE_COLUMNS.items():
            graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.id)")
            items = []
            for r in rows(f"{label}.csv"):
                item = {"id": r["id"]}
                for c in cols:
                    if r[c] != "":
                        t = self.TYPES.get(c)
                        item[c] = int(r[c]) if t == "INT64" else float(r[c]) if t == "DOUBLE" else r[c]
                items.append(item)
            for i in range(0, len(items), batch):
                graph.query(f"UNWIND $rows AS r CREATE (n:{label}) SET n = r", {"rows": items[i:i + batch]})
        for file, a, b, rel in [("route.csv", "airport", "airport", "route"),
                                ("contains_continent.csv", "continent", "airport", "contains"),
                                ("contains_country.csv", "country", "airport", "contains")]:
            items = [[r["from"], r["to"], int(r.get("dist") or 0)] for r in rows(file)]
            props = " {dist: e[2]}" if rel == "route" else ""
            for i in range(0, len(items), batch):
                graph.query(f"UNWIND $e AS e MATCH (a:{a} {{id: e[0]}}), (b:{b} {{id: e[1]}}) CREATE (a)-[:{rel}{props}]->(b)",
                            {"e": items[i:i + batch]})


class Ldbc:
    """The part of LDBC SNB SF0.1 that is there (no comments or posts): the same
    '|'-separated files for all three systems, and the Interactive reads that
    need only persons, places, organisations and tags: IS1, IS3, IC1, IC11,
    IC13, plus two aggregations."""

    name = "ldbc-sf01"
    NODES = {
        "Person": "id INT64, firstName STRING, lastName STRING, gender STRING, birthday INT64, creationDate INT64, "
                  "locationIP STRING, browserUsed STRING",
        "Forum": "id INT64, title STRING, creationDate INT64",
        "Organisation": "id INT64, type STRING, name STRING, url STRING",
        "Place": "id INT64, name STRING, url STRING, type STRING",
        "Tag": "id INT64, name STRING, url STRING",
        "TagClass": "id INT64, name STRING, url STRING",
    }
    # (type, from, to, properties, files)
    RELS = [
        ("knows", "Person", "Person", "creationDate INT64", ["Person_knows_Person.csv", "Person_knows_Person_1.csv"]),
        ("hasInterest", "Person", "Tag", "", ["Person_hasInterest_Tag.csv"]),
        ("isLocatedIn", "Person", "Place", "", ["Person_isLocatedIn_Place.csv"]),
        ("isLocatedIn", "Organisation", "Place", "", ["Organisation_isLocatedIn_Place.csv"]),
        ("studyAt", "Person", "Organisation", "classYear INT64", ["Person_studyAt_Organisation.csv"]),
        ("workAt", "Person", "Organisation", "workFrom INT64", ["Person_workAt_Organisation.csv"]),
        ("isPartOf", "Place", "Place", "", ["Place_isPartOf_Place.csv"]),
        ("hasModerator", "Forum", "Person", "", ["Forum_hasModerator_Person.csv"]),
        ("hasTag", "Forum", "Tag", "", ["Forum_hasTag_Tag.csv"]),
        ("hasType", "Tag", "TagClass", "", ["Tag_hasType_TagClass.csv"]),
        ("isSubclassOf", "TagClass", "TagClass", "", ["TagClass_isSubclassOf_TagClass.csv"]),
    ]

    def __init__(self, source: str):
        self.source = source

    def prepare(self, work: str) -> str:
        return self.source

    def queries(self):
        person = {"personId": 933}
        return [
            ("IS1 profile",
             "MATCH (n:Person {id: $personId})-[:isLocatedIn]->(p:Place) RETURN n.firstName, n.lastName, n.birthday, "
             "n.locationIP, n.browserUsed, p.id, n.gender, n.creationDate", person),
            ("IS3 friends",
             "MATCH (n:Person {id: $personId})-[r:knows]-(friend:Person) RETURN friend.id, friend.firstName, "
             "friend.lastName, r.creationDate ORDER BY r.creationDate DESC, friend.id", person),
            ("IC1 friends named",
             "MATCH (p:Person {id: $personId})-[:knows*1..3]-(friend:Person) WHERE friend.firstName = $firstName "
             "AND friend.id <> $personId RETURN DISTINCT friend.id, friend.lastName ORDER BY friend.lastName, friend.id "
             "LIMIT 20", {"personId": 933, "firstName": "John"}),
            ("IC11 job referral",
             "MATCH (p:Person {id: $personId})-[:knows*1..2]-(friend:Person) WHERE friend.id <> $personId "
             "WITH DISTINCT friend MATCH (friend)-[w:workAt]->(c:Organisation)-[:isLocatedIn]->(:Place {name: $country}) "
             "WHERE w.workFrom < $year RETURN friend.id, c.name, w.workFrom ORDER BY w.workFrom, friend.id, c.name DESC "
             "LIMIT 10", {"personId": 933, "country": "India", "year": 2010}),
            ("IC13 path length",
             {"default": "MATCH p = shortestPath((a:Person {id: $p1})-[:knows*]-(b:Person {id: $p2})) RETURN length(p)",
              "kuzu": "MATCH p = (a:Person {id: $p1})-[:knows* SHORTEST 1..30]-(b:Person {id: $p2}) RETURN length(p)",
              "falkordb": "MATCH (a:Person {id: $p1}), (b:Person {id: $p2}) "
                          "WITH shortestPath((a)-[:knows*]-(b)) AS p RETURN length(p)"},
             {"p1": 933, "p2": 367}),
            ("persons per city",
             "MATCH (p:Person)-[:isLocatedIn]->(c:Place) RETURN c.name, count(*) AS n ORDER BY n DESC, c.name LIMIT 10",
             {}),
            ("interests by class",
             "MATCH (:Person)-[i:hasInterest]->(:Tag)-[:hasType]->(tc:TagClass) RETURN tc.name, count(i) AS n "
             "ORDER BY n DESC, tc.name LIMIT 10", {}),
        ]

    def plexus_load_args(self, data):
        return ["--mapping", os.path.join(os.path.dirname(os.path.abspath(__file__)), "ldbc-sf01.toml"), data]

    def kuzu_schema(self):
        stmts = [f"CREATE NODE TABLE {label}({cols}, PRIMARY KEY(id))" for label, cols in self.NODES.items()]
        by_type = {}
        for rel, a, b, props, _ in self.RELS:
            by_type.setdefault(rel, (props, []))[1].append(f"FROM {a} TO {b}")
        for rel, (props, pairs) in by_type.items():
            stmts.append(f"CREATE REL TABLE {rel}({', '.join(pairs)}{', ' + props if props else ''})")
        return stmts

    def kuzu_copy(self, data):
        stmts = [f"COPY {label} FROM '{data}/{label}.csv' (header=true, delim='|')" for label in self.NODES]
        multi = {rel for rel, *_ in self.RELS if sum(r[0] == rel for r in self.RELS) > 1}
        for rel, a, b, _, files in self.RELS:
            extra = f", from='{a}', to='{b}'" if rel in multi else ""
            stmts += [f"COPY {rel} FROM '{data}/{f}' (header=true, delim='|'{extra})" for f in files]
        return stmts

    def falkor_load(self, graph, data, batch=10000):
        def rows(name):
            with open(os.path.join(data, name), newline="") as f:
                reader = csv.reader(f, delimiter="|")
                header = next(reader)
                return header, list(reader)
        typed = lambda spec, v: int(v) if spec.endswith("INT64") else v  # noqa: E731
        for label, cols in self.NODES.items():
            graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.id)")
            names = [c.strip().split(" ") for c in cols.split(",")]
            _, data_rows = rows(f"{label}.csv")
            items = [{n: typed(t, v) for (n, t), v in zip(names, r) if v != ""} for r in data_rows]
            for i in range(0, len(items), batch):
                graph.query(f"UNWIND $rows AS r CREATE (n:{label}) SET n = r", {"rows": items[i:i + batch]})
        for rel, a, b, props, files in self.RELS:
            prop = props.split(" ")[0] if props else None
            for f in files:
                _, data_rows = rows(f)
                items = [[int(r[0]), int(r[1])] + ([int(r[2])] if prop else []) for r in data_rows]
                set_prop = f" {{{prop}: e[2]}}" if prop else ""
                for i in range(0, len(items), batch):
                    graph.query(f"UNWIND $e AS e MATCH (x:{a} {{id: e[0]}}), (y:{b} {{id: e[1]}}) "
                                f"CREATE (x)-[:{rel}{set_prop}]->(y)", {"e": items[i:i + batch]})
