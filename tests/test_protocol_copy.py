"""The project's own protocol reference (docs/protocol/) and test vectors (tests/vectors/) stay in
step with the shared contract they were carried over from (../shared/spec, ../shared/vectors).

The vectors are kept byte-identical. The spec is kept verbatim except for one rewrite: its links
to the vectors (`../vectors/`) point at the project copy (`../../tests/vectors/`), so the
comparison undoes that rewrite and nothing else.

When ../shared (next to the repository) is absent, as in a clone of the project alone, there is
nothing to compare against: the two comparison tests are skipped with that reason (a skip, not a
pass). The link check below runs everywhere.
"""

from __future__ import annotations

import os
import re

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECT_VECTORS = os.path.join(REPO, "tests", "vectors")
PROJECT_PROTOCOL = os.path.join(REPO, "docs", "protocol")
SHARED_VECTORS = os.path.join(REPO, "..", "shared", "vectors")
SHARED_SPEC = os.path.join(REPO, "..", "shared", "spec")

SHARED_LINK = b"../vectors/"
PROJECT_LINK = b"../../tests/vectors/"


def _files(folder: str) -> dict[str, bytes]:
    """Maps every regular file name in folder to its bytes."""
    out = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                out[name] = f.read()
    return out


def _require(folder: str) -> None:
    if not os.path.isdir(folder):
        pytest.skip(f"{os.path.normpath(folder)} is absent (project cloned alone): no shared copy "
                    "to compare against")


def test_vectors_identical_to_shared():
    _require(SHARED_VECTORS)
    shared, ours = _files(SHARED_VECTORS), _files(PROJECT_VECTORS)
    assert sorted(ours) == sorted(shared), "tests/vectors/ and ../shared/vectors hold different files"
    differing = [name for name in shared if ours[name] != shared[name]]
    assert differing == [], f"tests/vectors/ differs from ../shared/vectors in {differing}"


def test_protocol_identical_to_shared_spec_except_vector_links():
    _require(SHARED_SPEC)
    shared, ours = _files(SHARED_SPEC), _files(PROJECT_PROTOCOL)
    assert sorted(ours) == sorted(shared), "docs/protocol/ and ../shared/spec hold different files"
    differing = [name for name in shared
                 if ours[name].replace(PROJECT_LINK, SHARED_LINK) != shared[name]]
    assert differing == [], f"docs/protocol/ differs from ../shared/spec in {differing}"


def test_protocol_vector_links_resolve():
    linked = set()
    for name, text in _files(PROJECT_PROTOCOL).items():
        assert SHARED_LINK not in text.replace(PROJECT_LINK, b""), \
            f"docs/protocol/{name} still links ../vectors/ (the shared layout)"
        linked.update(re.findall(rb"\.\./\.\./tests/vectors/([\w.-]+)", text))
    assert linked, "docs/protocol/ links no vector file"
    missing = [n.decode() for n in sorted(linked)
               if not os.path.isfile(os.path.join(PROJECT_VECTORS, n.decode()))]
    assert missing == [], f"docs/protocol/ links missing vector files {missing}"
