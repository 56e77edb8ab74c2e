"""Keys, paths and methods (http-api.md §6 and the §13 table "Paths, keys, methods")."""

import pytest

from harness import assert_common_headers, assert_json, assert_text, build_request

ORIGIN = "https://a.example"
NOT_FOUND = b"404 page not found\n"
NOT_ALLOWED = b"Method not allowed\n"
EMPTY = b"key must not be empty\n"
SLASH = b"key must not contain '/'\n"
MALFORMED = b"malformed percent-encoding in key\n"
TOO_LONG = b"key too long\n"


# ---- §13 rows with an error answer -------------------------------------------------------

BAD_PUTS = [
    ("empty-key", "/v1/data/", 400, EMPTY),
    ("no-key-segment", "/v1/data", 404, NOT_FOUND),
    ("literal-slash", "/v1/data/a/b", 400, SLASH),
    ("pct-2F", "/v1/data/a%2Fb", 400, SLASH),
    ("pct-2f", "/v1/data/a%2fb", 400, SLASH),
    ("truncated-escape", "/v1/data/bad%E0%A4%A", 400, MALFORMED),
    ("non-hex-escape", "/v1/data/%ZZ", 400, MALFORMED),
    ("lone-percent", "/v1/data/%", 400, MALFORMED),
    ("key-8193", "/v1/data/" + "k" * 8193, 400, TOO_LONG),
    # derived from §6.1 ordering
    ("trailing-slash", "/v1/data/a/", 400, SLASH),
    ("slash-beats-bad-escape", "/v1/data/%ZZ/x", 400, SLASH),
    ("empty-with-query", "/v1/data/?ttl=600", 400, EMPTY),
    ("half-escape", "/v1/data/a%4", 400, MALFORMED),
    ("escape-8193-decoded", "/v1/data/" + "%41" * 100 + "A" * 8093, 400, TOO_LONG),
    ("slash-decoded-beats-length", "/v1/data/%2F" + "k" * 9000, 400, SLASH),
]


@pytest.mark.parametrize("target,status,body", [r[1:] for r in BAD_PUTS], ids=[r[0] for r in BAD_PUTS])
def test_bad_put_paths(n1, target, status, body):
    r = n1.request("PUT", target, b"value", headers={"Origin": ORIGIN})
    assert_text(r, status, body)
    assert_common_headers(r, origin=ORIGIN)
    assert n1.get("/v1/keys").json()["keys"] == []  # nothing stored


@pytest.mark.parametrize("target,status,body", [r[1:] for r in BAD_PUTS if r[2] == 400],
                         ids=[r[0] for r in BAD_PUTS if r[2] == 400])
def test_bad_get_paths_same_checks(n1, target, status, body):
    r = n1.get(target)
    assert_text(r, status, body)


def test_key_of_8192_bytes_is_accepted(n1):
    key = "k" * 8192
    r = n1.put(key, b"long-key")
    assert_text(r, 201, b"OK")
    g = n1.get("/v1/data/" + key)
    assert (g.status, g.body) == (200, b"long-key"), g
    assert n1.get("/v1/keys").json()["keys"] == [key]


def test_key_of_8192_decoded_bytes_from_escapes(n1):
    r = n1.put("%41" * 8192, b"x")  # 24,576-byte target... too long for 16 KiB: must be 414
    assert_text(r, 414, b"URI too long\n")


def test_key_of_8192_decoded_bytes_short_target(n1):
    target_key = "%41" * 2000 + "A" * 6192   # decodes to 8192 bytes, target 15,201 bytes
    r = n1.put(target_key, b"x")
    assert_text(r, 201, b"OK")
    assert n1.get("/v1/data/" + "A" * 8192).body == b"x"


def test_request_target_of_16385_bytes_is_414(n1):
    target = "/v1/data/" + "a" * (16385 - len("/v1/data/"))
    assert len(target) == 16385
    with n1.raw() as c:
        c.send(build_request("PUT", target, [("Origin", ORIGIN)], b"v"))
        r = c.read_response("PUT")
        assert_text(r, 414, b"URI too long\n")
        assert_common_headers(r, check_acao=False)
        assert c.is_closed_by_peer(5), "connection must be closed after 414"
    assert n1.get("/v1/health").status == 200


def test_request_target_of_16384_bytes_is_not_414(n1):
    target = "/v1/data/" + "a" * (16384 - len("/v1/data/"))
    r = n1.raw_request(build_request("GET", target))
    assert_text(r, 400, TOO_LONG)


def test_target_limit_includes_query(n1):
    target = "/v1/data/q?x=" + "a" * (16385 - len("/v1/data/q?x="))
    r = n1.raw_request(build_request("GET", target))
    assert_text(r, 414, b"URI too long\n")


# ---- §6.2 examples and §13 success rows ---------------------------------------------------

DECODING = [
    ("pct-20", "a%20b", b"a b"),
    ("plus-stays-plus", "a+b", b"a+b"),
    ("utf8-check", "%E2%9C%93", "\u2713".encode()),
    ("punctuation", "ns:key-1_2.3~", b"ns:key-1_2.3~"),
    ("nul", "%00", b"\x00"),
    ("dot-dot-escaped", "%2E%2E", b".."),
    ("lowercase-hex", "%e2%9c%93", "\u2713".encode()),
    ("invalid-utf8", "%C3%28", b"\xc3\x28"),
    ("percent-literal", "100%25", b"100%"),
    ("question-mark", "a%3Fb", b"a?b"),
    ("hash", "a%23b", b"a#b"),
    ("nul-inside", "a%00b", b"a\x00b"),
    ("space-plus-mix", "%20+%2B", b" ++"),
]


