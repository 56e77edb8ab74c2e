"""Process and HTTP harness for REPRAM integration tests.

Starts real `repram` processes (any number of them), learns their ephemeral port from the
`Listening on <host>:<port>` log line, and offers two HTTP clients built on the standard library:

* ``Node.request`` / ``Client`` -- well-formed requests through ``http.client``;
* ``RawConn`` -- raw sockets for malformed framing, pipelining, ``Expect: 100-continue``,
  slow bodies and anything else ``http.client`` refuses to send.

Only the Python standard library is used.
"""

from __future__ import annotations

import ctypes
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from typing import Callable, Iterable, Mapping, Optional

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BIN = os.path.join(REPO_ROOT, "build", "src", "app", "repram")

HOST = "127.0.0.1"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 20.0
LISTEN_RE = re.compile(r"Listening on (\[[0-9A-Fa-f:.]+\]|[0-9A-Za-z.\-:]+?):(\d+)")

# Defaults every test node gets unless the test overrides them (value None = leave unset).
BASE_ENV = {
    "REPRAM_BIND": HOST,
    "REPRAM_HTTP_PORT": "0",
    "REPRAM_NETWORK": "private",
    "REPRAM_RATE_LIMIT": "1000000",
}


def repram_bin() -> str:
    return os.environ.get("REPRAM_BIN") or DEFAULT_BIN


def wait_until(predicate: Callable[[], object], timeout: float = 5.0, interval: float = 0.02,
               message: str = "condition") -> object:
    """Polls ``predicate`` until it returns a truthy value; returns that value.

    Exceptions raised by the predicate count as "not yet". Raises AssertionError after
    ``timeout`` seconds, naming ``message`` and the last exception (if any)."""
    deadline = time.monotonic() + timeout
    last_exc: Optional[BaseException] = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - polling helper
            last_exc = exc
        if time.monotonic() >= deadline:
            extra = f" (last error: {last_exc!r})" if last_exc else ""
            raise AssertionError(f"timed out after {timeout:.1f}s waiting for {message}{extra}")
        time.sleep(interval)


def _child_setup(nofile: Optional[int] = None) -> None:  # runs between fork and exec
    try:  # the node dies with the test runner, even on SIGKILL of pytest (Linux only)
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001
        pass
    if nofile is not None:
        import resource
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))


