"""The WebSocket tree with real processes (ws-tree.md): NAT'd transients under substrates.

NAT is simulated on loopback: the transient binds 127.0.0.2 and advertises 127.0.0.3, where
nothing listens, so no peer can reach it and it can only dial out (ws_helpers.NAT_*)."""

import signal
import threading
import time
import urllib.parse

import pytest

from harness import wait_until
from ws_helpers import (TREE_ENV, child_ids, metric, start_nat_transient, substrate_env,
                        topology, wait_parent)

SECRET = "tree-secret"


def two_substrates(node, **extra):
    s1 = node(env=substrate_env("sub-1", **extra), name="sub-1")
    s2 = node(env=substrate_env("sub-2", peers=[s1], **extra), name="sub-2")
    wait_until(lambda: [p["id"] for p in topology(s1)["peers"]] == ["sub-2"], timeout=10,
               message="sub-1 to know sub-2")
    return s1, s2


def timed_put(n, key: str, value: bytes):
    t0 = time.monotonic()
    r = n.put(key + "?ttl=600", value)
    return r, time.monotonic() - t0


def readable(n, key: str, value: bytes) -> bool:
    r = n.get("/v1/data/" + key)
    return r.status == 200 and r.body == value


def keys(n, prefix: str) -> set:
    out, cursor = set(), None
    while True:
        q = f"/v1/keys?prefix={prefix}&limit=10000"
        if cursor:
            q += "&cursor=" + urllib.parse.quote(cursor)
        page = n.get(q).json()
        out.update(page["keys"])
        cursor = page.get("next_cursor")
        if not cursor:
            return out


@pytest.mark.parametrize("secret", ["", SECRET])
def test_nat_transient_writes_201_and_reads_writes_of_every_substrate(node, secret):
    extra = {"REPRAM_CLUSTER_SECRET": secret} if secret else {}
    s1, s2 = two_substrates(node, **extra)
    t = start_nat_transient(node, "kid", [s1], **extra)
    wait_parent(t, "sub-1")
    assert child_ids(s1) == ["kid"]
    assert topology(t)["role"] == "transient" and topology(s1)["role"] == "substrate"
    assert metric(t, "repram_ws_attached") == 1 and metric(s1, "repram_ws_children") == 1

    r, took = timed_put(t, "from-kid", b"v1")
    assert r.status == 201 and took < 2.0, (r, took)
    for s in (s1, s2):
        wait_until(lambda s=s: readable(s, "from-kid", b"v1"), timeout=2,
                   message=f"from-kid on {s.name}")

    for s in (s1, s2):  # the parent and the other substrate
        key = "from-" + s.name
        assert s.put(key + "?ttl=600", b"v-" + s.name.encode()).status in (201, 202)
        wait_until(lambda key=key, s=s: readable(t, key, b"v-" + s.name.encode()), timeout=2,
                   message=f"{key} on the transient")


def test_a_stalled_mesh_peer_paces_the_child_and_every_relayed_key_reaches_it(node):
    # sub-2 stops answering while the NAT'd transient writes through sub-1: sub-1 stops reading
    # the child once 256 relayed PUTs wait for sub-2 (instead of overflowing its 1024-request
    # queue and dropping copies), and after sub-2 resumes every key reaches it. Slow pings keep
    # sub-2 in sub-1's peer map meanwhile.
    s1, s2 = two_substrates(node, REPRAM_PING_INTERVAL="30")
    t = start_nat_transient(node, "kid", [s1])
    wait_parent(t, "sub-1")
    want = {f"paced-{i:05d}" for i in range(1500)}
    statuses = []

    def writer(part):
        with t.client() as c:
            for k in part:
                statuses.append(c.request("PUT", f"/v1/data/{k}?ttl=600", b"v" * 100).status)

    s2.signal(signal.SIGSTOP)
    ordered = sorted(want)
    writers = [threading.Thread(target=writer, args=(ordered[i::16],)) for i in range(16)]
    for w in writers:
        w.start()
    try:
        wait_until(lambda: metric(s1, "repram_ws_relay_pauses_total") >= 1, timeout=20,
                   message="sub-1 to pause its child")
    finally:
        s2.signal(signal.SIGCONT)
    for w in writers:
        w.join(timeout=60)
    assert len(statuses) == len(want) and set(statuses) <= {201, 202}, set(statuses)
    for s in (s1, s2):
        wait_until(lambda s=s: keys(s, "paced-") == want, timeout=20,
                   message=f"every key on {s.name}")


