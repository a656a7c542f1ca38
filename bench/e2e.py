"""Testament end to end, as a user drives it, against Newman on the same requests.

For each suite size (10, 1,000 and 10,000 GET cases, each with a status, a JSONPath and a
response-time check), the cases are written through POST /suites/{id}/cases:batch, then
`testament run` is started from a fresh process and timed until it exits (it follows the run
over server-sent events and writes a JUnit report), against nginx on loopback. Newman runs
the equivalent Postman collection (the same requests and checks, a JUnit report too) against
the same nginx. Rounds are interleaved, so both meet the same load of the shared machine;
the figures are medians. Dispatch latency (queued -> started, from the run's own
`queued_at` and `started_at`) is measured over at least 30 runs of the 10-case suite, in
embedded mode (`testament serve` with its own PostgreSQL and Redis, as `make run`) and in
servers mode (`serve`, `projector` and `worker` as separate processes).

nginx is installed with apt when missing; Newman with npm into ~/.cache/testament/newman.
Servers mode uses TESTAMENT_DATABASE_URL / TESTAMENT_REDIS_URL when set (a throwaway
database on them), embedded ones otherwise. Prints the figures and:

  TARGET e2e_1000_vs_newman measured=<ratio> goal=10 met=<yes|no>
  TARGET e2e_10000_vs_newman measured=<ratio> goal=30 met=<yes|no>
  TARGET dispatch_p50_ms measured=<ms> goal=100 met=<yes|no>
  TARGET batch_cases_per_s measured=<n> goal=1000 met=<yes|no>

Baseline (issue 15, before this work): queued -> started 0.45 to 2.8 s; 1,000 cases end to
end 4.3x Newman, 10 cases no faster than Newman.

  .venv/bin/python bench/e2e.py                      # everything (about 15 minutes)
  .venv/bin/python bench/e2e.py --sizes 10,1000 --rounds 3 --dispatch-runs 30
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.batch_authoring import a_case  # noqa: E402
from bench.commands import throwaway_servers  # noqa: E402
from tests.support.deployment import Deployment, deployment_env  # noqa: E402
from tests.support.target_api import free_port  # noqa: E402

SECRET_KEY = "e2e-bench-secret-key-0123456789abcdef"
PASSWORD = "correct horse battery staple"
BATCH_LIMIT = 5000
NEWMAN_HOME = Path.home() / ".cache" / "testament" / "newman"
GOALS = {"e2e_1000_vs_newman": 10, "e2e_10000_vs_newman": 30}
GOAL_DISPATCH_P50_MS = 100
GOAL_BATCH_CASES_PER_S = 1000

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        location ~ ^/items/(\\d+)$ {{
            default_type application/json;
            return 200 '{{"id":$1}}';
        }}
    }}
}}
"""


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