def build_env(env: Optional[Mapping[str, Optional[str]]] = None, defaults: bool = True) -> dict:
    """Environment for a repram process: the caller's environment without any REPRAM_*
    variable, then BASE_ENV (if ``defaults``), then ``env``; a value of None removes the var."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("REPRAM_")}
    if defaults:
        out.update(BASE_ENV)
    for k, v in (env or {}).items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = str(v)
    return out


def run_repram(args: Iterable[str] = (), env: Optional[Mapping[str, Optional[str]]] = None,
               timeout: float = 15.0, defaults: bool = True) -> subprocess.CompletedProcess:
    """Runs repram to completion (startup errors, --help). Kills it if it outlives ``timeout``."""
    cache = tempfile.mkdtemp(prefix="repram-cache-")
    try:
        full_env = build_env({"REPRAM_CACHE_DIR": cache, **(env or {})}, defaults)
        return subprocess.run([repram_bin(), *args], env=full_env, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout, preexec_fn=_child_setup)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------------

class Headers:
    """Ordered, case-insensitive, multi-valued header view."""

    def __init__(self, items: Iterable[tuple]):
        self.items = [(str(k), str(v)) for k, v in items]

    def get(self, name: str, default=None):
        n = name.lower()
        for k, v in self.items:
            if k.lower() == n:
                return v
        return default

    def get_all(self, name: str) -> list:
        n = name.lower()
        return [v for k, v in self.items if k.lower() == n]

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def __getitem__(self, name: str) -> str:
        v = self.get(name)
        if v is None:
            raise KeyError(name)
        return v

    def names(self) -> list:
        return [k for k, _ in self.items]

    def __repr__(self) -> str:
        return "Headers(%r)" % (self.items,)


class Response:
    def __init__(self, status: int, reason: str, headers: Iterable[tuple], body: bytes,
                 version: str = "HTTP/1.1"):
        self.status = status
        self.reason = reason
        self.headers = Headers(headers)
        self.body = body
        self.version = version

    def header(self, name: str, default=None):
        return self.headers.get(name, default)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self) -> str:
        b = self.body if len(self.body) <= 200 else self.body[:200] + b"..."
        return f"<Response {self.status} {self.reason!r} headers={self.headers.items!r} body={b!r}>"


# --------------------------------------------------------------------------------------------
# http.client based client (keep-alive capable)
# --------------------------------------------------------------------------------------------

class Client:
    """One persistent http.client connection. ``reconnects`` counts silent re-opens."""

    def __init__(self, host: str, port: int, timeout: float = 15.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def request(self, method: str, path: str, body: Optional[bytes] = None,
                headers: Optional[Mapping[str, str]] = None) -> Response:
        if isinstance(body, str):
            body = body.encode()
        self.conn.request(method, path, body=body, headers=dict(headers or {}))
        r = self.conn.getresponse()
        data = r.read()
        return Response(r.status, r.reason, r.getheaders(), data,
                        "HTTP/1.1" if r.version == 11 else "HTTP/1.0")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --------------------------------------------------------------------------------------------
# Raw socket client
# --------------------------------------------------------------------------------------------

class RawConn:
    """A raw TCP connection with an HTTP/1.1 response parser."""

    def __init__(self, host: str, port: int, timeout: float = 15.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def settimeout(self, t: float) -> None:
        self.sock.settimeout(t)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def _readline(self) -> bytes:
        while b"\r\n" not in self.buf:
            if not self._fill():
                raise ConnectionError("connection closed while reading a line: %r" % self.buf[:200])
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _readn(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise ConnectionError(f"connection closed after {len(self.buf)} of {n} body bytes")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_response(self, method: str = "GET", skip_interim: bool = True) -> Response:
        """Reads one response. Interim (1xx) responses are skipped unless ``skip_interim`` is
        False, in which case an interim response is returned as it is."""
        while True:
            status_line = self._readline()
            m = re.match(rb"^(HTTP/\d\.\d) (\d{3})(?: (.*))?$", status_line)
            if not m:
                raise ValueError("bad status line %r" % status_line)
            version, status, reason = m.group(1).decode(), int(m.group(2)), (m.group(3) or b"").decode("latin-1")
            headers = []
            while True:
                line = self._readline()
                if line == b"":
                    break
                name, _, value = line.partition(b":")
                headers.append((name.decode("latin-1"), value.strip().decode("latin-1")))
            h = Headers(headers)
            if 100 <= status < 200:
                if skip_interim:
                    continue
                return Response(status, reason, headers, b"", version)
            if method == "HEAD" or status in (204, 304):
                body = b""
            elif "chunked" in (h.get("Transfer-Encoding") or "").lower():
                body = b""
                while True:
                    size = int(self._readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self._readline() != b"":
                            pass
                        break
                    body += self._readn(size)
                    self._readline()
            elif h.get("Content-Length") is not None:
                body = self._readn(int(h["Content-Length"]))
            else:
                while self._fill():
                    pass
                body, self.buf = self.buf, b""
            return Response(status, reason, headers, body, version)

    def is_closed_by_peer(self, timeout: float = 5.0) -> bool:
        """True when the peer closes (EOF or reset) within ``timeout`` with no further data."""
        if self.buf:
            return False
        old = self.sock.gettimeout()
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1)
            return data == b""
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
        finally:
            self.sock.settimeout(old)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def build_request(method: str, target: str, headers: Optional[Iterable[tuple]] = None,
                  body: Optional[bytes] = None, host: str = "127.0.0.1",
                  content_length: bool = True) -> bytes:
    """Serializes a request. ``headers`` is a list of (name, value) pairs (sent verbatim, in
    order). A Content-Length is added for a non-None body unless one is given or
    ``content_length`` is False."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    hs = list(headers or [])
    names = {k.lower() for k, _ in hs}
    if body is not None and content_length and "content-length" not in names \
            and "transfer-encoding" not in names:
        hs.append(("Content-Length", str(len(body))))
    lines += [f"{k}: {v}" for k, v in hs]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def chunked(data: bytes, chunk: int = 65536) -> bytes:
    out = bytearray()
    for i in range(0, len(data), chunk):
        part = data[i:i + chunk]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    out += b"0\r\n\r\n"
    return bytes(out)


