"""A real network partition: three nodes, each in its own network namespace with its own address
on a private test bridge; node-a's link is cut, it evicts its peers, and once the link is back it
rejoins through isolation recovery (cluster.md §8, §11). Needs root and iproute2 (CI has both)."""
import os
import random
import shutil
import subprocess
import time

import pytest

import harness
from cluster_helpers import FAST, gossip_counters, wait_peers
from harness import wait_until

IP = shutil.which("ip") or "/usr/sbin/ip"
PORT = 18080  # every node has its own namespace, so the same port everywhere


def ip(*args, check=True):
    return subprocess.run([IP, *args], check=check, capture_output=True, text=True)


class Net:
    """A bridge in the root namespace with a random 10.x.y.0/24 subnet (.254 on the bridge, so
    the test reaches every node) and one namespace per node, joined by a veth pair."""

    def __init__(self):
        self.tag = f"{os.getpid() % 10000:04d}{random.randrange(16 ** 2):02x}"
        self.bridge = f"rpb{self.tag}"
        used = ip("-4", "route", "show").stdout
        while True:
            self.prefix = f"10.{random.randrange(64, 250)}.{random.randrange(1, 250)}"
            if f"{self.prefix}." not in used:
                break
        self.namespaces, self.links = [], []
        ip("link", "add", self.bridge, "type", "bridge")
        ip("addr", "add", f"{self.prefix}.254/24", "dev", self.bridge)
        ip("link", "set", self.bridge, "up")

    def add_host(self, letter: str, index: int) -> str:
        """Creates namespace rp<tag><letter> with address <prefix>.<index>; returns the address."""
        ns, host_if = f"rp{self.tag}{letter}", f"rpv{self.tag}{letter}"
        ip("netns", "add", ns)
        self.namespaces.append(ns)
        ip("link", "add", host_if, "type", "veth", "peer", "name", "eth0", "netns", ns)
        self.links.append(host_if)
        ip("link", "set", host_if, "master", self.bridge)
        ip("link", "set", host_if, "up")
        addr = f"{self.prefix}.{index}"
        ip("-n", ns, "addr", "add", f"{addr}/24", "dev", "eth0")
        ip("-n", ns, "link", "set", "eth0", "up")
        ip("-n", ns, "link", "set", "lo", "up")
        return addr

    def set_link(self, letter: str, up: bool) -> None:
        ip("link", "set", f"rpv{self.tag}{letter}", "up" if up else "down")

    def destroy(self) -> None:
        for ns in self.namespaces:  # deleting a namespace deletes its veth pair
            ip("netns", "del", ns, check=False)
        for link in self.links:
            ip("link", "del", link, check=False)
        ip("link", "del", self.bridge, check=False)


@pytest.fixture
def net():
    if os.geteuid() != 0 or not os.access(IP, os.X_OK):
        pytest.skip("network namespaces need root and iproute2 (`ip`)")
    n = Net()
    try:
        yield n
    finally:
        n.destroy()


def start_in_namespace(node, net, letter, addr, peers):
    n = node(env=dict(FAST, REPRAM_NODE_ID=f"node-{letter}", REPRAM_BIND=addr,
                      REPRAM_ADDRESS=addr, REPRAM_HTTP_PORT=str(PORT),
                      REPRAM_PEERS=",".join(f"{p}:{PORT}" for p in peers)),
             name=f"node-{letter}", binary=IP, wait=False,
             args=["netns", "exec", f"rp{net.tag}{letter}", harness.repram_bin()])
    n.host = addr
    n.wait_listening()
    return n


# `net` before `node`: the nodes are stopped before the namespaces go away.
def test_partitioned_node_evicts_its_peers_and_recovers_when_the_link_returns(net, node):
    addrs = {c: net.add_host(c, i + 1) for i, c in enumerate("abc")}
    nodes = {c: start_in_namespace(node, net, c, addrs[c], [addrs[o] for o in "abc" if o != c])
             for c in "abc"}
    a, b, c = nodes["a"], nodes["b"], nodes["c"]
    for x in "abc":
        wait_peers(nodes[x], {f"node-{o}" for o in "abc" if o != x})
    assert a.put("before-cut", b"v").status == 201

    recovered = "Isolation recovery succeeded"
    earlier = sum(recovered in line for line in list(a.lines))  # e.g. while the others started
    net.set_link("a", up=False)
    try:
        # Both sides see the partition: node-a (unreachable now, so through its log) evicts both
        # peers and finds itself isolated; node-b and node-c evict node-a.
        for peer in ("node-b", "node-c"):
            a.wait_for_log(f"Evicted peer {peer} after 3 failed ping rounds", timeout=10)
        a.wait_for_log("Isolated (0 peers, threshold 0)", timeout=5)
        wait_peers(b, {"node-c"}, timeout=10)
        wait_peers(c, {"node-b"}, timeout=10)
        assert b.put("during-cut", b"v").status == 201  # the majority side keeps its quorum
    finally:
        net.set_link("a", up=True)

    # node-b and node-c dropped node-a and never contact it on their own: only node-a's
    # isolation recovery (its REPRAM_PEERS snapshot) can join the two sides again.
    t0 = time.monotonic()
    wait_until(lambda: sum(recovered in line for line in list(a.lines)) > earlier, timeout=20,
               message="node-a logs a successful isolation recovery after the link is back")
    took = time.monotonic() - t0
    for x in "abc":
        wait_peers(nodes[x], {f"node-{o}" for o in "abc" if o != x}, timeout=5)
    assert gossip_counters(a)["repram_isolation_recoveries_total"] >= earlier + 1
    assert harness.metric_value(a.metrics(), "repram_isolated") == 0
    r = a.put("after-heal", b"healed")
    assert r.status == 201, r
    for x in (b, c):
        wait_until(lambda x=x: x.get("/v1/data/after-heal").body == b"healed", timeout=1)
    print(f"\nnetns partition: node-a recovered {took:.2f}s after the link came back")
