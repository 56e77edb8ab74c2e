"""Bodies and middleware (http-api.md §3, §9, §11 and the §13 table "Bodies and middleware"):
body limits, chunked framing, malformed requests, Expect, keep-alive, pipelining, request
timeout, capacity, scanner block, rate limiting and client-IP selection."""

import hashlib
import threading
import time

import pytest

from harness import (assert_common_headers, assert_text, build_request, chunked, metric_value,
                     wait_until)

ORIGIN = "https://a.example"
MiB = 1048576
LIMIT = 10 * MiB
TOO_LARGE = b"Request too large\n"
BAD_REQUEST = b"Bad Request\n"
BODY_READ = b"Failed to read request body\n"
FORBIDDEN = b"Forbidden\n"
RATE = b"Rate limit exceeded\n"
FULL = b"Node storage capacity exceeded\n"


def send_in_background(conn, data: bytes, piece: int = 65536) -> threading.Thread:
    """Sends ``data`` from a thread (the server may stop reading and close); errors ignored."""
    def run():
        try:
            for i in range(0, len(data), piece):
                conn.send(data[i:i + piece])
        except OSError:
            pass
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def assert_nothing_stored(n, key: str = "big") -> None:
    assert n.get(f"/v1/data/{key}").status == 404
    assert n.get("/v1/keys").json() == {"keys": []}
    assert n.metric("repram_storage_entries") == 0


# ---- sizes --------------------------------------------------------------------------------

def test_empty_body_put(n1):
    r = n1.put("empty", b"")
    assert_text(r, 201, b"OK")
    g = n1.get("/v1/data/empty")
    assert (g.status, g.body, g.header("Content-Length")) == (200, b"", "0"), g
    assert n1.get("/v1/keys").json() == {"keys": ["empty"]}


def test_empty_chunked_body_put(n1):
    r = n1.raw_request(build_request("PUT", "/v1/data/e", [("Transfer-Encoding", "chunked")],
                                     b"0\r\n\r\n"), "PUT")
    assert_text(r, 201, b"OK")
    assert n1.get("/v1/data/e").header("Content-Length") == "0"


def test_put_without_content_length_or_body_is_empty_value(n1):
    r = n1.raw_request(build_request("PUT", "/v1/data/nobody"), "PUT")
    assert_text(r, 201, b"OK")
    g = n1.get("/v1/data/nobody")
    assert (g.status, g.body) == (200, b""), g


def test_binary_body_stored_verbatim_content_type_ignored(n1):
    value = bytes(range(256)) * 4 + b"\r\n\r\n\x00"
    r = n1.put("bin", value, {"Content-Type": "application/json"})
    assert_text(r, 201, b"OK")
    g = n1.get("/v1/data/bin")
    assert g.body == value and g.header("Content-Type") == "application/octet-stream", g


