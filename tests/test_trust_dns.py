"""Public-network trust end to end (trust.md §7-§10, cluster.md §7, §11): real repram processes
resolve a signed root list from a real DNS server (dnsmasq on 127.0.0.1, REPRAM_DNS_SERVERS),
signed with a test omega key made by repram-omega (REPRAM_OMEGA_PUBKEY).

Every node listens on a port reserved beforehand, so lists can name it as 127.0.0.1:<port>.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time

import pytest

import harness
from harness import assert_json, metric_value, run_repram, wait_until
from omega_dns import Dnsmasq, Signer, closed_udp_port, reserve_port, write_cache

FAST = {"REPRAM_ADDRESS": "127.0.0.1", "REPRAM_PING_INTERVAL": "0.3",
        "REPRAM_SYNC_INTERVAL": "0.3", "REPRAM_ISOLATION_INTERVAL": "0.5",
        "REPRAM_WRITE_TIMEOUT": "2"}
GATE_BODY = b'{"error":"not a bootstrap root"}\n'
PEERS_WARNING = ("REPRAM_NETWORK=public with REPRAM_PEERS set: skipping omega verification. "
                 "This node will not be recognized as a bootstrap root and will return 403 for "
                 "/v1/bootstrap requests.")


@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    return Signer(str(tmp_path_factory.mktemp("omega")))


@pytest.fixture
def dns():
    d = Dnsmasq()
    yield d
    d.close()


class Slot:
    """A node-to-be: its name and reserved port, and the list entry naming it."""

    def __init__(self, name: str):
        self.name = name
        self.port = reserve_port()
        self.entry = f"127.0.0.1:{self.port}"


def slots(*names):
    return [Slot(n) for n in names]


def public_env(slot: Slot, signer: Signer, dns_server: str, **extra) -> dict:
    return dict(FAST, REPRAM_NETWORK="public", REPRAM_NODE_ID=slot.name,
                REPRAM_HTTP_PORT=str(slot.port), REPRAM_OMEGA_PUBKEY=signer.public_b64,
                REPRAM_DNS_SERVERS=dns_server, **extra)


def start_public(node, slot, signer, dns_server, wait=True, **extra):
    return node(env=public_env(slot, signer, dns_server, **extra), name=slot.name, wait=wait)


def bootstrap_probe(n: harness.Node) -> harness.Response:
    """POST /v1/bootstrap to n announcing n itself: a root answers 200 (the joiner's own id is
    skipped, membership unchanged); a gated node answers 403."""
    body = json.dumps({"node_id": n.name, "address": "127.0.0.1", "gossip_port": 9090,
                       "http_port": n.port, "enclave": "default"}).encode()
    return n.request("POST", "/v1/bootstrap", body=body,
                     headers={"Content-Type": "application/json"})


def assert_root(n: harness.Node) -> None:
    r = bootstrap_probe(n)
    value = assert_json(r, 200)
    assert value["success"] is True, r
    assert metric_value(n.metrics(), "repram_omega_root") == 1


def assert_gated(n: harness.Node) -> None:
    r = bootstrap_probe(n)
    assert (r.status, r.body) == (403, GATE_BODY), r
    assert r.header("Content-Type") == "application/json", r
    assert metric_value(n.metrics(), "repram_omega_root") == 0


def exp_of(record: str) -> int:
    return int(re.search(r";exp=(\d+);", record).group(1))


def refreshed_to(record: str) -> str:
    """The refresher's log line prefix for an accepted ``record``."""
    nodes = len(re.search(r";nodes=([^;]+);", record).group(1).split(","))
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exp_of(record)))
    return f"Omega refresh: verified signed root list ({nodes} nodes, expires {expires})"


def peer_ids(n: harness.Node) -> list:
    return sorted(p["id"] for p in n.get("/v1/topology").json()["peers"])


def wait_peers(n: harness.Node, ids, timeout=10.0) -> None:
    want = sorted(ids)
    wait_until(lambda: peer_ids(n) == want, timeout=timeout,
               message=f"{n.name} peers == {want}")


