"""Process lifecycle, configuration errors, flags, logging (http-api.md §10, §12) and
behaviour under concurrent load."""

import http.client
import json
import random
import re
import signal
import threading
import time

import pytest

from harness import (Node, assert_text, build_request, chunked, run_repram, wait_until)

SHUTDOWN = "Shutting down — draining in-flight requests..."
COMPLETE = "Shutdown complete."
TEXT_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \[[A-Z]+\] .+$")


def assert_clean_shutdown(n, rc):
    text = n.stderr_text()
    assert rc == 0, f"exit code {rc}; stderr:\n{text}"
    assert SHUTDOWN in text, text
    assert COMPLETE in text, text
    assert text.index(SHUTDOWN) < text.index(COMPLETE)


# ---- signals and draining ----------------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_idle_node_exits_0(node, sig):
    n = node()
    assert n.get("/v1/health").status == 200
    t0 = time.monotonic()
    n.signal(sig)
    rc = n.wait(15)
    n.stopped_by_test = True
    assert_clean_shutdown(n, rc)
    assert time.monotonic() - t0 < 5, "idle node took long to stop"


def test_idle_keep_alive_connection_does_not_delay_shutdown(node):
    n = node()
    with n.raw() as c:
        c.send(build_request("GET", "/v1/health"))
        assert c.read_response().status == 200
        t0 = time.monotonic()
        rc = n.stop(15)
        elapsed = time.monotonic() - t0
    assert_clean_shutdown(n, rc)
    assert elapsed < 5, f"an idle keep-alive connection delayed shutdown by {elapsed:.1f}s"


def test_in_flight_request_completes_during_drain(node):
    n = node()
    with n.raw(timeout=20) as c:
        c.send(build_request("PUT", "/v1/data/drain", [("Expect", "100-continue"),
                                                        ("Content-Length", "5")]))
        # 100 Continue proves the request passed steps 1-9 and is in its handler.
        assert c.read_response("PUT", skip_interim=False).status == 100
        n.signal(signal.SIGTERM)
        n.wait_for_log(SHUTDOWN, timeout=5)
        assert n.alive(), "node exited without draining the in-flight request"
        c.send(b"hello")
        r = c.read_response("PUT")
        assert_text(r, 201, b"OK")
    rc = n.wait(15)
    n.stopped_by_test = True
    assert_clean_shutdown(n, rc)


@pytest.mark.slow
def test_drain_is_bounded_by_10s(node):
    n = node()
    with n.raw(timeout=30) as c:
        c.send(build_request("PUT", "/v1/data/stuck", [("Expect", "100-continue"),
                                                        ("Content-Length", "5")]))
        assert c.read_response("PUT", skip_interim=False).status == 100
        t0 = time.monotonic()
        n.signal(signal.SIGTERM)
        rc = n.wait(25)
        elapsed = time.monotonic() - t0
        n.stopped_by_test = True
    assert_clean_shutdown(n, rc)
    assert 9.0 <= elapsed <= 12.5, f"stuck request drained for {elapsed:.1f}s, want ~10s"


def test_sigterm_during_load_drains_and_exits_0(node):
    n = node()
    stop = threading.Event()
    done = [0]
    bad = []
    lock = threading.Lock()

    def worker(tid):
        conn = http.client.HTTPConnection(n.host, n.port, timeout=15)
        i = 0
        while not stop.is_set():
            i += 1
            key, value = f"load{tid}-{i % 5}", b"v-%d-%d" % (tid, i) * 50
            try:
                conn.request("PUT", f"/v1/data/{key}", body=value)
                r = conn.getresponse()
                body = r.read()
                if (r.status, body) != (201, b"OK"):
                    with lock:
                        bad.append(("PUT", r.status, body[:100]))
                conn.request("GET", f"/v1/data/{key}")
                r = conn.getresponse()
                body = r.read()
                if (r.status, body) != (200, value):
                    with lock:
                        bad.append(("GET", r.status, body[:100]))
                with lock:
                    done[0] += 1
            except (OSError, http.client.HTTPException):
                conn.close()
                if n.alive() and not stopping.is_set():
                    with lock:
                        bad.append(("error before SIGTERM", tid, i))
                    return
                time.sleep(0.01)
                if not n.alive():
                    return

    stopping = threading.Event()
    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(8)]
    for t in threads:
        t.start()
    wait_until(lambda: done[0] >= 200, timeout=20, message="load to build up")
    stopping.set()
    t0 = time.monotonic()
    n.signal(signal.SIGTERM)
    rc = n.wait(20)
    n.stopped_by_test = True
    elapsed = time.monotonic() - t0
    stop.set()
    for t in threads:
        t.join(10)
    assert not bad, bad[:10]
    assert_clean_shutdown(n, rc)
    assert elapsed < 11, f"shutdown under load took {elapsed:.1f}s"