def test_put_exactly_10_mib(n1):
    value = hashlib.sha256(b"seed").digest() * (LIMIT // 32)
    assert len(value) == LIMIT
    r = n1.request("PUT", "/v1/data/max", value, timeout=60)
    assert_text(r, 201, b"OK")
    g = n1.request("GET", "/v1/data/max", timeout=60)
    assert g.status == 200 and g.header("Content-Length") == str(LIMIT), g
    assert hashlib.sha256(g.body).digest() == hashlib.sha256(value).digest()


def test_put_exactly_10_mib_chunked(n1):
    value = b"c" * LIMIT
    with n1.raw(timeout=60) as c:
        c.send(build_request("PUT", "/v1/data/maxc", [("Transfer-Encoding", "chunked")],
                             chunked(value, 1 << 20)))
        assert_text(c.read_response("PUT"), 201, b"OK")
    assert n1.request("HEAD", "/v1/data/maxc").header("Content-Length") == str(LIMIT)


def test_put_10_mib_plus_1_with_content_length_is_413(n1):
    with n1.raw(timeout=20) as c:
        c.send(build_request("PUT", "/v1/data/big", [("Origin", ORIGIN),
                                                      ("Content-Length", str(LIMIT + 1))]))
        t = send_in_background(c, b"x" * (LIMIT + 1))
        r = c.read_response("PUT")
        assert_text(r, 413, TOO_LARGE)
        assert (r.header("Connection") or "").lower() == "close", r
        assert_common_headers(r, origin=ORIGIN)
        assert c.is_closed_by_peer(10), "connection must be closed after 413"
        t.join(10)
    assert_nothing_stored(n1)
    assert n1.metric("repram_oversized_requests_total") >= 1


def test_put_10_mib_plus_1_chunked_is_413_and_node_keeps_serving(n1):
    with n1.raw(timeout=20) as c:
        c.send(build_request("PUT", "/v1/data/big", [("Origin", ORIGIN),
                                                      ("Transfer-Encoding", "chunked")]))
        t = send_in_background(c, chunked(b"y" * (LIMIT + 1), 65536))
        r = c.read_response("PUT")
        assert_text(r, 413, TOO_LARGE)
        assert (r.header("Connection") or "").lower() == "close", r
        assert_common_headers(r, origin=ORIGIN)
        assert c.is_closed_by_peer(10), "connection must be closed after a streamed 413"
        t.join(10)
    # A new connection works.
    h = n1.get("/v1/health")
    assert h.status == 200, h
    assert_nothing_stored(n1)
    assert_text(n1.put("after", b"ok"), 201, b"OK")
    assert n1.metric("repram_oversized_requests_total") >= 1


def test_single_chunk_declared_over_limit_is_413(n1):
    data = b"z" * (LIMIT + 1)
    with n1.raw(timeout=20) as c:
        c.send(build_request("PUT", "/v1/data/big", [("Transfer-Encoding", "chunked")]))
        t = send_in_background(c, b"%x\r\n" % len(data) + data + b"\r\n0\r\n\r\n")
        r = c.read_response("PUT")
        assert_text(r, 413, TOO_LARGE)
        t.join(10)
    assert_nothing_stored(n1)


def test_content_length_20000000_without_body_is_413_immediately(n1):
    with n1.raw(timeout=10) as c:
        t0 = time.monotonic()
        c.send(build_request("PUT", "/v1/data/big", [("Content-Length", "20000000")]))
        r = c.read_response("PUT")
        elapsed = time.monotonic() - t0
        assert_text(r, 413, TOO_LARGE)
        assert elapsed < 2.0, f"413 took {elapsed:.2f}s: the node waited for the body"
        assert c.is_closed_by_peer(5)
    assert_nothing_stored(n1)


@pytest.mark.parametrize("method,path", [("GET", "/v1/health"), ("GET", "/v1/keys"),
                                         ("GET", "/v1/data/k"), ("GET", "/nope")])
def test_body_limit_applies_to_routes_without_body(n1, method, path):
    r = n1.raw_request(build_request(method, path, [("Content-Length", "20000000")]), method)
    if path == "/nope":  # unknown path ends at step 7, before the body limit (step 8)
        assert_text(r, 404, b"404 page not found\n")
    else:
        assert_text(r, 413, TOO_LARGE)


# ---- robustness -------------------------------------------------------------------------

def test_garbage_inputs_never_crash(n1):
    """Seeded mutations of valid requests; every connection is closed (half of them with a
    half-close first). The node must stay up and keep serving."""
    import random
    import socket
    seeds = [build_request("PUT", "/v1/data/k?ttl=600", [("X-TTL", "5"), ("Origin", "o")], b"hello"),
             build_request("PUT", "/v1/data/k", [("Transfer-Encoding", "chunked")],
                           b"5\r\nhello\r\n0\r\n\r\n"),
             build_request("GET", "/v1/keys?prefix=a&limit=2&cursor=b"),
             build_request("OPTIONS", "/v1/data/k", [("Origin", "x")]),
             build_request("GET", "/v1/health", [("Expect", "100-continue"),
                                                 ("Content-Length", "3")], b"abc")]
    toks = [b"\r\n", b"\x00", b"%", b"%ZZ", b"/", b":", b" ", b"99999999999999999999",
            b"chunked", b"\xff", b"\r\n\r\n", b"Content-Length: 5\r\n",
            b"Transfer-Encoding: chunked\r\n", b"Expect: 100-continue\r\n"]
    rnd = random.Random(20261128)
    stop_at = time.monotonic() + 20
    for i in range(2000):
        d = bytearray(rnd.choice(seeds))
        for _ in range(rnd.randint(1, 4)):
            op, p = rnd.randint(0, 3), rnd.randint(0, len(d))
            if op == 0 and d:
                d[min(p, len(d) - 1)] = rnd.randint(0, 255)
            elif op == 1:
                d[p:p] = rnd.choice(toks)
            elif op == 2:
                del d[p:p + rnd.randint(1, 10)]
            else:
                d = d[:p]
        s = socket.create_connection((n1.host, n1.port), timeout=2)
        try:
            s.sendall(bytes(d))
            if i % 2:
                s.shutdown(socket.SHUT_WR)
                s.settimeout(1.0)
                while s.recv(65536):
                    pass
        except OSError:
            pass
        finally:
            s.close()
        assert n1.alive(), f"node died on input #{i}: {bytes(d)!r}"
        if time.monotonic() > stop_at:
            break
    assert n1.get("/v1/health").status == 200


def test_accept_errors_back_off(node):
    """With the fd limit reached, accept() fails with EMFILE: the node must neither spin nor
    flood its log, and must serve again once descriptors are free."""
    import socket
    n = node(rlimit_nofile=64)
    socks = []
    try:
        for _ in range(100):
            socks.append(socket.create_connection((n.host, n.port), timeout=2))
        time.sleep(1.0)  # observe the behaviour over one second while the limit is hit
        floods = [l for l in n.lines if "accept" in l.lower()]
    finally:
        for s in socks:
            s.close()
    count = len(floods)
    assert count <= 100, f"{count} accept-error log lines in ~1 s, e.g. {floods[0]!r}"
    wait_until(lambda: n.get("/v1/health").status == 200, timeout=5, message="serving again")


# ---- framing errors -----------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b"zz\r\nhello\r\n0\r\n\r\n",          # non-hex size
    b"5\r\nhelloXX\r\n0\r\n\r\n",          # data longer than the size (no CRLF after data)
    b"-5\r\nhello\r\n0\r\n\r\n",           # negative size
    b"fffffffffffffffffff\r\nab\r\n0\r\n\r\n",  # size overflow
], ids=["non-hex", "missing-crlf", "negative", "overflow"])
def test_malformed_chunked_body_is_400(n1, body):
    with n1.raw() as c:
        c.send(build_request("PUT", "/v1/data/mc", [("Origin", ORIGIN),
                                                     ("Transfer-Encoding", "chunked")], body))
        r = c.read_response("PUT")
        assert_text(r, 400, BODY_READ)
        assert_common_headers(r, origin=ORIGIN)
    assert n1.get("/v1/data/mc").status == 404
    assert n1.get("/v1/health").status == 200


