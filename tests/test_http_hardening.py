"""Hostile clients (issue #13 items 2, 3, 8): a rate limiter that address rotation cannot
escape, JSON nesting bombs refused before a tree is built, and floods of idle or trickling
connections that leave other clients served, with REPRAM_MAX_CONNECTIONS closing the oldest idle
connection at the cap.

Latency bounds are deliberately generous (the figures are printed; run with -s to see them):
these tests assert behaviour, not performance."""

from __future__ import annotations

import resource
import socket
import threading
import time

from harness import assert_text, build_request, wait_until

RATE = b"Rate limit exceeded\n"


def vm_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


def health_latency(n, samples: int = 5) -> float:
    """Returns the slowest of `samples` GET /v1/health, each on a new connection, in seconds."""
    worst = 0.0
    for _ in range(samples):
        t0 = time.monotonic()
        r = n.get("/v1/health")
        worst = max(worst, time.monotonic() - t0)
        assert r.status == 200, r
    return worst


def open_idle(n, count: int) -> list:
    socks = []
    for _ in range(count):
        s = socket.create_connection((n.host, n.port), timeout=10)
        socks.append(s)
    return socks


# ---- rate limiter ---------------------------------------------------------------------------

def test_rotating_the_client_chosen_forwarded_entry_does_not_escape_the_limit(node):
    n = node(env={"REPRAM_RATE_LIMIT": "20", "REPRAM_TRUST_PROXY": "true"})
    statuses = []
    t0 = time.monotonic()
    with n.client() as c:
        for i in range(200):
            xff = f"10.{i // 256}.{i % 256}.1, 203.0.113.7"  # the proxy appended the last one
            statuses.append(c.request("GET", "/v1/health", headers={"X-Forwarded-For": xff}))
    elapsed = time.monotonic() - t0
    allowed = sum(1 for r in statuses if r.status == 200)
    for r in statuses:
        if r.status != 200:
            assert_text(r, 429, RATE)
    # Burst 40 plus 20 per started second.
    assert allowed <= 40 + 20 * (int(elapsed) + 1), (allowed, elapsed)
    assert allowed < 200
    print(f"\n200 requests rotating the left-most X-Forwarded-For entry in {elapsed:.2f}s: "
          f"{allowed} allowed, {200 - allowed} limited")


# ---- JSON nesting bombs ---------------------------------------------------------------------

def test_a_16_mib_nesting_bomb_is_refused_quickly_with_flat_memory(node):
    n = node()
    pid = n.proc.pid
    r = n.request("POST", "/v1/gossip/message", b"{}", {"Content-Type": "application/json"})
    assert r.status == 200, r
    before = vm_kib(pid, "VmHWM")
    bomb = b"[" * (16 * 1024 * 1024)
    t0 = time.monotonic()
    r = n.request("POST", "/v1/gossip/message", bomb, {"Content-Type": "application/json"})
    elapsed = time.monotonic() - t0
    assert_text(r, 400, b"Invalid JSON\n")
    grown_mib = (vm_kib(pid, "VmHWM") - before) / 1024
    print(f"\n16 MiB nesting bomb: 400 after {elapsed * 1000:.0f} ms, peak RSS +{grown_mib:.1f} MiB")
    # The body itself (16 MiB) is read and held once; no tree is built from it.
    assert grown_mib < 48, f"peak RSS grew by {grown_mib:.1f} MiB"
    assert elapsed < 10, f"took {elapsed:.1f}s"
    r = n.request("POST", "/v1/bootstrap", b"[" * 100 + b"]" * 100,
                  {"Content-Type": "application/json"})
    assert_text(r, 400, b"Invalid JSON\n")


def test_over_long_ids_in_gossip_are_invalid_json(node):
    n = node()
    long_id = "n" * 257
    for body in [
        f'{{"type":"PING","from":"{long_id}","timestamp":1,"message_id":"m"}}',
        f'{{"type":"PING","from":"a","to":"{long_id}","timestamp":1,"message_id":"m"}}',
        '{"type":"PUT","from":"a","key":"k","data":"dg==","ttl":300,"timestamp":1,'
        f'"message_id":"{"m" * 8449}"}}',
        '{"type":"SYNC","from":"a","timestamp":1,"message_id":"m","node_info":'
        f'{{"id":"b","address":"{"h" * 257}","port":1,"http_port":2}}}}',
    ]:
        r = n.request("POST", "/v1/gossip/message", body.encode(),
                      {"Content-Type": "application/json"})
        assert_text(r, 400, b"Invalid JSON\n")
    ok = ('{"type":"PING","from":"' + "n" * 256 + '","timestamp":1,"message_id":"m"}').encode()
    r = n.request("POST", "/v1/gossip/message", ok, {"Content-Type": "application/json"})
    assert r.status == 200, r


