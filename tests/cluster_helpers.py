"""Helpers shared by the multi-node cluster suites (tests/test_cluster_*.py)."""

from __future__ import annotations

import time
from typing import Iterable, Mapping, Optional

import harness

# Short timer knobs (cluster.md §13, http-api.md §10) so that rounds, eviction and recovery take
# fractions of a second.
FAST = {"REPRAM_ADDRESS": "127.0.0.1", "REPRAM_PING_INTERVAL": "0.3",
        "REPRAM_SYNC_INTERVAL": "0.3", "REPRAM_ISOLATION_INTERVAL": "0.5",
        "REPRAM_WRITE_TIMEOUT": "1"}

GOSSIP_TYPES = ("PUT", "ACK", "PING", "PONG", "SYNC")


def peer_ids(n: harness.Node) -> set:
    """Ids in the node's /v1/topology peer list."""
    return {p["id"] for p in n.get("/v1/topology").json()["peers"]}


def wait_peers(n: harness.Node, want: Iterable[str], timeout: float = 10.0) -> None:
    """Waits until the node's topology lists exactly the ids in ``want``."""
    want = set(want)
    harness.wait_until(lambda: peer_ids(n) == want, timeout=timeout,
                       message=f"{n.name} peers == {sorted(want)} (last: {_safe_ids(n)})")


def _safe_ids(n: harness.Node):
    try:
        return sorted(peer_ids(n))
    except Exception as exc:  # noqa: BLE001 - only for the failure message
        return repr(exc)


def gossip_counters(n: harness.Node) -> dict:
    """{"sent": {type: n}, "received": {type: n}, <other cluster series>: n} from /v1/metrics."""
    text = n.metrics()
    out = {"sent": {}, "received": {}}
    for t in GOSSIP_TYPES:
        out["sent"][t] = harness.metric_value(text, "repram_gossip_messages_sent_total", {"type": t})
        out["received"][t] = harness.metric_value(text, "repram_gossip_messages_received_total",
                                                  {"type": t})
    for name in ("repram_ping_failures_total", "repram_gossip_send_failures_total",
                 "repram_gossip_forwards_total", "repram_peer_evictions_total",
                 "repram_isolation_recoveries_total", "repram_isolation_recovery_failures_total"):
        out[name] = harness.metric_value(text, name)
    return out


def start_chain(node, ids: Iterable[str], env: Optional[Mapping[str, str]] = None,
                per_node: Optional[Mapping[str, Mapping[str, str]]] = None) -> list:
    """Starts one node per id; every node seeds from all nodes started before it, so the first
    one starts alone. ``per_node[id]`` adds variables for one node. Waits for a full mesh."""
    nodes = []
    for node_id in ids:
        e = dict(FAST, **(env or {}), REPRAM_NODE_ID=node_id, **(per_node or {}).get(node_id, {}))
        if nodes:
            e.setdefault("REPRAM_PEERS", ",".join(x.address for x in nodes))
        nodes.append(node(env=e, name=node_id))
    ids = [x.env["REPRAM_NODE_ID"] for x in nodes]
    for x, own in zip(nodes, ids):
        wait_peers(x, set(ids) - {own})
    return nodes


def recovery_delay_bound(interval: float, failures: float, slack: float = 1.0) -> float:
    """Longest wait until the next isolation check after ``failures`` consecutive failed attempts
    (cluster.md §11.2: min(I * 2^(k-1), 120 s) * 1.2 jitter; plain I when k = 0), plus slack."""
    k = int(failures or 0)
    base = interval if k == 0 else min(interval * 2 ** (k - 1), 120.0)
    return base * 1.2 + slack


def elapsed_since(t0: float) -> float:
    return time.monotonic() - t0