def test_two_roots_and_a_joiner_replicate(node, signer, dns):
    a, b, c = slots("root-a", "root-b", "joiner-c")
    dns.start([signer.record([a.entry, b.entry], 600)])
    na, nb = [start_public(node, s, signer, dns.server, wait=False) for s in (a, b)]
    for n in (na, nb):
        n.wait_listening()
    nc = start_public(node, c, signer, dns.server)

    for n, s in ((na, a), (nb, b)):
        n.wait_for_log(f"Initial root status: bootstrap root (advertised as {s.entry})")
        assert_root(n)
    nc.wait_for_log(f"Initial root status: not a root (advertised as {c.entry}); "
                    "/v1/bootstrap returns 403")
    nc.wait_for_log("Omega bootstrap: verified signed root list (2 nodes, expires ")
    assert_gated(nc)
    for n in (na, nb, nc):
        assert abs(metric_value(n.metrics(), "repram_omega_last_refresh_unix_seconds")
                   - time.time()) < 30

    # The joiner (no REPRAM_PEERS) bootstrapped from the roots; everyone knows everyone.
    for n in (na, nb, nc):
        wait_peers(n, {"root-a", "root-b", "joiner-c"} - {n.name})
    for i, writer in enumerate((nc, na)):
        r = writer.put(f"pub{i}", b"value-%d" % i)
        assert r.status == 201, r
        for reader in (na, nb, nc):
            wait_until(lambda reader=reader: reader.get(f"/v1/data/pub{i}").status == 200,
                       timeout=3, message=f"pub{i} on {reader.name}")
            assert reader.get(f"/v1/data/pub{i}").body == b"value-%d" % i


def test_republished_list_changes_roles_after_the_next_refresh(node, signer, dns):
    a, b, c = slots("root-a", "root-b", "node-c")
    # A short lifetime makes the first scheduled refresh come 0.81-0.99 x 12 s after start-up:
    # late enough to republish first, soon enough for the test.
    dns.start([signer.record([a.entry, b.entry], 12)])
    na, nb = [start_public(node, s, signer, dns.server, wait=False) for s in (a, b)]
    for n in (na, nb):
        n.wait_listening()
    nc = start_public(node, c, signer, dns.server)
    for n in (na, nb, nc):
        wait_peers(n, {"root-a", "root-b", "node-c"} - {n.name})
    assert_root(na)
    assert_root(nb)
    assert_gated(nc)

    # Republish well before the first refresh is due: b drops out, c comes in.
    republished = signer.record([a.entry, c.entry], 600)
    dns.restart([republished])
    nb.wait_for_log("Root status changed: this node is no longer a bootstrap root", timeout=16)
    nc.wait_for_log("Root status changed: this node is now a bootstrap root", timeout=16)
    na.wait_for_log(refreshed_to(republished), timeout=16)
    assert_gated(nb)
    assert_root(nc)
    assert_root(na)
    assert "Root status changed" not in na.stderr_text()


def test_dns_down_with_a_valid_cache_starts_from_the_cache(node, signer, dns, tmp_path):
    (a,) = slots("root-a")
    cache = str(tmp_path / "cache")
    dead = f"127.0.0.1:{reserve_port()}"
    dns.start([signer.record([a.entry, dead], 600)])
    first = start_public(node, a, signer, dns.server, REPRAM_CACHE_DIR=cache)
    first.wait_for_log("Initial root status: bootstrap root")
    # Start-up after a DNS success writes the cache: directory 0700, file 0600 (trust.md §8).
    path = os.path.join(cache, "root-list.json")
    wait_until(lambda: os.path.exists(path), message="root-list.json")
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    cached = json.loads(open(path).read())
    assert cached["version"] == "omega-v1"
    assert cached["nodes"] == sorted([a.entry, dead])  # as received: signed lists are sorted
    assert first.stop() == 0
    dns.stop()

    second = start_public(node, a, signer, dns.server, REPRAM_CACHE_DIR=cache)
    second.wait_for_log(f"Omega DNS fetch failed: lookup _bootstrap.repram.io: ")
    assert f"trying cached list at {cache}" in second.stderr_text()
    second.wait_for_log("Omega bootstrap: using cached signed root list (2 nodes, expires ")
    second.wait_for_log(f"Initial root status: bootstrap root (advertised as {a.entry})")
    assert_root(second)
    assert metric_value(second.metrics(), "repram_omega_last_refresh_unix_seconds") > 0
    assert second.put("from-cache", b"v").status == 201


def public_run_env(signer, cache_dir, **extra):
    return dict(REPRAM_NETWORK="public", REPRAM_ADDRESS="127.0.0.1",
                REPRAM_OMEGA_PUBKEY=signer.public_b64, REPRAM_CACHE_DIR=cache_dir,
                REPRAM_DNS_SERVERS=f"127.0.0.1:{closed_udp_port()}", **extra)


def assert_refused(p, *messages):
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 1, f"exit {p.returncode}; stderr:\n{err}"
    for m in messages:
        assert m in err, f"{m!r} missing from:\n{err}"
    assert "Listening on" not in err, err


