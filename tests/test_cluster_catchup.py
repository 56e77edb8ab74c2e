"""Catch-up on loopback (cluster.md §12): a restarted node, a new node, a node of another enclave,
writes that keep flowing during a pass, and an upstream-like peer that answers 404.

One 3-node cluster holding 3,000 keys is shared by the tests of this module (filling it is the
slow part); a Python fake peer ``node-0`` that answers 404 on /v1/catchup is a member of it, so
every pass asks it first (candidates are sorted by id) and must skip it."""
import signal
import threading
import time

import harness
import pytest
from catchup_helpers import SHORT_TTL, catchup_runs, dump, missing_or_different, put_many
from cluster_helpers import FAST, peer_ids, start_chain, wait_peers
from fake_peer import FakePeer
from harness import wait_until

KEYS = 3000
TTL = 600


@pytest.fixture(scope="module")
def cluster():
    nodes: list = []

    def factory(env=None, name=None, wait=True):
        n = harness.Node(env=env, name=name)
        nodes.append(n)
        return n.start(wait=wait)

    fake = FakePeer("node-0").start()
    try:
        a, b, c = start_chain(factory, ["node-a", "node-b", "node-c"], env=SHORT_TTL)
        fake.join(a.address)
        for n in (a, b, c):
            wait_until(lambda n=n: "node-0" in peer_ids(n), timeout=5,
                       message=f"{n.name} knows the fake peer")
        items = {f"key-{i:05d}": f"value-{i}".encode() * 8 for i in range(KEYS)}
        statuses = put_many(a, items, ttl=TTL)
        assert set(statuses.values()) == {201}, {s for s in statuses.values()}
        yield {"a": a, "b": b, "c": c, "fake": fake, "items": items, "factory": factory}
    finally:
        for n in nodes:
            crashed = not n.stopped_by_test and n.proc is not None and n.proc.poll() is not None
            n.kill()
            assert not crashed, f"{n.name} died on its own:\n" + "\n".join(n.lines[-30:])
        fake.stop()


def test_restarted_node_holds_every_key_with_the_same_lifetimes(cluster):
    a, c, fake = cluster["a"], cluster["c"], cluster["fake"]
    assert a.put("short-lived", b"six seconds", {"X-TTL": "6"}).status == 201
    c.kill()
    t0 = time.monotonic()
    c.restart()
    line = c.wait_for_log("Catch-up from", timeout=10)
    took = time.monotonic() - t0
    assert "Catch-up from node-a done" in line, line
    c.wait_for_log("Catch-up: node-0 failed (HTTP 404); trying the next candidate")
    assert "/v1/catchup" in fake.paths()

    held = dump(c)  # c first, then a: a's remaining lifetimes are read later, never larger
    reference = dump(a)
    assert set(reference) == set(cluster["items"]) | {"short-lived"}
    bad = missing_or_different(reference, held)
    assert not bad, f"{len(bad)} keys differ on the restarted node, e.g. {bad[:5]}"
    assert set(held) == set(reference)
    assert catchup_runs(c, "ok") == 1
    assert c.metric("repram_catchup_entries_total") == KEYS + 1
    assert c.metric("repram_catchup_in_progress") == 0
    # The headers of a caught-up copy: same bytes, same original TTL, remaining within 1 s.
    for key in ("key-00000", "key-01234", "short-lived"):
        ra, rc = a.get(f"/v1/data/{key}"), c.get(f"/v1/data/{key}")
        assert rc.status == 200 and rc.body == ra.body
        assert rc.header("X-Original-TTL") == ra.header("X-Original-TTL")
        assert abs(int(rc.header("X-Remaining-TTL")) - int(ra.header("X-Remaining-TTL"))) <= 1
    print(f"\nrestarted node-c held {len(held)} keys {took:.2f}s after the restart began")

    # The 6 s key expires on node-c when it expires on node-a: never later, at most 1 s earlier.
    gone = {}

    def watch(n):
        wait_until(lambda: n.get("/v1/data/short-lived").status == 404, timeout=8, interval=0.02,
                   message=f"short-lived gone on {n.name}")
        gone[n.name] = time.monotonic()

    watchers = [threading.Thread(target=watch, args=(n,)) for n in (a, c)]
    for t in watchers:
        t.start()
    for t in watchers:
        t.join()
    assert set(gone) == {"node-a", "node-c"}
    # (slack for the 20 ms polls and slow answers on a loaded machine)
    assert -1.5 <= gone["node-c"] - gone["node-a"] <= 0.5, gone


