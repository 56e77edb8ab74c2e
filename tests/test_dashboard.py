"""The dashboard (GET / and /ui/*): served from the binary, under the node's own CSP, and working
in a real browser (Debian's headless chromium driven through chromium-driver and selenium).

One browser serves the whole module. The browser test reads the browser log for console errors,
watches the peer count change when a second node joins, stores a short-lived value through the
form and waits for it to appear in the live key list and to leave it when it expires, and saves
a screenshot as <build>/ui-screenshot.png.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import harness

CSP = "default-src 'self'"
ASSETS = {
    "/": "text/html; charset=utf-8",
    "/ui/index.html": "text/html; charset=utf-8",
    "/ui/dashboard.js": "text/javascript; charset=utf-8",
    "/ui/dashboard.css": "text/css; charset=utf-8",
    "/ui/favicon.svg": "image/svg+xml",
}
BUILD_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(harness.repram_bin()))))


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="repram-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1500", "--no-first-run", "--disable-extensions",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver) -> list:
    """Browser log entries of level SEVERE since the last call (JS errors, CSP violations,
    failed loads)."""
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def text_of(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def key_row(driver, key: str):
    rows = driver.find_elements(By.CSS_SELECTOR, "#key-list li[data-key]")
    return next((r for r in rows if r.get_attribute("data-key") == key), None)


def lifetime_share(row) -> float:
    """Width of a key row's lifetime bar, in percent of the full bar."""
    return float(row.find_element(By.CLASS_NAME, "fill").value_of_css_property("width")[:-2]) / \
        float(row.find_element(By.CLASS_NAME, "bar").value_of_css_property("width")[:-2]) * 100


# ---- over plain HTTP ------------------------------------------------------------------------

def test_page_and_assets_have_their_types_csp_and_cache_validators(n1):
    for path, content_type in ASSETS.items():
        r = n1.get(path)
        assert r.status == 200, (path, r)
        assert r.header("Content-Type") == content_type, (path, r)
        assert r.header("Content-Security-Policy") == CSP, (path, r)
        assert r.header("Cache-Control") == "no-cache", (path, r)
        etag = r.header("ETag")
        assert re.fullmatch(r'"[0-9a-f]{16}"', etag or ""), (path, r)
        again = n1.request("GET", path, headers={"If-None-Match": etag})
        assert (again.status, again.body, again.header("ETag")) == (304, b"", etag), (path, again)


def test_page_has_no_inline_script_or_style(n1):
    html = n1.get("/").text
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/ui/dashboard.js" defer>'], html
    assert "<style" not in html and "style=" not in html, "inline style"
    assert not re.search(r"\son\w+=", html), "inline event handler"
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert ref.startswith("/"), f"external or relative reference {ref}"


@pytest.mark.parametrize("path", ["/ui/nope.js", "/ui/", "/ui", "/ui/dashboard.js/", "/index.html"])
def test_unknown_dashboard_paths_are_404(n1, path):
    r = n1.get(path)
    assert (r.status, r.body) == (404, b"404 page not found\n"), (path, r)


def test_ui_false_turns_the_dashboard_off(node):
    off = node(env={"REPRAM_UI": "FALSE"})
    for path in ASSETS:
        r = off.get(path)
        assert (r.status, r.body) == (404, b"404 page not found\n"), (path, r)
    assert off.get("/v1/health").status == 200
    assert not any("Dashboard:" in line for line in off.lines), off.lines


# ---- in the browser -------------------------------------------------------------------------

