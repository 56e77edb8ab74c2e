"""The durability test (issue #12): under a steady write load of unique keys from several
clients, every node of a 3-node cluster is SIGKILLed in turn mid-load and restarted with the same
id and port. Afterwards every key answered 201 must be readable on at least two nodes, and on all
three once catch-up and anti-entropy have run. A single lost key fails the test."""

from __future__ import annotations

import random
import threading
import time

import harness
from cluster_helpers import start_chain, wait_peers
from harness import wait_until

IDS = ("node-a", "node-b", "node-c")
ENV = {"REPRAM_ANTI_ENTROPY_INTERVAL": "1", "REPRAM_WRITE_TIMEOUT": "2"}
WRITERS = 4


class Load:
    """Writer threads PUT unique keys to random live nodes and remember the ones answered 201."""

    def __init__(self, nodes):
        self.nodes = nodes
        self.down = set()  # names of nodes being killed/restarted
        self.acked = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._write, args=(w,), daemon=True)
                        for w in range(WRITERS)]

    def _write(self, writer: int) -> None:
        rng = random.Random(writer)
        seq = 0
        while not self.stop.is_set():
            with self.lock:
                up = [n for n in self.nodes if n.name not in self.down]
            target = rng.choice(up)
            key = f"dur-{writer}-{seq}"
            seq += 1
            try:
                status = target.put(key, key.encode(), headers={"X-TTL": "600"}).status
            except OSError:
                continue  # the node died under the request: not acknowledged
            if status == 201:
                with self.lock:
                    self.acked.append(key)
            time.sleep(0.005)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)


def keys_on(n: harness.Node) -> set:
    return set(n.get("/v1/keys?prefix=dur-").json()["keys"])


def test_no_acknowledged_write_is_lost_when_each_node_is_killed_in_turn(node):
    started = time.monotonic()
    nodes = start_chain(node, IDS, env=ENV)
    order = random.sample(nodes, len(nodes))
    with Load(nodes) as load:

        def acked_grows_by(n: int) -> None:  # the load runs on while this many more keys land
            target = len(load.acked) + n
            wait_until(lambda: len(load.acked) >= target, timeout=30, interval=0.05,
                       message=f"{n} more writes answered 201")

        acked_grows_by(1000)
        for victim in order:
            with load.lock:
                load.down.add(victim.name)
            victim.kill()  # SIGKILL mid-load
            time.sleep(0.5)
            victim.restart()  # same id, same port
            for n in nodes:
                wait_peers(n, set(IDS) - {n.env["REPRAM_NODE_ID"]}, timeout=15)
            with load.lock:
                load.down.discard(victim.name)
            acked_grows_by(1000)  # load continues while the restarted node converges
    acked = set(load.acked)
    assert len(acked) > 500
    holders = [keys_on(n) for n in nodes]
    thin = [k for k in acked if sum(k in h for h in holders) < 2]
    assert not thin, f"{len(thin)} acknowledged keys on fewer than two nodes: {sorted(thin)[:10]}"

    def everywhere():
        return all(acked <= keys_on(n) for n in nodes)

    wait_until(everywhere, timeout=30, interval=0.5,
               message=f"all {len(acked)} acknowledged keys on all three nodes; missing: "
                       f"{[len(acked - keys_on(n)) for n in nodes]}")
    sample = random.sample(sorted(acked), 20)
    for n in nodes:
        for k in sample:
            assert n.get(f"/v1/data/{k}").body == k.encode()
    print(f"\ndurability: {len(acked)} keys answered 201, all on all three nodes after killing "
          f"{', '.join(v.name for v in order)} in turn ({time.monotonic() - started:.1f} s)")
