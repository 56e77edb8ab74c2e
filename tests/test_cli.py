"""The client subcommands of the `repram` binary (put, get, ttl, keys, status, topology, health)
end to end against real nodes: output streams, --json, exit codes (0 ok, 1 not found, 2 usage,
3 refused or server error), binary safety, 202 warnings and cursor following; plus --version and
the start-up banner."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess

import pytest

import harness
from cluster_helpers import start_chain

ALL_BYTES = bytes(range(256)) * 40 + b"\x00\r\n\xff" + os.urandom(4096)


def cli(*args: str, url=None, stdin: bytes = b"", env=None) -> subprocess.CompletedProcess:
    """Runs `repram ARGS` with REPRAM_URL=url (unset when None) and returns the finished process."""
    e = harness.build_env({"REPRAM_URL": url, **(env or {})}, defaults=False)
    return subprocess.run([harness.repram_bin(), *args], env=e, input=stdin, capture_output=True,
                          timeout=90)


def json_out(p: subprocess.CompletedProcess):
    assert p.returncode == 0, p
    return json.loads(p.stdout)


@pytest.fixture
def one(node) -> harness.Node:
    return node()


def keys_requests(n: harness.Node) -> float:
    return harness.metric_value(n.metrics(), "repram_http_requests_total",
                                {"route": "/v1/keys", "method": "GET"}) or 0


def test_binary_round_trip_through_file_stdin_and_output_file(one, tmp_path):
    src = tmp_path / "in.bin"
    src.write_bytes(ALL_BYTES)
    put = cli("put", "bin-file", str(src), "--ttl", "600", url=one.base_url)
    assert (put.returncode, put.stdout, put.stderr) == (0, b"", b"")
    got = cli("get", "bin-file", url=one.base_url)
    assert got.returncode == 0 and got.stdout == ALL_BYTES and got.stderr == b""

    for args in (("put", "bin-stdin"), ("put", "bin-dash", "-")):
        assert cli(*args, url=one.base_url, stdin=ALL_BYTES).returncode == 0
        assert one.get("/v1/data/" + args[1]).body == ALL_BYTES
    out = tmp_path / "out.bin"
    got = cli("get", "bin-stdin", "-o", str(out), url=one.base_url)
    assert (got.returncode, got.stdout) == (0, b"")
    assert out.read_bytes() == ALL_BYTES


def test_keys_with_reserved_characters_are_percent_encoded(one):
    key = "a b?c#d%e&é"
    assert cli("put", key, url=one.base_url, stdin=b"v").returncode == 0
    assert cli("get", key, url=one.base_url).stdout == b"v"
    assert key in json_out(cli("keys", "--json", url=one.base_url))["keys"]


def test_put_get_json(one):
    put = json_out(cli("put", "j", "--ttl", "700", "--json", url=one.base_url, stdin=b"\x01\x02"))
    assert put["key"] == "j" and put["status"] == 201 and put["replicated"] is True
    assert put["original_ttl"] == 700 and put["created_at"].endswith("Z")
    got = json_out(cli("get", "j", "--json", url=one.base_url))
    assert got["key"] == "j" and got["size"] == 2 and got["value_base64"] == "AQI="
    assert got["original_ttl"] == 700 and 0 < got["remaining_ttl"] <= 700


def test_ttl_shows_created_original_and_remaining(one):
    assert cli("put", "t", "--ttl", "900", url=one.base_url, stdin=b"x").returncode == 0
    p = cli("ttl", "t", url=one.base_url)
    assert p.returncode == 0, p
    lines = dict(line.split(": ", 1) for line in p.stdout.decode().splitlines())
    assert set(lines) == {"created_at", "original_ttl", "remaining_ttl"}
    assert lines["original_ttl"] == "900" and 0 < int(lines["remaining_ttl"]) <= 900
    head = one.request("HEAD", "/v1/data/t")
    assert lines["created_at"] == head.header("X-Created-At")
    j = json_out(cli("ttl", "t", "--json", url=one.base_url))
    assert j["key"] == "t" and j["original_ttl"] == 900 and j["created_at"] == lines["created_at"]


def test_missing_key_exits_1_with_message_on_stderr(one, tmp_path):
    out = tmp_path / "never"
    for args in (("get", "nope"), ("ttl", "nope"), ("get", "nope", "-o", str(out))):
        p = cli(*args, url=one.base_url)
        assert p.returncode == 1 and p.stdout == b"" and b"not found" in p.stderr, p
    assert not out.exists()


def test_keys_follows_cursors(one):
    want = [f"p:{i:02d}" for i in range(7)]
    for k in reversed(want):
        assert cli("put", k, url=one.base_url, stdin=b"v").returncode == 0
    assert cli("put", "q:other", url=one.base_url, stdin=b"v").returncode == 0

    before = keys_requests(one)
    p = cli("keys", "--prefix", "p:", "--all", "--page-size", "2", url=one.base_url)
    assert p.returncode == 0 and p.stdout.decode().splitlines() == want and p.stderr == b""
    assert keys_requests(one) - before == 4  # pages of 2, 2, 2, 1

    p = cli("keys", "--prefix", "p:", "--limit", "5", "--page-size", "2", url=one.base_url)
    assert p.returncode == 0 and p.stdout.decode().splitlines() == want[:5]
    j = json_out(cli("keys", "--prefix", "p:", "--limit", "5", "--page-size", "2", "--json",
                     url=one.base_url))
    assert j == {"keys": want[:5], "next_cursor": want[4]}
    assert json_out(cli("keys", "--prefix", "p:", "--all", "--json", url=one.base_url)) == {
        "keys": want}

    # Without --all or --limit: one page, and a note on stderr when more keys remain.
    p = cli("keys", "--page-size", "3", url=one.base_url)
    assert p.returncode == 0 and p.stdout.decode().splitlines() == want[:3]
    assert b"--all" in p.stderr
    p = cli("keys", "--prefix", "q:", url=one.base_url)
    assert (p.returncode, p.stdout, p.stderr) == (0, b"q:other\n", b"")


def test_status_topology_health_text_and_json(node):
    a, b = start_chain(node, ["cli-a", "cli-b"])
    status = cli("status", url=a.base_url)
    assert status.returncode == 0
    fields = dict(line.split(": ", 1) for line in status.stdout.decode().splitlines())
    assert fields["node_id"] == "cli-a" and fields["peers"] == "1" and "build.commit" in fields
    assert json_out(cli("status", "--json", url=a.base_url))["node_id"] == "cli-a"

    topo = cli("topology", url=a.base_url)
    assert topo.returncode == 0
    assert "node_id: cli-a" in topo.stdout.decode() and "peers: 1" in topo.stdout.decode()
    assert f"cli-b  127.0.0.1:{b.port}  default" in topo.stdout.decode()
    assert [p["id"] for p in json_out(cli("topology", "--json", url=a.base_url))["peers"]] == [
        "cli-b"]

    health = cli("health", url=a.base_url)
    assert (health.returncode, health.stdout) == (0, b"healthy cli-a\n")
    assert json_out(cli("health", "--json", url=a.base_url))["status"] == "healthy"


def test_health_fails_unless_a_healthy_node_answers(one):
    with socket.socket() as s:  # a port nobody listens on once closed
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    for url in (dead, one.base_url + "/elsewhere"):  # refused; 404 under a wrong path
        p = cli("health", url=url)
        assert p.returncode == 3 and p.stdout == b"" and p.stderr.startswith(b"repram: "), p


def test_refused_and_server_errors_exit_3(node):
    n = node(env={"REPRAM_MAX_STORAGE_MB": "1"})
    p = cli("put", "big", url=n.base_url, stdin=b"x" * (2 << 20))
    assert p.returncode == 3 and b"507" in p.stderr, p
    p = cli("put", "a/b", url=n.base_url, stdin=b"x")
    assert p.returncode == 3 and b"400" in p.stderr, p
    p = cli("get", "k", url="http://127.0.0.1:1")
    assert p.returncode == 3 and b"cannot reach" in p.stderr, p


def test_202_is_a_warning_with_exit_0(node):
    # Long pings: the stopped peer stays a member, so the quorum of 2 cannot be met in 1 s.
    a, b = start_chain(node, ["w-a", "w-b"], env={"REPRAM_PING_INTERVAL": "30"})
    b.signal(signal.SIGSTOP)
    try:
        p = cli("put", "pending", "--json", url=a.base_url, stdin=b"v")
    finally:
        b.signal(signal.SIGCONT)
    assert p.returncode == 0, p
    assert b"warning" in p.stderr and b"202" in p.stderr
    out = json.loads(p.stdout)
    assert out["status"] == 202 and out["replicated"] is False
    assert a.get("/v1/data/pending").body == b"v"


def test_usage_errors_exit_2(one, tmp_path):
    cases = [("get",), ("put",), ("put", "k", "--ttl", "0"), ("put", "k", "--ttl", "abc"),
             ("keys", "--all", "--limit", "3"), ("keys", "--limit", "0"), ("get", "k", "--bogus"),
             ("put", "k", str(tmp_path / "missing-file")), ("frobnicate",)]
    for args in cases:
        p = cli(*args, url=one.base_url)
        assert p.returncode == 2 and p.stdout == b"" and p.stderr, (args, p)
    for url in ("https://127.0.0.1:1", "not a url"):
        p = cli("health", url=url)
        assert p.returncode == 2 and b"REPRAM_URL" in p.stderr, (url, p)
    out_dir = tmp_path / "no" / "such" / "dir" / "f"
    assert cli("put", "k", url=one.base_url, stdin=b"v").returncode == 0
    assert cli("get", "k", "-o", str(out_dir), url=one.base_url).returncode == 2


def test_url_flag_wins_over_repram_url_and_default_is_loopback_8080(one):
    assert cli("put", "u", url=one.base_url, stdin=b"v").returncode == 0
    p = cli("get", "u", "--url", one.base_url, url="http://127.0.0.1:1")
    assert (p.returncode, p.stdout) == (0, b"v")
    p = cli("--url", one.base_url, "get", "u", url=None)  # the top-level flag counts too
    assert (p.returncode, p.stdout) == (0, b"v")
    p = cli("status", "--help", url=None)
    assert p.returncode == 0 and b"http://127.0.0.1:8080" in p.stdout


@pytest.mark.parametrize("sub", ["put", "get", "ttl", "keys", "status", "topology", "health"])
def test_each_subcommand_has_help(sub):
    p = cli(sub, "--help")
    assert p.returncode == 0 and f" {sub} [OPTIONS]".encode() in p.stdout, p
    assert b"--url" in p.stdout and b"--json" in p.stdout


def test_version():
    p = cli("--version")
    assert p.returncode == 0
    assert p.stdout.decode().startswith("repram 1.0.0 (commit "), p


def test_banner_names_dashboard_and_metrics(one):
    base = one.base_url
    one.wait_for_log(f"Dashboard: {base}/  Metrics: {base}/v1/metrics")
