"""A raw WebSocket child against a real substrate (ws-tree.md §2, §3, §6.1, §10): handshake
closes, frames the substrate must ignore, duplicate ids, ACK routing and the load case."""

import asyncio
import json

import pytest
import websockets

from harness import wait_until
from ws_helpers import (attach, child_ids, connect, frame, hello, put_payload, recv_until, run,
                        substrate_env, topology)


@pytest.fixture
def sub(node):
    return node(env=substrate_env("sub-1"), name="sub-1")


async def close_code_after(n, first_frame: str):
    ws = await connect(n)
    await ws.send(first_frame)
    with pytest.raises(websockets.ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 5)
    return ws.close_code, ws.close_reason


def test_plain_get_is_400_and_upgrade_answers_101_without_deflate(sub):
    r = sub.get("/v1/ws")
    assert (r.status, r.body) == (400, b"Bad Request\n"), r

    async def go():
        ws = await connect(sub)
        assert ws.response_headers.get("Sec-WebSocket-Extensions") is None
        await ws.close()
    run(go())


def test_self_attach_1008_and_bad_hello_1003(sub):
    assert run(close_code_after(sub, frame("hello", hello("sub-1")))) == (1008, "self attach")
    assert run(close_code_after(sub, frame("hello", {"enclave": "x"}))) == (1003, "bad hello")
    assert child_ids(sub) == []


def test_message_over_16_mib_closes_1009(sub):
    async def go():
        ws, _ = await attach(sub, "big")
        with pytest.raises(websockets.ConnectionClosed):
            await ws.send("x" * (16 * 1024 * 1024 + 1))
            await asyncio.wait_for(ws.recv(), 10)
        return ws.close_code
    assert run(go()) == 1009


def test_gossip_before_hello_garbage_and_binary_frames_are_ignored(sub):
    async def go():
        ws = await connect(sub)
        await ws.send(frame("put", put_payload("early", "early-key", b"x", "early-1")))
        await ws.send("not json")
        await ws.send('{"type":"put","payload":null}')
        await ws.send(b"\x00\x01binary")
        await ws.send(frame("hello", hello("kid")))
        welcome = await recv_until(ws, lambda m: m["type"] == "welcome")
        assert welcome["payload"]["your_position"] == {"depth": 1, "parent_id": "sub-1"}
        await ws.send("[1,2]")
        await ws.send(frame("ping", {"type": "PING", "from": "kid", "to": "sub-1",
                                     "timestamp": 1, "message_id": "p-1"}))
        pong = await recv_until(ws, lambda m: m["type"] == "pong")
        assert pong["payload"]["to"] == "kid"
        await ws.close()
    run(go())
    assert sub.get("/v1/data/early-key").status == 404


def test_duplicate_id_replaces_the_old_connection(sub):
    async def go():
        old, _ = await attach(sub, "dup")
        new, _ = await attach(sub, "dup")
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(old.recv(), 5)
        assert (old.close_code, old.close_reason) == (1000, "replaced")
        await asyncio.sleep(0.2)  # the old connection's close has been handled by now
        assert child_ids(sub) == ["dup"]
        await new.close()
    run(go())
    wait_until(lambda: child_ids(sub) == [], timeout=5, message="dup detached")


def test_acks_of_every_mesh_node_come_back_through_the_parent(node):
    s1 = node(env=substrate_env("sub-1"), name="sub-1")
    s2 = node(env=substrate_env("sub-2", peers=[s1]), name="sub-2")
    s3 = node(env=substrate_env("sub-3", peers=[s1, s2]), name="sub-3")
    for s in (s1, s2, s3):
        wait_until(lambda s=s: len(topology(s)["peers"]) == 2, timeout=10, message="full mesh")

    async def go():
        ws, _ = await attach(s1, "kid")
        await ws.send(frame("put", put_payload("kid", "raw-key", b"raw", "kid-raw-1")))
        ackers = set()
        while ackers != {"sub-1", "sub-2", "sub-3"}:
            ack = await recv_until(ws, lambda m: m["type"] == "ack")
            assert ack["payload"]["message_id"] == "kid-raw-1"
            ackers.add(ack["payload"]["from"])
        await ws.close()
    run(go())
    for s in (s1, s2, s3):
        assert s.get("/v1/data/raw-key").body == b"raw"


def test_a_thousand_children_all_receive_one_mesh_write(node):
    s1 = node(env=substrate_env("sub-1", REPRAM_MAX_CHILDREN="-1"), name="sub-1",
              rlimit_nofile=4096)
    s2 = node(env=substrate_env("sub-2", peers=[s1]), name="sub-2")
    wait_until(lambda: len(topology(s1)["peers"]) == 1, timeout=10, message="sub-1 knows sub-2")
    count = 1000

    async def go():
        links = []
        for start in range(0, count, 100):  # attach in waves, all links stay open
            links += await asyncio.gather(*(attach(s1, f"kid-{i}")
                                            for i in range(start, min(start + 100, count))))
        assert len(child_ids(s1)) == count
        assert s2.put("fanout?ttl=600", b"to-all").status in (201, 202)

        async def got_it(ws):
            msg = await recv_until(ws, lambda m: m["type"] == "put", timeout=10)
            return msg["payload"]["key"]
        keys = await asyncio.gather(*(got_it(ws) for ws, _ in links))
        assert keys == ["fanout"] * count
        await asyncio.gather(*(ws.close() for ws, _ in links))
    run(go())