def test_dashboard_live_in_a_browser(node, browser):
    a = node(env={"REPRAM_NODE_ID": "dash-node-a", "REPRAM_ADDRESS": "127.0.0.1",
                  "REPRAM_MIN_TTL": "1", "REPRAM_WRITE_TIMEOUT": "2"}, name="dash-a")
    assert a.put("kept:1?ttl=600", b"a value to read back").status == 201
    browser.get(f"http://{a.host}:{a.port}/")
    harness.wait_until(lambda: text_of(browser, "node-id") == "dash-node-a", timeout=10,
                       message="node id shown")
    harness.wait_until(lambda: text_of(browser, "peer-count") == "0", message="no peers yet")
    harness.wait_until(lambda: key_row(browser, "kept:1") is not None, message="listed key")
    harness.wait_until(lambda: text_of(browser, "req-rate") != "–", timeout=15,
                       message="request rate from two metrics scrapes")
    assert text_of(browser, "node-role") == "transient"
    assert text_of(browser, "node-enclave") == "default"
    assert console_errors(browser) == []

    node(env={"REPRAM_NODE_ID": "dash-node-b", "REPRAM_ADDRESS": "127.0.0.1",
              "REPRAM_PEERS": f"127.0.0.1:{a.port}"}, name="dash-b")
    harness.wait_until(lambda: text_of(browser, "peer-count") == "1", timeout=10,
                       message="peer count after a join")

    key_filter = browser.find_element(By.ID, "key-filter")
    key_filter.send_keys("fad")
    harness.wait_until(lambda: key_row(browser, "kept:1") is None, message="filtered out")
    key_filter.send_keys(Keys.BACKSPACE * 3)
    harness.wait_until(lambda: key_row(browser, "kept:1") is not None, message="filter cleared")

    browser.find_element(By.ID, "put-key").send_keys("fading:1")
    browser.find_element(By.ID, "put-value").send_keys("gone soon")
    ttl = browser.find_element(By.ID, "put-ttl")
    ttl.clear()
    ttl.send_keys("4")
    browser.find_element(By.ID, "put-submit").click()
    harness.wait_until(lambda: "Stored" in text_of(browser, "put-result"), timeout=10,
                       message="store confirmed")
    assert a.get("/v1/data/fading:1").body == b"gone soon"
    row = harness.wait_until(lambda: key_row(browser, "fading:1"), message="stored key listed")
    harness.wait_until(lambda: re.fullmatch(r"[1-4]s", row.find_element(By.CLASS_NAME, "ttl").text),
                       message="remaining lifetime shown")
    share = lifetime_share(row)
    harness.wait_until(lambda: lifetime_share(row) < share, message="lifetime bar drains")

    browser.find_element(By.ID, "get-key").send_keys("kept:1")
    browser.find_element(By.ID, "get-submit").click()
    harness.wait_until(lambda: text_of(browser, "get-value") == "a value to read back",
                       message="value read through the form")
    browser.execute_script("window.scrollTo(0, 0)")
    os.makedirs(BUILD_DIR, exist_ok=True)
    assert browser.save_screenshot(os.path.join(BUILD_DIR, "ui-screenshot.png"))

    harness.wait_until(lambda: key_row(browser, "fading:1") is None, timeout=12,
                       message="expired key left the list")
    assert a.get("/v1/data/fading:1").status == 404
    assert key_row(browser, "kept:1") is not None
    assert console_errors(browser) == []


def test_latency_percentiles_and_metric_parsing_in_the_page(n1, browser):
    browser.get(f"http://{n1.host}:{n1.port}/")
    harness.wait_until(lambda: browser.execute_script("return typeof quantile") == "function",
                       message="dashboard script loaded")
    buckets = "new Map([[0.001, 5], [0.01, 10], [Infinity, 10]])"
    got = [browser.execute_script(f"return quantile({q}, {buckets})") for q in (0.5, 0.75, 1)]
    assert got == pytest.approx([0.001, 0.0055, 0.01])
    tail = "new Map([[0.001, 5], [Infinity, 10]])"
    assert browser.execute_script(f"return quantile(0.99, {tail})") == pytest.approx(0.001)
    assert browser.execute_script("return quantile(0.5, new Map([[Infinity, 0]]))") is None
    series = browser.execute_script("""return parsePrometheus(
        '# HELP x y\\nrepram_http_request_duration_seconds_bucket{route="/v1/data/{key}",le="+Inf"} 7\\n'
        + 'repram_storage_entries 3\\n')""")
    assert series == [
        {"name": "repram_http_request_duration_seconds_bucket",
         "labels": {"route": "/v1/data/{key}", "le": "+Inf"}, "value": 7},
        {"name": "repram_storage_entries", "labels": {}, "value": 3}]
    assert console_errors(browser) == []
