"""Helpers for the WebSocket tree tests (ws-tree.md): NAT'd transients and a raw WS child."""

import asyncio
import base64
import hashlib
import hmac
import json
import time
from typing import Optional

import websockets

import harness
from cluster_helpers import FAST

# A NAT'd transient binds one loopback address and advertises another where nothing listens,
# so no peer can reach it: it can only dial out.
NAT_BIND = "127.0.0.2"
NAT_ADDRESS = "127.0.0.3"
TREE_ENV = dict(FAST, REPRAM_WRITE_TIMEOUT="2")


def substrate_env(node_id: str, peers=(), **extra) -> dict:
    env = dict(TREE_ENV, REPRAM_NODE_ID=node_id, REPRAM_INBOUND="true", **extra)
    if peers:
        env["REPRAM_PEERS"] = ",".join(p.address for p in peers)
    return env


def start_nat_transient(node, node_id: str, seeds, **extra) -> harness.Node:
    env = dict(TREE_ENV, REPRAM_NODE_ID=node_id, REPRAM_BIND=NAT_BIND,
               REPRAM_ADDRESS=NAT_ADDRESS, REPRAM_PEERS=",".join(s.address for s in seeds),
               **extra)
    n = node(env=env, name=node_id, wait=False)
    n.host = NAT_BIND
    n.wait_listening()
    return n


def topology(n: harness.Node) -> dict:
    return n.get("/v1/topology").json()


def wait_parent(n: harness.Node, parent_id: Optional[str] = None, timeout: float = 10.0) -> str:
    """Waits until transient n reports a parent (parent_id, when given) and returns it."""
    def attached():
        p = topology(n).get("parent_id")
        return p if p and (parent_id is None or p == parent_id) else None
    return harness.wait_until(attached, timeout=timeout, interval=0.05,
                              message=f"{n.name} attached to {parent_id or 'a parent'}")


def child_ids(n: harness.Node) -> list:
    return [c["id"] for c in topology(n)["children"]]


def metric(n: harness.Node, series: str) -> float:
    for line in n.get("/v1/metrics").body.decode().splitlines():
        if line.startswith(series + " "):
            return float(line.split()[1])
    raise AssertionError(f"{series} not in /v1/metrics of {n.name}")


# ---- a raw WebSocket child -------------------------------------------------------------------

def frame(ftype: str, payload: dict, secret: str = "") -> str:
    """One text frame in Go key order, signed over the exact payload bytes when secret is set."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    signature = ""
    if secret:
        mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
        signature = ',"signature":"' + mac + '"'
    return '{"type":' + json.dumps(ftype) + signature + ',"payload":' + body + "}"


def hello(node_id: str, enclave: str = "default") -> dict:
    return {"node_id": node_id, "enclave": enclave, "address": "127.0.0.9", "http_port": 1,
            "capabilities": {"inbound": "false"}}


def put_payload(from_id: str, key: str, value: bytes, message_id: str, ttl: int = 600) -> dict:
    return {"type": "PUT", "from": from_id, "key": key,
            "data": base64.b64encode(value).decode(), "ttl": ttl,
            "timestamp": int(time.time()), "message_id": message_id}


def ws_url(n: harness.Node) -> str:
    return f"ws://{n.host}:{n.port}/v1/ws"


async def connect(n: harness.Node, **kw):
    return await websockets.connect(ws_url(n), compression=None, ping_interval=None,
                                    max_size=None, open_timeout=5, close_timeout=5, **kw)


async def recv_json(ws, timeout: float = 5.0) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def recv_until(ws, predicate, timeout: float = 5.0) -> dict:
    """Receives frames until one satisfies predicate (parsed JSON); returns it."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError("no matching frame in time")
        msg = await recv_json(ws, left)
        if predicate(msg):
            return msg


async def attach(n: harness.Node, node_id: str, enclave: str = "default", secret: str = ""):
    """Opens a raw child link, says hello and returns (ws, welcome payload)."""
    ws = await connect(n)
    await ws.send(frame("hello", hello(node_id, enclave), secret))
    welcome = await recv_until(ws, lambda m: m["type"] == "welcome")
    return ws, welcome["payload"]


def run(coro):
    return asyncio.run(coro)