# ---- floods and slow clients ----------------------------------------------------------------

class Trickler:
    """Sends one byte per `period` seconds on every socket from a background thread."""

    def __init__(self, socks: list, data: bytes, period: float):
        self.socks, self.data, self.period = socks, data, period
        self.rounds = 0  # rounds sent to every socket so far
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        i = 0
        while not self.stop.wait(self.period):
            byte = self.data[i % len(self.data):i % len(self.data) + 1]
            for s in self.socks:
                try:
                    s.send(byte)
                except OSError:
                    pass
            i += 1
            self.rounds = i

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


def test_idle_flood_leaves_other_clients_served_and_costs_little_memory(node):
    n = node()
    pid = n.proc.pid
    quiet = health_latency(n)
    rss_before = vm_kib(pid, "VmRSS")
    count = 10000
    socks = open_idle(n, count)
    try:
        # Each must have been through one request to hold the buffers of a used connection.
        for s in socks:
            s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        for s in socks:
            assert s.recv(4096).startswith(b"HTTP/1.1 200")
        rss_after = vm_kib(pid, "VmRSS")
        loaded = health_latency(n)
    finally:
        for s in socks:
            s.close()
    per_conn = (rss_after - rss_before) * 1024 / count
    print(f"\nidle flood of {count}: health {quiet * 1000:.1f} ms quiet, {loaded * 1000:.1f} ms "
          f"under flood; RSS +{(rss_after - rss_before) / 1024:.1f} MiB = {per_conn:.0f} B per "
          f"idle connection")
    assert loaded < 2.0


def test_header_trickle_leaves_other_clients_served(node):
    n = node()
    socks = open_idle(n, 2000)
    trickle = Trickler(socks, b"GET /v1/health HTTP/1.1\r\n" + b"X-Slow: " + b"a" * 4096, 0.2)
    try:
        wait_until(lambda: trickle.rounds >= 5, timeout=10,
                   message="five header bytes sent on every connection")
        loaded = health_latency(n)
        assert n.alive()
    finally:
        trickle.close()
        for s in socks:
            s.close()
    print(f"\nheader trickle on 2000 connections: health {loaded * 1000:.1f} ms")
    assert loaded < 2.0


def test_body_trickle_leaves_other_clients_served(node):
    n = node()
    socks = open_idle(n, 2000)
    for s in socks:
        s.sendall(build_request("PUT", "/v1/data/slow", [("Content-Length", "100000")]))
    trickle = Trickler(socks, b"x", 1.0)
    try:
        wait_until(lambda: trickle.rounds >= 1, timeout=10,
                   message="a body byte sent on every connection")
        loaded = health_latency(n)
        assert n.get("/v1/data/slow").status == 404  # nothing half-written is visible
    finally:
        trickle.close()
        for s in socks:
            s.close()
    print(f"\nbody trickle (1 byte/s) on 2000 connections: health {loaded * 1000:.1f} ms")
    assert loaded < 2.0


def test_at_the_connection_cap_the_oldest_idle_connection_is_closed(node):
    n = node(env={"REPRAM_MAX_CONNECTIONS": "20", "REPRAM_THREADS": "1"})
    n.wait_for_log("At most 20 open HTTP connections")
    socks = open_idle(n, 20)
    try:
        socks[0].sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert socks[0].recv(4096).startswith(b"HTTP/1.1 200")
        # Requests pass the cap: each new connection closes the oldest idle one.
        assert n.get("/v1/health").status == 200
        socks[0].settimeout(5)
        assert socks[0].recv(1) == b"", "the oldest idle connection was not closed"
        n.wait_for_log("connection cap reached (REPRAM_MAX_CONNECTIONS=20)")
    finally:
        for s in socks:
            s.close()


def test_the_soft_descriptor_limit_is_raised_to_the_hard_limit(node):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 512), hard))  # the node inherits it
    try:
        n = node()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    with open(f"/proc/{n.proc.pid}/limits") as f:
        line = next(l for l in f if l.startswith("Max open files"))
    soft, hard = line.split()[3:5]
    assert soft == hard, line