@pytest.mark.parametrize("body", [
    b"5;ext=1\r\nhello\r\n0\r\n\r\n",
    b"5\r\nhello\r\n0\r\nX-Trailer: a\r\n\r\n",
    b"2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n",
    b"00005\r\nhello\r\n0\r\n\r\n",
    b"5\r\nhello\r\n0;last\r\n\r\n",
], ids=["extension", "trailer", "two-chunks", "leading-zeros", "last-chunk-extension"])
def test_valid_chunked_variants(n1, body):
    with n1.raw() as c:
        c.send(build_request("PUT", "/v1/data/ch", [("Transfer-Encoding", "chunked")], body))
        assert_text(c.read_response("PUT"), 201, b"OK")
        c.send(build_request("GET", "/v1/data/ch"))  # framing fully consumed: keep-alive works
        assert c.read_response().body == b"hello"


def test_both_content_length_and_transfer_encoding_is_400(n1):
    with n1.raw() as c:
        c.send(build_request("PUT", "/v1/data/te", [("Content-Length", "5"),
                                                     ("Transfer-Encoding", "chunked")],
                             b"5\r\nhello\r\n0\r\n\r\n"))
        r = c.read_response("PUT")
        assert_text(r, 400, BAD_REQUEST)
        assert_common_headers(r, check_acao=False)
        assert c.is_closed_by_peer(5), "connection must be closed after 400"
    assert n1.get("/v1/data/te").status == 404


@pytest.mark.parametrize("headers", [
    [("Content-Length", "abc")],
    [("Content-Length", "5"), ("Content-Length", "6")],
    [("Content-Length", "-1")],
    [("Content-Length", "5, 6")],
    [("Content-Length", "+5")],
], ids=["non-numeric", "conflicting", "negative", "list", "plus-sign"])
def test_invalid_content_length_is_400(n1, headers):
    with n1.raw() as c:
        c.send(build_request("PUT", "/v1/data/cl", headers, b"hello", content_length=False))
        r = c.read_response("PUT")
        assert_text(r, 400, BAD_REQUEST)
        assert_common_headers(r, check_acao=False)
    assert n1.get("/v1/data/cl").status == 404


@pytest.mark.parametrize("data", [
    b"GARBAGE\r\n\r\n",
    b"GET /v1/health HTTP/1.1\r\nNo colon here\r\n\r\n",
    b"GET /v1/health HTTP/9.9\r\nHost: x\r\n\r\n",
], ids=["request-line", "header-line", "version"])
def test_malformed_request_is_400(n1, data):
    with n1.raw() as c:
        c.send(data)
        r = c.read_response()
        assert r.status == 400, r
        if r.status == 400:
            assert_text(r, 400, BAD_REQUEST)
            assert_common_headers(r, check_acao=False)
        assert c.is_closed_by_peer(5)


@pytest.mark.parametrize("headers", [
    [("X-Big", "a" * (70 * 1024))],
    [(f"X-H{i}", "b" * 1000) for i in range(70)],
], ids=["one-70k-field", "seventy-1k-fields"])
def test_header_section_over_64_kib_is_431(n1, headers):
    with n1.raw() as c:
        c.send(build_request("GET", "/v1/health", headers))
        r = c.read_response()
        assert_text(r, 431, b"Request header fields too large\n")
        assert_common_headers(r, check_acao=False)
        assert c.is_closed_by_peer(5)
    assert n1.get("/v1/health").status == 200


def test_header_section_just_under_64_kib_is_served(n1):
    with n1.raw() as c:
        c.send(build_request("GET", "/v1/health", [("X-Big", "a" * 60000)]))
        r = c.read_response()
        assert r.status == 200, r


