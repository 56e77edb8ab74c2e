"""Replay of signed gossip (issue #13 item 6): with a cluster secret, a PUT stamped more than 30 s
away from the node's clock is answered 200 but not stored, and counted."""
import base64
import hashlib
import hmac
import json
import time

SECRET = "replay-secret"


def signed_put(key: str, value: bytes, timestamp: int, message_id: str):
    body = json.dumps({"type": "PUT", "from": "captured-peer", "key": key,
                       "data": base64.b64encode(value).decode(), "ttl": 600,
                       "timestamp": timestamp, "message_id": message_id},
                      separators=(",", ":")).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Repram-Signature": signature}


def rejected(n) -> float:
    return n.metric("repram_gossip_rejected_total", {"reason": "stale_timestamp"})


def test_signed_put_stamped_90_s_ago_is_answered_but_not_stored(node):
    n = node(env={"REPRAM_CLUSTER_SECRET": SECRET})
    assert rejected(n) == 0
    body, headers = signed_put("replayed", b"old", int(time.time()) - 90, "captured-1")
    r = n.request("POST", "/v1/gossip/message", body=body, headers=headers)
    assert r.status == 200 and r.body == b'{"success":true}\n', r
    assert n.get("/v1/data/replayed").status == 404
    assert rejected(n) == 1
    # A fresh stamp (within 30 s) is stored as before.
    body, headers = signed_put("fresh", b"new", int(time.time()) - 5, "captured-2")
    assert n.request("POST", "/v1/gossip/message", body=body, headers=headers).status == 200
    assert n.get("/v1/data/fresh").body == b"new"
    assert rejected(n) == 1


def test_without_a_secret_old_timestamps_are_stored(node):
    n = node()
    body = json.dumps({"type": "PUT", "from": "upstream", "key": "old-stamp",
                       "data": base64.b64encode(b"v").decode(), "ttl": 600, "timestamp": 1,
                       "message_id": "m-1"}).encode()
    assert n.request("POST", "/v1/gossip/message", body=body).status == 200
    assert n.get("/v1/data/old-stamp").body == b"v"
    assert rejected(n) == 0