def test_dns_down_with_an_expired_cache_refuses_to_start(signer, tmp_path):
    cache = str(tmp_path / "cache")
    past = int(time.time()) - 1000
    record = signer.record(["127.0.0.1:8080"], 500, now=past)
    write_cache(cache, record)
    p = run_repram(env=public_run_env(signer, cache), timeout=20)
    assert_refused(p, "Omega DNS fetch failed: lookup _bootstrap.repram.io: ",
                   f"Omega bootstrap failed: cached omega list invalid: trust: signed list has "
                   f"expired: exp={past + 500} now=",
                   "(dns: lookup _bootstrap.repram.io: ")


def test_dns_down_without_a_cache_refuses_to_start(signer, tmp_path):
    p = run_repram(env=public_run_env(signer, str(tmp_path / "empty")), timeout=20)
    assert_refused(p, "Omega bootstrap failed: no DNS record and no cache available: "
                      "lookup _bootstrap.repram.io: ")


def test_public_without_omega_key_refuses_to_start(tmp_path):
    p = run_repram(env={"REPRAM_NETWORK": "public", "REPRAM_CACHE_DIR": str(tmp_path),
                        "REPRAM_DNS_SERVERS": f"127.0.0.1:{closed_udp_port()}"}, timeout=20)
    assert_refused(p, "Omega bootstrap failed: baked-in omega pubkey is invalid: trust: omega "
                      "pubkey is the placeholder or a small-order point",
                   "Set REPRAM_OMEGA_PUBKEY to the base64 omega public key, or use "
                   "REPRAM_NETWORK=private.")


def test_public_with_peers_skips_omega_and_is_never_a_root(node):
    n = node(env=dict(FAST, REPRAM_NETWORK="public", REPRAM_NODE_ID="peers-only",
                      REPRAM_PEERS=f"127.0.0.1:{reserve_port()}",
                      REPRAM_DNS_SERVERS=f"127.0.0.1:{closed_udp_port()}"), name="peers-only")
    n.wait_for_log(PEERS_WARNING)
    assert_gated(n)
    assert metric_value(n.metrics(), "repram_omega_last_refresh_unix_seconds") == 0
    assert "Omega" not in n.stderr_text()


def test_isolated_node_rebootstraps_from_the_list_current_at_recovery(node, signer, dns):
    a, c, d = slots("old-root-a", "node-c", "new-root-d")
    dns.start([signer.record([a.entry], 600)])
    na = start_public(node, a, signer, dns.server)
    nc = start_public(node, c, signer, dns.server)
    wait_peers(nc, {"old-root-a"})

    # The operator moves the network to d; c still holds the start-up list naming only a.
    moved = signer.record([d.entry], 900)
    dns.restart([moved])
    nd = start_public(node, d, signer, dns.server)
    nd.wait_for_log("Initial root status: bootstrap root")
    assert "new-root-d" not in peer_ids(nc)
    na.kill()

    # c evicts a, finds itself isolated, asks for a refresh and rejoins through d.
    nc.wait_for_log("Isolated (0 peers, threshold 0); re-bootstrapping from", timeout=10)
    nc.wait_for_log(refreshed_to(moved), timeout=10)
    wait_peers(nc, {"new-root-d"}, timeout=15)
    wait_peers(nd, {"node-c"})
    assert metric_value(nc.metrics(), "repram_isolation_recoveries_total") >= 1
    assert nc.put("rejoined", b"v").status == 201
    wait_until(lambda: nd.get("/v1/data/rejoined").status == 200, timeout=3)


def test_refresh_ignores_a_list_that_expires_earlier(node, signer, dns):
    a, b = slots("root-a", "root-b")
    current = signer.record([a.entry, b.entry], 600)
    current_exp = exp_of(current)
    dns.start([current])
    # b first (alone), then a joins it: a's start-up bootstrap succeeds, so a's first refresh is
    # the one isolation recovery asks for below.
    nb = start_public(node, b, signer, dns.server)
    na = start_public(node, a, signer, dns.server)
    wait_peers(na, {"root-b"})

    older = signer.record([b.entry], 300)  # valid, but expires before the current list
    older_exp = exp_of(older)
    assert older_exp < current_exp
    dns.restart([older])
    nb.kill()
    na.wait_for_log(f"Omega refresh: trust: refusing older signed root list: exp={older_exp} < "
                    f"current exp={current_exp}", timeout=15)
    assert_root(na)
    assert "Root status changed" not in na.stderr_text()
    assert "Omega refresh: verified" not in na.stderr_text()
