"""Observability routes (http-api.md §8): /v1/health, /v1/status, /v1/topology, /v1/metrics."""

import re
import time

import pytest

from harness import METRICS_CT, assert_json, metric_value, parse_metrics, wait_until

ALL_SERIES = {
    "repram_peers_active": "gauge",
    "repram_peer_joins_total": "counter",
    "repram_peer_evictions_total": "counter",
    "repram_ping_failures_total": "counter",
    "repram_rate_limited_requests_total": "counter",
    "repram_peer_rate_limited_requests_total": "counter",
    "repram_oversized_requests_total": "counter",
    "repram_suspicious_requests_total": "counter",
    "repram_omega_last_refresh_unix_seconds": "gauge",
    "repram_omega_root": "gauge",
    "repram_gossip_forwards_total": "counter",
    "repram_isolation_recoveries_total": "counter",
    "repram_isolation_recovery_failures_total": "counter",
    "repram_isolated": "gauge",
    "repram_catchup_entries_total": "counter",
    "repram_catchup_runs_total": "counter",
    "repram_catchup_in_progress": "gauge",
    "repram_anti_entropy_rounds_total": "counter",
    "repram_anti_entropy_entries_total": "counter",
    "repram_anti_entropy_digest_bytes_total": "counter",
    "repram_storage_entries": "gauge",
    "repram_storage_bytes": "gauge",
    "repram_storage_overhead_bytes": "gauge",
    "repram_storage_capacity_bytes": "gauge",
    "repram_ws_children": "gauge",
    "repram_ws_attached": "gauge",
    "repram_http_requests_total": "counter",
    "repram_http_request_duration_seconds": "histogram",
    "repram_writes_total": "counter",
    "repram_gossip_messages_sent_total": "counter",
    "repram_gossip_messages_received_total": "counter",
    "repram_gossip_send_failures_total": "counter",
    "repram_gossip_send_duration_seconds": "histogram",
    "process_resident_memory_bytes": "gauge",
    "process_start_time_seconds": "gauge",
}
UNLABELLED = [n for n, t in ALL_SERIES.items() if t != "histogram" and n not in (
    "repram_http_requests_total", "repram_writes_total", "repram_gossip_messages_sent_total",
    "repram_gossip_messages_received_total", "repram_catchup_runs_total",
    "repram_anti_entropy_rounds_total", "repram_anti_entropy_entries_total")]


# ---- /v1/health --------------------------------------------------------------------------

def test_health_exact_shape(node):
    n = node(env={"REPRAM_NODE_ID": "node-1"})
    r = n.get("/v1/health")
    assert assert_json(r) == {"status": "healthy", "node_id": "node-1", "network": "private",
                              "enclave": "default"}


def test_health_reports_enclave_and_default_node_id(node):
    n = node(env={"REPRAM_ENCLAVE": "blue"})
    h = assert_json(n.get("/v1/health"))
    assert set(h) == {"status", "node_id", "network", "enclave"}, h
    assert h["enclave"] == "blue" and h["network"] == "private"
    assert re.fullmatch(r"node-\d{15,}", h["node_id"]), h  # node-<unix nanoseconds>


def test_health_json_string_escaping(node):
    n = node(env={"REPRAM_NODE_ID": "id\"<x>&\u00e9"})
    r = n.get("/v1/health")
    assert b'"node_id":"id\\"<x>&\xc3\xa9"' in r.body, r
    assert assert_json(r)["node_id"] == "id\"<x>&\u00e9"


# ---- /v1/status --------------------------------------------------------------------------

def test_status_fields(node):
    n = node(env={"REPRAM_NODE_ID": "n1"})
    assert n.put("a", b"12345").status == 201
    assert n.put("b", b"").status == 201
    s = assert_json(n.get("/v1/status"))
    want = {"status", "node_id", "network", "enclave", "version", "uptime_seconds", "role",
            "peers", "keys", "bytes", "memory_rss_bytes", "build"}
    assert want <= set(s), sorted(want - set(s))
    assert (s["status"], s["node_id"], s["network"], s["enclave"]) == \
        ("healthy", "n1", "private", "default")
    assert s["version"] == "1.0.0"
    assert s["role"] == "transient"
    assert (s["peers"], s["keys"], s["bytes"]) == (0, 2, 5), s
    for f in ("uptime_seconds", "peers", "keys", "bytes", "memory_rss_bytes"):
        assert isinstance(s[f], int) and not isinstance(s[f], bool), (f, s[f])
    assert 0 <= s["uptime_seconds"] <= 60
    assert s["memory_rss_bytes"] > 1024 * 1024
    b = s["build"]
    assert set(b) >= {"commit", "compiler", "build_type"}, b
    assert all(isinstance(b[k], str) and b[k] for k in ("commit", "compiler", "build_type")), b
    assert b["commit"] == "unknown" or re.fullmatch(r"[0-9a-f]{7,40}", b["commit"]), b


@pytest.mark.parametrize("value,role", [("true", "substrate"), ("TRUE", "substrate"),
                                        ("false", "transient"), ("1", "transient")])
def test_status_role_from_inbound(node, value, role):
    n = node(env={"REPRAM_INBOUND": value})
    assert assert_json(n.get("/v1/status"))["role"] == role
    assert assert_json(n.get("/v1/topology"))["role"] == role


def test_status_role_substrate_when_inbound(node):
    n = node(env={"REPRAM_INBOUND": "true"})
    assert assert_json(n.get("/v1/status"))["role"] == "substrate"
    assert assert_json(n.get("/v1/topology"))["role"] == "substrate"


def test_status_uptime_counts_seconds(n1):
    u0 = n1.get("/v1/status").json()["uptime_seconds"]
    wait_until(lambda: n1.get("/v1/status").json()["uptime_seconds"] >= u0 + 1, timeout=3,
               interval=0.1, message="uptime_seconds to advance")


