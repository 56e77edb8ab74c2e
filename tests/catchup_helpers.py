"""Helpers for catch-up and anti-entropy suites: parallel writers, whole-store dumps and
comparisons between nodes (cluster.md §12, §12.1)."""

from __future__ import annotations

import json
import threading
from typing import Iterable, Mapping, Optional

import harness

# Test clusters may use short lifetimes (a 6 s key) on their private network.
SHORT_TTL = {"REPRAM_MIN_TTL": "1"}


def put_many(n: harness.Node, items: Mapping[str, bytes], ttl: int = 600,
             threads: int = 8) -> dict:
    """PUTs every key -> value to ``n`` over ``threads`` keep-alive connections; returns
    {key: status}. Keys must be safe as one raw path segment."""
    keys = list(items)
    statuses: dict = {}
    lock = threading.Lock()

    def worker(part: list) -> None:
        with n.client() as c:
            for key in part:
                r = c.request("PUT", f"/v1/data/{key}", items[key], {"X-TTL": str(ttl)})
                with lock:
                    statuses[key] = r.status

    parts = [keys[i::threads] for i in range(threads)]
    pool = [threading.Thread(target=worker, args=(p,)) for p in parts if p]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return statuses


def dump(n: harness.Node, limit: int = 10000, enclave: str = "default") -> dict:
    """Every live entry of ``n`` with at least 1 s to live, read through POST /v1/catchup:
    {key: (value bytes, remaining_ttl, original_ttl)}."""
    import base64
    out: dict = {}
    cursor = ""
    with n.client() as c:
        while True:
            body = json.dumps({"node_id": "test", "enclave": enclave, "cursor": cursor,
                               "limit": limit}).encode()
            r = c.request("POST", "/v1/catchup", body, {"Content-Type": "application/json"})
            assert r.status == 200, r
            page = r.json()
            for e in page["entries"]:
                out[e["key"]] = (base64.b64decode(e["data"]), e["remaining_ttl"], e["original_ttl"])
            if "next_cursor" not in page:
                return out
            cursor = page["next_cursor"]


def missing_or_different(reference: Mapping[str, tuple], other: Mapping[str, tuple],
                         keys: Optional[Iterable[str]] = None, ttl_slack: int = 1) -> list:
    """Keys of ``reference`` (or only ``keys``) that ``other`` lacks, holds with another value or
    original TTL, or with a remaining lifetime more than ``ttl_slack`` s away."""
    bad = []
    for key in (keys if keys is not None else reference):
        want = reference[key]
        got = other.get(key)
        if (got is None or got[0] != want[0] or got[2] != want[2]
                or abs(got[1] - want[1]) > ttl_slack):
            bad.append(key)
    return bad


def catchup_runs(n: harness.Node, result: str) -> float:
    return harness.metric_value(n.metrics(), "repram_catchup_runs_total", {"result": result})
