"""Two enclaves in one cluster share topology but not data (cluster.md §6.3, §9.2)."""
import harness
from cluster_helpers import gossip_counters, peer_ids, start_chain
from harness import wait_until

ENCLAVE = {"alpha-1": "alpha", "alpha-2": "alpha", "beta-1": "beta", "beta-2": "beta"}


def put_counts(nodes):
    return {n.name: gossip_counters(n) for n in nodes}


def test_two_enclaves_share_topology_but_not_data(node):
    nodes = start_chain(node, list(ENCLAVE),
                        per_node={i: {"REPRAM_ENCLAVE": e} for i, e in ENCLAVE.items()})
    by_id = {n.name: n for n in nodes}
    a1, a2, b1, b2 = (by_id[i] for i in ("alpha-1", "alpha-2", "beta-1", "beta-2"))

    # Topology is shared: every node lists the three others with their enclave.
    for n in nodes:
        peers = n.get("/v1/topology").json()["peers"]
        assert {p["id"]: p["enclave"] for p in peers} == \
            {i: e for i, e in ENCLAVE.items() if i != n.name}, (n.name, peers)

    before = put_counts(nodes)
    writes = {a1: [b"alpha-secret-1", b"alpha-secret-2"], b1: [b"beta-secret-1"],
              a2: [b"alpha-secret-3"], b2: [b"beta-secret-2"]}
    for writer, keys in writes.items():
        for key in keys:
            # Quorum counts the own enclave only: 1 same-enclave peer -> 2 confirmations.
            r = writer.put(key.decode(), key)
            assert r.status == 201, (writer.name, r)
    # Every write is readable in its own enclave.
    for writer, keys in writes.items():
        same = [n for n in nodes if ENCLAVE[n.name] == ENCLAVE[writer.name]]
        for key in keys:
            for n in same:
                wait_until(lambda n=n, key=key: n.get("/v1/data/" + key.decode()).body == key,
                           timeout=1, message=f"{key!r} on {n.name}")
    after = put_counts(nodes)

    # "Never" in the other enclave: each originator sent exactly one PUT per write (to its only
    # same-enclave peer), and exactly that many arrived in its enclave. Nothing else is in flight,
    # so no PUT can still reach the other enclave.
    sent = {n.name: after[n.name]["sent"]["PUT"] - before[n.name]["sent"]["PUT"] for n in nodes}
    received = {n.name: after[n.name]["received"]["PUT"] - before[n.name]["received"]["PUT"]
                for n in nodes}
    assert sent == {"alpha-1": 2, "alpha-2": 1, "beta-1": 1, "beta-2": 1}, sent
    assert received == {"alpha-1": 1, "alpha-2": 2, "beta-1": 1, "beta-2": 1}, received
    for writer, keys in writes.items():
        other = [n for n in nodes if ENCLAVE[n.name] != ENCLAVE[writer.name]]
        for key in keys:
            for n in other:
                r = n.get("/v1/data/" + key.decode())
                assert r.status == 404, (n.name, key, r)
    for n in nodes:
        keys = set(n.get("/v1/keys").json()["keys"])
        own = {k.decode() for w, ks in writes.items() if ENCLAVE[w.name] == ENCLAVE[n.name]
               for k in ks}
        assert keys == own, (n.name, keys)
        # Membership spans both enclaves the whole time.
        assert len(peer_ids(n)) == 3
        assert harness.metric_value(n.metrics(), "repram_peers_active") == 3
