#!/usr/bin/env python3
"""Prints the comparison table of Cluster/bench/compare from its results directory.

  compare-table.py RESULTS_DIR

Reads sijil.jsonl (sijil bench --json), etcd.jsonl (anchors/etcd.sh bench) and pg.jsonl
(anchors/pg.sh bench): one JSON object per run, same field names. Prints a Markdown table with
each figure, the ratios Sijil/etcd and Sijil/PostgreSQL, and whether each target holds.
"""
import json
import os
import sys

# (workload, sijil label, etcd label, pg label)
ROWS = [
    ("register, 1 client", "put-c1", "put-c1", "pg-insert-c1-jsonb"),
    ("register, 16 clients", "put-c16", "put-c16", "pg-insert-c16-jsonb"),
    ("register, 64 clients", "put-c64", "put-c64", "pg-insert-c64-jsonb"),
    ("read by id, 64 clients (linearizable)", "get-c64", "get-c64-leader", "pg-get-c64-jsonb"),
]

# label -> (description, check(sijil, etcd, pg) -> (met, detail))
def ratio(a, b):
    return a["ops_per_s"] / b["ops_per_s"] if a and b and b.get("ops_per_s") else None

TARGETS = {
    "put-c64": ("registrations at 64 clients: >= 4x etcd, p99 <= 25 ms",
                lambda s, e, p: (ratio(s, e) is not None and ratio(s, e) >= 4 and s["lat_ms_p99"] <= 25)),
    "put-c1": ("registrations at 1 client: >= 1.5x etcd",
               lambda s, e, p: (ratio(s, e) is not None and ratio(s, e) >= 1.5)),
    "get-c64": ("linearizable reads by id at 64 clients: >= 2x PostgreSQL",
                lambda s, e, p: (ratio(s, p) is not None and ratio(s, p) >= 2)),
}
IMPORT_TARGET = 50000


def load(path):
    rows = {}
    if os.path.exists(path):
        with open(path) as fh:
            for line in fh:
                line = line.strip()
                if line.startswith("{"):
                    r = json.loads(line)
                    rows[r.get("label", "")] = r
    return rows


def cell(r):
    if not r:
        return "—"
    return f"{r['ops_per_s']:,.0f}/s, p50 {r['lat_ms_p50']:.2f}, p99 {r['lat_ms_p99']:.2f} ms" + (f", {r['errors']} err" if r.get("errors") else "")


def main():
    d = sys.argv[1]
    sijil, etcd, pg = load(os.path.join(d, "sijil.jsonl")), load(os.path.join(d, "etcd.jsonl")), load(os.path.join(d, "pg.jsonl"))
    if os.path.exists(os.path.join(d, "machine.txt")):
        print(open(os.path.join(d, "machine.txt")).read().strip())
        print()
    print("| workload | Sijil | etcd 3.4 | PostgreSQL 15 | Sijil/etcd | Sijil/PG |")
    print("| --- | --- | --- | --- | ---: | ---: |")
    for name, sl, el, pl in ROWS:
        s, e, p = sijil.get(sl), etcd.get(el), pg.get(pl)
        re, rp = ratio(s, e), ratio(s, p)
        print(f"| {name} | {cell(s)} | {cell(e)} | {cell(p)} | {'%.2f' % re if re else '—'} | {'%.2f' % rp if rp else '—'} |")
    imp = sijil.get("import")
    if imp:
        print(f"| bulk import ({imp['clients']} clients x {imp.get('value_bytes', 0):,} B batches) | "
              f"{imp.get('acts_per_s', 0):,.0f} acts/s ({imp['ops_per_s']:,.1f} batches/s, p99 {imp['lat_ms_p99']:.1f} ms), "
              f"{imp.get('acts_rejected', 0)} refused, {imp.get('errors', 0)} err | — | — | — | — |")
    print()
    print("| target | figure | met |")
    print("| --- | --- | --- |")
    for label, (desc, check) in TARGETS.items():
        s = sijil.get(label)
        e = etcd.get({"get-c64": "get-c64-leader"}.get(label, label))
        p = pg.get({"put-c1": "pg-insert-c1-jsonb", "put-c64": "pg-insert-c64-jsonb", "get-c64": "pg-get-c64-jsonb"}[label])
        if not s or (label != "get-c64" and not e) or (label == "get-c64" and not p):
            print(f"| {desc} | missing run | — |")
            continue
        base = p if label == "get-c64" else e
        fig = f"{ratio(s, base):.2f}x" + (f", p99 {s['lat_ms_p99']:.1f} ms" if label == "put-c64" else "")
        print(f"| {desc} | {fig} | {'yes' if check(s, e, p) else 'NO'} |")
    if imp:
        a = imp.get("acts_per_s", 0)
        print(f"| bulk import: >= {IMPORT_TARGET:,} acts/s sustained | {a:,.0f} acts/s | {'yes' if a >= IMPORT_TARGET else 'NO'} |")
    else:
        print(f"| bulk import: >= {IMPORT_TARGET:,} acts/s sustained | missing run | — |")
    ceilings(d, sijil, etcd, pg)


