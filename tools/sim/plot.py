#!/usr/bin/env python3
"""Draws the plots of docs/scale.md from the CSVs that tools/sim/study.sh wrote.

Usage: plot.py STUDY_DIR OUT_DIR
STUDY_DIR holds <scenario>/<nodes>/summary.csv (the N sweeps) and <scenario>/timeseries.csv
(the single runs); OUT_DIR receives the PNGs and study.csv (every sweep's summary, one row per run).
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_summary(path):
    with open(path, newline="") as f:
        return {row["measure"]: (float(row["value"]) if row["value"] else None)
                for row in csv.DictReader(f)}


def read_series(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return {key: [float(r[key]) if r[key] else None for r in rows] for key in rows[0]}


def sweep(study, scenario):
    """Returns [(nodes, summary)] sorted by nodes for a scenario's N sweep."""
    base = os.path.join(study, scenario)
    if not os.path.isdir(base):
        return []
    runs = []
    for name in os.listdir(base):
        path = os.path.join(base, name, "summary.csv")
        if name.isdigit() and os.path.exists(path):
            runs.append((int(name), read_summary(path)))
    return sorted(runs)


def column(runs, measure):
    return [n for n, _ in runs], [s.get(measure) for _, s in runs]


def delivery(study, out):
    fig, ax = plt.subplots(figsize=(7, 4))
    for scenario, style in (("scale", "-"), ("scale-lossy", "--"), ("scale-lossy-ae", ":")):
        runs = sweep(study, scenario)
        for measure, marker in (("delivery_ratio_1s", "o"), ("delivery_ratio_5s", "s"),
                                ("writes_complete_30s", "^")):
            if scenario == "scale-lossy-ae" and measure != "writes_complete_30s":
                continue
            xs, ys = column(runs, measure)
            if xs:
                ax.plot(xs, ys, style, marker=marker, label=f"{scenario}: {measure}")
    ax.axvline(33, color="grey", lw=0.8)
    ax.text(34, ax.get_ylim()[0], " full fanout ends (32 peers)", fontsize=8, va="bottom")
    ax.set_xscale("log")
    ax.set_xlabel("nodes (one enclave)")
    ax.set_ylabel("share of the enclave / of writes")
    ax.set_title("Write delivery vs N (dotted: with anti-entropy every 30 s)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "delivery_vs_n.png"), dpi=110)


def traffic(study, out):
    runs = sweep(study, "scale")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for kind in ("ping", "pong", "put", "ack", "sync", "total"):
        xs, ys = column(runs, f"msgs_per_node_s_{kind}")
        if xs:
            left.plot(xs, ys, marker="o", label=kind)
    xs, ys = column(sweep(study, "scale-lossy"), "msgs_per_node_s_sync")
    if xs:
        left.plot(xs, ys, "--", marker="x", color="C4", label="sync, 5 % loss")
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("nodes")
    left.set_ylabel("gossip requests sent per node per second")
    left.set_title("Traffic per node (15 writes in 59 s)")
    left.legend(fontsize=8)
    for measure in ("put_per_write", "ack_per_write"):
        xs, ys = column(runs, measure)
        if xs:
            right.plot(xs, ys, marker="o", label=measure)
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("nodes")
    right.set_ylabel("requests per client write")
    right.set_title("Cost of one write")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "traffic_vs_n.png"), dpi=110)


def convergence(study, out):
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    xs, ys = column(sweep(study, "partition"), "convergence_s")
    left.plot(xs, ys, marker="o", label="50 s partition (2 failed ping rounds)")
    left.set_xscale("log")
    left.set_ylim(-0.5, 10)
    left.set_xlabel("nodes")
    left.set_ylabel("s from heal until every node knows every node")
    left.set_title("Convergence after a short partition")
    left.legend(fontsize=8)
    runs = sweep(study, "long-partition")
    xs = [n for n, _ in runs]
    share = [s["missing_members_end"] / max(n - 1, 1) for n, s in runs]
    right.plot(xs, share, marker="o", color="C3", label="180 s partition, 200 s after the heal")
    right.set_xscale("log")
    right.set_ylim(0, 1)
    right.set_xlabel("nodes")
    right.set_ylabel("share of live nodes missing from a peer map")
    right.set_title("After a long partition: never")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "convergence_vs_n.png"), dpi=110)


def recovery(study, out):
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    for scenario, label in (("mass-recovery", "backoff 30-120 s, jitter +-20 %"),
                            ("mass-recovery-flat", "every 30 s, no jitter")):
        path = os.path.join(study, scenario, "timeseries.csv")
        if not os.path.exists(path):
            continue
        s = read_series(path)
        top.plot(s["t_s"], s["bootstrap_busiest_root"], lw=0.9, label=label)
        bottom.plot(s["t_s"], s["isolated"], lw=0.9, label=label)
    top.set_ylabel("bootstrap requests / s\n(busiest of 3 roots)")
    top.set_title("1,000 nodes isolated at 35 s, network healed at 400 s")
    top.legend(fontsize=8)
    bottom.set_ylabel("isolated nodes")
    bottom.set_xlabel("simulated s")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "mass_recovery.png"), dpi=110)


def table(study, out):
    rows = []
    for scenario in ("scale", "scale-lossy", "scale-lossy-ae", "partition", "long-partition"):
        for n, summary in sweep(study, scenario):
            rows.append({"scenario": scenario, **summary})
    for scenario in ("mass-recovery", "mass-recovery-flat"):
        path = os.path.join(study, scenario, "summary.csv")
        if os.path.exists(path):
            rows.append({"scenario": scenario, **read_summary(path)})
    if not rows:
        return
    keys = ["scenario"] + [k for k in rows[0] if k != "scenario"]
    with open(os.path.join(out, "study.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    study, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    delivery(study, out)
    traffic(study, out)
    convergence(study, out)
    recovery(study, out)
    table(study, out)


if __name__ == "__main__":
    main()