# ---- connection behaviour ----------------------------------------------------------------

def test_expect_100_continue(n1):
    with n1.raw() as c:
        c.send(build_request("PUT", "/v1/data/ex", [("Expect", "100-continue"),
                                                     ("Content-Length", "5")]))
        interim = c.read_response("PUT", skip_interim=False)
        assert interim.status == 100, interim
        c.send(b"hello")
        assert_text(c.read_response("PUT"), 201, b"OK")
    assert n1.get("/v1/data/ex").body == b"hello"


def test_expect_100_continue_after_a_pipelined_answer(n1):
    """Answers to pipelined requests are batched; the interim 100 must still come after the
    answer to the request before it."""
    with n1.raw() as c:
        c.send(build_request("GET", "/v1/health")
               + build_request("PUT", "/v1/data/ex2", [("Expect", "100-continue"),
                                                        ("Content-Length", "5")]))
        first = c.read_response("GET", skip_interim=False)
        assert first.status == 200 and first.json()["status"] == "healthy", first
        interim = c.read_response("PUT", skip_interim=False)
        assert interim.status == 100, interim
        c.send(b"hello")
        assert_text(c.read_response("PUT"), 201, b"OK")
    assert n1.get("/v1/data/ex2").body == b"hello"


@pytest.mark.parametrize("case", ["too-large", "scanner", "wrong-method", "unknown-path"])
def test_expect_100_continue_not_sent_when_a_check_fails(n1, case):
    method, path, headers = "PUT", "/v1/data/ex", [("Expect", "100-continue")]
    length, want = "5", None
    if case == "too-large":
        length, want = str(LIMIT + 1), (413, TOO_LARGE)
    elif case == "scanner":
        headers.append(("User-Agent", "sqlmap/1.0")); want = (403, FORBIDDEN)
    elif case == "wrong-method":
        method, want = "POST", (405, b"Method not allowed\n")
    else:
        path, want = "/nope", (404, b"404 page not found\n")
    with n1.raw() as c:
        c.send(build_request(method, path, headers + [("Content-Length", length)]))
        r = c.read_response(method, skip_interim=False)
        assert r.status != 100, "100 Continue sent although the request is refused"
        assert_text(r, *want)
    assert n1.get("/v1/data/ex").status == 404


def test_keep_alive_several_requests_on_one_connection(n1):
    with n1.raw() as c:
        for i in range(5):
            c.send(build_request("PUT", f"/v1/data/ka{i}", body=b"v%d" % i))
            r = c.read_response("PUT")
            assert_text(r, 201, b"OK")
            assert (r.header("Connection") or "").lower() != "close", r
            c.send(build_request("GET", f"/v1/data/ka{i}"))
            g = c.read_response()
            assert (g.status, g.body) == (200, b"v%d" % i), g
        c.send(build_request("GET", "/v1/keys"))
        assert c.read_response().json()["keys"] == [f"ka{i}" for i in range(5)]
        c.send(build_request("GET", "/v1/data/missing"))
        assert c.read_response().status == 404
        c.send(build_request("GET", "/v1/health"))
        assert c.read_response().status == 200


def test_keep_alive_after_error_responses(n1):
    with n1.raw() as c:
        for path, status in [("/nope", 404), ("/v1/data/a%ZZ", 400), ("/v1/health", 200)]:
            c.send(build_request("GET", path))
            assert c.read_response().status == status
        c.send(build_request("DELETE", "/v1/data/k"))
        assert c.read_response().status == 405
        c.send(build_request("GET", "/v1/health"))
        assert c.read_response().status == 200


def test_connection_close_request_is_honoured(n1):
    with n1.raw() as c:
        c.send(build_request("GET", "/v1/health", [("Connection", "close")]))
        assert c.read_response().status == 200
        assert c.is_closed_by_peer(5)


def test_http_1_0_request(n1):
    with n1.raw() as c:
        c.send(b"GET /v1/health HTTP/1.0\r\n\r\n")
        r = c.read_response()
        assert r.status == 200 and r.json()["status"] == "healthy", r
        assert c.is_closed_by_peer(5)


@pytest.mark.parametrize("method", ["get", "Get", "put"])
def test_methods_are_case_sensitive(n1, method):
    r = n1.raw_request(build_request(method, "/v1/health"))
    assert_text(r, 405, b"Method not allowed\n")
    assert r.header("Allow") == "GET, OPTIONS", r


SMUGGLE_CASES = [("PUT", "/v1/keys", [], 405), ("POST", "/nope", [], 404),
                 ("PUT", "/v1/data/a%ZZ", [], 400), ("PUT", "/v1/data/k", [("User-Agent", "sqlmap")], 403),
                 ("GET", "/v1/health", [], 200), ("GET", "/v1/data/k", [], 404),
                 ("OPTIONS", "/v1/data/k", [], 200)]


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
@pytest.mark.parametrize("method,path,headers,status", SMUGGLE_CASES,
                         ids=[f"{m}-{p}" for m, p, _, _ in SMUGGLE_CASES])
