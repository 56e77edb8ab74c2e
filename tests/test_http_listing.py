"""GET /v1/keys (http-api.md §7, §6.3 query parsing, §1 JSON emitter, §13 "Listing")."""

import pytest

from harness import assert_common_headers, assert_json, assert_text


def put_keys(n, raw_keys):
    for k in raw_keys:
        r = n.put(k, b"v")
        assert_text(r, 201, b"OK")


def test_empty_store_exact_body(n1):
    r = n1.get("/v1/keys")
    assert r.body == b'{"keys":[]}\n', r
    assert assert_json(r) == {"keys": []}
    assert_common_headers(r)


# (id, query, expected JSON) over keys a, b, c -- the §13 rows plus pagination edges.
ABC_ROWS = [
    ("all", "", {"keys": ["a", "b", "c"]}),
    ("limit-2", "?limit=2", {"keys": ["a", "b"], "next_cursor": "b"}),
    ("limit-2-cursor-b", "?limit=2&cursor=b", {"keys": ["c"]}),
    ("limit-0", "?limit=0", {"keys": ["a", "b", "c"]}),
    ("limit-minus1", "?limit=-1", {"keys": ["a", "b", "c"]}),
    ("limit-abc", "?limit=abc", {"keys": ["a", "b", "c"]}),
    ("cursor-zzz", "?cursor=zzz", {"keys": []}),
    ("final-page-exactly-limit", "?limit=3", {"keys": ["a", "b", "c"]}),
    ("final-page-exactly-limit-after-cursor", "?limit=2&cursor=a", {"keys": ["b", "c"]}),
    ("limit-1", "?limit=1", {"keys": ["a"], "next_cursor": "a"}),
    ("limit-1-cursor-a", "?limit=1&cursor=a", {"keys": ["b"], "next_cursor": "b"}),
    ("cursor-nonexistent-between", "?cursor=aa", {"keys": ["b", "c"]}),
    ("cursor-empty-is-none", "?cursor=", {"keys": ["a", "b", "c"]}),
    ("cursor-last", "?cursor=c", {"keys": []}),
    ("limit-plus-sign-decodes-to-space", "?limit=+1", {"keys": ["a", "b", "c"]}),
    ("limit-pct2B1", "?limit=%2B1", {"keys": ["a"], "next_cursor": "a"}),
    ("limit-1.5", "?limit=1.5", {"keys": ["a", "b", "c"]}),
    ("limit-huge", "?limit=99999999999999999999", {"keys": ["a", "b", "c"]}),
    ("first-limit-wins", "?limit=1&limit=2", {"keys": ["a"], "next_cursor": "a"}),
    ("prefix-b", "?prefix=b", {"keys": ["b"]}),
    ("prefix-empty", "?prefix=", {"keys": ["a", "b", "c"]}),
    ("prefix-none-match", "?prefix=x", {"keys": []}),
    ("prefix-longer-than-key", "?prefix=ab", {"keys": []}),
    ("unknown-params-ignored", "?foo=bar&limit=2", {"keys": ["a", "b"], "next_cursor": "b"}),
]


@pytest.mark.parametrize("query,want", [r[1:] for r in ABC_ROWS], ids=[r[0] for r in ABC_ROWS])
def test_listing_abc(n1, query, want):
    put_keys(n1, ["c", "a", "b"])
    got = assert_json(n1.get("/v1/keys" + query))
    assert got == want


def test_pagination_walk(n1):
    keys = [f"k{i:03d}" for i in range(25)]
    put_keys(n1, reversed(keys))
    seen, cursor, pages = [], None, 0
    while True:
        q = "?limit=7&prefix=k" + (f"&cursor={cursor}" if cursor else "")
        page = assert_json(n1.get("/v1/keys" + q))
        pages += 1
        seen += page["keys"]
        if "next_cursor" not in page:
            break
        assert page["next_cursor"] == page["keys"][-1]
        cursor = page["next_cursor"]
    assert seen == keys and pages == 4


def test_prefix_plus_is_space(n1):
    put_keys(n1, ["a+b"])
    assert n1.get("/v1/keys?prefix=a+").body == b'{"keys":[]}\n'


def test_prefix_pct2b_is_plus(n1):
    put_keys(n1, ["a+b"])
    assert assert_json(n1.get("/v1/keys?prefix=a%2B")) == {"keys": ["a+b"]}


def test_prefix_space_matches_space_key(n1):
    put_keys(n1, ["a%20b", "a+b"])
    assert assert_json(n1.get("/v1/keys?prefix=a+")) == {"keys": ["a b"]}
    assert assert_json(n1.get("/v1/keys?prefix=a%20")) == {"keys": ["a b"]}


