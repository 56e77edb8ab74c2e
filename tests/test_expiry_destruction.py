"""Expiry is destruction (issue #13 item 7, README "Expiry is destruction"): once a value has
expired, no copy of it is left anywhere in a node's memory -- not the store's copy, not a
request, response or socket buffer, not a replica's copy, not a gossip encoding (plain or
base64) -- and no log line ever contained it.

The scan reads every readable mapping of the node through /proc/<pid>/mem (the tests run as
root). It looks for the value's *tail*: the allocator writes its own pointers over the first
bytes of a freed block, so a head-only search would miss a block that was freed unwiped.
"""

from __future__ import annotations

import base64
import os
import secrets

import pytest

import harness
import ws_helpers
from cluster_helpers import FAST, start_chain

TTL = 2  # seconds; REPRAM_MIN_TTL is lowered to 1 below


def _readable_regions(pid: int):
    """Yields (start, end) of every readable mapping except the kernel's vvar/vsyscall pages."""
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            fields = line.split()
            if fields[1][0] != "r" or (len(fields) > 5 and fields[5] in ("[vvar]", "[vsyscall]")):
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            yield start, end


def memory_hits(pid: int, needles: dict) -> dict:
    """Returns {name: count} of the needles (name -> bytes) found in the process's memory."""
    hits = {name: 0 for name in needles}
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for start, end in _readable_regions(pid):
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except OSError:  # a mapping that went away or cannot be read (guard pages)
                continue
            for name, needle in needles.items():
                hits[name] += data.count(needle)
    return hits


def marked_value(size: int) -> tuple:
    """A value of `size` bytes (a multiple of 3) ending in a unique 48-byte marker, and the
    needles to look for: the marker itself and its base64 form (the marker starts at a multiple
    of 3, so its encoding is a fixed substring of the value's)."""
    assert size % 3 == 0 and size >= 96
    marker = secrets.token_hex(24).encode()  # 48 bytes
    head = os.urandom((size - len(marker)) // 2).hex().encode()[: size - len(marker)]
    value = head + marker
    offset = len(head)
    assert offset % 3 == 0
    encoded = base64.b64encode(value)
    b64_tail = encoded[offset // 3 * 4:(offset + len(marker)) // 3 * 4]
    assert b64_tail == base64.b64encode(marker)
    return value, {"plain": marker, "base64": b64_tail}


def _gone_everywhere(nodes, keys) -> bool:
    for n in nodes:
        for k in keys:
            if n.get(f"/v1/data/{k}").status != 404:
                return False
        if n.metric("repram_storage_entries") != 0:
            return False
    return True


def check_destroyed(writer, nodes, size: int, ttl: int) -> None:
    """Writes three marked values on `writer` over one keep-alive connection (left open, so the
    writer's session keeps its read buffer), reads each back on every node, checks the scan
    finds them while they live, waits until every node has reclaimed them and checks that no
    node's memory holds a tail and no log line contains one."""
    values = {f"destroy-{size}-{i}": marked_value(size) for i in range(3)}
    needles = {f"{key}/{form}": needle for key, (_, ns) in values.items()
               for form, needle in ns.items()}
    with writer.client() as keep_alive:
        for key, (value, _) in values.items():
            r = keep_alive.request("PUT", f"/v1/data/{key}?ttl={ttl}", body=value)
            assert r.status == 201, r
        for key, (value, _) in values.items():
            for n in nodes:
                harness.wait_until(lambda: n.get(f"/v1/data/{key}").body == value,
                                   message=f"{key} on {n.name}")
            assert keep_alive.request("GET", f"/v1/data/{key}").body == value

        # The scan finds live values: it would find leftovers too.
        for n in nodes:
            before = memory_hits(n.proc.pid, needles)
            assert all(before[f"{k}/plain"] > 0 for k in values), (n.name, before)

        harness.wait_until(lambda: _gone_everywhere(nodes, values), timeout=ttl + 5,
                           message="every value expired and reclaimed on every node")
        for n in nodes:
            after = memory_hits(n.proc.pid, needles)
            assert not any(after.values()), (n.name, {k: v for k, v in after.items() if v})

    for n in nodes:
        log = "\n".join(n.lines + n.stdout_lines)
        for name, needle in needles.items():
            assert needle.decode() not in log, f"{n.name} logged {name}"


# A value that travels inline in the gossip client's write buffer (<= 4 KiB of JSON) and one
# large enough to go out as a shared body of its own.
@pytest.mark.parametrize("size", [600, 6000])
def test_expired_value_leaves_no_copy_in_any_node(node, size):
    env = dict(FAST, REPRAM_MIN_TTL="1", REPRAM_LOG_LEVEL="debug", REPRAM_WRITE_TIMEOUT="1")
    nodes = start_chain(node, ["dz-a", "dz-b", "dz-c"], env=env)
    check_destroyed(nodes[0], nodes, size, ttl=2)


def test_expired_value_written_through_a_nat_transient_leaves_no_copy(node):
    """The WebSocket tree: a NAT'd transient relays its client's PUT to its parent over the
    link (and backfills it over HTTP); the parent pushes it to the other substrate."""
    extra = {"REPRAM_MIN_TTL": "1", "REPRAM_LOG_LEVEL": "debug"}
    s1 = node(env=ws_helpers.substrate_env("dz-sub-1", **extra), name="dz-sub-1")
    s2 = node(env=ws_helpers.substrate_env("dz-sub-2", peers=[s1], **extra), name="dz-sub-2")
    harness.wait_until(lambda: [p["id"] for p in ws_helpers.topology(s1)["peers"]] == ["dz-sub-2"],
                       timeout=10, message="dz-sub-1 to know dz-sub-2")
    t = ws_helpers.start_nat_transient(node, "dz-transient", [s1, s2], **extra)
    ws_helpers.wait_parent(t)
    check_destroyed(t, [t, s1, s2], 3000, ttl=4)
