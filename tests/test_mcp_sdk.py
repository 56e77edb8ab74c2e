"""MCP interop tests: the official TypeScript SDK (tests/mcp/sdk_client.mjs) against `repram`.

Run with /usr/bin/python3 -m pytest tests/test_mcp_sdk.py. The binary comes from REPRAM_BIN
(default <repo>/build/src/app/repram). Covers mcp.md §6 SDK round trips over both transports,
EofExit/StdoutClean for `repram mcp` and HttpTransport for /mcp.
"""

import json
import os
import pathlib
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
MCP_DIR = REPO / "tests" / "mcp"
REPRAM_BIN = pathlib.Path(os.environ.get("REPRAM_BIN", REPO / "build" / "src" / "app" / "repram"))
LISTENING = re.compile(r"Listening on 127\.0\.0\.1:(\d+)")
SDK_TIMEOUT_S = 120


def _base_env(**extra):
    """The test process's environment without REPRAM_* (so embedded mode is used), plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPRAM_")}
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def sdk_dir():
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node and npm are required for the MCP SDK interop tests")
    if not (MCP_DIR / "node_modules" / "@modelcontextprotocol" / "sdk").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=MCP_DIR, check=True,
                       timeout=600)
    return MCP_DIR


@pytest.fixture(scope="session")
def repram_bin():
    if not REPRAM_BIN.is_file():
        pytest.fail(f"repram binary not found at {REPRAM_BIN}; build it or set REPRAM_BIN")
    return str(REPRAM_BIN)


def _run_sdk_client(sdk_dir, env, *args):
    proc = subprocess.run(["node", "sdk_client.mjs", *args], cwd=sdk_dir, env=env,
                          capture_output=True, text=True, timeout=SDK_TIMEOUT_S)
    report = f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert proc.returncode == 0, report
    assert f"PASS {args[0]}" in proc.stdout, report


class _Node:
    """A `repram` server process on an ephemeral loopback port; stderr is drained by a thread."""

    def __init__(self, binary):
        env = _base_env(REPRAM_HTTP_PORT="0", REPRAM_BIND="127.0.0.1", REPRAM_NETWORK="private",
                        REPRAM_LOG_LEVEL="info")
        self.proc = subprocess.Popen([binary], env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.stderr_lines = []
        self._lines = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()
        self.port = self._wait_for_port(timeout_s=15)

    def _drain(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line)
            self._lines.put(line)

    def _wait_for_port(self, timeout_s):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            match = LISTENING.search(line)
            if match:
                return int(match.group(1))
        self.proc.kill()
        self.proc.wait()
        pytest.fail("no 'Listening on 127.0.0.1:<port>' line on stderr:\n" +
                    "".join(self.stderr_lines))

    def stop(self):
        """SIGTERM and wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail("repram did not exit within 15 s of SIGTERM")


@pytest.fixture
def node(repram_bin):
    n = _Node(repram_bin)
    yield n
    n.stop()


def _post(url, body, headers=None):
    """POSTs body to url; returns (status, headers, body text), also for 4xx answers."""
    req = urllib.request.Request(url, data=body.encode(), method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    return _send(req)


def _send(req):
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def test_sdk_over_stdio(sdk_dir, repram_bin):
    _run_sdk_client(sdk_dir, _base_env(REPRAM_LOG_LEVEL="debug"), "stdio", repram_bin)


def test_sdk_over_streamable_http(sdk_dir, node):
    _run_sdk_client(sdk_dir, _base_env(), "http", f"http://127.0.0.1:{node.port}/mcp")
    assert node.stop() == 0, "".join(node.stderr_lines)


def test_stdio_eof_exits_zero_with_only_json_rpc_on_stdout(repram_bin):
    proc = subprocess.Popen([repram_bin, "mcp"], env=_base_env(REPRAM_LOG_LEVEL="debug"),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                    "clientInfo": {"name": "t", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
    ]
    stdin_text = "".join(json.dumps(m) + "\n" for m in lines) + "{not json\n"
    proc.stdin.write(stdin_text)
    proc.stdin.flush()
    proc.stdin.close()
    closed_at = time.monotonic()
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("repram mcp did not exit after stdin EOF")
    elapsed = time.monotonic() - closed_at
    out, err = proc.stdout.read(), proc.stderr.read()
    assert code == 0, err
    assert elapsed < 3.0, f"exit took {elapsed:.2f} s after EOF"
    replies = [json.loads(line) for line in out.splitlines()]  # fails on any non-JSON line
    assert all(r.get("jsonrpc") == "2.0" for r in replies), out
    assert [r.get("id") for r in replies] == [1, 2, None], out
    assert replies[0]["result"]["protocolVersion"] == "2025-06-18"
    assert len(replies[1]["result"]["tools"]) == 4
    assert replies[2]["error"]["code"] == -32700


def test_http_transport_statuses(node):
    url = f"http://127.0.0.1:{node.port}/mcp"
    status, headers, body = _post(url, '{"jsonrpc":"2.0","id":1,"method":"ping"}',
                                  {"MCP-Protocol-Version": "2025-06-18"})
    assert status == 200, body
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == {"jsonrpc": "2.0", "id": 1, "result": {}}
    assert headers.get("Mcp-Session-Id") is None

    status, _, body = _post(url, '{"jsonrpc":"2.0","method":"notifications/initialized"}')
    assert (status, body) == (202, "")

    status, _, body = _post(url, "{not json")
    assert status == 400
    assert json.loads(body)["error"]["code"] == -32700

    status, _, body = _post(url, '{"jsonrpc":"2.0","id":1,"method":"ping"}',
                            {"MCP-Protocol-Version": "1999-01-01"})
    assert status == 400
    assert json.loads(body)["error"]["message"] == "Unsupported MCP-Protocol-Version: 1999-01-01"

    for method in ("GET", "DELETE"):
        status, headers, _ = _send(urllib.request.Request(url, method=method))
        assert status == 405, method
        assert headers["Allow"] == "POST, OPTIONS"