def test_prefix_and_cursor_with_escapes(n1):
    put_keys(n1, ["x%2Cy", "x%26y", "x%3Dy", "x"])
    # name/value percent-decoded: prefix "x&" and "x="
    assert assert_json(n1.get("/v1/keys?prefix=x%26")) == {"keys": ["x&y"]}
    assert assert_json(n1.get("/v1/keys?prefix=x%3D")) == {"keys": ["x=y"]}
    assert assert_json(n1.get("/v1/keys?cursor=x%26y")) == {"keys": ["x,y", "x=y"]}
    # A pair with a malformed escape is skipped; the next prefix pair wins.
    assert assert_json(n1.get("/v1/keys?prefix=%ZZ&prefix=x%2C")) == {"keys": ["x,y"]}


def test_byte_wise_order(n1):
    # bytes: "B"=42 < "a"=61 < "a b"(61 20) < "ab" < "b" < 0x7f < "é" (c3 a9) < "✓" (e2 9c 93)
    raw = ["%E2%9C%93", "b", "ab", "a%20b", "%C3%A9", "a", "B", "%7F"]
    put_keys(n1, raw)
    want = ["B", "a", "a b", "ab", "b", "\x7f", "\u00e9", "\u2713"]
    assert assert_json(n1.get("/v1/keys")) == {"keys": want}
    assert assert_json(n1.get("/v1/keys?limit=4")) == {"keys": want[:4], "next_cursor": "ab"}
    assert assert_json(n1.get("/v1/keys?cursor=%C3%A9")) == {"keys": ["\u2713"]}
    assert assert_json(n1.get("/v1/keys?prefix=%C3")) == {"keys": ["\u00e9"]}


def test_shorter_prefix_sorts_first(n1):
    put_keys(n1, ["abc", "ab", "abcd", "a"])
    assert assert_json(n1.get("/v1/keys")) == {"keys": ["a", "ab", "abc", "abcd"]}


def test_json_escaping_of_keys(n1):
    # ", \, control characters; <, >, &, U+2028, non-ASCII are written raw.
    put_keys(n1, ["q%22q", "b%5Cs", "c%01", "n%0A", "t%09", "lt%3C%3E%26", "ls%E2%80%A8",
                  "u%C3%BC", "bs%08", "ff%0C", "cr%0D", "x%1F", "z%00"])
    r = n1.get("/v1/keys")
    body = r.body
    for frag in [b'"q\\"q"', b'"b\\\\s"', b'"c\\u0001"', b'"n\\n"', b'"t\\t"', b'"lt<>&"',
                 b'"ls\xe2\x80\xa8"', b'"u\xc3\xbc"', b'"bs\\b"', b'"ff\\f"', b'"cr\\r"',
                 b'"x\\u001f"', b'"z\\u0000"']:
        assert frag in body, (frag, body)
    assert assert_json(r)["keys"] == sorted(
        ["q\"q", "b\\s", "c\x01", "n\n", "t\t", "lt<>&", "ls\u2028", "u\u00fc", "bs\b", "ff\f",
         "cr\r", "x\x1f", "z\x00"], key=lambda s: s.encode())


def test_invalid_utf8_bytes_each_become_replacement(n1):
    put_keys(n1, ["%FF%FEz"])
    assert n1.get("/v1/keys").json() == {"keys": ["\ufffd\ufffdz"]}
    # The raw key still reads back.
    assert n1.get("/v1/data/%FF%FEz").body == b"v"


def test_next_cursor_json_escaped(n1):
    put_keys(n1, ["a%22", "b"])
    assert assert_json(n1.get("/v1/keys?limit=1")) == {"keys": ["a\""], "next_cursor": "a\""}


def test_listing_reflects_overwrites_without_duplicates(n1):
    put_keys(n1, ["k", "k", "k"])
    assert assert_json(n1.get("/v1/keys")) == {"keys": ["k"]}


def test_expired_keys_are_never_listed(node):
    from harness import wait_until
    n = node(env={"REPRAM_MIN_TTL": "1"})
    assert n.put("gone", b"v", {"X-TTL": "1"}).status == 201
    assert n.put("stay", b"v", {"X-TTL": "600"}).status == 201
    assert n.get("/v1/keys").json() == {"keys": ["gone", "stay"]}
    wait_until(lambda: n.get("/v1/data/gone").status == 404, timeout=2.5, message="expiry")
    assert assert_json(n.get("/v1/keys")) == {"keys": ["stay"]}
    assert assert_json(n.get("/v1/keys?limit=1")) == {"keys": ["stay"]}
    assert assert_json(n.get("/v1/keys?prefix=g")) == {"keys": []}
