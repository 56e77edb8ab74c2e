"""Anti-entropy between C++ nodes (cluster.md §12.1, docs/anti-entropy.md), with a 1 s interval:
a frozen node gets the writes it missed, writes a cut-off node accepted reach its peers, and an
idle equal cluster exchanges digests only."""

from __future__ import annotations

import base64
import concurrent.futures
import hashlib
import hmac
import json
import signal

import harness
from cluster_helpers import start_chain, wait_peers
from harness import wait_until

AE = {"REPRAM_ANTI_ENTROPY_INTERVAL": "1"}
IDS = ("node-a", "node-b", "node-c")


def keys_of(n: harness.Node, prefix: str) -> set:
    return set(n.get(f"/v1/keys?prefix={prefix}").json()["keys"])


def ae_metric(n: harness.Node, name: str, labels=None) -> float:
    return harness.metric_value(n.metrics(), "repram_anti_entropy_" + name, labels) or 0.0


def entries_moved(nodes) -> float:
    return sum(ae_metric(n, "entries_total") for n in nodes)


def wait_holds(n: harness.Node, prefix: str, want: set, timeout: float) -> None:
    wait_until(lambda: keys_of(n, prefix) >= want, timeout=timeout,
               message=f"{n.name} holds all {len(want)} {prefix} keys "
                       f"(missing {len(want - keys_of(n, prefix))})")


def test_frozen_node_gets_the_writes_it_missed(node):
    a, b, c = start_chain(node, IDS, env=AE)
    c.signal(signal.SIGSTOP)
    try:
        # Written once c is evicted, so no request to c sits in a socket buffer: only
        # anti-entropy can bring these to c.
        wait_peers(a, {"node-b"})
        wait_peers(b, {"node-a"})
        keys = {f"frozen-{i}" for i in range(200)}
        for k in sorted(keys):
            assert a.put(k, k.encode()).status == 201
    finally:
        c.signal(signal.SIGCONT)
    wait_holds(c, "frozen-", keys, timeout=15)
    assert c.get("/v1/data/frozen-7").body == b"frozen-7"
    assert sum(ae_metric(n, "entries_total", {"direction": "pulled"}) for n in (a, b, c)) >= 200


def test_writes_of_a_cut_off_node_reach_its_peers(node):
    a, b, c = start_chain(node, IDS, env=dict(AE, REPRAM_WRITE_TIMEOUT="1"))
    for n in (b, c):
        n.signal(signal.SIGSTOP)
    try:
        # While a still counts its frozen peers, it answers 202 (no quorum) ...
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            statuses = list(pool.map(lambda i: a.put(f"cut-202-{i}", b"x").status, range(10)))
        assert statuses == [202] * 10
        # ... and once it evicted them it is alone and nobody hears its writes at all.
        wait_peers(a, set())
        for i in range(20):
            assert a.put(f"cut-alone-{i}", b"y").status == 201
    finally:
        for n in (b, c):
            n.signal(signal.SIGCONT)
    want = {f"cut-202-{i}" for i in range(10)} | {f"cut-alone-{i}" for i in range(20)}
    for n in (b, c):
        wait_holds(n, "cut-", want, timeout=15)
        assert n.get("/v1/data/cut-alone-3").body == b"y"


def test_idle_equal_cluster_exchanges_only_digests(node):
    nodes = start_chain(node, IDS, env=AE)
    a = nodes[0]
    keys = {f"idle-{i}" for i in range(30)}
    for k in sorted(keys):
        assert a.put(k, b"v").status == 201
    for n in nodes:
        wait_holds(n, "idle-", keys, timeout=10)
    before = {n.name: (ae_metric(n, "rounds_total", {"result": "equal"}),
                       ae_metric(n, "rounds_total", {"result": "repaired"}),
                       ae_metric(n, "entries_total"), ae_metric(n, "digest_bytes_total"))
              for n in nodes}
    wait_until(lambda: all(ae_metric(n, "rounds_total", {"result": "equal"})
                           >= before[n.name][0] + 3 for n in nodes),
               timeout=15, message="three more equal rounds on every node")
    for n in nodes:
        equal, repaired, entries, digest_bytes = before[n.name]
        assert ae_metric(n, "rounds_total", {"result": "repaired"}) == repaired
        assert ae_metric(n, "entries_total") == entries
        grown = ae_metric(n, "digest_bytes_total") - digest_bytes
        assert 0 < grown < 20_000  # a few small digests


def test_routes_contract(node):
    n = node(env={"REPRAM_CLUSTER_SECRET": "s3cret", "REPRAM_ENCLAVE": "blue"})

    def post(path, body: bytes, signed=True):
        sig = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        return n.request("POST", path, body=body,
                         headers={"X-Repram-Signature": sig} if signed else {})

    for path in ("/v1/antientropy/digest", "/v1/antientropy/diff", "/v1/antientropy/push"):
        r = n.get(path)
        assert r.status == 405 and r.header("Allow") == "POST, OPTIONS", r
        r = post(path, b"{}", signed=False)
        assert (r.status, r.text) == (403, "Missing signature\n"), r
        r = post(path, b"{not json")
        assert (r.status, r.text) == (400, "Invalid JSON\n"), r
    scope = {"node_id": "x", "enclave": "blue", "buckets": 16, "cutoff_unix_ms": 1}
    r = post("/v1/antientropy/digest", json.dumps(scope).encode())
    assert r.status == 200, r
    assert len(base64.b64decode(r.json()["digest"])) == 16 * 8
    r = post("/v1/antientropy/digest", json.dumps(dict(scope, enclave="red")).encode())
    assert (r.status, r.text) == (409, "Enclave mismatch\n"), r
    r = post("/v1/antientropy/digest", json.dumps(dict(scope, buckets=65537)).encode())
    assert r.status == 400, r
