"""Fault scenarios on loopback: the upstream burn-in (both peers lost, then back, node-a never
restarted) and a restart under a new id at the same address (cluster.md §8, §11)."""
import signal
import time

import harness
from cluster_helpers import (FAST, elapsed_since, gossip_counters, peer_ids,
                             recovery_delay_bound, start_chain, wait_peers)
from harness import wait_until

ISOLATION_INTERVAL = float(FAST["REPRAM_ISOLATION_INTERVAL"])


def burn_in_cluster(node):
    """node-c starts alone, node-b seeds from node-c, node-a from node-b and node-c. Restarted
    with the same configuration, node-b and node-c never contact node-a on their own: only
    node-a's isolation recovery (its REPRAM_PEERS snapshot) can bring them back to it."""
    c, b, a = start_chain(node, ["node-c", "node-b", "node-a"])
    return a, b, c


def assert_recovers_and_replicates(a, b, c, a_pid):
    """node-a, isolated with k failed recovery attempts, has both peers again within its next
    isolation check (+ slack) and replicates again; it was never restarted."""
    failures = harness.metric_value(a.metrics(), "repram_isolation_recovery_failures_total")
    bound = recovery_delay_bound(ISOLATION_INTERVAL, failures)
    t0 = time.monotonic()
    wait_peers(a, {"node-b", "node-c"}, timeout=bound + 5)
    took = elapsed_since(t0)
    assert took <= bound, f"node-a took {took:.2f}s to get its peers back (bound {bound:.2f}s)"
    assert a.alive() and a.proc.pid == a_pid, "node-a must not have been restarted"
    r = a.put("burn-in-after", b"replicated again")
    assert r.status == 201, r
    for other in (b, c):
        wait_until(lambda o=other: o.get("/v1/data/burn-in-after").body == b"replicated again",
                   timeout=1, message=f"burn-in-after on {other.name}")
    return took


def test_burn_in_sigstop_peers_until_evicted_then_sigcont(node):
    a, b, c = burn_in_cluster(node)
    a_pid = a.proc.pid
    assert a.put("burn-in-before", b"v").status == 201
    for n in (b, c):
        n.signal(signal.SIGSTOP)
    try:
        wait_peers(a, set(), timeout=10)
        assert harness.metric_value(a.metrics(), "repram_isolated") == 1
        assert a.put("while-alone", b"v").status == 201  # alone: quorum 1
    finally:
        for n in (b, c):
            n.signal(signal.SIGCONT)
    took = assert_recovers_and_replicates(a, b, c, a_pid)
    assert harness.metric_value(a.metrics(), "repram_isolated") == 0
    print(f"\nburn-in SIGSTOP/SIGCONT: node-a had its peers back after {took:.2f}s")


def test_burn_in_kill_peers_until_evicted_then_restart_on_same_ports(node):
    a, b, c = burn_in_cluster(node)
    a_pid = a.proc.pid
    before = gossip_counters(a)["repram_isolation_recoveries_total"]
    b_port, c_port = b.port, c.port
    b.kill()
    c.kill()
    wait_peers(a, set(), timeout=10)
    assert a.put("while-alone", b"v").status == 201
    c.restart()  # alone again, as configured
    b.restart()  # seeds from node-c only
    assert (b.port, c.port) == (b_port, c_port)
    # node-b lists node-a too when node-a's recovery reached node-c before node-b's bootstrap.
    wait_until(lambda: "node-c" in peer_ids(b), timeout=5, message="node-b back with node-c")
    took = assert_recovers_and_replicates(a, b, c, a_pid)
    # node-b and node-c only knew node-a after a re-bootstrap of node-a's.
    assert gossip_counters(a)["repram_isolation_recoveries_total"] >= before + 1
    a.wait_for_log("Isolation recovery succeeded")
    print(f"\nburn-in kill/restart: node-a had its peers back after {took:.2f}s")


def test_restart_under_new_id_at_same_address_leaves_no_ghost(node):
    ping = 0.5
    a, b, c = start_chain(node, ["node-a", "node-b", "node-c"],
                          env={"REPRAM_PING_INTERVAL": str(ping)})
    c.restart({"REPRAM_NODE_ID": "node-c2", "REPRAM_PEERS": a.address})
    # The old id is still listed next to the new one: the ghost the PONG rule must remove.
    wait_until(lambda: {"node-c", "node-c2"} <= peer_ids(a), timeout=2,
               message="node-a lists node-c2 while the ghost node-c is still there")
    t0 = time.monotonic()
    # Three failed rounds (2xx without a PONG from node-c), plus the round in progress.
    bound = 5 * ping + 1.0
    wait_peers(a, {"node-b", "node-c2"}, timeout=bound)
    wait_peers(b, {"node-a", "node-c2"}, timeout=max(bound - elapsed_since(t0), 0.5))
    for n in (a, b):
        assert gossip_counters(n)["repram_peer_evictions_total"] >= 1
    # The ghost stays gone (quarantine against propagated SYNCs), and the new node never took
    # its own old id, which shares its address, as a peer.
    time.sleep(4 * ping)
    assert peer_ids(a) == {"node-b", "node-c2"}
    assert peer_ids(b) == {"node-a", "node-c2"}
    assert peer_ids(c) == {"node-a", "node-b"}
    r = c.put("from-c2", b"v")
    assert r.status == 201, r
    wait_until(lambda: a.get("/v1/data/from-c2").status == 200 and
               b.get("/v1/data/from-c2").status == 200, timeout=1)