# --------------------------------------------------------------------------------------------
# Node process
# --------------------------------------------------------------------------------------------

def listening_sockets_of(pid: int) -> list:
    """[(ip_hex, port)] of the TCP sockets ``pid`` listens on, from /proc (IPv4 and IPv6)."""
    out = []
    try:
        inodes = set()
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        for table in (f"/proc/{pid}/net/tcp", f"/proc/{pid}/net/tcp6"):
            try:
                with open(table) as f:
                    next(f)
                    for line in f:
                        parts = line.split()
                        if parts[3] == "0A" and parts[9] in inodes:  # LISTEN
                            ip, port = parts[1].rsplit(":", 1)
                            out.append((ip, int(port, 16)))
            except OSError:
                continue
    except OSError:
        pass
    return out


def listening_port_of(pid: int) -> Optional[int]:
    """The TCP port ``pid`` listens on (first found); None if none yet."""
    socks = listening_sockets_of(pid)
    return socks[0][1] if socks else None


class NodeStartError(RuntimeError):
    pass


class Node:
    """One repram process. ``env`` overrides BASE_ENV (None removes a variable)."""

    _counter = 0

    def __init__(self, env: Optional[Mapping[str, Optional[str]]] = None,
                 args: Iterable[str] = (), name: Optional[str] = None,
                 binary: Optional[str] = None, defaults: bool = True,
                 rlimit_nofile: Optional[int] = None):
        Node._counter += 1
        self.name = name or f"node{Node._counter}"
        self.binary = binary or repram_bin()
        self.args = list(args)
        self.rlimit_nofile = rlimit_nofile
        self._own_cache = None
        env = dict(env or {})
        if "REPRAM_CACHE_DIR" not in env:
            self._own_cache = tempfile.mkdtemp(prefix="repram-cache-")
            env["REPRAM_CACHE_DIR"] = self._own_cache
        self.env = build_env(env, defaults)
        self.proc: Optional[subprocess.Popen] = None
        self.host = HOST
        self.port: Optional[int] = None
        self.lines: list = []          # stderr lines (str, without newline)
        self.stdout_lines: list = []
        self._cond = threading.Condition()
        self._threads: list = []
        self.stopped_by_test = False   # stop()/kill() was called
        self.returncode: Optional[int] = None

    # ---- lifecycle ---------------------------------------------------------------------

    def start(self, wait: bool = True, timeout: float = START_TIMEOUT) -> "Node":
        if not os.access(self.binary, os.X_OK):
            raise NodeStartError(f"repram binary not found at {self.binary}; build it or set REPRAM_BIN")
        self.proc = subprocess.Popen([self.binary, *self.args], env=self.env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     preexec_fn=lambda: _child_setup(self.rlimit_nofile))
        for stream, sink in ((self.proc.stderr, self.lines), (self.proc.stdout, self.stdout_lines)):
            t = threading.Thread(target=self._reader, args=(stream, sink), daemon=True)
            t.start()
            self._threads.append(t)
        if wait:
            self.wait_listening(timeout)
        return self

    def _reader(self, stream, sink: list) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            with self._cond:
                sink.append(line)
                if self.port is None and sink is self.lines:
                    m = LISTEN_RE.search(line)
                    if m:
                        self.port = int(m.group(2))
                self._cond.notify_all()
        stream.close()
        with self._cond:
            self._cond.notify_all()

    def wait_listening(self, timeout: float = START_TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        quiet = (self.env.get("REPRAM_LOG_LEVEL") or "").lower() in ("warn", "error") or \
            "--log-level" in self.args
        with self._cond:
            while self.port is None:
                if quiet:  # the INFO line may be filtered: read the listening port from /proc
                    self.port = listening_port_of(self.proc.pid)
                    if self.port is not None:
                        break
                if self.proc.poll() is not None and not any(t.is_alive() for t in self._threads):
                    raise NodeStartError(f"{self.name} exited with {self.proc.returncode} before "
                                         f"listening; stderr:\n{self.stderr_text()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise NodeStartError(f"{self.name}: no 'Listening on' line within {timeout}s; "
                                         f"stderr:\n{self.stderr_text()}")
                self._cond.wait(min(left, 0.1))
        return self.port

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        """Sends sig. SIGSTOP takes effect asynchronously (a running thread stops at its next
        kernel exit), so for it this waits until every thread of the node is stopped."""
        if not self.alive():
            return
        self.proc.send_signal(sig)
        if sig == signal.SIGSTOP:
            wait_until(lambda: self._all_threads_stopped(), timeout=5,
                       message=f"{self.name} stopped by SIGSTOP")

    def _all_threads_stopped(self) -> bool:
        tasks = f"/proc/{self.proc.pid}/task"
        for tid in os.listdir(tasks):
            with open(f"{tasks}/{tid}/status") as f:
                state = next(l for l in f if l.startswith("State:")).split()[1]
            if state not in ("T", "t"):
                return False
        return True

    def wait(self, timeout: float = STOP_TIMEOUT) -> int:
        """Waits for exit; returns the exit code (negative = killed by that signal)."""
        self.returncode = self.proc.wait(timeout=timeout)
        for t in self._threads:
            t.join(timeout=5)
        return self.returncode

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM, wait up to ``timeout``; SIGKILL (and raise) if it does not exit."""
        self.stopped_by_test = True
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.wait(5)
            raise AssertionError(f"{self.name} did not exit within {timeout}s of SIGTERM")
        finally:
            self._cleanup()

    def kill(self) -> int:
        self.stopped_by_test = True
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.kill()
        rc = self.wait(10)
        self._cleanup()
        return rc

    def restart(self, env: Optional[Mapping[str, Optional[str]]] = None, wait: bool = True,
                timeout: float = START_TIMEOUT) -> "Node":
        """Starts the process again on the port it listened on (SIGKILLs it first if it still
        runs), with the same environment updated by ``env`` (None removes a variable). ``lines``
        then holds the new process's stderr only. REQUIRES: the node listened before."""
        if self.port is None:
            raise NodeStartError(f"{self.name}: restart needs a node that listened before")
        port = self.port
        self.kill()
        cache = self.env.get("REPRAM_CACHE_DIR")
        if cache and not os.path.isdir(cache):  # our own cache, removed by kill()
            os.makedirs(cache)
            self._own_cache = cache
        self.env["REPRAM_HTTP_PORT"] = str(port)
        for k, v in (env or {}).items():
            if v is None:
                self.env.pop(k, None)
            else:
                self.env[k] = str(v)
        self.port = None
        self.lines, self.stdout_lines, self._threads = [], [], []
        self.stopped_by_test = False
        self.returncode = None
        return self.start(wait=wait, timeout=timeout)

    def _cleanup(self) -> None:
        if self._own_cache:
            shutil.rmtree(self._own_cache, ignore_errors=True)
            self._own_cache = None

    # ---- logs --------------------------------------------------------------------------

    def stderr_text(self) -> str:
        with self._cond:
            return "\n".join(self.lines)

    def wait_for_log(self, pattern: str, timeout: float = 5.0, regex: bool = False) -> str:
        """Waits for a stderr line containing ``pattern`` (or matching the regex)."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern) if regex else None
        seen = 0
        with self._cond:
            while True:
                while seen < len(self.lines):
                    line = self.lines[seen]
                    seen += 1
                    if (rx.search(line) if rx else pattern in line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{self.name}: no log line with {pattern!r} within "
                                         f"{timeout}s; stderr:\n{chr(10).join(self.lines[-50:])}")
                self._cond.wait(min(left, 0.1))

    # ---- HTTP --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def address(self) -> str:
        """host:port, as used in REPRAM_PEERS."""
        return f"{self.host}:{self.port}"

    def client(self, timeout: float = 15.0) -> Client:
        return Client(self.host, self.port, timeout)

    def raw(self, timeout: float = 15.0) -> RawConn:
        return RawConn(self.host, self.port, timeout)

    def request(self, method: str, path: str, body: Optional[bytes] = None,
                headers: Optional[Mapping[str, str]] = None, timeout: float = 15.0) -> Response:
        """One request on a fresh connection."""
        with self.client(timeout) as c:
            return c.request(method, path, body, headers)

    def raw_request(self, data: bytes, method: str = "GET", timeout: float = 15.0) -> Response:
        """Sends raw bytes on a fresh connection and reads one (final) response."""
        with self.raw(timeout) as c:
            c.send(data)
            return c.read_response(method)

    def get(self, path: str, headers=None) -> Response:
        return self.request("GET", path, headers=headers)

    def put(self, key_path: str, body: bytes = b"", headers=None) -> Response:
        """PUT to /v1/data/<key_path> (key_path is sent raw, query included)."""
        return self.request("PUT", "/v1/data/" + key_path, body=body, headers=headers)

    def metrics(self) -> str:
        r = self.get("/v1/metrics")
        assert r.status == 200, r
        return r.text

    def metric(self, name: str, labels: Optional[Mapping[str, str]] = None) -> Optional[float]:
        return metric_value(self.metrics(), name, labels)

    def __repr__(self) -> str:
        return f"<Node {self.name} port={self.port} pid={self.proc.pid if self.proc else None}>"


def parse_metrics(text: str) -> list:
    """Returns [(name, {label: value}, float)] for every sample line."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$', line)
        if not m:
            raise ValueError(f"bad metrics line {line!r}")
        labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out.append((m.group(1), labels, float(m.group(3))))
    return out


def metric_value(text: str, name: str, labels: Optional[Mapping[str, str]] = None) -> Optional[float]:
    """Sum of the samples of ``name`` whose labels include ``labels``; None when absent."""
    total, found = 0.0, False
    for n, ls, v in parse_metrics(text):
        if n == name and all(ls.get(k) == val for k, val in (labels or {}).items()):
            total += v
            found = True
    return total if found else None


def start_nodes(count: int, env_for: Callable[[int], Mapping[str, Optional[str]]] = lambda i: {},
                factory: Optional[Callable[..., Node]] = None) -> list:
    """Starts ``count`` nodes in parallel with per-index env (for cluster tests) and waits until
    all listen. ``factory`` is the ``node`` fixture, so teardown is guaranteed; without it the
    caller must stop the nodes."""
    if factory is None:
        def factory(env=None, name=None, wait=True):
            return Node(env=env, name=name).start(wait=wait)
    nodes = [factory(env=dict(env_for(i)), name=f"n{i + 1}", wait=False) for i in range(count)]
    for n in nodes:
        n.wait_listening()
    return nodes


# --------------------------------------------------------------------------------------------
# Contract assertions shared by the suites (http-api.md §1, §9.1, §9.2)
# --------------------------------------------------------------------------------------------

TEXT_CT = "text/plain; charset=utf-8"
JSON_CT = "application/json"
METRICS_CT = "text/plain; version=0.0.4; charset=utf-8"

CORS_FIXED = {
    "Vary": "Origin",
    "Access-Control-Allow-Methods": "GET, PUT, POST, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, X-TTL, X-Repram-Signature",
    "Access-Control-Expose-Headers": "X-Created-At, X-Original-TTL, X-Remaining-TTL",
    "Access-Control-Max-Age": "3600",
}
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-XSS-Protection": "1; mode=block",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": "default-src 'self'",
    "X-REPRAM-Node": "1.0.0",
}
CREATED_AT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def assert_common_headers(r: Response, origin: Optional[str] = None, check_acao: bool = True) -> None:
    """CORS (§9.1) and security (§9.2) headers. With ``origin`` the response must echo it in
    Access-Control-Allow-Origin; without, that header must be absent. ``check_acao=False`` skips
    the Allow-Origin check (responses written before the headers could be read)."""
    problems = []
    for name, want in {**CORS_FIXED, **SECURITY}.items():
        got = r.headers.get_all(name)
        if got != [want]:
            problems.append(f"{name}: want [{want!r}], got {got!r}")
    if r.headers.get("Access-Control-Allow-Credentials") is not None:
        problems.append("Access-Control-Allow-Credentials must never be sent")
    if check_acao:
        got = r.headers.get_all("Access-Control-Allow-Origin")
        if origin is None and got:
            problems.append(f"Access-Control-Allow-Origin must be absent without Origin, got {got!r}")
        if origin is not None and got != [origin]:
            problems.append(f"Access-Control-Allow-Origin: want [{origin!r}], got {got!r}")
    assert not problems, f"status {r.status}: " + "; ".join(problems) + f"\n{r!r}"


