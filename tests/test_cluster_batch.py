"""Gossip batches between C++ nodes on loopback (docs/gossip-batch.md): a 3-node cluster replicates
through POST /v1/gossip/batch (metrics show batches, every replica holds every key, open and
signed), the endpoint's per-message outcomes and caps, and a mixed cluster where an upstream-like
fake peer that only speaks single messages answers the probe with 404 and then gets exactly the
single-message traffic of cluster.md."""
import hashlib
import hmac
import json
import time

import harness
from catchup_helpers import put_many
from cluster_helpers import peer_ids, start_chain
from fake_peer import FakePeer
from harness import wait_until

SECRET = "test-cluster-secret"


def batch_metrics(n: harness.Node) -> dict:
    text = n.metrics()
    names = ("batches_sent", "batch_messages_sent", "batches_received",
             "batch_messages_received", "batch_fallbacks")
    return {k: harness.metric_value(text, f"repram_gossip_{k}_total") for k in names}


def keys_of(n: harness.Node) -> set:
    return set(n.get("/v1/keys?prefix=bk-").json()["keys"])


def put(msg_id: str, key: str, ts: int = None) -> str:
    return json.dumps({"type": "PUT", "from": "outsider", "key": key, "data": "dmFsdWU=",
                       "ttl": 600, "timestamp": ts or int(time.time()), "message_id": msg_id},
                      separators=(",", ":"))


def replicate_and_check(nodes: list, count: int) -> None:
    a = nodes[0]
    items = {f"bk-{i:04d}": b"v" * 100 for i in range(count)}
    statuses = put_many(a, items, threads=16)
    assert set(statuses.values()) == {201}
    for n in nodes[1:]:
        wait_until(lambda n=n: keys_of(n) == set(items), timeout=10,
                   message=f"{n.name} holds every key")
    origin = batch_metrics(a)
    # Every PUT to both replicas left in a batch, and the concurrent writers made batches of
    # more than one message; the ACKs came back in batches too.
    assert origin["batch_messages_sent"] == 2 * count, origin
    assert origin["batches_sent"] < origin["batch_messages_sent"], origin
    assert origin["batch_messages_received"] == 2 * count, origin  # the ACKs
    assert origin["batch_fallbacks"] == 0
    for n in nodes[1:]:
        m = batch_metrics(n)
        assert m["batch_messages_received"] == count, (n.name, m)
        assert m["batch_messages_sent"] == count, (n.name, m)  # its ACKs
    assert a.metric("repram_gossip_send_failures_total") == 0


def test_three_nodes_replicate_through_batches(node):
    nodes = start_chain(node, ["node-a", "node-b", "node-c"])
    replicate_and_check(nodes, 600)


def test_signed_cluster_replicates_through_batches(node):
    nodes = start_chain(node, ["node-a", "node-b", "node-c"],
                        env={"REPRAM_CLUSTER_SECRET": SECRET})
    replicate_and_check(nodes, 300)


def test_batch_endpoint_answers_per_message_and_enforces_its_caps(node):
    a = node(env={"REPRAM_NODE_ID": "node-a"})
    good = put("m-1", "bk-good")
    body = "\n".join([good, "{not json", put("m-2", "bk/slash"), put("m-3", "bk-also-good")])
    r = a.request("POST", "/v1/gossip/batch", body.encode(),
                  {"Content-Type": "application/x-ndjson"})
    assert r.status == 200, r
    assert r.json() == {"success": True, "failed": [
        {"index": 1, "error": "Invalid JSON"}, {"index": 2, "error": "Invalid message: bad key"}]}
    assert keys_of(a) == {"bk-good", "bk-also-good"}

    r = a.request("POST", "/v1/gossip/batch", (good + "\n").encode())
    assert (r.status, r.text) == (200, '{"success":true}\n')  # a duplicate is accepted

    too_many = "\n".join(put(f"x-{i}", f"bk-x{i}") for i in range(1025))
    r = a.request("POST", "/v1/gossip/batch", too_many.encode())
    assert (r.status, r.text) == (413, "Request too large\n")
    assert "bk-x0" not in keys_of(a)
    assert a.metric("repram_gossip_batches_received_total") == 2


def test_signed_node_checks_the_signature_of_the_whole_batch(node):
    a = node(env={"REPRAM_NODE_ID": "node-a", "REPRAM_CLUSTER_SECRET": SECRET})
    first = put("s-1", "bk-s1")
    body = (first + "\n" + put("s-2", "bk-s2")).encode()
    sign = lambda b: hmac.new(SECRET.encode(), b, hashlib.sha256).hexdigest()  # noqa: E731
    r = a.request("POST", "/v1/gossip/batch", body)
    assert (r.status, r.text) == (403, "Missing signature\n")
    r = a.request("POST", "/v1/gossip/batch", body, {"X-Repram-Signature": sign(first.encode())})
    assert (r.status, r.text) == (403, "Invalid signature\n")
    r = a.request("POST", "/v1/gossip/batch", body, {"X-Repram-Signature": sign(body)})
    assert r.status == 200, r
    assert keys_of(a) == {"bk-s1", "bk-s2"}


def test_mixed_cluster_upstream_peer_gets_single_messages(node):
    fake = FakePeer("node-up").start()
    try:
        nodes = start_chain(node, ["node-a", "node-b"])
        a, b = nodes
        fake.join(a.address)
        for n in nodes:
            wait_until(lambda n=n: "node-up" in peer_ids(n), timeout=5,
                       message=f"{n.name} knows the fake peer")
        count = 200
        items = {f"bk-{i:04d}": b"v" * 100 for i in range(count)}
        statuses = put_many(a, items, threads=8)
        # The upstream peer never ACKs; node-b's ACK completes each write (quorum 2 of 3).
        assert set(statuses.values()) == {201}
        wait_until(lambda: keys_of(b) == set(items), timeout=10, message="node-b holds every key")

        def fake_puts():
            with fake._lock:  # noqa: SLF001 - the test reads the fake's own record
                return [m for p, m in fake.requests
                        if p == "/v1/gossip/message" and m and m.get("type") == "PUT"]
        wait_until(lambda: len(fake_puts()) == count, timeout=10,
                   message="the upstream peer got every PUT as a single message")
        assert sorted(m["key"] for m in fake_puts()) == sorted(items)
        assert len({m["message_id"] for m in fake_puts()}) == count
        assert fake.paths().count("/v1/gossip/batch") == 1  # one probe, answered 404, never again
        ma = batch_metrics(a)
        assert ma["batch_fallbacks"] == 1, ma
        assert ma["batch_messages_sent"] >= count, ma  # node-b still gets batches
        assert batch_metrics(b)["batch_messages_received"] == count
        assert a.metric("repram_gossip_messages_sent_total", {"type": "PUT"}) == 2 * count
        a.wait_for_log("does not take gossip batches")
    finally:
        fake.stop()


def test_batching_off_sends_single_messages(node):
    nodes = start_chain(node, ["node-a", "node-b"], env={"REPRAM_GOSSIP_BATCH": "false"})
    items = {f"bk-{i:04d}": b"v" * 100 for i in range(50)}
    assert set(put_many(nodes[0], items).values()) == {201}
    wait_until(lambda: keys_of(nodes[1]) == set(items), timeout=10, message="replicated")
    for n in nodes:
        m = batch_metrics(n)
        assert m["batches_sent"] == 0 and m["batches_received"] == 0, (n.name, m)
