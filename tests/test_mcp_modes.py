"""`repram mcp` modes against real nodes (mcp.md §3.1, §4; README D34, D35).

Embedded mode: loopback-only listener on an ephemeral port, 50 MB cap, joins REPRAM_PEERS and
replicates both ways with a server node that sees it at the port it really bound. Remote mode
(REPRAM_URL): the tools and plain HTTP see the same data; 202 maps to `replicated: false`.
`REPRAM_MCP_HTTP=false` removes /mcp. Run with /usr/bin/python3 -m pytest tests/test_mcp_modes.py
(binary from REPRAM_BIN).
"""

import signal
import socket
import time
import urllib.parse

import harness

LOOPBACK_HEX = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it
PING = b'{"jsonrpc":"2.0","id":1,"method":"ping"}'


def _http(port, method, path, body=None, headers=None):
    with harness.Client(harness.HOST, port) as c:
        return c.request(method, path, body, headers)


def _peers(node):
    return node.get("/v1/topology").json()["peers"]


def _peer(node, peer_id):
    """The topology entry of ``peer_id`` on ``node``, or None."""
    return next((p for p in _peers(node) if p["id"] == peer_id), None)


def _quoted(key):
    return urllib.parse.quote(key, safe="")


def test_embedded_node_listens_only_on_loopback_with_embedded_defaults(mcp):
    p = mcp(env={"REPRAM_LOG_LEVEL": "info"})
    p.initialize()
    p.tool("repram_store", {"key": "k", "data": "v"})
    port = p.wait_port()
    assert p.port == port, "expected 'Listening on 127.0.0.1:<port>' on stderr"
    sockets = harness.listening_sockets_of(p.proc.pid)
    assert sockets, "no listening socket found in /proc"
    assert all(ip == LOOPBACK_HEX for ip, _ in sockets), sockets
    assert {pt for _, pt in sockets} == {port}, sockets

    health = _http(port, "GET", "/v1/health").json()
    assert health["network"] == "private"
    r = _http(port, "GET", "/v1/data/k")
    assert (r.status, r.body) == (200, b"v")
    metrics = _http(port, "GET", "/v1/metrics").text
    assert harness.metric_value(metrics, "repram_storage_capacity_bytes") == 50 * 1024 * 1024
    r = _http(port, "POST", "/mcp", PING, {"Content-Type": "application/json"})
    assert r.status == 200 and r.json()["result"] == {}


def test_embedded_default_log_level_is_warn(mcp):
    p = mcp()
    p.initialize()
    p.tool("repram_store", {"key": "k", "data": "v"})
    port = p.wait_port()  # from /proc: the INFO "Listening on" line is filtered
    assert _http(port, "GET", "/v1/data/k").status == 200
    p.close_stdin()
    assert p.wait() == 0
    assert not any("[INFO]" in line or "[DEBUG]" in line for line in p.lines), p.lines