@pytest.mark.parametrize("raw,key", [r[1:] for r in DECODING], ids=[r[0] for r in DECODING])
def test_key_decoding(n1, raw, key):
    value = b"value-of-" + raw.encode()
    assert_text(n1.put(raw, value), 201, b"OK")
    # The same bytes reached by a different spelling of the escape.
    canonical = "".join("%%%02X" % b for b in key)
    g = n1.get("/v1/data/" + canonical)
    assert (g.status, g.body) == (200, value), g
    listed = n1.get("/v1/keys").json()["keys"]
    assert listed == [key.decode("utf-8", "replace")], listed


def test_dot_dot_literal_and_escaped_are_the_same_key(n1):
    r = n1.raw_request(build_request("PUT", "/v1/data/..", body=b"dots"), "PUT")
    assert_text(r, 201, b"OK")
    g = n1.get("/v1/data/%2E%2E")
    assert (g.status, g.body) == (200, b"dots"), g
    g = n1.raw_request(build_request("GET", "/v1/data/."))
    assert g.status == 404, g  # "." is another key; no dot-segment processing
    assert n1.get("/v1/keys").json()["keys"] == [".."]


def test_invalid_utf8_key_is_listed_with_replacement(n1):
    assert_text(n1.put("%C3%28", b"v"), 201, b"OK")
    g = n1.get("/v1/data/%C3%28")
    assert (g.status, g.body) == (200, b"v"), g
    r = n1.get("/v1/keys")
    # One U+FFFD per invalid byte, written the way Go's encoder does (the 6-byte escape, as in
    # the §13 row); a raw U+FFFD would decode the same, so accept both spellings.
    assert r.body in (b'{"keys":["\\ufffd("]}\n', '{"keys":["\ufffd("]}\n'.encode()), r
    assert r.json() == {"keys": ["\ufffd("]}


def test_get_with_query_is_ignored(n1):
    n1.put("k", b"v")
    r = n1.get("/v1/data/k?foo=bar")
    assert (r.status, r.body) == (200, b"v"), r


def test_get_missing_404(n1):
    r = n1.get("/v1/data/missing")
    assert (r.status, r.body, r.header("Content-Length")) == (404, b"", "0"), r


def test_head_missing_404(n1):
    r = n1.request("HEAD", "/v1/data/missing")
    assert (r.status, r.body) == (404, b""), r


@pytest.mark.parametrize("method", ["DELETE", "POST", "PATCH"])
def test_data_wrong_method_405(n1, method):
    n1.put("k", b"v")
    r = n1.request(method, "/v1/data/k", b"x")
    assert_text(r, 405, NOT_ALLOWED)
    assert r.header("Allow") == "GET, HEAD, PUT, OPTIONS", r
    assert n1.get("/v1/data/k").body == b"v"  # DELETE never removes


@pytest.mark.parametrize("target", ["/v1/data/a%ZZ", "/v1/data/", "/v1/data/a/b", "/v1/data/" + "k" * 9000])
def test_method_check_precedes_key_checks(n1, target):
    r = n1.request("DELETE", target)
    assert_text(r, 405, NOT_ALLOWED)
    assert r.header("Allow") == "GET, HEAD, PUT, OPTIONS", r


@pytest.mark.parametrize("method,path", [("PUT", "/v1/keys"), ("HEAD", "/v1/health"), ("POST", "/v1/health")])
def test_get_only_routes_405(n1, method, path):
    r = n1.request(method, path, b"" if method != "HEAD" else None)
    assert r.status == 405, r
    assert r.header("Allow") == "GET, OPTIONS", r
    if method != "HEAD":
        assert_text(r, 405, NOT_ALLOWED)


def test_gossip_get_405(n1):
    r = n1.get("/v1/gossip/message")
    assert_text(r, 405, NOT_ALLOWED)
    assert r.header("Allow") == "POST, OPTIONS", r


@pytest.mark.parametrize("path", ["/nope", "/v1/health/", "/v1/Health", "//v1/health"])
def test_unknown_paths_404(n1, path):
    r = n1.get(path)
    assert_text(r, 404, NOT_FOUND)


def test_options_data_with_origin(n1):
    r = n1.request("OPTIONS", "/v1/data/k", headers={"Origin": ORIGIN})
    assert (r.status, r.body, r.header("Content-Length")) == (200, b"", "0"), r
    assert_common_headers(r, origin=ORIGIN)


def test_options_data_bad_key_is_still_preflight(n1):
    # Step 5 (preflight) runs before the handler's key checks.
    r = n1.request("OPTIONS", "/v1/data/a%ZZ", headers={"Origin": ORIGIN})
    assert (r.status, r.body) == (200, b""), r


def test_options_unknown_404(n1):
    r = n1.request("OPTIONS", "/nope", headers={"Origin": ORIGIN})
    assert_text(r, 404, NOT_FOUND)
    assert_common_headers(r, origin=ORIGIN)


def test_keys_are_case_sensitive_and_opaque(n1):
    n1.put("Key", b"upper")
    n1.put("key", b"lower")
    assert n1.get("/v1/data/Key").body == b"upper"
    assert n1.get("/v1/data/key").body == b"lower"
    assert n1.get("/v1/data/KEY").status == 404


@pytest.mark.parametrize("key", ["drop_zone", "select:1", "..%2E", "%3Cscript%3E", "union%20select"])
def test_no_url_or_key_filtering(n1, key):
    assert_text(n1.put(key, b"legit"), 201, b"OK")
    assert n1.get("/v1/data/" + key).body == b"legit"
