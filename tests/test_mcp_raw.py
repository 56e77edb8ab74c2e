"""Raw JSON-RPC over the stdio transport of `repram mcp` (mcp.md §1, §3).

Complements tests/test_mcp_sdk.py (which covers EOF exit and a trailing -32700 at EOF): here the
server must keep serving after every kind of bad input, answer each JSON-RPC error row of §1,
keep stdout pure JSON-RPC while a debug-level node does real work, and stop cleanly on signals.
Run with /usr/bin/python3 -m pytest tests/test_mcp_raw.py (binary from REPRAM_BIN).
"""

import json
import signal
import subprocess
import threading
import time

import harness

INIT = {"protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "pytest", "version": "1"}}


def _error(reply):
    assert "error" in reply and "result" not in reply, reply
    return reply["error"]["code"], reply["error"]["message"]


def _assert_stdout_is_json_rpc(proc):
    """Every stdout line is one JSON-RPC 2.0 response object (the server sends no requests or
    notifications of its own)."""
    assert proc.stdout_lines, "nothing on stdout"
    for line, msg in zip(proc.stdout_lines, proc.messages):
        assert isinstance(msg, dict), f"stdout line is not a JSON object: {line!r}"
        assert msg.get("jsonrpc") == "2.0", line
        assert "id" in msg and (("result" in msg) != ("error" in msg)), line


def test_parse_error_answered_and_loop_continues(mcp):
    p = mcp()
    p.send_line("{not json")
    p.send_line(b"\xff\xfe garbage")
    p.send_line('{"jsonrpc":"2.0","id":1,"method":"ping"')  # truncated object
    p.send({"jsonrpc": "2.0", "id": 7, "method": "ping"})
    assert p.response(7) == {"jsonrpc": "2.0", "id": 7, "result": {}}
    parse_errors = [m for m in p.messages if m.get("id") is None]
    assert parse_errors == [{"jsonrpc": "2.0", "id": None,
                             "error": {"code": -32700, "message": "Parse error"}}] * 3
    # Requests before `initialize` are served; initialize still works afterwards.
    assert p.initialize()["serverInfo"]["name"] == "repram"
    assert len(p.request("tools/list")["result"]["tools"]) == 4
    _assert_stdout_is_json_rpc(p)


def test_json_rpc_error_rows(mcp):
    p = mcp()
    p.initialize()
    assert _error(p.request("resources/list")) == (-32601, "Method not found")
    assert _error(p.request("tools/call", {"arguments": {}})) == (-32602, "Invalid params")
    assert _error(p.request("tools/call", {"name": 5})) == (-32602, "Invalid params")
    assert _error(p.request("tools/call", {"name": "repram_store", "arguments": [1]})) == \
        (-32602, "Invalid params")
    assert _error(p.request("tools/call", {"name": "repram_delete", "arguments": {}})) == \
        (-32602, "Unknown tool: repram_delete")

    p.send({"jsonrpc": "1.0", "id": 21, "method": "ping"})
    assert _error(p.response(21))[0] == -32600
    p.send({"jsonrpc": "2.0", "id": 22, "method": 5})
    assert _error(p.response(22))[0] == -32600
    p.send_line('[{"jsonrpc":"2.0","id":23,"method":"ping"}]')
    batch = p.wait_message(lambda m: m.get("error", {}).get("code") == -32600 and
                           m["error"]["message"] == "Batch requests are not supported")
    assert batch["id"] is None

    # Invalid tool arguments are isError results, not protocol errors (the model can retry).
    r = p.call_tool("repram_store", {"data": "x", "ttl_seconds": "600"})
    assert r["isError"] is True
    assert r["content"] == [{"type": "text", "text":
                             "Invalid arguments for tool repram_store: ttl_seconds: expected "
                             "integer"}]
    r = p.call_tool("repram_store", {"key": "a/b", "data": "x"})
    assert r["content"][0]["text"] == ("Invalid arguments for tool repram_store: key: must be "
                                       "1..8192 bytes without '/'")
    r = p.call_tool("repram_store", {"data": "***", "encoding": "base64"})
    assert r["content"][0]["text"] == "Invalid arguments for tool repram_store: data: invalid base64"

    # Notifications are never answered: only the ping that follows them gets a line.
    before = len(p.stdout_lines)
    p.send({"jsonrpc": "2.0", "method": "notifications/cancelled",
            "params": {"requestId": 1}})
    p.send({"jsonrpc": "2.0", "method": "notifications/whatever"})
    p.send({"jsonrpc": "2.0", "id": 99, "method": "ping"})
    p.response(99)
    assert len(p.stdout_lines) == before + 1, p.stdout_lines[before:]
    _assert_stdout_is_json_rpc(p)


def test_protocol_version_negotiation(mcp):
    p = mcp()
    for version in ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"):
        assert p.initialize(version)["protocolVersion"] == version
    assert p.initialize("1999-01-01")["protocolVersion"] == "2025-11-25"
    r = p.request("initialize", {"capabilities": {}})
    assert r["result"]["protocolVersion"] == "2025-11-25"
    assert r["result"]["capabilities"] == {"tools": {"listChanged": False}}


def test_stdout_only_json_rpc_at_debug_level_while_working(mcp):
    # An unreachable seed makes the node log bootstrap failures while the tools run.
    p = mcp(env={"REPRAM_LOG_LEVEL": "debug", "REPRAM_PEERS": "127.0.0.1:1"})
    p.initialize()
    stored = p.tool("repram_store", {"key": "dbg", "data": "hello", "ttl_seconds": 600})
    assert stored["ttl_seconds"] == 600
    assert p.tool("repram_retrieve", {"key": "dbg"})["data"] == "hello"
    assert p.tool("repram_exists", {"key": "dbg"})["exists"] is True
    assert p.tool("repram_list_keys", {})["keys"] == ["dbg"]
    p.send_line("{oops")
    port = p.wait_port()
    with harness.Client(harness.HOST, port) as c:  # HTTP traffic on the embedded node logs too
        r = c.request("GET", "/v1/data/dbg")
    assert r.status == 200 and r.body == b"hello"
    p.close_stdin()
    assert p.wait() == 0, p.stderr_text()
    assert any("DEBUG" in line for line in p.lines), "expected debug logs on stderr"
    _assert_stdout_is_json_rpc(p)


def test_oversized_line_rejected_then_loop_continues(mcp):
    p = mcp()
    p.send_line(b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"' +
                b"a" * (16 * 1024 * 1024) + b'"}}')
    p.send({"jsonrpc": "2.0", "id": 2, "method": "ping"})
    assert p.response(2, timeout=15)["result"] == {}
    assert p.messages[0] == {"jsonrpc": "2.0", "id": None,
                             "error": {"code": -32700, "message": "Parse error"}}
    _assert_stdout_is_json_rpc(p)


def test_sigterm_and_sigint_end_like_eof(mcp):
    for sig in (signal.SIGTERM, signal.SIGINT):
        p = mcp()
        p.initialize()
        p.tool("repram_store", {"key": "k", "data": "v"})
        p.proc.send_signal(sig)  # stdin stays open
        started = time.monotonic()
        assert p.wait(timeout=10) == 0, (sig, p.stderr_text())
        assert time.monotonic() - started < 3.0
        _assert_stdout_is_json_rpc(p)


def test_startup_failure_exits_one_with_nothing_on_stdout(mcp):
    p = mcp(env={"REPRAM_URL": "https://127.0.0.1:1"})
    assert p.wait(timeout=10) == 1
    assert p.stdout_lines == []
    assert "REPRAM_URL: only http:// URLs are supported" in p.stderr_text()

    p = mcp(env={"REPRAM_MIN_TTL": "900", "REPRAM_MAX_TTL": "600"})
    assert p.wait(timeout=10) == 1
    assert p.stdout_lines == []
    assert "REPRAM_MIN_TTL" in p.stderr_text()


def test_dash_dash_mcp_alias(mcp):
    p = mcp(args=("--mcp",))
    assert p.initialize()["serverInfo"]["name"] == "repram"
    p.close_stdin()
    assert p.wait(timeout=10) == 0, p.stderr_text()



def test_closed_stdout_neither_kills_the_process_nor_stops_the_node():
    """A client that closes its end of stdout (EPIPE, SIGPIPE ignored) loses the replies, but the
    process keeps serving stdin and its embedded node, and still exits 0 at stdin EOF."""
    env = harness.build_env({"REPRAM_LOG_LEVEL": "info"}, defaults=False)
    proc = subprocess.Popen([harness.repram_bin(), "mcp"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=harness._child_setup)
    try:
        proc.stdout.close()
        lines = []
        reader = threading.Thread(
            target=lambda: lines.extend(l.decode("utf-8", "replace") for l in proc.stderr),
            daemon=True)
        reader.start()
        store = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                 "params": {"name": "repram_store", "arguments": {"key": "after-epipe", "data": "v"}}}
        proc.stdin.write((json.dumps(store) + "\n").encode())
        proc.stdin.flush()
        harness.wait_until(lambda: any("stdout is closed" in l for l in lines), timeout=10)
        port = next(int(m.group(2)) for l in lines if (m := harness.LISTEN_RE.search(l)))
        with harness.Client(harness.HOST, port) as c:
            r = c.request("GET", "/v1/data/after-epipe")
        assert r.status == 200 and r.body == b"v"
        assert proc.poll() is None
        proc.stdin.close()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