def test_unread_body_never_parsed_as_a_request(n1, method, path, headers, status, framing):
    """A body the handler does not use is skipped (or the connection closed): it must never be
    answered as a request of its own."""
    inner = b"GET /v1/data/smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    hdrs = list(headers)
    body = inner
    if framing == "chunked":
        hdrs.append(("Transfer-Encoding", "chunked"))
        body = chunked(inner)
    with n1.raw(timeout=5) as c:
        c.send(build_request(method, path, hdrs, body) + build_request("GET", "/v1/health"))
        first = c.read_response(method)
        assert first.status == status, first
        try:
            nxt = c.read_response()
        except ConnectionError:
            return  # closed after the first response: fine
        assert nxt.status == 200 and nxt.json()["status"] == "healthy", \
            f"the unread body was answered as a request: {nxt!r}"


def test_pipelined_requests_answered_in_order(n1):
    reqs = [("PUT", "/v1/data/p", b"one"), ("GET", "/v1/data/p", None),
            ("PUT", "/v1/data/p", b"two"), ("GET", "/v1/data/p", None),
            ("HEAD", "/v1/data/p", None), ("GET", "/v1/data/missing", None),
            ("GET", "/v1/health", None)]
    with n1.raw() as c:
        c.send(b"".join(build_request(m, p, body=b) for m, p, b in reqs))
        got = [c.read_response(m) for m, _, _ in reqs]
    assert [r.status for r in got] == [201, 200, 201, 200, 200, 404, 200], got
    assert [r.body for r in got[:4]] == [b"OK", b"one", b"OK", b"two"], got
    assert got[4].header("Content-Length") == "3"
    assert got[6].json()["status"] == "healthy"


# ---- read deadlines (one shared 30 s scenario, several checks) ---------------------------

