"""Black-box tests of the repram-omega operator tool (trust.md §13).

Runs the binary named by REPRAM_OMEGA_BIN (default: <repo>/build/src/trust/repram-omega) in a
scratch directory; never touches the network.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OMEGA_BIN = os.environ.get("REPRAM_OMEGA_BIN", os.path.join(REPO, "build", "src", "trust", "repram-omega"))
VECTORS = json.load(open(os.path.join(REPO, "tests", "vectors", "omega.json")))

USAGE = (
    "repram-omega \u2014 operator tool for REPRAM signed root lists\n"
    "\n"
    "Usage:\n"
    "  repram-omega keygen --out-private <path> --out-public <path>\n"
    "  repram-omega sign --key <path> --version <id> --expires-in <seconds> --nodes <csv>\n"
    "  repram-omega verify (--pubkey <base64> | --pubkey-file <path>) [--record <txt> | "
    "--record-file <path>] [--now <unix-seconds>]\n"
)
RFC_PUB = VECTORS["key"]["public_b64"]
V1 = VECTORS["records"][0]
V2 = VECTORS["records"][1]


def run(*args, stdin="", umask=None):
    def preexec():
        if umask is not None:
            os.umask(umask)

    return subprocess.run([OMEGA_BIN, *args], input=stdin, capture_output=True, text=True,
                          timeout=30, preexec_fn=preexec)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(scope="session", autouse=True)
def binary_exists():
    if not os.access(OMEGA_BIN, os.X_OK):
        pytest.fail(f"repram-omega not found at {OMEGA_BIN}; build it or set REPRAM_OMEGA_BIN")


@pytest.fixture
def rfc_key(tmp_path):
    path = tmp_path / "rfc.key"
    path.write_text(VECTORS["key"]["private_key_file_content"])
    return str(path)


@pytest.fixture
def keypair(tmp_path):
    priv, pub = str(tmp_path / "omega.key"), str(tmp_path / "omega.pub")
    r = run("keygen", "--out-private", priv, "--out-public", pub)
    assert r.returncode == 0, r.stderr
    return priv, pub


# --- dispatch -------------------------------------------------------------------------------

def test_no_arguments_prints_usage_to_stderr_and_exits_2():
    r = run()
    assert (r.returncode, r.stdout, r.stderr) == (2, "", USAGE)


@pytest.mark.parametrize("flag", ["-h", "--help", "help"])
def test_help_prints_usage_to_stdout(flag):
    r = run(flag)
    assert (r.returncode, r.stdout, r.stderr) == (0, USAGE, "")


def test_unknown_subcommand_is_a_usage_error():
    r = run("rotate")
    assert (r.returncode, r.stdout, r.stderr) == (2, "", "unknown subcommand: rotate\n\n" + USAGE)


# --- keygen ---------------------------------------------------------------------------------

def test_keygen_writes_key_files_with_exact_modes_and_prints_upstream_text(tmp_path):
    priv, pub = str(tmp_path / "k.priv"), str(tmp_path / "k.pub")
    r = run("keygen", "--out-private", priv, "--out-public", pub, umask=0o077)
    assert r.returncode == 0, r.stderr
    assert mode(priv) == 0o600
    assert mode(pub) == 0o644  # exact even under a restrictive umask
    priv_text, pub_text = open(priv).read(), open(pub).read()
    assert priv_text.endswith("\n") and pub_text.endswith("\n")
    sk = base64.b64decode(priv_text.strip(), validate=True)
    pk = base64.b64decode(pub_text.strip(), validate=True)
    assert len(sk) == 64 and len(pk) == 32 and sk[32:] == pk
    assert r.stdout == (
        "Generated Ed25519 keypair.\n"
        f"Public key: {pub_text.strip()}\n"
        f"Private key written to {priv} (mode 0600)\n"
        f"Public key written to {pub}\n"
        "\n"
        "Next steps:\n"
        "  1. Bake the public key into internal/trust/omega.go (OmegaPubkey)\n"
        "     and repram-mcp/src/node/trust/omega.ts (OMEGA_PUBKEY).\n"
        f"  2. Store {priv} on your offline signing machine.\n"
        "  3. Never transmit the private key over any network.\n"
    )


def test_keygen_makes_a_new_key_each_time(tmp_path):
    run("keygen", "--out-private", str(tmp_path / "a"), "--out-public", str(tmp_path / "a.pub"))
    run("keygen", "--out-private", str(tmp_path / "b"), "--out-public", str(tmp_path / "b.pub"))
    assert (tmp_path / "a.pub").read_text() != (tmp_path / "b.pub").read_text()


def test_keygen_refuses_to_overwrite_the_private_key(tmp_path):
    priv = tmp_path / "existing.key"
    priv.write_text("precious\n")
    pub = tmp_path / "new.pub"
    r = run("keygen", "--out-private", str(priv), "--out-public", str(pub))
    assert r.returncode == 1
    assert r.stderr == f"keygen: write private key: {priv}: file exists\n"
    assert priv.read_text() == "precious\n"
    assert not pub.exists()


def test_keygen_refuses_to_overwrite_the_public_key(tmp_path):
    priv = tmp_path / "new.key"
    pub = tmp_path / "existing.pub"
    pub.write_text("keep\n")
    r = run("keygen", "-out-private", str(priv), "-out-public=" + str(pub))
    assert r.returncode == 1
    assert r.stderr == f"keygen: write public key: {pub}: file exists\n"
    assert pub.read_text() == "keep\n"
    assert not priv.exists()


def test_keygen_requires_both_paths(tmp_path):
    r = run("keygen", "--out-public", str(tmp_path / "p"))
    assert r.returncode == 1
    assert "--out-private" in r.stderr  # short flag summary first
    assert r.stderr.endswith("\nkeygen: both --out-private and --out-public are required\n")
    assert not (tmp_path / "p").exists()


# --- sign -----------------------------------------------------------------------------------

def test_sign_reproduces_the_v1_vector(rfc_key):
    r = run("sign", "--key", rfc_key, "--now", "1800000000", "--expires-in", "100000000",
            "--nodes", "root-c.example:9090,root-a.example:9090,root-b.example:9090")
    assert r.returncode == 0, r.stderr
    assert r.stdout == V1["txt_record"] + "\n"
    assert r.stderr == (
        "\n"
        "To publish:\n"
        "  1. Paste the line above as the value of the _omega.repram.io TXT record.\n"
        "  2. Verify propagation with: dig TXT _omega.repram.io\n"
        "  3. This record expires at 2030-03-17T17:46:40Z UTC.\n"
    )


@pytest.mark.parametrize("spelling", [
    ["--key", "{k}", "--now", "1800000000"],
    ["-key", "{k}", "-now", "1800000000"],
    ["--key={k}", "--now=1800000000"],
    ["-key={k}", "-now=1800000000"],
])
def test_sign_accepts_every_flag_spelling(rfc_key, spelling):
    args = [a.replace("{k}", rfc_key) for a in spelling]
    r = run("sign", *args, "-expires-in", "100000000", "--nodes",
            " root-a.example:9090, ,root-b.example:9090 ,root-c.example:9090,")
    assert r.returncode == 0, r.stderr
    assert r.stdout == V1["txt_record"] + "\n"


@pytest.mark.parametrize("expires_in,seconds", [
    ("3600", 3600), ("90m", 5400), ("24h", 86400), ("7d", 604800), ("1h30m", 5400)])
def test_sign_expires_in_takes_seconds_and_durations(rfc_key, expires_in, seconds):
    r = run("sign", "--key", rfc_key, "--now", "1800000000", "--expires-in", expires_in,
            "--nodes", "a:1")
    assert r.returncode == 0, r.stderr
    assert f";exp={1800000000 + seconds};" in r.stdout


@pytest.mark.parametrize("args,error", [
    (["--expires-in", "1h", "--nodes", "a:1"], "sign: --key is required\n"),
    (["--key", "{k}", "--nodes", "a:1"], "sign: --expires-in must be positive (e.g. 24h)\n"),
    (["--key", "{k}", "--expires-in", "0", "--nodes", "a:1"],
     "sign: --expires-in must be positive (e.g. 24h)\n"),
    (["--key", "{k}", "--expires-in", "1.5h", "--nodes", "a:1"],
     'sign: invalid value "1.5h" for flag -expires-in: parse error\n'),
    (["--key", "{k}", "--expires-in", "-5s", "--nodes", "a:1"],
     'sign: invalid value "-5s" for flag -expires-in: parse error\n'),
    (["--key", "{k}", "--expires-in", "1h", "--nodes", " , "], "sign: --nodes is required\n"),
    (["--key", "{k}", "--expires-in", "1h"], "sign: --nodes is required\n"),
    (["--key", "{k}", "--expires-in", "1h", "--nodes", "a:1", "--now", "soon"],
     'sign: invalid value "soon" for flag -now: parse error\n'),
])
def test_sign_reports_bad_flags(rfc_key, args, error):
    r = run("sign", *[a.replace("{k}", rfc_key) for a in args])
    assert (r.returncode, r.stdout, r.stderr) == (1, "", error)


def test_sign_rejects_unknown_flags():
    r = run("sign", "--bogus", "x")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith("sign: ") and "--bogus" in r.stderr


def test_sign_rejects_a_flag_without_value(rfc_key):
    r = run("sign", "--expires-in", "1h", "--nodes", "a:1", "--key")
    assert r.returncode == 1
    assert r.stderr.startswith("sign: ") and "--key" in r.stderr


@pytest.mark.parametrize("content,error", [
    ("not base64!", "sign: decode private key: illegal base64 data\n"),
    ("AAAA", "sign: private key has wrong length: got 3 want 64\n"),
    (base64.b64encode(bytes(64)).decode(),
     "sign: private key is inconsistent: public half does not match seed\n"),
])
def test_sign_reports_bad_key_files(tmp_path, content, error):
    key = tmp_path / "bad.key"
    key.write_text(content + "\n")
    r = run("sign", "--key", str(key), "--expires-in", "1h", "--nodes", "a:1")
    assert (r.returncode, r.stderr) == (1, error)


def test_sign_reports_a_missing_key_file(tmp_path):
    r = run("sign", "--key", str(tmp_path / "none"), "--expires-in", "1h", "--nodes", "a:1")
    assert (r.returncode, r.stderr) == (
        1, f"sign: read key: open {tmp_path / 'none'}: no such file or directory\n")


# --- verify ---------------------------------------------------------------------------------

def test_verify_prints_the_list_in_canonical_order():
    r = run("verify", "--pubkey", RFC_PUB, "--record", V1["txt_record"], "--now", "1800000000")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == (
        "Valid omega-v1 signed root list.\n"
        "Expires: 2030-03-17T17:46:40Z\n"
        "Nodes (3):\n"
        "  root-a.example:9090\n"
        "  root-b.example:9090\n"
        "  root-c.example:9090\n"
    )


def test_verify_reads_pubkey_file_and_record_file(tmp_path):
    pub = tmp_path / "omega.pub"
    pub.write_text(VECTORS["key"]["public_key_file_content"])
    rec = tmp_path / "record.txt"
    rec.write_text("  " + VECTORS["records"][2]["txt_record"] + "\n")
    r = run("verify", "--pubkey-file", str(pub), "--record-file", str(rec), "--now", "1800000000")
    assert r.returncode == 0, r.stderr
    assert "Nodes (4):\n  10.0.0.2:8080\n  A.example:8080\n  a.example:8080\n  b.example:8080\n" \
        in r.stdout


def test_verify_reads_the_record_from_stdin():
    r = run("verify", "-pubkey", RFC_PUB, "-now=1800000000", stdin=V1["txt_record"] + "\n")
    assert r.returncode == 0, r.stderr


def test_verify_checks_expiry_against_the_current_time_by_default():
    r = run("verify", "--pubkey", RFC_PUB, "--record", V2["txt_record"])
    assert r.returncode == 1
    assert r.stderr.startswith("verify: trust: signed list has expired: exp=1735693200 now=")


@pytest.mark.parametrize("case", [c for c in VECTORS["cases"]
                                  if c["id"] != "HONEST_V1_UNDER_PLACEHOLDER_KEY"],
                         ids=lambda c: c["id"])
def test_verify_gives_every_vector_case_its_verdict(case):
    r = run("verify", "--pubkey", RFC_PUB, "--record", case["record"], "--now", str(case["now"]))
    if case["expect"] == "valid":
        assert (r.returncode, r.stderr) == (0, ""), r.stderr
    else:
        assert (r.returncode, r.stdout, r.stderr) == (1, "", "verify: " + case["error"] + "\n")


def test_verify_refuses_the_placeholder_key_and_the_small_order_forgery():
    forgery = VECTORS["small_order_forgery"]
    r = run("verify", "--pubkey", forgery["public_b64"], "--record", forgery["txt_record"],
            "--now", "1800000000")
    assert (r.returncode, r.stdout, r.stderr) == (
        1, "", "verify: trust: omega pubkey is the placeholder or a small-order point\n")


@pytest.mark.parametrize("args,error", [
    (["--record", "x"], "verify: either --pubkey or --pubkey-file is required\n"),
    (["--pubkey", RFC_PUB, "--pubkey-file", "/nonexistent", "--record", "x"],
     "verify: either --pubkey or --pubkey-file is required\n"),
    (["--pubkey", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo", "--record", "x"],
     "verify: trust: omega pubkey is not valid base64\n"),
    (["--pubkey", "AAAA", "--record", "x"],
     "verify: trust: omega pubkey has wrong length: got 3 want 32\n"),
    (["--pubkey", RFC_PUB, "--record", "v=omega-v1;exp=1;nodes=a"],
     "verify: trust: signed list missing required field: sig\n"),
])
def test_verify_reports_errors(args, error):
    r = run("verify", *args)
    assert (r.returncode, r.stdout, r.stderr) == (1, "", error)


# --- round trip -----------------------------------------------------------------------------

@pytest.mark.parametrize("expires_in,seconds", [("3600", 3600), ("90m", 5400), ("7d", 604800)])
def test_keygen_sign_verify_round_trip(keypair, tmp_path, expires_in, seconds):
    priv, pub = keypair
    assert mode(priv) == 0o600 and mode(pub) == 0o644
    signed = run("sign", "--key", priv, "--expires-in", expires_in,
                 "--nodes", "10.0.0.2:8080,b.example:8080,A.example:8080")
    assert signed.returncode == 0, signed.stderr
    record = signed.stdout.strip()
    exp = int(record.split(";exp=")[1].split(";")[0])
    assert abs(exp - (int(time.time()) + seconds)) <= 5

    verified = run("verify", "--pubkey-file", pub, stdin=signed.stdout)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.endswith(
        "Nodes (3):\n  10.0.0.2:8080\n  A.example:8080\n  b.example:8080\n")

    tampered = record.replace("b.example", "c.example")
    bad = run("verify", "--pubkey-file", pub, "--record", tampered)
    assert (bad.returncode, bad.stderr) == (
        1, "verify: trust: signed list signature verification failed\n")

    other = run("verify", "--pubkey", RFC_PUB, "--record", record)
    assert (other.returncode, other.stderr) == (
        1, "verify: trust: signed list signature verification failed\n")

    expired = run("verify", "--pubkey-file", pub, "--record", record, "--now", str(exp))
    assert expired.stderr == f"verify: trust: signed list has expired: exp={exp} now={exp}\n"
