"""Deployment files (issue #14): the Debian package built by cpack from ./build, the systemd unit,
/etc/default/repram, the Dockerfile, deploy/compose.yaml, deploy/k8s/ and the Grafana dashboard.
Containers and Kubernetes cannot run here, so what can be checked is: every manifest parses, every
REPRAM_* variable they set is one the node accepts, ports, probe paths and the health command
exist, and real nodes started with exactly the environment of compose.yaml / the StatefulSet
(host names mapped to loopback addresses) form a cluster."""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess

import pytest
import yaml

import harness
from cluster_helpers import wait_peers

REPO = harness.REPO_ROOT
DEPLOY = os.path.join(REPO, "deploy")
K8S = os.path.join(DEPLOY, "k8s")
VAR_RE = re.compile(r"\bREPRAM_[A-Z0-9_]+\b")
DRAIN_SECONDS = 10  # Node::Shutdown's default drain (src/app/node.h)


def read(*parts: str) -> str:
    with open(os.path.join(REPO, *parts), encoding="utf-8") as f:
        return f.read()


def build_dir() -> str:
    """The build tree that holds the repram binary under test (…/build/src/app/repram)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(harness.repram_bin()))))


def project_version() -> str:
    return re.search(r"project\(repram VERSION ([0-9.]+)", read("CMakeLists.txt")).group(1)


def accepted_variables() -> set:
    """The REPRAM_* variables the node reads: its --help lists each with its flag."""
    text = harness.run_repram(["--help"]).stdout.decode()
    names = set(re.findall(r"\((REPRAM_[A-Z0-9_]+)\)", text))
    assert {"REPRAM_HTTP_PORT", "REPRAM_PEERS", "REPRAM_URL"} <= names, text
    return names


def readme_table_variables() -> set:
    rows = [line for line in read("README.md").splitlines() if line.startswith("| `REPRAM_")]
    return {name for row in rows for name in VAR_RE.findall(row.split("|")[1])}


def compose() -> dict:
    return yaml.safe_load(read("deploy", "compose.yaml"))


def k8s_documents() -> list:
    docs = []
    for path in sorted(glob.glob(os.path.join(K8S, "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            docs += [d for d in yaml.safe_load_all(f) if d]
    return docs


def k8s_kind(kind: str) -> list:
    return [d for d in k8s_documents() if d["kind"] == kind]


def statefulset_container() -> dict:
    (sts,) = k8s_kind("StatefulSet")
    (container,) = sts["spec"]["template"]["spec"]["containers"]
    return container


def dockerfile_instructions() -> list:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    out, pending = [], ""
    for line in read("Dockerfile").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip("\\").strip() + " "
        if not line.endswith("\\"):
            word, _, rest = pending.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
            pending = ""
    return out


def dockerfile_env() -> dict:
    env = {}
    for word, rest in dockerfile_instructions():
        if word == "ENV":
            env.update(item.split("=", 1) for item in rest.split())
    return env


def set_variables() -> dict:
    """Every REPRAM_* variable a deployment file sets, by file."""
    out = {"compose.yaml": set(), "k8s": set(), "Dockerfile": set(dockerfile_env()),
           "repram.service": set(), "repram.default": set()}
    for service in compose()["services"].values():
        out["compose.yaml"] |= set(service.get("environment", {}))
    out["k8s"] = {e["name"] for e in statefulset_container()["env"] if e["name"].startswith("REPRAM_")}
    for line in read("deploy", "systemd", "repram.service").splitlines():
        if line.startswith("Environment="):
            out["repram.service"] |= set(VAR_RE.findall(line))
    for line in read("deploy", "debian", "repram.default").splitlines():
        if m := re.match(r"^#?(REPRAM_[A-Z0-9_]+)=", line):
            out["repram.default"].add(m.group(1))
    return out


# ---- the Debian package ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    """Builds the package with cpack from the existing build tree; returns (deb path, root)."""
    build = build_dir()
    assert os.path.isfile(os.path.join(build, "CPackConfig.cmake")), f"no CPack config in {build}"
    binary = os.path.join(build, "src", "app", "repram")
    before = os.stat(binary).st_mtime_ns
    out = tmp_path_factory.mktemp("deb")
    p = subprocess.run(["cpack", "-G", "DEB", "-B", str(out)], cwd=build, capture_output=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr.decode() + p.stdout.decode()
    assert os.stat(binary).st_mtime_ns == before, "cpack rebuilt the tree"
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                          text=True).stdout.strip()
    path = out / f"repram_{project_version()}_{arch}.deb"
    assert path.is_file(), os.listdir(out)
    root = out / "root"
    subprocess.run(["dpkg-deb", "-x", str(path), str(root)], check=True)
    return path, root


def test_package_holds_binaries_unit_and_defaults(deb):
    path, root = deb
    p = subprocess.run([str(root / "usr/bin/repram"), "--version"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.startswith(f"repram {project_version()} "), p
    assert os.access(root / "usr/bin/repram-omega", os.X_OK)
    assert (root / "usr/lib/systemd/system/repram.service").is_file()
    assert (root / "etc/default/repram").read_text() == read("deploy", "debian", "repram.default")
    info = subprocess.run(["dpkg-deb", "-f", str(path), "Depends"], capture_output=True, text=True)
    assert "libsodium23" in info.stdout and "libc-ares2" in info.stdout, info.stdout
    conffiles = subprocess.run(["dpkg-deb", "-I", str(path), "conffiles"], capture_output=True,
                               text=True).stdout
    assert conffiles.split() == ["/etc/default/repram"]


def test_unit_is_hardened_and_reads_the_defaults_file():
    unit = read("deploy", "systemd", "repram.service")
    for line in ("DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes",
                 "EnvironmentFile=-/etc/default/repram", "ExecStart=/usr/bin/repram",
                 "CapabilityBoundingSet="):
        assert line in unit.splitlines(), line
    assert re.search(r"^#MemoryMax=\d+[KMG]$", unit, re.M)
    assert "bytes per entry" in unit or "per entry" in unit
    stop = int(re.search(r"^TimeoutStopSec=(\d+)$", unit, re.M).group(1))
    assert stop > DRAIN_SECONDS


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (scripts/install-deps.sh adds systemd)")
def test_packaged_unit_passes_systemd_analyze_verify(deb, tmp_path):
    _, root = deb
    # verify checks that ExecStart exists on this machine: point it at the unpacked binary.
    unit = (root / "usr/lib/systemd/system/repram.service").read_text()
    unit = unit.replace("ExecStart=/usr/bin/repram", f"ExecStart={root}/usr/bin/repram")
    (tmp_path / "repram.service").write_text(unit)
    p = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "repram.service")],
                       capture_output=True, text=True)
    assert p.returncode == 0 and p.stderr == "" and p.stdout == "", p


def test_cpack_is_documented():
    assert "cpack -G DEB" in read("README.md") and "cpack -G DEB" in read("deploy", "README.md")


# ---- variables, ports, probes -------------------------------------------------------------------

def test_every_variable_set_is_accepted_and_documented():
    accepted, documented = accepted_variables(), readme_table_variables()
    for where, names in set_variables().items():
        assert names, f"{where} sets no REPRAM_* variable"
        assert names <= accepted, (where, sorted(names - accepted))
        assert names <= documented, (where, sorted(names - documented))


def test_every_manifest_parses():
    assert set(compose()["services"]) == {"repram-1", "repram-2", "repram-3", "repram-edge"}
    assert {d["kind"] for d in k8s_documents()} == {"StatefulSet", "Service",
                                                    "PodDisruptionBudget"}
    dash = json.loads(read("deploy", "grafana", "repram-dashboard.json"))
    assert dash["panels"] and all(p["targets"] for p in dash["panels"])


def test_dockerfile_is_multi_stage_slim_non_root_with_health_check():
    ins = dockerfile_instructions()
    froms = [rest for word, rest in ins if word == "FROM"]
    assert len(froms) == 2 and froms[-1] == "debian:12-slim", froms
    users = [rest for word, rest in ins if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    (health,) = [rest for word, rest in ins if word == "HEALTHCHECK"]
    assert json.loads(health.split("CMD", 1)[1]) == ["repram", "health"]
    assert [rest for word, rest in ins if word == "EXPOSE"] == [dockerfile_env()["REPRAM_HTTP_PORT"]]


def test_health_command_and_probe_paths_answer_on_a_real_node(node):
    env = dict(dockerfile_env(), REPRAM_BIND="127.0.0.1", REPRAM_HTTP_PORT="0")
    n = node(env=env, defaults=False)
    (health,) = [rest for word, rest in dockerfile_instructions() if word == "HEALTHCHECK"]
    argv = json.loads(health.split("CMD", 1)[1])
    assert argv[0] == "repram"
    # The image's check uses the default URL, http://127.0.0.1:<REPRAM_HTTP_PORT of the image>.
    default_url = f"http://127.0.0.1:{dockerfile_env()['REPRAM_HTTP_PORT']}"
    assert default_url.encode() in harness.run_repram([argv[1], "--help"]).stdout
    p = harness.run_repram(argv[1:], env={"REPRAM_URL": n.base_url}, defaults=False)
    assert p.returncode == 0, p

    container = statefulset_container()
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    env_port = {e["name"]: e.get("value") for e in container["env"]}["REPRAM_HTTP_PORT"]
    assert ports == {"http": int(env_port)}
    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["port"] in ports
        assert n.get(get["path"]).status == 200, probe
    annotations = k8s_kind("StatefulSet")[0]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert int(annotations["prometheus.io/port"]) == int(env_port)
    assert "repram_peers_active" in n.get(annotations["prometheus.io/path"]).text


def test_grafana_queries_use_real_metric_names(node):
    n = node()
    assert n.put("k", b"v").status == 201  # labelled request series appear with a first request
    served = {line.split("{")[0].split(" ")[0] for line in n.metrics().splitlines()
              if line and not line.startswith("#")}
    dash = json.loads(read("deploy", "grafana", "repram-dashboard.json"))
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    used = {m for e in exprs for m in re.findall(r"\b((?:repram|process)_[a-z_]+)\b", e)}
    assert used and used <= served, sorted(used - served)


def test_kubernetes_objects_fit_together():
    (sts,) = k8s_kind("StatefulSet")
    labels = sts["spec"]["template"]["metadata"]["labels"]
    assert sts["spec"]["selector"]["matchLabels"].items() <= labels.items()
    services = {s["metadata"]["name"]: s for s in k8s_kind("Service")}
    headless = services[sts["spec"]["serviceName"]]
    assert headless["spec"]["clusterIP"] == "None"
    assert headless["spec"]["publishNotReadyAddresses"] is True
    for s in services.values():
        assert s["spec"]["selector"].items() <= labels.items()
    (pdb,) = k8s_kind("PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert 0 < pdb["spec"]["minAvailable"] < sts["spec"]["replicas"]
    container = statefulset_container()
    assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    grace = sts["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace > int(pre_stop[1]) + DRAIN_SECONDS


# ---- real nodes with the manifests' environment -------------------------------------------------

def mapped(env: dict, hosts: dict) -> dict:
    """env with the host names in REPRAM_ADDRESS and REPRAM_PEERS resolved through `hosts` (what
    DNS does for containers and pods); every other value is kept as it is."""
    out = {k: str(v) for k, v in env.items()}
    if "REPRAM_ADDRESS" in out:
        out["REPRAM_ADDRESS"] = hosts.get(out["REPRAM_ADDRESS"], out["REPRAM_ADDRESS"])
    if "REPRAM_PEERS" in out:
        peers = [p.strip().rsplit(":", 1) for p in out["REPRAM_PEERS"].split(",")]
        out["REPRAM_PEERS"] = ",".join(f"{hosts.get(h, h)}:{port}" for h, port in peers)
    return out


def start_as_container(node, env: dict, address: str, name: str) -> harness.Node:
    """A node with exactly `env`, bound to its own loopback address like a container to its IP."""
    n = node(env=dict(env, REPRAM_BIND=address), defaults=False, name=name)
    n.host = address
    return n


def test_compose_nodes_form_a_cluster(node):
    services = compose()["services"]
    hosts = {name: f"127.0.14.{i}" for i, name in enumerate(sorted(services), start=1)}
    substrates = ["repram-1", "repram-2", "repram-3"]
    nodes = {}
    for name in substrates:
        env = mapped(services[name]["environment"], hosts)
        nodes[name] = start_as_container(node, env, hosts[name], name)
    for name in substrates:
        wait_peers(nodes[name], set(substrates) - {name}, timeout=40)
    put = subprocess.run([harness.repram_bin(), "put", "compose-key", "--url",
                          nodes["repram-1"].base_url], input=b"v", capture_output=True)
    assert put.returncode == 0 and put.stderr == b"", put  # 201: the quorum confirmed it
    harness.wait_until(lambda: nodes["repram-3"].get("/v1/data/compose-key").body == b"v")

    edge = start_as_container(node, mapped(services["repram-edge"]["environment"], hosts),
                              hosts["repram-edge"], "repram-edge")
    harness.wait_until(lambda: "repram-1" in {p["id"] for p in edge.get("/v1/topology").json()["peers"]},
                       timeout=20, message="the transient knows its substrate")


def test_statefulset_pods_form_a_cluster(node):
    container = statefulset_container()
    replicas = k8s_kind("StatefulSet")[0]["spec"]["replicas"]
    pods = [f"repram-{i}" for i in range(replicas)]
    hosts = {}
    for i, pod in enumerate(pods, start=1):
        hosts[f"{pod}.repram.default.svc.cluster.local"] = hosts[f"{pod}.repram"] = f"127.0.15.{i}"
    nodes = []
    for pod in pods:
        fields = {"POD_NAME": pod, "POD_NAMESPACE": "default"}
        env = {}
        for e in container["env"]:
            if "valueFrom" in e:
                continue
            env[e["name"]] = re.sub(r"\$\((\w+)\)", lambda m: fields[m.group(1)], e["value"])
        nodes.append(start_as_container(node, mapped(env, hosts), hosts[f"{pod}.repram"], pod))
    for pod, n in zip(pods, nodes):
        wait_peers(n, set(pods) - {pod}, timeout=40)