# ---- concurrency ---------------------------------------------------------------------------

def test_100_concurrent_clients_see_only_written_values(n1):
    keys = [f"shared{i}" for i in range(8)]
    written = set()
    lock = threading.Lock()
    problems = []
    barrier = threading.Barrier(100)

    def make_value(tid, i):
        unit = b"<%03d:%03d>" % (tid, i)
        return unit * random.Random(tid * 1000 + i).randint(1, 400)

    def valid(body):
        return len(body) > 0 and len(body) % 9 == 0 and body == body[:9] * (len(body) // 9)

    def worker(tid):
        rnd = random.Random(tid)
        conn = http.client.HTTPConnection(n1.host, n1.port, timeout=30)
        try:
            barrier.wait(30)
            for i in range(15):
                key = rnd.choice(keys)
                value = make_value(tid, i)
                with lock:
                    written.add(value)
                conn.request("PUT", f"/v1/data/{key}", body=value)
                r = conn.getresponse()
                body = r.read()
                if (r.status, body) != (201, b"OK"):
                    problems.append(("PUT", key, r.status, body[:80]))
                conn.request("GET", f"/v1/data/{rnd.choice(keys)}")
                r = conn.getresponse()
                body = r.read()
                if r.status == 200:
                    if not valid(body) or body not in written:
                        problems.append(("torn GET", body[:80], len(body)))
                elif r.status != 404:
                    problems.append(("GET", r.status, body[:80]))
        except Exception as exc:  # noqa: BLE001
            problems.append(("exception", tid, repr(exc)))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not problems, problems[:10]
    assert n1.alive()
    assert n1.get("/v1/health").status == 200
    listed = n1.get("/v1/keys").json()["keys"]
    assert listed == sorted(listed) and set(listed) <= set(keys), listed
    for k in listed:
        g = n1.get(f"/v1/data/{k}")
        assert g.status == 200 and valid(g.body) and g.body in written, (k, g)
    m = n1.metrics()
    from harness import metric_value
    assert metric_value(m, "repram_writes_total", {"status": "201"}) == 1500
    assert metric_value(m, "repram_storage_entries") == len(listed)
    assert metric_value(m, "repram_storage_bytes") == sum(
        len(n1.get(f"/v1/data/{k}").body) for k in listed)


# ---- startup errors --------------------------------------------------------------------

EXACT_ERRORS = [
    ({"REPRAM_HTTP_PORT": "abc"}, 'invalid REPRAM_HTTP_PORT: "abc"'),
    ({"REPRAM_HTTP_PORT": "80x"}, 'invalid REPRAM_HTTP_PORT: "80x"'),
    ({"REPRAM_RATE_LIMIT": "10.5"}, 'invalid REPRAM_RATE_LIMIT: "10.5"'),
    ({"REPRAM_MAX_STORAGE_MB": "1e3"}, 'invalid REPRAM_MAX_STORAGE_MB: "1e3"'),
    ({"REPRAM_DEFAULT_TTL": " 60"}, 'invalid REPRAM_DEFAULT_TTL: " 60"'),
    ({"REPRAM_MIN_TTL": "500", "REPRAM_MAX_TTL": "400"},
     "REPRAM_MIN_TTL (500) is greater than REPRAM_MAX_TTL (400)"),
    ({"REPRAM_MAX_TTL": "100"}, "REPRAM_MIN_TTL (300) is greater than REPRAM_MAX_TTL (100)"),
    ({"REPRAM_NETWORK": "public", "REPRAM_MIN_TTL": "10", "REPRAM_MAX_TTL": "100",
      "REPRAM_DNS_SERVERS": "127.0.0.1:9"},
     "REPRAM_MIN_TTL (300) is greater than REPRAM_MAX_TTL (100)"),
]


@pytest.mark.parametrize("env,message", EXACT_ERRORS,
                         ids=["port-abc", "port-80x", "rate-float", "storage-exp", "ttl-space",
                              "min-gt-max", "default-min-gt-max", "public-min-raised-gt-max"])
def test_startup_error_exact_message(env, message):
    p = run_repram(env=env, timeout=15)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 1, f"exit {p.returncode}; stderr:\n{err}"
    assert message in err, err
    assert "Listening on" not in err


@pytest.mark.parametrize("env", [
    {"REPRAM_HTTP_PORT": "65536"}, {"REPRAM_HTTP_PORT": "-1"}, {"REPRAM_NETWORK": "foo"},
    {"REPRAM_WRITE_TIMEOUT": "61"}, {"REPRAM_WRITE_TIMEOUT": "0"}, {"REPRAM_REPLICATION": "0"},
    {"REPRAM_MAX_TTL": "2147483648"}, {"REPRAM_MIN_TTL": "0"}, {"REPRAM_RATE_LIMIT": "-1"},
    {"REPRAM_PEERS": "no-port-here"}, {"REPRAM_LOG_FORMAT": "xml"},
], ids=lambda e: "-".join(f"{k[7:]}={v}" for k, v in e.items()))
def test_startup_error_out_of_range(env):
    p = run_repram(env=env, timeout=15)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 1, f"exit {p.returncode}; stderr:\n{err}"
    (var, _), = env.items()
    assert var in err, err


def test_single_listener_on_bind_address_gossip_port_not_bound(node):
    from harness import listening_sockets_of
    import socket as _s
    probe = _s.socket()
    probe.bind(("127.0.0.1", 0))
    gossip_port = probe.getsockname()[1]
    probe.close()
    n = node(env={"REPRAM_GOSSIP_PORT": str(gossip_port)})
    assert n.get("/v1/health").status == 200
    socks = listening_sockets_of(n.proc.pid)
    assert socks == [("0100007F", n.port)], socks  # only 127.0.0.1:<http port>


@pytest.mark.parametrize("level", ["bogus", "INFO", "verbose"])
def test_unknown_log_level_means_info(node, level):
    n = node(env={"REPRAM_LOG_LEVEL": level})  # starts (no error) and logs at info
    assert any("[INFO] Listening on" in l for l in n.lines), n.lines
    assert n.stop() == 0
    assert SHUTDOWN in n.stderr_text()


def test_empty_env_value_means_unset(node):
    n = node(env={"REPRAM_RATE_LIMIT": "", "REPRAM_MIN_TTL": "", "REPRAM_ENCLAVE": ""})
    assert n.get("/v1/health").json()["enclave"] == "default"
    assert n.put("k", b"v", {"X-TTL": "10"}).header("X-Original-TTL") == "300"


def test_help_lists_flags_and_exits_0():
    p = run_repram(["--help"], timeout=10)
    out = p.stdout.decode() + p.stderr.decode()
    assert p.returncode == 0, out
    for flag in ["--http-port", "--bind", "--network", "--peers", "--min-ttl", "--max-ttl",
                 "--default-ttl", "--rate-limit", "--trust-proxy", "--max-storage-mb",
                 "--log-level", "--log-format", "--node-id", "--enclave"]:
        assert flag in out, (flag, out)
    assert "Listening on" not in out


def test_flags_work_like_env_vars_and_win(node):
    n = node(env={"REPRAM_HTTP_PORT": None, "REPRAM_NETWORK": None, "REPRAM_NODE_ID": "envnode"},
             args=["--http-port", "0", "--network", "private", "--node-id", "flagnode",
                   "--min-ttl", "1", "--enclave", "green"])
    assert n.port not in (None, 8080), n.port
    h = n.get("/v1/health").json()
    assert h == {"status": "healthy", "node_id": "flagnode", "network": "private",
                 "enclave": "green"}, h
    assert n.put("k", b"v", {"X-TTL": "2"}).header("X-Original-TTL") == "2"


def test_unread_upstream_variable_logs_one_warning(node):
    n = node(env={"REPRAM_PORT": "1234"})
    assert n.get("/v1/health").status == 200
    n.stop()
    warn = [l for l in n.lines if "REPRAM_PORT" in l]
    assert len(warn) == 1 and re.search(r"\[WARN", warn[0]), n.stderr_text()


# ---- logging ---------------------------------------------------------------------------

def exercise(n, key, value):
    assert n.put(key, value, {"X-TTL": "600"}).status == 201
    assert n.get(f"/v1/data/{key}").body == value
    assert n.request("HEAD", f"/v1/data/{key}").status == 200
    with n.raw() as c:
        c.send(build_request("PUT", f"/v1/data/{key}2", [("Transfer-Encoding", "chunked")],
                             chunked(value, 7)))
        assert c.read_response("PUT").status == 201
    with n.raw() as c:  # malformed framing carrying the value
        c.send(build_request("PUT", f"/v1/data/{key}3", [("Transfer-Encoding", "chunked")],
                             b"zz\r\n" + value + b"\r\n0\r\n\r\n"))
        assert c.read_response("PUT").status == 400
    assert n.put("a%2Fb", value).status == 400
    assert n.put("x" * 8193, value).status == 400
    assert n.get("/v1/keys").status == 200


def test_values_never_logged_at_debug(node):
    n = node(env={"REPRAM_LOG_LEVEL": "debug"})
    value = b"S3CRET-VALUE-7f3a9c"
    exercise(n, "debugkey", value)
    assert n.stop() == 0
    text = n.stderr_text()
    assert value.decode() not in text, text
    assert "Listening on" in text


def test_keys_and_values_not_logged_at_info(node):
    n = node(env={"REPRAM_LOG_LEVEL": "info"})
    value = b"S3CRET-VALUE-1b2c3d"
    exercise(n, "K3Y-PRIVATE-77", value)
    assert n.stop() == 0
    text = n.stderr_text()
    assert value.decode() not in text, text
    assert "K3Y-PRIVATE-77" not in text, text


def test_text_log_format(node):
    n = node(env={"REPRAM_LOG_LEVEL": "debug", "REPRAM_PORT": "1"})
    exercise(n, "fmt", b"v")
    assert n.stop() == 0
    assert len(n.lines) >= 3
    bad = [l for l in n.lines if not TEXT_LINE.match(l)]
    assert not bad, bad[:5]
    assert n.stdout_lines == [], n.stdout_lines[:5]


@pytest.mark.parametrize("level", ["debug", "info"])
def test_json_log_format_one_object_per_line(node, level):
    n = node(env={"REPRAM_LOG_FORMAT": "json", "REPRAM_LOG_LEVEL": level, "REPRAM_PORT": "1"})
    exercise(n, "jsonkey", b"v")
    assert n.stop() == 0
    assert len(n.lines) >= 3, n.lines
    objs = []
    for line in n.lines:
        try:
            obj = json.loads(line)
        except ValueError:
            pytest.fail(f"stderr line is not JSON: {line!r}")
        assert isinstance(obj, dict), line
        objs.append(obj)
    flat = [" ".join(str(v) for v in o.values()) for o in objs]
    assert any("Listening on 127.0.0.1:%d" % n.port in f for f in flat), n.lines
    assert any(SHUTDOWN in f for f in flat) and any(COMPLETE in f for f in flat), n.lines
    assert n.stdout_lines == []


@pytest.mark.parametrize("level,hidden", [("warn", "INFO|DEBUG"), ("error", "INFO|DEBUG|WARN")])
def test_log_level_filters(node, level, hidden):
    n = node(env={"REPRAM_LOG_LEVEL": level, "REPRAM_PORT": "1"})  # REPRAM_PORT: a WARN line
    exercise(n, "lvl", b"v")
    assert n.stop() == 0
    assert not [l for l in n.lines if re.search(r"\[(%s)" % hidden, l)], n.lines
    if level == "warn":
        assert [l for l in n.lines if "REPRAM_PORT" in l], n.lines