def test_new_node_joining_through_one_seed_holds_every_key(cluster):
    a = cluster["a"]
    d = cluster["factory"](env=dict(FAST, **SHORT_TTL, REPRAM_NODE_ID="node-d",
                                    REPRAM_PEERS=a.address), name="node-d")
    try:
        d.wait_for_log("Catch-up from node-a done", timeout=10)
        reference = dump(a)
        held = dump(d)
        bad = missing_or_different(reference, held, keys=cluster["items"])
        assert not bad, f"{len(bad)} keys differ on the new node, e.g. {bad[:5]}"
        assert catchup_runs(d, "ok") == 1
    finally:
        d.kill()
        for n in (a, cluster["b"], cluster["c"]):
            wait_until(lambda n=n: "node-d" not in peer_ids(n), timeout=10,
                       message=f"{n.name} evicted node-d")


def test_node_of_another_enclave_catches_up_nothing(cluster):
    a = cluster["a"]
    e = cluster["factory"](env=dict(FAST, **SHORT_TTL, REPRAM_NODE_ID="node-e",
                                    REPRAM_ENCLAVE="red", REPRAM_PEERS=a.address), name="node-e")
    try:
        e.wait_for_log("Catch-up: no peer in enclave red", timeout=10)
        assert "node-a" in peer_ids(e)
        assert e.get("/v1/keys").json() == {"keys": []}
        assert catchup_runs(e, "ok") == 0 and catchup_runs(e, "failed") == 0
        # Asked directly, a node of the default enclave refuses to hand over its entries.
        r = a.request("POST", "/v1/catchup", b'{"node_id":"node-e","enclave":"red"}')
        harness.assert_text(r, 403, b"Enclave mismatch\n")
    finally:
        e.kill()
        for n in (a, cluster["b"], cluster["c"]):
            wait_until(lambda n=n: "node-e" not in peer_ids(n), timeout=10,
                       message=f"{n.name} evicted node-e")


def test_writes_during_a_catch_up_all_reach_the_restarted_node(cluster):
    a, b, c = cluster["a"], cluster["b"], cluster["c"]
    accepted: dict = {}
    stop = threading.Event()

    def writer(n, tag):
        i = 0
        with n.client() as conn:
            while not stop.is_set():
                key = f"flow-{tag}-{i:06d}"
                r = conn.request("PUT", f"/v1/data/{key}", key.encode(), {"X-TTL": str(TTL)})
                if r.status in (201, 202):
                    accepted[key] = key.encode()
                i += 1

    writers = [threading.Thread(target=writer, args=(n, n.name)) for n in (a, b)]
    for t in writers:
        t.start()
    try:
        time.sleep(0.3)  # writes flow before the kill, while node-c is down, and after
        c.kill()
        c.restart()
        c.wait_for_log("Catch-up from", timeout=10)
        wait_peers(c, {"node-0", "node-a", "node-b"})
        time.sleep(0.5)
    finally:
        stop.set()
        for t in writers:
            t.join()
    assert len(accepted) > 20, len(accepted)

    def missing():
        held = dump(c)
        return [k for k in accepted if k not in held]

    wait_until(lambda: not missing(), timeout=10,
               message=f"every accepted write on node-c (missing e.g. {missing()[:5]})")
    print(f"\n{len(accepted)} writes during the catch-up all reached node-c")


def test_catch_up_route_contract(cluster):
    a = cluster["a"]
    r = a.request("POST", "/v1/catchup", b"{not json")
    harness.assert_text(r, 400, b"Invalid JSON\n")
    r = a.request("POST", "/v1/catchup", b'{"limit":2,"cursor":"key-00010"}')
    page = harness.assert_json(r)
    assert [e["key"] for e in page["entries"]] == ["key-00011", "key-00012"]
    assert page["next_cursor"] == "key-00012"
    assert page["entries"][0]["original_ttl"] == TTL
    r = a.request("GET", "/v1/catchup")
    harness.assert_text(r, 405, b"Method not allowed\n")
    assert r.header("Allow") == "POST, OPTIONS"