@pytest.fixture(scope="module")
def deadlines():
    """One node, four connections left in different states for ~30 s:
    slow_body   -- headers + 3 of 10 body bytes: expects 503 `Request timeout` at 30 s;
    slow_head   -- half a header section: expects a silent close at 30 s;
    silent      -- accepted, never sends a byte: expects a silent close at 30 s;
    idle        -- one complete request, then idle: must still work after 33 s (idle limit 120 s).
    """
    from harness import Node, RawConn
    n = Node(name="deadlines").start()
    results = {"node": n}
    try:
        conns = {k: n.raw(timeout=40) for k in ("slow_body", "slow_head", "silent", "idle")}
        conns["idle"].send(build_request("GET", "/v1/health"))
        results["idle_first"] = conns["idle"].read_response().status
        t0 = time.monotonic()
        conns["slow_body"].send(build_request("PUT", "/v1/data/slow", [("Origin", ORIGIN),
                                                                        ("Content-Length", "10")]))
        conns["slow_body"].send(b"abc")
        conns["slow_head"].send(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")

        def watch(name):
            c = conns[name]
            try:
                if name == "slow_body":
                    r = c.read_response("PUT")
                    results[name] = (time.monotonic() - t0, r, c.is_closed_by_peer(5))
                else:
                    data = b""
                    while True:
                        chunk = c.sock.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    results[name] = (time.monotonic() - t0, data, True)
            except Exception as exc:  # noqa: BLE001
                results[name] = (time.monotonic() - t0, exc, None)

        threads = [threading.Thread(target=watch, args=(k,), daemon=True)
                   for k in ("slow_body", "slow_head", "silent")]
        for t in threads:
            t.start()
        results["served_meanwhile"] = n.get("/v1/health").status
        for t in threads:
            t.join(45)
        wait_until(lambda: time.monotonic() - t0 >= 33, timeout=40, interval=0.2)
        try:
            conns["idle"].send(build_request("GET", "/v1/health"))
            results["idle"] = conns["idle"].read_response().status
        except Exception as exc:  # noqa: BLE001
            results["idle"] = exc
        results["stored"] = n.get("/v1/data/slow").status
        for c in conns.values():
            c.close()
        yield results
    finally:
        n.kill()


@pytest.mark.slow
def test_body_not_complete_within_30s_is_503(deadlines):
    elapsed, r, closed = deadlines["slow_body"]
    assert not isinstance(r, Exception), f"no response after {elapsed:.1f}s: {r!r}"
    assert_text(r, 503, b"Request timeout\n")
    assert_common_headers(r, origin=ORIGIN)
    assert 28.5 <= elapsed <= 36, f"503 after {elapsed:.1f}s, want ~30s"
    assert closed, "connection must be closed after 503"
    assert deadlines["stored"] == 404
    assert deadlines["served_meanwhile"] == 200


@pytest.mark.slow
def test_incomplete_header_section_closed_silently_after_30s(deadlines):
    elapsed, data, _ = deadlines["slow_head"]
    assert data == b"", f"expected a silent close, got {data!r}"
    assert 28.5 <= elapsed <= 36, f"closed after {elapsed:.1f}s, want ~30s"


@pytest.mark.slow
def test_connection_without_any_byte_closed_silently_after_30s(deadlines):
    elapsed, data, _ = deadlines["silent"]
    assert data == b"", f"expected a silent close, got {data!r}"
    assert 28.5 <= elapsed <= 36, f"closed after {elapsed:.1f}s, want ~30s"


@pytest.mark.slow
def test_idle_keep_alive_survives_30s(deadlines):
    assert deadlines["idle_first"] == 200
    assert deadlines["idle"] == 200, f"idle keep-alive connection unusable after 33 s: {deadlines['idle']!r}"


# ---- capacity ----------------------------------------------------------------------------

def test_capacity_507_keeps_old_value(node):
    n = node(env={"REPRAM_MAX_STORAGE_MB": "1"})
    assert n.metric("repram_storage_capacity_bytes") == MiB
    assert_text(n.put("a", b"a" * 600000), 201, b"OK")
    r = n.put("b", b"b" * 600000, {"Origin": ORIGIN})
    assert_text(r, 507, FULL)
    assert_common_headers(r, origin=ORIGIN)
    assert n.get("/v1/data/b").status == 404
    # Overwrite: live - old + new <= max is allowed (exactly 1 MiB).
    assert_text(n.put("a", b"A" * MiB), 201, b"OK")
    # One byte over: refused, the old value stays.
    assert_text(n.put("a", b"Z" * (MiB + 1)), 507, FULL)
    g = n.get("/v1/data/a")
    assert g.status == 200 and g.body == b"A" * MiB, g.status
    with n.raw() as c:  # streamed body over capacity: 507 as well
        c.send(build_request("PUT", "/v1/data/c", [("Transfer-Encoding", "chunked")],
                             chunked(b"c" * 600000, 50000)))
        assert_text(c.read_response("PUT"), 507, FULL)
    assert_text(n.put("b", b""), 201, b"OK")  # zero-length values always fit
    assert_text(n.put("c", b"c"), 507, FULL)
    assert n.get("/v1/keys").json() == {"keys": ["a", "b"]}
    m = n.metrics()
    assert metric_value(m, "repram_writes_total", {"status": "507"}) == 4
    assert metric_value(m, "repram_storage_bytes") == MiB


def test_capacity_freed_after_expiry(node):
    """Expired bytes never count: a write sent after expires_at fits; one answered before
    expires_at does not. Judged from send/receive times, so scheduling delays cannot flip it."""
    n = node(env={"REPRAM_MAX_STORAGE_MB": "1", "REPRAM_MIN_TTL": "1"})
    c = n.client()
    t0 = time.monotonic()
    assert_text(c.request("PUT", "/v1/data/short", b"s" * MiB, {"X-TTL": "1"}), 201, b"OK")
    t1 = time.monotonic()  # expires_at lies in [t0 + 1, t1 + 1]
    while True:
        sent = time.monotonic()
        r = c.request("PUT", "/v1/data/next", b"n" * 1000, {"X-TTL": "60"})
        received = time.monotonic()
        if r.status == 201:
            assert received >= t0 + 1.0 - 0.005, f"fit {received - t0:.3f}s after the 1 s PUT"
            break
        assert_text(r, 507, FULL)
        assert sent <= t1 + 1.0 + 0.05, \
            f"507 for a write sent {sent - t1 - 1:.3f}s after expires_at: expired bytes counted"
        assert sent < t0 + 5, "capacity never freed"
        time.sleep(0.01)
    assert n.get("/v1/data/short").status == 404


# ---- scanner User-Agent ------------------------------------------------------------------

SCANNERS = ["sqlmap/1.0", "Mozilla/5.0 (compatible; Nmap Scripting Engine)", "Nikto/2.1.6",
            "masscan/1.3", "gobuster/3.6", "DirBuster-1.0-RC1", "xx-SQLMAP-xx"]
SCANNED_ROUTES = [("PUT", "/v1/data/k"), ("GET", "/v1/data/k"), ("HEAD", "/v1/data/k"),
                  ("GET", "/v1/keys"), ("GET", "/v1/health"), ("GET", "/v1/status"),
                  ("GET", "/v1/topology"), ("GET", "/v1/metrics")]


@pytest.mark.parametrize("ua", SCANNERS)
def test_scanner_user_agent_is_403(n1, ua):
    r = n1.request("PUT", "/v1/data/k", b"v", {"User-Agent": ua, "Origin": ORIGIN})
    assert_text(r, 403, FORBIDDEN)
    assert_common_headers(r, origin=ORIGIN)
    assert n1.get("/v1/data/k").status == 404


@pytest.mark.parametrize("method,path", SCANNED_ROUTES)
def test_scanner_block_applies_to_every_route(n1, method, path):
    r = n1.request(method, path, b"v" if method == "PUT" else None, {"User-Agent": "sqlmap/1.0"})
    assert r.status == 403, r
    if method != "HEAD":
        assert_text(r, 403, FORBIDDEN)


def test_scanner_on_unknown_path_and_options(n1):
    r = n1.get("/nope", headers={"User-Agent": "sqlmap/1.0"})
    assert_text(r, 404, b"404 page not found\n")  # step 7 precedes step 9
    r = n1.request("OPTIONS", "/v1/data/k", headers={"User-Agent": "sqlmap/1.0"})
    assert (r.status, r.body) == (200, b""), r  # preflight precedes the scanner check


@pytest.mark.parametrize("ua", ["python-requests/2.31", "curl/8.0", "Mozilla/5.0", ""])
def test_ordinary_user_agents_allowed(n1, ua):
    assert_text(n1.put("ok", b"v", {"User-Agent": ua}), 201, b"OK")
    assert n1.get("/v1/data/ok", headers={"User-Agent": ua}).body == b"v"


# ---- rate limiting -----------------------------------------------------------------------

class TooSlow(Exception):
    pass


def within_one_second(scenario, attempts: int = 3):
    """Runs ``scenario`` (which raises TooSlow when its requests did not all fall into one
    refill interval) up to ``attempts`` times, so the outcome never depends on scheduling."""
    for _ in range(attempts - 1):
        try:
            return scenario()
        except TooSlow:
            continue
    return scenario()


def statuses(client, path, count, headers=None, deadline=None):
    out = []
    for _ in range(count):
        r = client.request("GET", path, headers=headers)
        out.append(r)
    if deadline is not None and time.monotonic() > deadline:
        raise TooSlow()
    return out


def test_rate_limit_429_with_retry_after(node):
    def scenario():
        n = node(env={"REPRAM_RATE_LIMIT": "1"})
        with n.client() as c:
            deadline = time.monotonic() + 0.8
            rs = statuses(c, "/v1/health", 4, {"Origin": ORIGIN})
            extra = [c.request("GET", "/nope"), c.request("PUT", "/v1/data/k", b"v"),
                     c.request("GET", "/v1/data/k")]
            if time.monotonic() > deadline:
                raise TooSlow()
        assert [r.status for r in rs] == [200, 200, 429, 429], rs
        for r in rs[2:] + extra:
            assert_text(r, 429, RATE)
            assert r.headers.get_all("Retry-After") == ["1"], r
        assert_common_headers(rs[2], origin=ORIGIN)
        assert_common_headers(extra[0])
        return n
    n = within_one_second(scenario)
    # After a refill second the bucket admits again.
    wait_until(lambda: n.get("/v1/health").status == 200, timeout=3, interval=0.2,
               message="bucket refill")
    m = n.get("/v1/metrics")
    if m.status == 200:
        assert metric_value(m.text, "repram_rate_limited_requests_total") >= 5


def test_rate_limit_options_never_limited(node):
    def scenario():
        n = node(env={"REPRAM_RATE_LIMIT": "1"})
        with n.client() as c:
            deadline = time.monotonic() + 0.8
            rs = statuses(c, "/v1/health", 3)
            o = [c.request("OPTIONS", "/v1/data/k", headers={"Origin": ORIGIN}) for _ in range(5)]
            if time.monotonic() > deadline:
                raise TooSlow()
        assert [r.status for r in rs] == [200, 200, 429], rs
        assert [(r.status, r.body) for r in o] == [(200, b"")] * 5, o
    within_one_second(scenario)


def test_rate_limit_zero_refuses_everything_but_preflight(node):
    n = node(env={"REPRAM_RATE_LIMIT": "0"})
    for method, path in [("GET", "/v1/health"), ("PUT", "/v1/data/k"), ("GET", "/nope"),
                         ("GET", "/v1/metrics")]:
        r = n.request(method, path, b"v" if method == "PUT" else None)
        assert_text(r, 429, RATE)
        assert r.header("Retry-After") == "1", r
    r = n.request("OPTIONS", "/v1/health")
    assert (r.status, r.body) == (200, b""), r


def test_peer_routes_do_not_use_the_client_bucket(node):
    n = node(env={"REPRAM_RATE_LIMIT": "0"})
    r = n.get("/v1/gossip/message")
    assert_text(r, 405, b"Method not allowed\n")
    assert r.header("Allow") == "POST, OPTIONS"


def test_rate_limit_refill_is_one_token_per_second(node):
    def scenario():
        n = node(env={"REPRAM_RATE_LIMIT": "1"})
        with n.client() as c:
            t_create = time.monotonic()
            first = statuses(c, "/v1/health", 3)
            if time.monotonic() > t_create + 0.8:
                raise TooSlow()
            assert [r.status for r in first] == [200, 200, 429], first
            while True:  # 429s take no token; poll until the refill
                r = c.request("GET", "/v1/health")
                t = time.monotonic()
                if r.status == 200:
                    break
                assert r.status == 429, r
                assert t < t_create + 2.5, "no refill within 2.5 s at 1 request/s"
                time.sleep(0.02)
            after = c.request("GET", "/v1/health")
            if time.monotonic() > t + 0.8:
                raise TooSlow()
        assert t >= t_create + 0.95, f"refilled after {t - t_create:.3f}s, before 1 s"
        assert after.status == 429, "one second refills exactly one token at rate 1"
    within_one_second(scenario)


def test_peer_bucket_is_separate(node):
    n = node(env={"REPRAM_PEER_RATE_LIMIT": "0"})
    r = n.request("POST", "/v1/gossip/message", b"{}", {"Content-Type": "application/json"})
    assert_text(r, 429, RATE)
    assert r.header("Retry-After") == "1"
    assert n.get("/v1/health").status == 200
    assert n.metric("repram_peer_rate_limited_requests_total") == 1
    assert n.metric("repram_rate_limited_requests_total") == 0


def test_x_forwarded_for_ignored_without_trust_proxy(node):
    def scenario():
        n = node(env={"REPRAM_RATE_LIMIT": "1"})
        with n.client() as c:
            deadline = time.monotonic() + 0.8
            a = statuses(c, "/v1/health", 2, {"X-Forwarded-For": "1.2.3.4"})
            b = statuses(c, "/v1/health", 2, {"X-Forwarded-For": "5.6.7.8"})
            d = statuses(c, "/v1/health", 1, {"X-Real-IP": "9.9.9.9"})
            if time.monotonic() > deadline:
                raise TooSlow()
        assert [r.status for r in a + b + d] == [200, 200, 429, 429, 429], a + b + d
    within_one_second(scenario)


@pytest.mark.parametrize("value", ["true", "TRUE", "True"])
def test_x_forwarded_for_honoured_with_trust_proxy(node, value):
    def scenario():
        n = node(env={"REPRAM_RATE_LIMIT": "1", "REPRAM_TRUST_PROXY": value})
        with n.client() as c:
            deadline = time.monotonic() + 0.8
            a = statuses(c, "/v1/health", 3, {"X-Forwarded-For": "1.2.3.4"})
            # The right-most element is the one the trusted proxy added (issue #13).
            b = statuses(c, "/v1/health", 3, {"X-Forwarded-For": " 1.2.3.4 , 5.6.7.8"})
            r = statuses(c, "/v1/health", 3, {"X-Real-IP": " 9.9.9.9 "})
            s = statuses(c, "/v1/health", 3)  # socket address bucket
            e = statuses(c, "/v1/health", 1, {"X-Forwarded-For": "", "X-Real-IP": "7.7.7.7"})
            f = statuses(c, "/v1/health", 1, {"X-Forwarded-For": "8.8.8.8 , "})  # socket bucket
            m = c.request("GET", "/v1/metrics", headers={"X-Forwarded-For": "10.0.0.1"})
            if time.monotonic() > deadline:
                raise TooSlow()
        got = [[x.status for x in g] for g in (a, b, r, s, e, f)]
        assert got == [[200, 200, 429]] * 4 + [[200], [429]], got
        assert m.status == 200, m
        assert metric_value(m.text, "repram_rate_limited_requests_total") == 5
    within_one_second(scenario)


def test_trust_proxy_ipv4_mapped_ipv6_is_normalized(node):
    def scenario():
        n = node(env={"REPRAM_RATE_LIMIT": "1", "REPRAM_TRUST_PROXY": "true"})
        with n.client() as c:
            deadline = time.monotonic() + 0.8
            a = statuses(c, "/v1/health", 2, {"X-Forwarded-For": "::ffff:1.2.3.4"})
            b = statuses(c, "/v1/health", 1, {"X-Forwarded-For": "1.2.3.4"})
            d = statuses(c, "/v1/health", 1, {"X-Real-IP": "::ffff:1.2.3.4"})
            if time.monotonic() > deadline:
                raise TooSlow()
        assert [r.status for r in a + b + d] == [200, 200, 429, 429]
    within_one_second(scenario)


def test_trust_proxy_other_values_are_false(node):
    def scenario():
        n = node(env={"REPRAM_RATE_LIMIT": "1", "REPRAM_TRUST_PROXY": "1"})
        with n.client() as c:
            deadline = time.monotonic() + 0.8
            a = statuses(c, "/v1/health", 2, {"X-Forwarded-For": "1.2.3.4"})
            b = statuses(c, "/v1/health", 1, {"X-Forwarded-For": "5.6.7.8"})
            if time.monotonic() > deadline:
                raise TooSlow()
        assert [r.status for r in a + b] == [200, 200, 429]
    within_one_second(scenario)