def test_parent_sigkill_transient_reattaches_to_the_other_substrate(node):
    s1, s2 = two_substrates(node)
    t = start_nat_transient(node, "kid", [s1])
    wait_parent(t, "sub-1")
    s1.kill()
    t0 = time.monotonic()
    wait_parent(t, "sub-2", timeout=10)
    assert time.monotonic() - t0 < 6.5
    t.wait_for_log("Reattached to sub-2 (depth 1)")
    assert metric(t, "repram_ws_reattaches_total") == 1
    r, took = timed_put(t, "after-kill", b"x")
    assert r.status == 201 and took < 2.0, (r, took)
    wait_until(lambda: readable(s2, "after-kill", b"x"), timeout=2, message="after-kill on sub-2")


def test_parent_sigterm_goodbye_alternatives_lead_to_the_other_substrate(node):
    s1, s2 = two_substrates(node)
    t = start_nat_transient(node, "kid", [s1])
    wait_parent(t, "sub-1")
    s1.stop()
    wait_parent(t, "sub-2", timeout=10)
    t.wait_for_log("goodbye: shutdown")
    r, _ = timed_put(t, "after-term", b"y")
    assert r.status == 201, r


def test_single_substrate_restarted_takes_the_transient_back(node):
    s1 = node(env=substrate_env("sub-1"), name="sub-1")
    t = start_nat_transient(node, "kid", [s1])
    wait_parent(t, "sub-1")
    s1.restart()
    wait_until(lambda: child_ids(s1) == ["kid"], timeout=20, interval=0.1,
               message="kid back under the restarted sub-1")
    wait_parent(t, "sub-1")


def test_max_children_1_redirects_the_second_child_to_the_other_substrate(node):
    s1, s2 = two_substrates(node, REPRAM_MAX_CHILDREN="1")
    t1 = start_nat_transient(node, "kid-1", [s1])
    wait_parent(t1, "sub-1")
    t2 = start_nat_transient(node, "kid-2", [s1])
    wait_parent(t2, "sub-2")
    assert child_ids(s1) == ["kid-1"] and child_ids(s2) == ["kid-2"]
    s1.wait_for_log("Redirecting WS child kid-2")
    t2.wait_for_log(f"Redirected by seed-{s1.address} (at capacity)")


def test_transient_without_a_substrate_stays_detached_and_writes_over_http(node):
    peer = node(env=dict(TREE_ENV, REPRAM_NODE_ID="plain"), name="plain")
    t = node(env=dict(TREE_ENV, REPRAM_NODE_ID="kid", REPRAM_PEERS=peer.address), name="kid")
    t.wait_for_log("no seed accepted WS attach", timeout=10)
    assert "parent_id" not in topology(t)
    assert t.put("k?ttl=600", b"v").status == 201  # the peer ACKs over HTTP


def test_repram_mcp_behind_nat_is_a_transient_and_its_store_is_replicated(node, mcp):
    # The upstream agent use case: `repram mcp` with REPRAM_PEERS, advertising an address no
    # peer can reach, attaches to the substrate and its repram_store answers replicated (201).
    s1, s2 = two_substrates(node)
    p = mcp(env={"REPRAM_NODE_ID": "agent", "REPRAM_PEERS": s1.address,
                 "REPRAM_ADDRESS": "127.0.0.3", "REPRAM_PING_INTERVAL": "0.3"})
    wait_until(lambda: child_ids(s1) == ["agent"], timeout=10, message="agent under sub-1")
    p.initialize()
    stored = p.tool("repram_store", {"key": "agent-note", "data": "hello", "ttl_seconds": 600})
    assert stored["replicated"] is True, stored
    wait_until(lambda: readable(s2, "agent-note", b"hello"), timeout=2,
               message="agent-note on sub-2")
