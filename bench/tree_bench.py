"""The measuring half of bench/tree_bench.sh: wrk results and replication of the transient's
writes, then 1,000 raw children on sub-1, then the reattach time after SIGKILL of sub-1."""

import asyncio
import http.client
import json
import os
import re
import signal
import sys
import time
import urllib.parse

import websockets

wrk_out, port_1, port_2, port_t, pid_1 = sys.argv[1], *map(int, sys.argv[2:6])
text = open(wrk_out).read()


def ms(label):
    m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)\b" % label, text, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v


def request(host, port, method, path, body=None):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request(method, path, body)
    r = conn.getresponse()
    return r.status, r.read()


def keys(host, port):
    out, cursor = set(), None
    while True:
        q = "/v1/keys?prefix=c-&limit=10000" + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
        page = json.loads(request(host, port, "GET", q)[1])
        out.update(page["keys"])
        cursor = page.get("next_cursor")
        if not cursor:
            return out


rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
counts = {s: int(re.search(r"status %s: (\d+)" % s, text).group(1)) for s in ("201", "202", "other")}
stored = keys("127.0.0.2", port_t)
deadline = time.monotonic() + 10
while True:
    missing = {p: len(stored - keys("127.0.0.1", p)) for p in (port_1, port_2)}
    if not any(missing.values()) or time.monotonic() > deadline:
        break
    time.sleep(0.5)
print("| PUT/s | p50 ms | p99 ms | 201 share | 202 | other | keys on the transient | missing on sub-1 / sub-2 |")
print("|---|---|---|---|---|---|---|---|")
print(f"| {rps:.0f} | {ms('50%'):.2f} | {ms('99%'):.2f} | {counts['201'] / sum(counts.values()):.2%} "
      f"| {counts['202']} | {counts['other']} | {len(stored)} | {missing[port_1]} / {missing[port_2]} |")


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])


def hello(node_id):
    payload = json.dumps({"node_id": node_id, "enclave": "default", "address": "127.0.0.9",
                          "http_port": 1, "capabilities": {"inbound": "false"}},
                         separators=(",", ":"))
    return '{"type":"hello","payload":' + payload + "}"


async def children(count=1000):
    url = f"ws://127.0.0.1:{port_1}/v1/ws"
    before = rss_kib(pid_1)

    async def attach(i):
        ws = await websockets.connect(url, compression=None, ping_interval=None, max_size=None)
        await ws.send(hello(f"bench-kid-{i}"))
        while json.loads(await ws.recv())["type"] != "welcome":
            pass
        return ws
    links = []
    for start in range(0, count, 100):
        links += await asyncio.gather(*(attach(i) for i in range(start, min(start + 100, count))))
    await asyncio.sleep(1)
    per_child = (rss_kib(pid_1) - before) / count

    async def arrival(ws):
        while True:
            msg = json.loads(await ws.recv())
            if msg["type"] == "put" and msg["payload"]["key"] == "fanout-probe":
                return time.monotonic()
    waiters = [asyncio.ensure_future(arrival(ws)) for ws in links]
    t0 = time.monotonic()
    status = await asyncio.get_running_loop().run_in_executor(
        None, lambda: request("127.0.0.1", port_2, "PUT", "/v1/data/fanout-probe?ttl=600", b"x")[0])
    last = max(await asyncio.gather(*waiters))
    await asyncio.gather(*(ws.close() for ws in links))
    return per_child, (last - t0) * 1000, status


per_child, fanout_ms, status = asyncio.run(children())
print()
print("| children | RSS per child | PUT on sub-2 → all children (incl. the PUT's own round trip) |")
print("|---|---|---|")
print(f"| 1,000 | {per_child:.1f} KiB | {fanout_ms:.0f} ms (PUT answered {status}) |")

os.kill(pid_1, signal.SIGKILL)
t0 = time.monotonic()
while time.monotonic() - t0 < 30:
    topo = json.loads(request("127.0.0.2", port_t, "GET", "/v1/topology")[1])
    if topo.get("parent_id") == "sub-2":
        break
    time.sleep(0.02)
reattach = time.monotonic() - t0
status = request("127.0.0.2", port_t, "PUT", "/v1/data/after-kill?ttl=600", b"x")[0]
print()
print(f"Reattach after SIGKILL of the parent: {reattach:.2f} s (next PUT answered {status})")
