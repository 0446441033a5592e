#!/usr/bin/env python3
"""The macro benchmark: load the same data into Plexus, Kuzu and FalkorDB in one
run, run the same queries on each, check that the answers agree, and print a
table of median latencies and Plexus/peer ratios, load times and peak memory.

    scripts/bench [--scale 16] [--edge-factor 16] [--starts 100] [--runs 5] [--systems plexus,kuzu,falkordb]

Each system runs in its own worker process (`run.py --worker NAME ...`), so
its peak resident memory is its own and one system's caches never help another.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from datasets import AirRoutes, Kronecker, Ldbc  # noqa: E402

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/data")


def dataset_of(args):
    if args.dataset == "air-routes":
        return AirRoutes(os.path.abspath(os.path.join(SHARED, "air-routes")))
    if args.dataset == "ldbc-sf01":
        return Ldbc(os.path.abspath(os.path.join(SHARED, "ldbc-sf01")))
    return Kronecker(args.plexus, args.scale, args.edge_factor, args.starts)


def system_of(name, args):
    import systems
    return {"plexus": lambda: systems.Plexus(args.plexus, args.work),
            "kuzu": lambda: systems.Kuzu(args.work),
            "falkordb": lambda: systems.Falkor(args.work)}[name]()


def normalize(rows, ordered):
    def value(v):
        if isinstance(v, float):
            return round(v, 6)
        if isinstance(v, (list, tuple)):
            return [value(x) for x in v]
        return v
    out = [[value(v) for v in row] for row in rows]
    return out if ordered else sorted(out, key=repr)


def worker(args):
    dataset = dataset_of(args)
    system = system_of(args.worker, args)
    result = {"system": system.name, "queries": {}}
    try:
        result["load_s"] = system.load(dataset, args.data)
        for name, text, params in dataset.queries():
            # A query may be spelled per system where dialects differ (shortest paths).
            if isinstance(text, dict):
                text = text.get(system.name, text["default"])
            try:
                rows = system.query(text, params)  # warm-up, and the answer
                times = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    system.query(text, params)
                    times.append(time.perf_counter() - started)
            except Exception as e:  # a timeout or an unsupported query: reported, the others still run
                result["queries"][name] = {"error": f"{type(e).__name__}: {e}"}
                print(f"{system.name} / {name}: {type(e).__name__}: {e}", file=sys.stderr)
                continue
            result["queries"][name] = {
                "median_ms": statistics.median(times) * 1000,
                "rows": normalize(rows, "ORDER BY" in text),
                "text": text,
            }
        result["peak_rss"] = system.peak_rss()
    except Exception as e:  # reported in the table, the other systems still run
        result["error"] = f"{type(e).__name__}: {e}"
    finally:
        system.close()
    print(json.dumps(result))


def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plexus", default=os.environ.get("PLEXUS_BIN", "target/release/plexus"))
    parser.add_argument("--scale", type=int, default=16)
    parser.add_argument("--edge-factor", type=int, default=16)
    parser.add_argument("--starts", type=int, default=100, help="start nodes of the k-hop queries")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (after one warm-up)")
    parser.add_argument("--systems", default="plexus,kuzu,falkordb")
    parser.add_argument("--datasets", default="kronecker,air-routes,ldbc-sf01")
    parser.add_argument("--dataset", help=argparse.SUPPRESS)
    parser.add_argument("--work", default=None, help="directory for data (default: a temporary one)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    args.work = args.work or tempfile.mkdtemp(prefix="plexus-bench-")
    failed = 0
    for dataset_name in [d for d in args.datasets.split(",") if d]:
        args.dataset = dataset_name
        failed += run_dataset(args)
    if failed:
        sys.exit(f"{failed} queries gave different answers")


def run_dataset(args):
    dataset = dataset_of(args)
    data = dataset.prepare(args.work)
    names = [s for s in args.systems.split(",") if s]
    results = {}
    for name in names:
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", name, "--dataset", args.dataset, "--data", data,
               "--work", args.work, "--plexus", args.plexus, "--scale", str(args.scale),
               "--edge-factor", str(args.edge_factor), "--starts", str(args.starts), "--runs", str(args.runs)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        for line in out.stderr.splitlines():
            if " / " in line and ": " in line:
                print(line, file=sys.stderr)
        line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
        try:
            results[name] = json.loads(line)
        except json.JSONDecodeError:
            results[name] = {"error": (out.stderr or "no output").strip().splitlines()[-1], "queries": {}}
        if "error" in results[name]:
            print(f"{name}: {results[name]['error']}", file=sys.stderr)

    if dataset.name == "kronecker":
        nodes, edges = 1 << args.scale, args.edge_factor << args.scale
        what = f"scale {args.scale} ({nodes} nodes, {edges} edges)"
    else:
        what = "as shipped"
    print(f"\n{dataset.name}: {what}, {args.runs} timed runs per query, median latency in ms")
    peers = [n for n in names if n != "plexus"]
    header = f"{'query':<22}" + "".join(f"{n:>12}" for n in names) + "".join(f"{'plexus/' + p:>18}" for p in peers)
    header += "  answers"
    print(header)
    print("-" * len(header))
    disagree = 0
    for qname, _, _ in dataset.queries():
        cells = [results[n]["queries"].get(qname, {}) for n in names]
        ms = [c.get("median_ms") for c in cells]
        answers = [json.dumps(c.get("rows")) for c in cells if "rows" in c]
        same = len(set(answers)) <= 1
        disagree += not same
        row = f"{qname:<22}" + "".join(f"{m:>12.2f}" if m is not None else f"{'-':>12}" for m in ms)
        base = ms[names.index("plexus")] if "plexus" in names else None
        row += "".join(f"{ratio(base, ms[names.index(p)]):>18}" for p in peers)
        print(row + ("  same" if same else "  DIFFER"))
    for label, key, scale, fmt in [("load (s)", "load_s", 1, "{:>12.2f}"), ("peak RSS (MiB)", "peak_rss", 1048576, "{:>12.0f}")]:
        vals = [results[n].get(key) for n in names]
        row = f"{label:<22}" + "".join(fmt.format(x / scale) if x else f"{'-':>12}" for x in vals)
        base = vals[names.index("plexus")] if "plexus" in names else None
        print(row + "".join(f"{ratio(base, vals[names.index(p)]):>18}" for p in peers))
    if disagree:
        for qname, _, _ in dataset.queries():
            for n in names:
                print(f"  {qname} / {n}: {results[n]['queries'].get(qname, {}).get('rows')}", file=sys.stderr)
    return disagree

if __name__ == "__main__":
    main()