# ---- /v1/topology ------------------------------------------------------------------------

def test_topology_without_peers(node):
    n = node(env={"REPRAM_NODE_ID": "solo", "REPRAM_ENCLAVE": "e1"})
    t = assert_json(n.get("/v1/topology"))
    assert t == {"node_id": "solo", "enclave": "e1", "role": "transient", "peers": [],
                 "children": []}, t
    assert b'"peers":[]' in n.get("/v1/topology").body


# ---- /v1/metrics -------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(ALL_SERIES))
def test_metrics_series_declared(n1, name):
    text = n1.metrics()
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
    helps = dict(re.findall(r"^# HELP (\S+) (.+)$", text, re.M))
    assert types.get(name) == ALL_SERIES[name], f"# TYPE {name}: got {types.get(name)!r}"
    assert name in helps, f"no # HELP for {name}"
    if name in UNLABELLED:
        vals = [(ls, v) for nm, ls, v in parse_metrics(text) if nm == name]
        assert len(vals) == 1 and vals[0][0] == {}, (name, vals)


def test_metrics_format_and_values(n1):
    r = n1.get("/v1/metrics")
    assert r.status == 200 and r.header("Content-Type") == METRICS_CT, r
    text = r.text
    assert text.endswith("\n")
    samples = parse_metrics(text)
    helps = dict(re.findall(r"^# HELP (\S+) (.+)$", text, re.M))
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
    assert not [n for n in types if n not in helps], "every series needs # HELP"
    for name, labels, _ in samples:
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        assert base in types or name in types, f"sample {name} without # TYPE"
    assert metric_value(text, "repram_storage_entries") == 0
    assert metric_value(text, "repram_storage_bytes") == 0
    assert metric_value(text, "repram_storage_capacity_bytes") == 0
    assert metric_value(text, "process_resident_memory_bytes") > 0
    for name, want in [("repram_peers_active", 0), ("repram_omega_last_refresh_unix_seconds", 0),
                       ("repram_omega_root", 0), ("repram_gossip_forwards_total", 0),
                       ("repram_isolated", None)]:
        if name in types and want is not None:
            assert metric_value(text, name) == want, name
    if "process_start_time_seconds" in types:
        assert abs(metric_value(text, "process_start_time_seconds") - time.time()) < 120


def test_metrics_http_requests_total_labels(n1):
    for _ in range(3):
        assert n1.get("/v1/health").status == 200
    assert n1.put("k", b"v").status == 201
    assert n1.get("/v1/data/k").status == 200
    assert n1.get("/v1/data/missing").status == 404
    assert n1.get("/nope").status == 404
    assert n1.request("POST", "/v1/health").status == 405
    assert n1.get("/v1/health", headers={"User-Agent": "sqlmap"}).status == 403
    text = n1.metrics()
    series = [(ls, v) for nm, ls, v in parse_metrics(text) if nm == "repram_http_requests_total"]
    assert series and all(set(ls) == {"route", "method", "status"} for ls, _ in series), series

    def val(route, method, status):
        return metric_value(text, "repram_http_requests_total",
                            {"route": route, "method": method, "status": status})
    assert val("/v1/health", "GET", "200") == 3
    assert val("/v1/data/{key}", "PUT", "201") == 1
    assert val("/v1/data/{key}", "GET", "200") == 1
    assert val("/v1/data/{key}", "GET", "404") == 1
    assert val("other", "GET", "404") == 1
    assert val("/v1/health", "POST", "405") == 1
    assert val("/v1/health", "GET", "403") == 1
    # the raw key never becomes a label value
    assert 'route="/v1/data/k"' not in text
    hist = [ls for nm, ls, _ in parse_metrics(text)
            if nm == "repram_http_request_duration_seconds_bucket"]
    assert hist and all(set(ls) == {"route", "le"} for ls in hist), hist[:3]
    assert {ls["le"] for ls in hist} >= {"+Inf"}
    assert any(float(ls["le"]) <= 0.0001 for ls in hist if ls["le"] != "+Inf")
    assert any(ls["le"] == "10" or ls["le"] == "10.0" for ls in hist)


def test_metrics_storage_gauges_follow_writes(n1):
    n1.put("a", b"x" * 100)
    n1.put("b", b"y" * 50)
    n1.put("a", b"z" * 10)  # overwrite
    text = n1.metrics()
    assert metric_value(text, "repram_storage_entries") == 2
    assert metric_value(text, "repram_storage_bytes") == 60
    assert metric_value(text, "repram_storage_overhead_bytes") > 0
    assert metric_value(text, "repram_writes_total", {"status": "201"}) == 3


def test_metrics_suspicious_requests_increment(n1):
    before = n1.metric("repram_suspicious_requests_total")
    assert before == 0
    assert n1.get("/v1/health", headers={"User-Agent": "sqlmap/1.7"}).status == 403
    assert n1.put("k", b"v", {"User-Agent": "Nikto"}).status == 403
    assert n1.get("/v1/health", headers={"User-Agent": "python-requests/2.31"}).status == 200
    assert n1.metric("repram_suspicious_requests_total") == 2


def test_metrics_oversized_increment(n1):
    from harness import build_request
    assert n1.metric("repram_oversized_requests_total") == 0
    r = n1.raw_request(build_request("PUT", "/v1/data/big", [("Content-Length", "20000000")]), "PUT")
    assert r.status == 413, r
    assert n1.metric("repram_oversized_requests_total") == 1


def test_metrics_capacity_gauge(node):
    n = node(env={"REPRAM_MAX_STORAGE_MB": "3"})
    assert n.metric("repram_storage_capacity_bytes") == 3 * 1048576
