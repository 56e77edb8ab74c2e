"""Route table (http-api.md §2), 404/405 with Allow, OPTIONS preflight, CORS and security headers
on every response (§9.1, §9.2) and the exact body/Content-Type conventions of §1."""

import pytest

from harness import (JSON_CT, METRICS_CT, TEXT_CT, assert_common_headers, assert_json,
                     assert_text)

ORIGIN = "https://a.example"
NOT_FOUND = b"404 page not found\n"
NOT_ALLOWED = b"Method not allowed\n"

# (path, methods served besides OPTIONS, Allow on 405)
ROUTES = [
    ("/v1/data/k", ["GET", "HEAD", "PUT"], "GET, HEAD, PUT, OPTIONS"),
    ("/v1/keys", ["GET"], "GET, OPTIONS"),
    ("/v1/health", ["GET"], "GET, OPTIONS"),
    ("/v1/status", ["GET"], "GET, OPTIONS"),
    ("/v1/topology", ["GET"], "GET, OPTIONS"),
    ("/v1/metrics", ["GET"], "GET, OPTIONS"),
    ("/mcp", ["POST"], "POST, OPTIONS"),
    ("/v1/gossip/message", ["POST"], "POST, OPTIONS"),
    ("/v1/bootstrap", ["POST"], "POST, OPTIONS"),
]
ALL_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "TRACE", "FOO"]
WRONG = [(p, m, allow) for p, served, allow in ROUTES for m in ALL_METHODS if m not in served]


@pytest.mark.parametrize("path,method,allow", WRONG, ids=[f"{m}-{p}" for p, m, _ in WRONG])
def test_wrong_method_is_405_with_allow(n1, path, method, allow):
    r = n1.request(method, path, headers={"Origin": ORIGIN})
    assert r.status == 405, r
    assert r.headers.get_all("Allow") == [allow], r
    if method != "HEAD":
        assert_text(r, 405, NOT_ALLOWED)
    assert_common_headers(r, origin=ORIGIN)


@pytest.mark.parametrize("path", [p for p, _, _ in ROUTES])
def test_options_preflight_on_every_known_route(n1, path):
    r = n1.request("OPTIONS", path, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "X-TTL"})
    assert r.status == 200, r
    assert r.body == b"", r
    assert r.header("Content-Length") == "0", r
    assert_common_headers(r, origin=ORIGIN)


def test_options_without_origin_has_no_allow_origin(n1):
    r = n1.request("OPTIONS", "/v1/data/k")
    assert (r.status, r.body) == (200, b""), r
    assert_common_headers(r, origin=None)


@pytest.mark.parametrize("method", ["GET", "OPTIONS", "PUT"])
def test_ws_on_transient_is_404(n1, method):
    # A transient (REPRAM_INBOUND unset) answers 404 to every request on /v1/ws.
    r = n1.request(method, "/v1/ws", headers={"Origin": ORIGIN})
    assert_text(r, 404, NOT_FOUND)
    assert_common_headers(r, origin=ORIGIN)


def test_ws_upgrade_on_transient_is_404(n1):
    r = n1.request("GET", "/v1/ws", headers={
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert_text(r, 404, NOT_FOUND)
    assert_common_headers(r)


# "/" is the dashboard (tests/test_dashboard.py: 404 with REPRAM_UI=false).
@pytest.mark.parametrize("path", [
    "/v1/data", "/nope", "/v1/health/", "/v1/Health", "//v1/health", "/v1/keys/",
    "/V1/data/k", "/v1/datax", "/v1/status/", "/v1", "/v1/gossip", "/mcp/",
])
@pytest.mark.parametrize("method", ["GET", "PUT", "OPTIONS", "DELETE"])
def test_unknown_path_is_404(n1, path, method):
    r = n1.request(method, path, headers={"Origin": ORIGIN})
    assert_text(r, 404, NOT_FOUND)
    assert r.header("Allow") is None, r
    assert_common_headers(r, origin=ORIGIN)


def test_head_unknown_path_is_404_without_body(n1):
    r = n1.request("HEAD", "/nope")
    assert (r.status, r.body) == (404, b""), r
    assert_common_headers(r)


@pytest.mark.parametrize("path", ["/v1/health?x=1", "/v1/keys?prefix=", "/v1/status?", "/v1/topology?a=b"])
def test_query_is_not_part_of_route(n1, path):
    r = n1.get(path)
    assert r.status == 200, r
    assert_json(r)


@pytest.mark.parametrize("path", ["/v1/health", "/v1/status", "/v1/topology", "/v1/keys"])
def test_json_routes_get(n1, path):
    r = n1.get(path)
    assert r.header("Content-Type") == JSON_CT, r
    assert_json(r)
    assert_common_headers(r)


def test_metrics_route_get(n1):
    r = n1.get("/v1/metrics")
    assert r.status == 200, r
    assert r.header("Content-Type") == METRICS_CT, r
    assert r.header("Content-Encoding") is None, r
    assert_common_headers(r)


def test_metrics_never_gzip(n1):
    r = n1.request("GET", "/v1/metrics", headers={"Accept-Encoding": "gzip"})
    assert r.status == 200 and r.header("Content-Encoding") is None, r
    assert b"# TYPE" in r.body


def test_put_get_head_success_bodies(n1):
    r = n1.put("conv", b"value", {"Origin": ORIGIN})
    assert_text(r, 201, b"OK")  # no trailing newline
    assert_common_headers(r, origin=ORIGIN)
    r = n1.get("/v1/data/conv", headers={"Origin": ORIGIN})
    assert (r.status, r.body) == (200, b"value"), r
    assert r.header("Content-Type") == "application/octet-stream", r
    assert_common_headers(r, origin=ORIGIN)
    r = n1.request("HEAD", "/v1/data/conv")
    assert (r.status, r.body) == (200, b""), r
    assert r.header("Content-Length") == "5", r
    assert_common_headers(r)


def test_get_missing_404_empty(n1):
    r = n1.get("/v1/data/missing", headers={"Origin": ORIGIN})
    assert (r.status, r.body) == (404, b""), r
    assert r.header("Content-Length") == "0", r
    assert_common_headers(r, origin=ORIGIN)


def test_error_body_400_has_newline_and_headers(n1):
    r = n1.put("a%2Fb", b"x", {"Origin": ORIGIN})
    assert_text(r, 400, b"key must not contain '/'\n")
    assert_common_headers(r, origin=ORIGIN)


@pytest.mark.parametrize("path", ["/v1/health", "/v1/data/k", "/nope"])
def test_no_allow_origin_without_origin(n1, path):
    r = n1.get(path)
    assert_common_headers(r, origin=None)


def test_origin_is_echoed_verbatim_never_star(n1):
    for origin in ["null", "http://localhost:3000", "https://x.example:8443"]:
        r = n1.get("/v1/health", headers={"Origin": origin})
        assert_common_headers(r, origin=origin)


@pytest.mark.parametrize("method", ["OPTIONS", "POST", "PUT"])
def test_ws_on_substrate_other_methods_405_allow_get(node, method):
    # Step 5: OPTIONS on /v1/ws is no preflight; it ends at step 7 with 405 on a substrate.
    n = node(env={"REPRAM_INBOUND": "true"})
    r = n.request(method, "/v1/ws", headers={"Origin": ORIGIN})
    assert_text(r, 405, NOT_ALLOWED)
    assert r.headers.get_all("Allow") == ["GET"], r
    assert_common_headers(r, origin=ORIGIN)
