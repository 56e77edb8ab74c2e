"""Multi-node tests on loopback: replication, quorum timeout, eviction (cluster.md §8, §9)."""
import signal
import time

import harness
from harness import wait_until

FAST = {"REPRAM_ADDRESS": "127.0.0.1", "REPRAM_PING_INTERVAL": "0.3",
        "REPRAM_SYNC_INTERVAL": "0.3", "REPRAM_ISOLATION_INTERVAL": "0.5",
        "REPRAM_WRITE_TIMEOUT": "1"}


def start_cluster(node, n=3, extra=None):
    env = dict(FAST, **(extra or {}))
    seed = node(env=dict(env, REPRAM_NODE_ID="node-a"), name="node-a")
    others = [node(env=dict(env, REPRAM_NODE_ID=f"node-{c}",
                            REPRAM_PEERS=f"127.0.0.1:{seed.port}"), name=f"node-{c}")
              for c in "bcdefghijklmnopqrst"[: n - 1]]
    nodes = [seed] + others
    for x in nodes:
        wait_until(lambda x=x: len(x.get("/v1/topology").json()["peers"]) == n - 1, timeout=10)
    return nodes


def test_three_nodes_replicate_puts_from_any_node(node):
    nodes = start_cluster(node)
    for i, writer in enumerate(nodes):
        r = writer.put(f"k{i}", b"value-%d" % i)
        assert r.status == 201, r
        for reader in nodes:
            wait_until(lambda reader=reader: reader.get(f"/v1/data/k{i}").status == 200, timeout=1)
            assert reader.get(f"/v1/data/k{i}").body == b"value-%d" % i


def test_put_gets_202_after_write_timeout_when_peers_are_stopped(node):
    a, b, c = start_cluster(node)
    b.signal(signal.SIGSTOP)
    c.signal(signal.SIGSTOP)
    try:
        r = a.put("lonely", b"v")
        assert r.status == 202, r
        assert r.body == b"Accepted (quorum pending)"
        assert a.get("/v1/data/lonely").body == b"v"
    finally:
        b.signal(signal.SIGCONT)
        c.signal(signal.SIGCONT)


def test_killed_peer_is_evicted_after_three_failed_rounds(node):
    a, b, c = start_cluster(node)
    c.kill()
    wait_until(lambda: [p["id"] for p in a.get("/v1/topology").json()["peers"]] == ["node-b"],
               timeout=10)
    assert harness.metric_value(a.metrics(), "repram_peer_evictions_total") >= 1
    assert a.put("after", b"v").status == 201  # quorum follows membership: 2 of 2


def test_stopped_peers_come_back_through_isolation_recovery(node):
    a, b, c = start_cluster(node)
    b.signal(signal.SIGSTOP)
    c.signal(signal.SIGSTOP)
    wait_until(lambda: a.get("/v1/topology").json()["peers"] == [], timeout=15)
    b.signal(signal.SIGCONT)
    c.signal(signal.SIGCONT)
    wait_until(lambda: len(a.get("/v1/topology").json()["peers"]) == 2, timeout=15)
    assert a.put("back", b"v").status == 201
    wait_until(lambda: b.get("/v1/data/back").status == 200, timeout=2)


def test_different_secret_is_refused(node):
    a = node(env=dict(FAST, REPRAM_NODE_ID="node-a", REPRAM_CLUSTER_SECRET="s1"), name="node-a")
    b = node(env=dict(FAST, REPRAM_NODE_ID="node-b", REPRAM_CLUSTER_SECRET="s2",
                      REPRAM_PEERS=f"127.0.0.1:{a.port}"), name="node-b")
    r = a.request("POST", "/v1/gossip/message", body=b'{"type":"PING","from":"x"}')
    assert r.status == 403 and r.body == b"Missing signature\n"
    assert b.put("secret", b"v").status == 201  # alone: quorum 1
    assert a.get("/v1/data/secret").status == 404
    assert a.get("/v1/topology").json()["peers"] == []
    # The same secret signs and verifies: node-c joins node-a and replicates both ways.
    c = node(env=dict(FAST, REPRAM_NODE_ID="node-c", REPRAM_CLUSTER_SECRET="s1",
                      REPRAM_PEERS=f"127.0.0.1:{a.port}"), name="node-c")
    wait_until(lambda: [p["id"] for p in a.get("/v1/topology").json()["peers"]] == ["node-c"])
    assert c.put("shared", b"from-c").status == 201  # quorum 2: node-a's signed ACK counted
    wait_until(lambda: a.get("/v1/data/shared").body == b"from-c", timeout=1)
    assert a.put("back", b"from-a").status == 201
    wait_until(lambda: c.get("/v1/data/back").body == b"from-a", timeout=1)
    assert b.get("/v1/data/shared").status == 404 and b.get("/v1/data/back").status == 404


def test_pipelined_answers_before_a_quorum_wait_are_not_held_back(node):
    """The server batches answers to pipelined requests into one write, but an answer that is
    ready must not wait for a later request's quorum wait (here 3 s, both peers stopped)."""
    a, b, c = start_cluster(node, extra={"REPRAM_WRITE_TIMEOUT": "3", "REPRAM_PING_INTERVAL": "30"})
    b.signal(signal.SIGSTOP)
    c.signal(signal.SIGSTOP)
    try:
        with a.raw() as conn:
            conn.send(harness.build_request("GET", "/v1/health")
                      + harness.build_request("PUT", "/v1/data/slow", body=b"v")
                      + harness.build_request("GET", "/v1/health"))
            started = time.monotonic()
            first = conn.read_response()
            first_after = time.monotonic() - started
            second = conn.read_response("PUT")
            third = conn.read_response()
            all_after = time.monotonic() - started
        assert first.status == 200 and first_after < 1.5, (first, first_after)
        assert second.status == 202 and all_after >= 2.5, (second, all_after)
        assert third.status == 200 and third.json()["status"] == "healthy"
    finally:
        b.signal(signal.SIGCONT)
        c.signal(signal.SIGCONT)