def test_embedded_node_drains_http_for_at_most_two_seconds(mcp):
    """mcp.md §3.1: at stdin EOF the embedded node waits at most 2 s for in-flight HTTP (a
    server node waits 10 s). A PUT whose body never completes stays in flight throughout."""
    p = mcp()
    p.initialize()
    port = p.wait_port()
    with socket.create_connection((harness.HOST, port)) as stuck:
        stuck.sendall(b"PUT /v1/data/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        harness.wait_until(lambda: _http(port, "GET", "/v1/health").status == 200)
        started = time.monotonic()
        p.close_stdin()
        assert p.wait(timeout=15) == 0, p.stderr_text()
        elapsed = time.monotonic() - started
    assert 1.5 <= elapsed < 5.0, elapsed


def test_embedded_store_full_is_tool_error(mcp):
    p = mcp(env={"REPRAM_MAX_STORAGE_MB": "1"})
    p.initialize()
    p.tool("repram_store", {"key": "a", "data": "x" * 700_000})
    r = p.call_tool("repram_store", {"key": "b", "data": "y" * 700_000})
    assert r == {"content": [{"type": "text", "text": "storage capacity exceeded"}],
                 "isError": True}
    assert p.tool("repram_exists", {"key": "b"}) == {"exists": False}


def test_mcp_http_false_removes_the_route(node, mcp):
    off = node(env={"REPRAM_MCP_HTTP": "false"})
    on = node()
    for path_method in ("POST", "GET"):
        r = off.request(path_method, "/mcp", PING if path_method == "POST" else None)
        assert (r.status, r.body) == (404, b"404 page not found\n"), r
    r = on.request("POST", "/mcp", PING, {"Content-Type": "application/json"})
    assert r.status == 200, r
    # Stateless (mcp.md §4): no session id issued, a client-sent one is ignored.
    assert r.header("Mcp-Session-Id") is None
    r = on.request("POST", "/mcp", PING, {"Mcp-Session-Id": "not-issued-by-us",
                                           "MCP-Protocol-Version": "2025-11-25"})
    assert r.status == 200 and r.json() == {"jsonrpc": "2.0", "id": 1, "result": {}}, r
    assert on.request("OPTIONS", "/mcp").status == 200
    assert off.request("OPTIONS", "/mcp").status == 404

    p = mcp(env={"REPRAM_MCP_HTTP": "false"})
    p.initialize()  # stdio is unaffected
    assert _http(p.wait_port(), "POST", "/mcp", PING).status == 404


def test_remote_mode_and_http_see_the_same_data(node, mcp):
    n = node()
    # Trailing '/' is stripped; every other REPRAM_* variable is ignored in remote mode.
    p = mcp(env={"REPRAM_URL": n.base_url + "/", "REPRAM_HTTP_PORT": "not-a-port",
                 "REPRAM_MAX_TTL": "10"})
    p.initialize()
    assert harness.listening_sockets_of(p.proc.pid) == [], "remote mode must not start a node"

    stored = p.tool("repram_store", {"key": "via-mcp", "data": "hello mcp", "ttl_seconds": 600})
    assert stored["replicated"] is True and stored["ttl_seconds"] == 600
    assert stored["ttl_clamped"] is False
    r = n.get("/v1/data/via-mcp")
    assert (r.status, r.body) == (200, b"hello mcp"), r
    assert r.header("X-Original-TTL") == "600"
    assert r.header("X-Created-At") == stored["created_at"]

    odd = "a b:ü%"  # space, colon, non-ASCII, percent: percent-encoded on the wire
    p.tool("repram_store", {"key": odd, "data": "odd"})
    assert n.get("/v1/data/" + _quoted(odd)).body == b"odd"

    r = n.put("via-http", b"\x00\xff\x80\x01", {"X-TTL": "900"})
    assert r.status == 201, r
    got = p.tool("repram_retrieve", {"key": "via-http"})
    assert got["found"] is True and got["encoding"] == "base64" and got["data"] == "AP+AAQ=="
    assert got["original_ttl_seconds"] == 900
    assert got["created_at"] == r.header("X-Created-At")
    assert p.tool("repram_retrieve", {"key": "via-mcp", "encoding": "base64"})["data"] == \
        "aGVsbG8gbWNw"
    assert p.tool("repram_retrieve", {"key": "nope"}) == {"found": False, "key": "nope"}

    for key in ("via-mcp", "via-http", odd):
        assert p.tool("repram_exists", {"key": key})["exists"] is True
        assert n.request("HEAD", "/v1/data/" + _quoted(key)).status == 200
    assert p.tool("repram_exists", {"key": "nope"}) == {"exists": False}
    assert n.request("HEAD", "/v1/data/nope").status == 404

    assert p.tool("repram_list_keys", {})["keys"] == n.get("/v1/keys").json()["keys"] == \
        sorted([odd, "via-http", "via-mcp"])
    page = p.tool("repram_list_keys", {"prefix": "via-", "limit": 1})
    assert page == {"keys": ["via-http"], "next_cursor": "via-http"}
    assert p.tool("repram_list_keys", {"prefix": "via-", "cursor": "via-http"}) == \
        {"keys": ["via-mcp"]}

    clamped = p.tool("repram_store", {"key": "short", "data": "x", "ttl_seconds": 10})
    assert (clamped["ttl_seconds"], clamped["ttl_clamped"]) == (300, True)
    assert n.get("/v1/data/short").header("X-Original-TTL") == "300"


def test_remote_mode_failures_are_tool_errors(node, mcp):
    n = node(env={"REPRAM_MAX_STORAGE_MB": "1"})
    p = mcp(env={"REPRAM_URL": n.base_url})
    p.initialize()
    r = p.call_tool("repram_store", {"key": "big", "data": "x" * 1_100_000})
    assert r["isError"] is True
    assert r["content"][0]["text"] == "Store failed with status 507: Insufficient Storage"

    dead = mcp(env={"REPRAM_URL": "http://127.0.0.1:1"})
    dead.initialize()
    r = dead.call_tool("repram_exists", {"key": "k"})
    assert r["isError"] is True
    assert r["content"][0]["text"].startswith("connection to http://127.0.0.1:1 failed: ")


def _wait_mutual(seed, joiner_port, joiner_id):
    """Waits until the seed lists the joiner and the joiner (at joiner_port) lists the seed."""
    harness.wait_until(lambda: _peer(seed, joiner_id), timeout=10,
                       message="the seed to list the joiner")
    harness.wait_until(
        lambda: any(p["id"] == "seed" for p in _http(joiner_port, "GET", "/v1/topology").json()
                    ["peers"]), timeout=10, message="the joiner to list the seed")


def test_remote_mode_202_is_not_replicated(node, mcp):
    seed = node(env={"REPRAM_NODE_ID": "seed"})
    origin = node(env={"REPRAM_NODE_ID": "origin", "REPRAM_PEERS": seed.address,
                       "REPRAM_WRITE_TIMEOUT": "1"})
    _wait_mutual(seed, origin.port, "origin")
    seed.signal(signal.SIGSTOP)  # no more ACKs; origin still counts it: quorum 2 is unreachable
    try:
        p = mcp(env={"REPRAM_URL": origin.base_url})
        p.initialize()
        stored = p.tool("repram_store", {"key": "pending", "data": "p", "ttl_seconds": 600})
        assert stored["replicated"] is False
        assert stored["ttl_seconds"] == 600
        assert origin.get("/v1/data/pending").body == b"p"
        assert p.tool("repram_retrieve", {"key": "pending"})["data"] == "p"
    finally:
        seed.signal(signal.SIGCONT)


def test_embedded_store_without_quorum_is_not_replicated(node, mcp):
    seed = node(env={"REPRAM_NODE_ID": "seed"})
    p = mcp(env={"REPRAM_NODE_ID": "embedded", "REPRAM_PEERS": seed.address,
                 "REPRAM_WRITE_TIMEOUT": "1"})
    _wait_mutual(seed, p.wait_port(), "embedded")
    seed.signal(signal.SIGSTOP)
    try:
        p.initialize()
        stored = p.tool("repram_store", {"key": "pending", "data": "p"})
        assert stored["replicated"] is False
        assert p.tool("repram_retrieve", {"key": "pending"})["found"] is True

        # SIGTERM during a quorum wait ends like EOF: the pending reply is still written.
        p.send({"jsonrpc": "2.0", "id": 77, "method": "tools/call",
                "params": {"name": "repram_store", "arguments": {"key": "late", "data": "l"}}})
        harness.wait_until(lambda: p.tool("repram_exists", {"key": "late"})["exists"],
                           message="the second write to be stored locally")
        p.proc.send_signal(signal.SIGTERM)
        assert p.wait(timeout=10) == 0, p.stderr_text()
        assert p.response(77, timeout=0)["result"]["structuredContent"]["replicated"] is False
    finally:
        seed.signal(signal.SIGCONT)


def test_embedded_node_replicates_both_ways_with_a_server_node(node, mcp):
    server = node(env={"REPRAM_NODE_ID": "server"})
    p = mcp(env={"REPRAM_NODE_ID": "embedded", "REPRAM_PEERS": server.address,
                 "REPRAM_LOG_LEVEL": "info"})
    p.initialize()
    port = p.wait_port()
    assert all(ip == LOOPBACK_HEX for ip, _ in harness.listening_sockets_of(p.proc.pid))

    # The server learns the embedded node at the port it actually bound (never 0).
    seen = harness.wait_until(lambda: _peer(server, "embedded"), timeout=10,
                              message="the server to list the embedded node")
    assert seen["http_port"] == port, seen
    assert seen["address"] in ("localhost", "127.0.0.1"), seen
    assert _http(port, "GET", "/v1/topology").json()["peers"][0]["id"] == "server"

    # Embedded -> server: quorum 2 (local + the server's ACK), so the write is replicated.
    stored = p.tool("repram_store", {"key": "from-mcp", "data": "hello server",
                                     "ttl_seconds": 600})
    assert stored["replicated"] is True, stored
    r = harness.wait_until(lambda: (lambda r: r if r.status == 200 else None)(
        server.get("/v1/data/from-mcp")), timeout=10, message="the value on the server")
    assert r.body == b"hello server"
    assert r.header("X-Original-TTL") == "600"

    # Server -> embedded: 201 needs the embedded node's ACK, sent to its advertised port.
    r = server.put("from-server", b"hello agent", {"X-TTL": "600"})
    assert r.status == 201, r
    got = harness.wait_until(
        lambda: (lambda g: g if g["found"] else None)(
            p.tool("repram_retrieve", {"key": "from-server"})),
        timeout=10, message="the server's value through the embedded node")
    assert got["data"] == "hello agent"
    assert p.tool("repram_list_keys", {})["keys"] == ["from-mcp", "from-server"]

    # EOF still ends the process quickly although a peer holds connections to it.
    p.close_stdin()
    started = time.monotonic()
    assert p.wait(timeout=10) == 0, p.stderr_text()
    assert time.monotonic() - started < 3.0
