"""A tiny upstream-like peer in Python: it speaks just enough of cluster.md to stay a member
(bootstrap, gossip with PONG answers to PINGs, SYNC bookkeeping) and answers 404 on every route it
does not know, such as POST /v1/catchup (cluster.md §12: "upstream peers answer 404").

Only the Python standard library is used.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

HOST = "127.0.0.1"


class FakePeer:
    """``FakePeer(node_id).start()`` listens on an ephemeral port of 127.0.0.1.

    ``requests`` records (path, parsed JSON body or None) of every POST; ``join(address)`` posts
    a bootstrap request to a real node so that the node (and, through its SYNC notifies, every
    peer of it) knows this one."""

    def __init__(self, node_id: str, enclave: str = "default"):
        self.node_id = node_id
        self.enclave = enclave
        self.requests: list = []
        self._peers: dict = {}  # id -> node_info of peers we can answer
        self._lock = threading.Lock()
        self._server: Optional[ThreadingHTTPServer] = None

    # ---- lifecycle ---------------------------------------------------------------------

    def start(self) -> "FakePeer":
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_POST(self):  # noqa: N802 - http.server naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, ctype, answer = peer._handle(self.path, body)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    def info(self) -> dict:
        return {"id": self.node_id, "address": HOST, "port": 9090, "http_port": self.port,
                "enclave": self.enclave}

    def paths(self) -> list:
        with self._lock:
            return [path for path, _ in self.requests]

    # ---- protocol ----------------------------------------------------------------------

    def join(self, address: str) -> list:
        """Bootstraps from a real node (cluster.md §7.1) and remembers the peers it lists."""
        host, port = address.rsplit(":", 1)
        me = self.info()
        body = json.dumps({"node_id": me["id"], "address": HOST, "gossip_port": 9090,
                           "http_port": me["http_port"], "enclave": self.enclave})
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        try:
            conn.request("POST", "/v1/bootstrap", body, {"Content-Type": "application/json"})
            answer = json.loads(conn.getresponse().read())
        finally:
            conn.close()
        for p in answer.get("peers") or []:
            self._remember(p)
        return answer.get("peers") or []

    def _remember(self, info: dict) -> None:
        if info and info.get("id") and info["id"] != self.node_id:
            with self._lock:
                self._peers[info["id"]] = info

    def _handle(self, path: str, body: bytes):
        try:
            msg = json.loads(body) if body else None
        except ValueError:
            msg = None
        with self._lock:
            self.requests.append((path, msg))
        ok = (200, "application/json", b'{"success":true}\n')
        if path == "/v1/bootstrap" and isinstance(msg, dict):
            self._remember({"id": msg.get("node_id"), "address": msg.get("address"),
                            "port": msg.get("gossip_port"), "http_port": msg.get("http_port"),
                            "enclave": msg.get("enclave") or "default"})
            answer = {"success": True, "peers": [self.info()]}
            return 200, "application/json", (json.dumps(answer) + "\n").encode()
        if path == "/v1/gossip/message" and isinstance(msg, dict):
            if msg.get("type") == "SYNC":
                self._remember(msg.get("node_info"))
            elif msg.get("type") == "PING":
                threading.Thread(target=self._pong, args=(msg.get("from"),), daemon=True).start()
            return ok
        return 404, "text/plain; charset=utf-8", b"404 page not found\n"

    def _pong(self, to: str) -> None:
        with self._lock:
            target = self._peers.get(to)
        if not target:
            return
        pong = {"type": "PONG", "from": self.node_id, "to": to, "timestamp": int(time.time()),
                "message_id": f"{self.node_id}-{time.time_ns()}", "node_info": self.info()}
        conn = http.client.HTTPConnection(target["address"], int(target["http_port"]), timeout=5)
        try:
            conn.request("POST", "/v1/gossip/message", json.dumps(pong),
                         {"Content-Type": "application/json"})
            conn.getresponse().read()
        except OSError:
            pass
        finally:
            conn.close()
