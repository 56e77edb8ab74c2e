#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into OUTDIR/<target>/ (scripts/fuzz.sh calls it).

Seeds come from the protocol vectors in tests/vectors/ (a copy of ../shared/vectors) and from
request shapes the integration tests send; libFuzzer mutates from there."""
import base64
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"


def load(name):
    return json.loads((VECTORS / name).read_text())


def seeds():
    out = {t: [] for t in ("fuzz_request", "fuzz_gossip_message", "fuzz_bootstrap", "fuzz_catchup",
                           "fuzz_anti_entropy", "fuzz_omega_record", "fuzz_dns_txt", "fuzz_mcp",
                           "fuzz_ws_frame")}
    gossip = load("gossip-messages.json")
    out["fuzz_gossip_message"] += [m["body"] for m in gossip["messages"]]
    out["fuzz_gossip_message"] += [m["body"] for m in gossip["invalid_or_edge"]]
    boot = load("bootstrap.json")
    for ex in boot["examples"]:
        out["fuzz_bootstrap"] += [ex[k] for k in ("request_body", "response_body") if k in ex]
    for sc in boot["joiner_scenarios"]:
        out["fuzz_bootstrap"] += [r for r in sc.get("responses", {}).values()
                                  if isinstance(r, str)]
    omega = load("omega.json")
    records = [r["txt_record"] for r in omega["records"] if "txt_record" in r]
    out["fuzz_omega_record"] += records
    out["fuzz_dns_txt"] += [omega["bootstrap_indirection"]["txt"], "\n".join(records),
                            "  " + "\n\n".join(records[:2]) + "  "]
    frames = load("ws-frames.json")
    for f in frames["frames"]:
        out["fuzz_ws_frame"] += [f["frame_go_order"], f["frame_ts_order"]]
    for form in ("go_form", "js_form"):
        out["fuzz_ws_frame"].append(frames["escape_trap"][form]["frame"])
    out["fuzz_ws_frame"] += [f["frame"] for f in load("ws-ts-transcript.json")["frames"]
                             if "frame" in f]
    b64 = base64.b64encode(b"hello world").decode()
    out["fuzz_catchup"] += [
        '{"node_id":"n","enclave":"default","cursor":"","limit":100}',
        '{"entries":[{"key":"a","data":"%s","remaining_ttl":60,"original_ttl":300}],'
        '"next_cursor":"a"}\n' % b64,
        '{"entries":[]}\n']
    digest = base64.b64encode(bytes(16)).decode()
    out["fuzz_anti_entropy"] += [
        '{"node_id":"node-a","enclave":"default","buckets":2,"cutoff_unix_ms":1772366405000}',
        '{"buckets":2,"digest":"%s"}' % digest,
        '{"node_id":"node-a","enclave":"default","buckets":2,"cutoff_unix_ms":1772366405000,'
        '"bucket_ids":[1],"summary":"%s"}' % base64.b64encode(bytes(24)).decode(),
        '{"entries":[{"key":"YQ==","data":"%s","remaining_ms":5000,"original_ttl":60}],'
        '"want":"","truncated":false}' % b64,
        '{"node_id":"node-a","enclave":"default","entries":[]}', '{"stored":3}']
    out["fuzz_mcp"] += [
        '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
        '"capabilities":{},"clientInfo":{"name":"t","version":"1"}}}',
        '{"jsonrpc":"2.0","method":"notifications/initialized"}',
        '{"jsonrpc":"2.0","id":2,"method":"tools/list"}',
        '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"repram_store",'
        '"arguments":{"key":"k","value":"v","ttl":60}}}',
        '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"repram_retrieve",'
        '"arguments":{"key":"k"}}}',
        '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"repram_list_keys",'
        '"arguments":{"prefix":"k","limit":10}}}',
        '[{"jsonrpc":"2.0","id":6,"method":"ping"}]']
    out["fuzz_request"] += [
        "PUT /v1/data/k%20y?ttl=60 HTTP/1.1\r\nHost: x\r\nX-TTL: 30\r\nContent-Length: 5\r\n\r\nhello"
        "GET /v1/data/k%20y HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.1.1.1, 192.0.2.7\r\n\r\n",
        "GET /v1/keys?prefix=k&limit=2&cursor=a HTTP/1.1\r\nHost: x\r\n\r\n"
        "HEAD /v1/data/k HTTP/1.1\r\nHost: x\r\nX-Real-IP: ::ffff:10.0.0.1\r\n\r\n",
        "OPTIONS /v1/data/k HTTP/1.1\r\nHost: x\r\nOrigin: https://o.example\r\n\r\n"
        "DELETE /v1/data/k HTTP/1.1\r\nHost: x\r\n\r\n",
        "PUT /v1/data/x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nz",
        "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/topology HTTP/1.1\r\n\r\n"
        "GET /v1/metrics HTTP/1.1\r\n\r\nGET /v1/health HTTP/1.1\r\nConnection: close\r\n\r\n"]
    return out


def main():
    outdir = pathlib.Path(sys.argv[1])
    for target, items in seeds().items():
        d = outdir / target
        d.mkdir(parents=True, exist_ok=True)
        for i, item in enumerate(items):
            (d / f"seed-{i:03d}").write_bytes(item.encode() if isinstance(item, str) else item)


if __name__ == "__main__":
    main()