def ensure_nginx() -> str:
    """This function will find nginx, installing it with apt when missing."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found:
        return found
    print("installing nginx with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run(["apt-get", "update", "-qq"], env=env)
    installed = _run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx"], env=env
    )
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if not found:
        raise RuntimeError("could not install nginx:\n" + installed.stderr[-2000:])
    return found


def ensure_newman() -> str:
    """This function will find Newman under ~/.cache/testament, installing it with npm."""
    newman = NEWMAN_HOME / "node_modules" / ".bin" / "newman"
    if not newman.exists():
        print(f"installing newman with npm into {NEWMAN_HOME}", flush=True)
        NEWMAN_HOME.mkdir(parents=True, exist_ok=True)
        installed = _run(
            ["npm", "install", "--prefix", str(NEWMAN_HOME), "--no-audit", "--no-fund", "newman@6"]
        )
        if not newman.exists():
            raise RuntimeError("could not install newman:\n" + installed.stderr[-2000:])
    return str(newman)


@contextmanager
def nginx_on_loopback(workdir: Path) -> Iterator[str]:
    """This function will serve GET /items/{n} -> {"id": n} from nginx on 127.0.0.1."""
    binary = ensure_nginx()
    directory = workdir / "nginx"
    directory.mkdir()
    port = free_port()
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=directory, port=port))
    process = subprocess.Popen(
        [binary, "-p", str(directory), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                if httpx.get(f"{url}/items/1", timeout=1).json() == {"id": 1}:
                    break
            except (httpx.HTTPError, ValueError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(
                        "nginx did not start: " + (directory / "error.log").read_text()
                    ) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def collection(base_url: str, count: int) -> dict[str, Any]:
    """This function will give the Postman collection of the same requests and checks."""
    items = []
    for n in range(count):
        checks = [
            "pm.test('status', function () { pm.response.to.have.status(200); });",
            f"pm.test('id', function () {{ pm.expect(pm.response.json().id).to.eql({n}); }});",
            "pm.test('time', function () { pm.expect(pm.response.responseTime).to.be.below(500); });",
        ]
        items.append(
            {
                "name": f"get item {n}",
                "request": {"method": "GET", "url": f"{base_url}/items/{n}"},
                "event": [
                    {"listen": "test", "script": {"type": "text/javascript", "exec": checks}}
                ],
            }
        )
    return {
        "info": {
            "name": f"e2e {count}",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": items,
    }


class Testament:
    """One deployment and an account on it, driven over HTTP and by `testament run`."""

    def __init__(self, base_url: str, env: dict[str, str], target: str) -> None:
        self.base_url, self.env = base_url, env
        self.http = httpx.Client(base_url=base_url, timeout=600)
        email = f"e2e-{uuid.uuid4().hex[:8]}@example.com"
        self.http.post(
            "/auth/register", json={"email": email, "password": PASSWORD}
        ).raise_for_status()
        login = self.http.post("/auth/login", json={"email": email, "password": PASSWORD})
        login.raise_for_status()
        self.token = login.json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        project = self.http.post("/projects", json={"name": "e2e"})
        project.raise_for_status()
        self.project_id = project.json()["id"]
        environment = self.http.post(
            f"/projects/{self.project_id}/environments", json={"name": "nginx", "base_url": target}
        )
        environment.raise_for_status()

    def suite(self, count: int) -> tuple[str, float]:
        """This function will write a suite of `count` cases through the batch route and
        give its id and the cases written per second."""
        created = self.http.post(
            f"/projects/{self.project_id}/suites", json={"name": f"{count} GETs"}
        )
        created.raise_for_status()
        suite_id: str = created.json()["id"]
        cases = [a_case(n) for n in range(count)]
        started = time.perf_counter()
        for first in range(0, count, BATCH_LIMIT):
            written = self.http.post(
                f"/suites/{suite_id}/cases:batch",
                json={"cases": cases[first : first + BATCH_LIMIT]},
            )
            written.raise_for_status()
        return suite_id, count / (time.perf_counter() - started)

    def run_from_cli(self, suite_id: str, junit: Path) -> float:
        """This function will time `testament run` from a fresh process until it exits."""
        started = time.perf_counter()
        result = _run(
            [
                sys.executable,
                "-m",
                "interfaces.cli.main",
                "run",
                "--suite",
                suite_id,
                "--url",
                self.base_url,
                "--token",
                self.token,
                "--junit",
                str(junit),
            ],
            env=self.env,
            cwd=ROOT,
        )
        elapsed = time.perf_counter() - started
        # 1: some checks failed (a response slower than 500 ms on a loaded machine).
        if result.returncode not in (0, 1):
            raise RuntimeError(
                f"testament run exited {result.returncode}:\n{result.stdout}{result.stderr[-2000:]}"
            )
        return elapsed

    def dispatch_ms(self, suite_id: str) -> float:
        """This function will queue a run, wait for its end over server-sent events, and
        give queued -> started in milliseconds, from the run's own times."""
        run = self.http.post(f"/suites/{suite_id}/runs", json={})
        run.raise_for_status()
        run_id = run.json()["id"]
        with self.http.stream("GET", f"/runs/{run_id}/events") as stream:
            for _ in stream.iter_lines():
                pass
        summary = self.http.get(f"/runs/{run_id}").json()
        if summary["status"] != "Completed" or summary["failed"]:
            raise RuntimeError(f"the run did not pass: {summary}")
        return _ms(summary["started_at"], summary["queued_at"])

    def close(self) -> None:
        self.http.close()


def junit_failures(report: Path) -> int:
    """This function will count the failed testcases of a JUnit report (either tool's)."""
    root = ElementTree.parse(report).getroot()
    return sum(1 for case in root.iter("testcase") if case.find("failure") is not None)