def assert_text(r: Response, status: int, body: bytes) -> None:
    """Exact status, exact text body and text/plain content type."""
    assert (r.status, r.body) == (status, body), r
    assert r.header("Content-Type") == TEXT_CT, r
    assert r.header("Content-Length") == str(len(body)), r


def assert_json(r: Response, status: int = 200):
    """application/json, compact, one trailing newline (§1). Returns the parsed value."""
    assert r.status == status, r
    assert r.header("Content-Type") == JSON_CT, r
    assert r.body.endswith(b"\n") and not r.body.endswith(b"\n\n"), r
    value = json.loads(r.body.decode("utf-8"))
    compact = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"
    assert r.body == compact, f"JSON not compact or escaped differently:\n{r.body!r}\nvs\n{compact!r}"
    return value


def assert_created_at(value: Optional[str], near: Optional[float] = None, slack: float = 5.0) -> float:
    """RFC 3339 UTC with exactly 3 fractional digits and Z; returns it as a unix time."""
    import calendar
    assert value is not None and CREATED_AT_RE.match(value), f"bad X-Created-At {value!r}"
    secs = calendar.timegm(time.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")) + int(value[20:23]) / 1000
    if near is not None:
        assert abs(secs - near) <= slack, f"X-Created-At {value} is {secs - near:+.3f}s from now"
    return secs


# --------------------------------------------------------------------------------------------
# `repram mcp` over stdio (mcp.md §3)
# --------------------------------------------------------------------------------------------

class McpProcess:
    """A `repram mcp` process driven over stdin/stdout. Every stdout line is kept verbatim in
    ``stdout_lines`` (so a test can check that nothing but JSON-RPC was written) and parsed into
    ``messages`` (None for a line that is not JSON). ``env`` is applied on top of the caller's
    environment without REPRAM_* (no BASE_ENV: the embedded defaults are under test); a fresh
    REPRAM_CACHE_DIR is added unless given."""

    def __init__(self, env: Optional[Mapping[str, Optional[str]]] = None,
                 args: Iterable[str] = ("mcp",), binary: Optional[str] = None):
        env = dict(env or {})
        self._own_cache = None
        if "REPRAM_CACHE_DIR" not in env:
            self._own_cache = tempfile.mkdtemp(prefix="repram-cache-")
            env["REPRAM_CACHE_DIR"] = self._own_cache
        self.env = build_env(env, defaults=False)
        self.proc = subprocess.Popen([binary or repram_bin(), *args], env=self.env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, preexec_fn=_child_setup)
        self.stdout_lines: list = []   # str, without the trailing newline
        self.messages: list = []       # parsed stdout lines (None = not JSON)
        self.lines: list = []          # stderr lines
        self.port: Optional[int] = None  # from the "Listening on" log line (info or debug)
        self._cond = threading.Condition()
        self._next_id = 1000
        self._threads = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for t in self._threads:
            t.start()

    def _read_stdout(self) -> None:
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            try:
                msg = json.loads(line)
            except ValueError:
                msg = None
            with self._cond:
                self.stdout_lines.append(line)
                self.messages.append(msg)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def _read_stderr(self) -> None:
        for raw in iter(self.proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            with self._cond:
                self.lines.append(line)
                m = LISTEN_RE.search(line)
                if self.port is None and m:
                    self.port = int(m.group(2))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def stderr_text(self) -> str:
        with self._cond:
            return "\n".join(self.lines)

    def send_line(self, line) -> None:
        """Writes one raw line (str or bytes; a trailing newline is added)."""
        data = line.encode() if isinstance(line, str) else line
        self.proc.stdin.write(data + b"\n")
        self.proc.stdin.flush()

    def send(self, message: dict) -> None:
        self.send_line(json.dumps(message))

    def wait_message(self, predicate: Callable[[dict], bool], timeout: float = 10.0) -> dict:
        """Waits for a parsed stdout message satisfying ``predicate`` and returns it."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for m in self.messages:
                    if isinstance(m, dict) and predicate(m):
                        return m
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None
                                 and not self._threads[0].is_alive()):
                    raise AssertionError(
                        f"no matching MCP message within {timeout}s; stdout:\n"
                        + "\n".join(self.stdout_lines[-20:])
                        + "\nstderr:\n" + "\n".join(self.lines[-30:]))
                self._cond.wait(min(left, 0.1))

    def response(self, id_, timeout: float = 10.0) -> dict:
        """The response carrying ``id_``."""
        return self.wait_message(lambda m: m.get("id") == id_ and ("result" in m or "error" in m),
                                 timeout)

    def request(self, method: str, params: Optional[dict] = None, timeout: float = 10.0) -> dict:
        """Sends a request with a fresh id and returns its response object."""
        self._next_id += 1
        msg = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.response(self._next_id, timeout)

    def initialize(self, version: str = "2025-06-18") -> dict:
        """initialize + notifications/initialized; returns the initialize result."""
        r = self.request("initialize", {"protocolVersion": version, "capabilities": {},
                                        "clientInfo": {"name": "pytest", "version": "1"}})
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return r["result"]

    def call_tool(self, name: str, arguments: dict, timeout: float = 15.0) -> dict:
        """tools/call; returns the result object (a JSON-RPC error raises AssertionError)."""
        r = self.request("tools/call", {"name": name, "arguments": arguments}, timeout)
        assert "result" in r, r
        return r["result"]

    def tool(self, name: str, arguments: dict, timeout: float = 15.0) -> dict:
        """tools/call of a call that must succeed; returns its structuredContent after checking
        that the text content carries the same object."""
        result = self.call_tool(name, arguments, timeout)
        assert not result.get("isError"), result
        assert json.loads(result["content"][0]["text"]) == result["structuredContent"], result
        return result["structuredContent"]

    def wait_port(self, timeout: float = START_TIMEOUT) -> int:
        """The embedded node's port: from the log line, else from /proc (quiet log levels)."""
        return wait_until(lambda: self.port or listening_port_of(self.proc.pid), timeout,
                          message="the embedded node's listening port")

    def close_stdin(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def wait(self, timeout: float = STOP_TIMEOUT) -> int:
        rc = self.proc.wait(timeout=timeout)
        for t in self._threads:
            t.join(timeout=5)
        return rc

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.close_stdin()
        self.proc.wait(timeout=10)
        for t in self._threads:
            t.join(timeout=5)
        if self._own_cache:
            shutil.rmtree(self._own_cache, ignore_errors=True)
            self._own_cache = None
