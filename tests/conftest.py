"""Shared pytest fixtures for the REPRAM integration suites.

``node`` is a factory: ``node(env={...}, args=[...], name=..., wait=True)`` starts a repram
process and returns a started ``harness.Node``. Every process it started is stopped at teardown;
a node that died on its own during the test (crash) turns the teardown into an error.
"""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

_NODES_KEY = pytest.StashKey[list]()


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes tens of seconds (still runs by default)")


@pytest.fixture
def node(request):
    nodes: list = []
    request.node.stash[_NODES_KEY] = nodes

    def factory(env=None, args=(), name=None, wait=True, **kw) -> harness.Node:
        n = harness.Node(env=env, args=args, name=name, **kw)
        nodes.append(n)
        n.start(wait=wait)
        return n

    yield factory

    crashed = []
    for n in nodes:
        if n.proc is None:
            continue
        if not n.stopped_by_test and n.proc.poll() is not None:
            crashed.append(f"{n.name} exited on its own with code {n.proc.returncode}; "
                           f"stderr tail:\n" + "\n".join(n.lines[-30:]))
        try:
            n.kill()
        except Exception:  # noqa: BLE001
            pass
    if crashed:
        pytest.fail("node died during the test:\n" + "\n".join(crashed), pytrace=False)


@pytest.fixture
def mcp():
    """Factory for `repram mcp` processes: ``mcp(env={...}, args=("mcp",))`` returns a started
    ``harness.McpProcess``; every one is killed at teardown."""
    procs: list = []

    def factory(env=None, args=("mcp",)) -> harness.McpProcess:
        p = harness.McpProcess(env=env, args=args)
        procs.append(p)
        return p

    yield factory
    for p in procs:
        try:
            p.kill()
        except Exception:  # noqa: BLE001
            pass


@pytest.fixture
def n1(node):
    """A default node: private network, 127.0.0.1, ephemeral port, generous rate limit."""
    return node()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for n in item.stash.get(_NODES_KEY, []):
            tail = "\n".join(n.lines[-40:])
            report.sections.append((f"repram stderr ({n.name}, port {n.port})", tail))