def _ms(later: str, earlier: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds() * 1000


def newman_run(newman: str, collection_file: Path, junit: Path) -> float:
    started = time.perf_counter()
    result = _run(
        [
            newman,
            "run",
            str(collection_file),
            "--reporters",
            "junit",
            "--reporter-junit-export",
            str(junit),
        ]
    )
    elapsed = time.perf_counter() - started
    # 1: some checks failed (a response slower than 500 ms on a loaded machine): still a run.
    if result.returncode not in (0, 1):
        raise RuntimeError(
            f"newman exited {result.returncode}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return elapsed


@contextmanager
def embedded(workdir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """This function will start `testament serve` with its embedded servers, as `make run`."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESTAMENT_")}
    env.update(
        TESTAMENT_DATA_DIR=str(workdir / "embedded-data"),
        TESTAMENT_SECRET_KEY=SECRET_KEY,
        TESTAMENT_HOST="127.0.0.1",
        TESTAMENT_PORT=str(port),
        TESTAMENT_ALLOW_PRIVATE_TARGETS="true",
        PYTHONUNBUFFERED="1",
    )
    deployment = Deployment(base_url=f"http://127.0.0.1:{port}", env=env, logs=workdir)
    deployment.start("serve-embedded", "serve")
    try:
        _wait(deployment, "serve-embedded", 300)
        yield deployment.base_url, env
    finally:
        deployment.stop()


def _wait(deployment: Deployment, name: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{deployment.base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or deployment.processes[name].poll() is not None:
            raise RuntimeError(f"{name} did not start:\n" + deployment.output(name))
        time.sleep(0.3)


@contextmanager
def servers_mode(workdir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """This function will start `serve`, `projector` and `worker` as separate processes."""
    with throwaway_servers(workdir) as servers:
        port = free_port()
        env = deployment_env(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            secret_key=SECRET_KEY,
            data_dir=workdir / "servers-data",
            port=port,
            TESTAMENT_QUEUE_NAMESPACE=f"testament-e2e-{uuid.uuid4().hex[:8]}",
            TESTAMENT_REGISTRATION="open",
            TESTAMENT_ALLOW_PRIVATE_TARGETS="true",
        )
        deployment = Deployment(base_url=f"http://127.0.0.1:{port}", env=env, logs=workdir)
        migrated = deployment.cli("migrate")
        if migrated.returncode != 0:
            raise RuntimeError(migrated.stderr)
        deployment.start("projector", "projector")
        deployment.start("worker", "worker", "--threads", "4")
        deployment.start("serve", "serve")
        try:
            _wait(deployment, "serve", 300)
            yield deployment.base_url, env
        finally:
            deployment.stop()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def dispatch_figures(testament: Testament, suite_id: str, runs: int) -> list[float]:
    testament.dispatch_ms(suite_id)  # the first run warms the worker's caches: not counted
    return [testament.dispatch_ms(suite_id) for _ in range(runs)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per size")
    parser.add_argument("--big-rounds", type=int, default=2, help="rounds for 10,000 cases")
    parser.add_argument("--dispatch-runs", type=int, default=30)
    parser.add_argument("--modes", default="embedded,servers", help="where dispatch is measured")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    newman = ensure_newman()
    dispatch: dict[str, list[float]] = {}
    batch_rates: list[float] = []
    e2e: dict[int, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, nginx_on_loopback(Path(tmp)) as target:
        workdir = Path(tmp)
        modes = args.modes.split(",")
        for mode in modes:
            start = embedded if mode == "embedded" else servers_mode
            with start(workdir) as (base_url, env):
                testament = Testament(base_url, env, target)
                try:
                    small, _ = testament.suite(10)
                    dispatch[mode] = dispatch_figures(testament, small, args.dispatch_runs)
                    print(
                        f"{mode}: queued -> started over {len(dispatch[mode])} runs:"
                        f" p50 {percentile(dispatch[mode], 50):.0f} ms,"
                        f" p99 {percentile(dispatch[mode], 99):.0f} ms",
                        flush=True,
                    )
                    if mode != modes[0]:
                        continue
                    # End to end in the first mode (embedded: what `make run` gives a user).
                    for size in sizes:
                        suite_id, rate = testament.suite(size)
                        if size >= 1000:
                            batch_rates.append(rate)
                            print(f"batch: {size} cases written at {rate:.0f} cases/s", flush=True)
                        collection_file = workdir / f"collection-{size}.json"
                        collection_file.write_text(json.dumps(collection(target, size)))
                        ours, theirs = [], []
                        rounds = args.big_rounds if size >= 10_000 else args.rounds
                        for round_ in range(rounds):
                            ours.append(testament.run_from_cli(suite_id, workdir / "testament.xml"))
                            theirs.append(
                                newman_run(newman, collection_file, workdir / "newman.xml")
                            )
                            print(
                                f"{size} cases, round {round_ + 1}: testament run {ours[-1]:.2f} s"
                                f" ({junit_failures(workdir / 'testament.xml')} failed),"
                                f" newman {theirs[-1]:.2f} s"
                                f" ({junit_failures(workdir / 'newman.xml')} failed)",
                                flush=True,
                            )
                        e2e[size] = (ours, theirs)
                finally:
                    testament.close()
    print()
    for size, (ours, theirs) in e2e.items():
        print(
            f"{size} cases end to end (medians of {len(ours)}): testament run"
            f" {statistics.median(ours):.2f} s, newman {statistics.median(theirs):.2f} s,"
            f" {statistics.median(theirs) / statistics.median(ours):.1f}x"
        )
    for mode, figures in dispatch.items():
        print(
            f"dispatch ({mode}, {len(figures)} runs): p50 {percentile(figures, 50):.0f} ms,"
            f" p99 {percentile(figures, 99):.0f} ms, max {max(figures):.0f} ms"
        )
    for size, name in ((1000, "e2e_1000_vs_newman"), (10_000, "e2e_10000_vs_newman")):
        if size in e2e:
            ours, theirs = e2e[size]
            ratio = statistics.median(theirs) / statistics.median(ours)
            met = "yes" if ratio >= GOALS[name] else "no"
            print(f"TARGET {name} measured={ratio:.1f} goal={GOALS[name]} met={met}")
    if dispatch:
        worst = max(percentile(figures, 50) for figures in dispatch.values())
        met = "yes" if worst <= GOAL_DISPATCH_P50_MS else "no"
        print(f"TARGET dispatch_p50_ms measured={worst:.0f} goal={GOAL_DISPATCH_P50_MS} met={met}")
    if batch_rates:
        rate = statistics.median(batch_rates)
        met = "yes" if rate >= GOAL_BATCH_CASES_PER_S else "no"
        print(
            f"TARGET batch_cases_per_s measured={rate:.0f} goal={GOAL_BATCH_CASES_PER_S} met={met}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
