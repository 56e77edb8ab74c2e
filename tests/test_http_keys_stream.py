"""GET /v1/keys streamed from the ordered index (issue #13 item 4): a listing larger than one
64 KiB part leaves chunked (close-delimited for HTTP/1.0) with the same JSON as before, a
client may leave mid-stream, and writes proceed while a listing waits for its reader."""

import json
import socket
import struct
import time

import pytest

from catchup_helpers import put_many
from harness import assert_common_headers, build_request

KEY_COUNT = 5000  # about 280 KB of listing: several parts


@pytest.fixture
def big(node):
    n = node()
    items = {f"stream-{i:06d}-{'x' * 40}": b"v" for i in range(KEY_COUNT)}
    assert set(put_many(n, items).values()) == {201}
    return n, sorted(items)


def listing(keys, next_cursor=None) -> bytes:
    doc = {"keys": keys}
    if next_cursor is not None:
        doc["next_cursor"] = next_cursor
    return (json.dumps(doc, separators=(",", ":")) + "\n").encode()


def test_large_listing_is_chunked_with_the_same_json(big):
    n, keys = big
    r = n.get("/v1/keys")
    assert r.status == 200
    assert r.header("Transfer-Encoding") == "chunked", r
    assert r.header("Content-Length") is None
    assert r.header("Content-Type") == "application/json"
    assert_common_headers(r)
    assert r.body == listing(keys)
    # Prefix and cursor filters stream too.
    assert n.get("/v1/keys?prefix=stream-0012").body == listing(
        [k for k in keys if k.startswith("stream-0012")])
    assert n.get(f"/v1/keys?cursor={keys[99]}").body == listing(keys[100:])


def test_small_and_paged_listings_keep_a_content_length(big):
    n, keys = big
    r = n.get("/v1/keys?limit=10")
    assert r.header("Content-Length") == str(len(r.body))
    assert r.body == listing(keys[:10], keys[9])
    # Pages of 2,000 keys are streamed, pages of 500 are not; both walks see every key.
    for limit in (500, 2000):
        seen, cursor = [], None
        while True:
            r = n.get(f"/v1/keys?limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
            page = r.json()
            assert (r.header("Transfer-Encoding") == "chunked") == (limit == 2000 and
                                                                     len(page["keys"]) == 2000)
            seen += page["keys"]
            if "next_cursor" not in page:
                break
            cursor = page["next_cursor"]
        assert seen == keys


def test_http10_listing_is_delimited_by_the_close(big):
    n, keys = big
    with n.raw() as c:
        c.send(b"GET /v1/keys HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        r = c.read_response()
        assert r.header("Transfer-Encoding") is None and r.header("Content-Length") is None
        assert r.header("Connection") == "close"
        assert r.body == listing(keys)


def test_clients_leaving_mid_stream_leave_the_node_serving(big):
    n, keys = big
    for _ in range(20):
        s = socket.create_connection((n.host, n.port), timeout=10)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST
        s.sendall(build_request("GET", "/v1/keys"))
        assert s.recv(4096)  # the head and the first bytes are on their way
        s.close()
    assert n.get("/v1/health").status == 200
    assert n.get("/v1/keys").body == listing(keys)


def test_writes_proceed_while_a_listing_waits_for_its_reader(node):
    """A reader that stops after the first bytes of a 12 MB listing (more than the socket
    buffers hold) parks the listing between two parts; PUTs on another connection complete
    meanwhile, and the listing then ends normally with every key."""
    n = node()
    items = {f"p-{i:04d}-{'y' * 7990}": b"v" for i in range(1500)}
    assert set(put_many(n, items).values()) == {201}
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.connect((n.host, n.port))
    s.sendall(build_request("GET", "/v1/keys"))
    got = s.recv(1000)
    assert got.startswith(b"HTTP/1.1 200")
    worst = 0.0
    with n.client() as c:
        for i in range(50):
            start = time.monotonic()
            assert c.request("PUT", f"/v1/data/during-{i:03d}", b"v").status == 201
            worst = max(worst, time.monotonic() - start)
    print(f"worst PUT latency while a listing is parked: {worst * 1000:.1f} ms")
    with n.raw() as rest:  # reuse RawConn's chunked parser on the parked socket
        rest.sock.close()
        rest.sock, rest.buf = s, got
        r = rest.read_response()
    assert json.loads(r.body)["keys"] == sorted(items)