def fsync_p50_ms(d):
    """The p50 of a 4 KiB append + fdatasync from anchors/fsync.sh, if it ran."""
    path = os.path.join(d, "fsync.txt")
    if not os.path.exists(path):
        return None
    for line in open(path):
        if line.startswith("append+fdatasync"):
            parts = line.split()
            return float(parts[parts.index("p50") + 1])
    return None


def floor_runs(d):
    """The rounds of the whole path from Cluster/bench/floor/one-client, if it ran: one dict
    per round with mean_ms, p50_ms and per_s."""
    path = os.path.join(d, "floor.txt")
    if not os.path.exists(path):
        return []
    runs = []
    for line in open(path):
        parts = line.split()
        if len(parts) > 3 and parts[0] == "round" and parts[2] == "full":
            fields = dict(part.split("=", 1) for part in parts[3:] if "=" in part)
            runs.append({key: float(fields[key]) for key in ("mean_ms", "p50_ms", "per_s")})
    return runs


def ceilings(d, sijil, etcd, pg):
    """What the machine allows at all, measured in the same run: the HTTPS round trip of the
    same client against the same nodes with nothing behind it, and the disk's fsync. A target
    above a ceiling cannot be met by any service answering over HTTPS here."""
    p1, p64, f, floor = sijil.get("ping-c1"), sijil.get("ping-c64"), fsync_p50_ms(d), floor_runs(d)
    if not (p1 or p64 or f or floor):
        return
    print()
    print("| ceiling (same run) | figure | target it bounds | target | within reach |")
    print("| --- | --- | --- | --- | --- |")
    e64, e1, pget = etcd.get("put-c64"), etcd.get("put-c1"), pg.get("pg-get-c64-jsonb")
    if p64:
        for name, base, factor in (("registrations at 64 clients", e64, 4), ("reads at 64 clients", pget, 2)):
            if base:
                need = base["ops_per_s"] * factor
                print(f"| HTTPS round trips, 64 clients (GET /healthz) | {p64['ops_per_s']:,.0f}/s | {name} | "
                      f"{need:,.0f}/s | {'yes' if p64['ops_per_s'] >= need else 'NO'} |")
    if p1 and e1:
        need = e1["ops_per_s"] * 1.5
        floor_ms = p1["lat_ms_p50"] + (f or 0)
        fig = f"{p1['lat_ms_p50']:.3f} ms HTTPS p50" + (f" + {f:.3f} ms fdatasync p50" if f else "")
        print(f"| one client: HTTPS round trip{' + one fsync' if f else ''} | {fig} = {floor_ms:.3f} ms, at most {1000 / floor_ms:,.0f}/s | "
              f"registrations at 1 client | {need:,.0f}/s | {'yes' if 1000 / floor_ms >= need else 'NO'} |")
    if floor and e1:
        # The best round: a target above even that is out of reach in this run.
        need = e1["ops_per_s"] * 1.5
        best = max(floor, key=lambda run: run["per_s"])
        rounds = ", ".join(f"{run['per_s']:,.0f}" for run in floor)
        print(f"| one client: the floor (one-client, best of {len(floor)} rounds: {rounds}/s) | mean {best['mean_ms']:.3f} ms, p50 {best['p50_ms']:.3f} ms, "
              f"{best['per_s']:,.0f}/s | registrations at 1 client | {need:,.0f}/s | {'yes' if best['per_s'] >= need else 'NO'} |")


if __name__ == "__main__":
    main()
