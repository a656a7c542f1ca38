"""Benchmark of the execution engine against Newman and a bare aiohttp loop (not a test).

    .venv/bin/python bench/runner.py [--cases 1000] [--concurrency 8] [--skip-newman]

Serves a static JSON file with nginx (Debian's nginx-light; `apt-get install -y
nginx-light` as root) on a loopback port, then runs the same N GET requests, each with
three checks (status 200, `$.id` equals 42, response time under 1 s), three ways:

  a. HttpExecutionEngine with Testament's own Redis sink: every result written under the
     hot-result keys testrun:{runId}:* exactly as a real run writes them (batched
     pipelines, the record-once script, counters), on TESTAMENT_REDIS_URL (else
     redis://127.0.0.1:6379/15), deleted after; the TARGET lines use this one. The engine
     with a sink that keeps nothing is printed beside it;
  b. Newman (`npm install --prefix <tmpdir> newman`) on the equivalent Postman collection;
  c. a bare aiohttp loop: one session, the same concurrency, the same checks inline.

The engine runs as in a worker process: after `settle_startup_objects()` (what a worker
does before it takes messages), which the bare loop, in the same process, enjoys too.
The three are interleaved over --rounds rounds and the median of each is kept. Then a
10,000-case run in a fresh process reports its peak RSS. It ends with the
`TARGET ...` lines and `peak_memory_10000_cases_mb=<n>`.
"""

import argparse
import asyncio
import dataclasses
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import redis  # noqa: E402

from application.testexec.execution import (  # noqa: E402
    CaseResult,
    EnvironmentConfig,
    ExecutionCase,
    ExecutionPlan,
    ExecutionSettings,
)
from infrastructure.execution.engine import HttpExecutionEngine  # noqa: E402
from infrastructure.redis.results import RedisHotResults  # noqa: E402
from interfaces.processes import settle_startup_objects  # noqa: E402

ITEM = {"id": 42, "name": "bench item", "tags": ["a", "b"], "price": 9.5}
MAX_TIME_MS = 1000


def _free_port() -> int:
    """This function will find a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def nginx(workdir: Path) -> Iterator[str]:
    """This function will serve ITEM as /item.json from nginx on a loopback port, for the duration."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise SystemExit("nginx is missing: apt-get install -y nginx-light")
    root = workdir / "www"
    root.mkdir()
    (root / "item.json").write_text(json.dumps(ITEM))
    port = _free_port()
    temp = workdir / "nginx-temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = workdir / "nginx.conf"
    config.write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    server {{
        listen 127.0.0.1:{port};
        location / {{ root {root}; default_type application/json; }}
    }}
}}
"""
    )
    process = subprocess.Popen(
        [binary, "-c", str(config), "-p", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    """This function will wait until nginx accepts connections (or stopped)."""
    deadline = time.monotonic() + 10
    host, port = url.removeprefix("http://").split(":")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"nginx stopped: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            socket.create_connection((host, int(port)), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("nginx did not start listening")


def plan(count: int) -> ExecutionPlan:
    """This function will build N cases, each a GET of the item with its three checks."""
    cases = [
        ExecutionCase(
            id=f"case-{index}",
            name=f"item {index}",
            endpoint_key="GET /item.json",
            request={"method": "GET", "url": "/item.json", "query_params": {"i": str(index)}},
            expectations={
                "expected_status": [200],
                "jsonpath_checks": [{"path": "$.id", "operator": "equals", "expected": 42}],
                "max_response_time_ms": MAX_TIME_MS,
            },
        )
        for index in range(count)
    ]
    return ExecutionPlan(run_id=f"bench-{uuid.uuid4().hex[:8]}", cases=cases)


def _plain(result: CaseResult) -> dict[str, Any]:
    """This function will give a result as JSON-ready data (asdict without its deep copies)."""
    data = {field.name: getattr(result, field.name) for field in dataclasses.fields(result)}
    data["validations"] = [
        {
            "check": v.check,
            "passed": v.passed,
            "expected": v.expected,
            "actual": v.actual,
            "message": v.message,
        }
        for v in result.validations
    ]
    return data


class NullSink:
    """A ResultSink that keeps nothing: the engine alone, for comparison."""

    recorded = 0

    def previous_result(self, key: str) -> CaseResult | None:
        return None

    def mark_sent(self, keys: list[str]) -> None:
        return None

    def sent_before(self, key: str) -> int:
        return 0

    def record(self, result: CaseResult, variables: dict[str, str]) -> None:
        self.recorded += 1

    def close(self) -> None:
        return None

    def log(self, level: str, message: str) -> None:
        return None

    def cancelled(self) -> bool:
        return False


def run_engine(
    url: str, count: int, concurrency: int, hot: RedisHotResults | None
) -> tuple[float, int]:
    """This function will run the engine, with Testament's own Redis sink (the exact keys of
    the hot results, batched writes, record-once script) or with none, and give (seconds, passed)."""
    run_id = uuid.uuid4()
    sink: Any = (
        NullSink()
        if hot is None
        else hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
    )
    settings = ExecutionSettings(concurrency=concurrency, allow_private_targets=True)
    cases = plan(count)
    started = time.perf_counter()
    outcome = HttpExecutionEngine().run(cases, EnvironmentConfig(base_url=url), sink, settings)
    sink.close()
    elapsed = time.perf_counter() - started
    if hot is not None:
        recorded = sum(hot.counts(run_id).values())
        hot.forget(run_id)
        if recorded != count:
            raise SystemExit(f"the engine recorded {recorded} of {count} results")
    return elapsed, outcome.passed


async def _bare(url: str, count: int, concurrency: int) -> int:
    """This function will run the bare loop: one session, a semaphore, the checks inline."""
    connector = aiohttp.TCPConnector(limit=concurrency)
    passed = 0
    slots = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(index: int) -> None:
            """This function will send one request and apply the three checks."""
            nonlocal passed
            async with slots:
                started = time.perf_counter()
                async with session.get(f"{url}/item.json", params={"i": str(index)}) as response:
                    body = await response.json()
                elapsed_ms = (time.perf_counter() - started) * 1000
                if response.status == 200 and body.get("id") == 42 and elapsed_ms <= MAX_TIME_MS:
                    passed += 1

        await asyncio.gather(*(one(index) for index in range(count)))
    return passed


def run_bare(url: str, count: int, concurrency: int) -> tuple[float, int]:
    """This function will run the bare aiohttp loop and give (seconds, passed)."""
    started = time.perf_counter()
    passed = asyncio.run(_bare(url, count, concurrency))
    return time.perf_counter() - started, passed


def _collection(count: int) -> dict[str, Any]:
    """This function will build the Postman collection of the same requests and tests."""
    tests = [
        'pm.test("status", function () { pm.response.to.have.status(200); });',
        'pm.test("id", function () { pm.expect(pm.response.json().id).to.eql(42); });',
        f'pm.test("time", function () {{ pm.expect(pm.response.responseTime).to.be.at.most({MAX_TIME_MS}); }});',
    ]
    items = [
        {
            "name": f"item {index}",
            "request": {"method": "GET", "url": f"{{{{baseUrl}}}}/item.json?i={index}"},
            "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": tests}}],
        }
        for index in range(count)
    ]
    return {
        "info": {
            "name": "testament bench",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": items,
    }


def run_newman(url: str, count: int, workdir: Path) -> tuple[float, int]:
    """This function will install Newman, run the collection and give (seconds, passed)."""
    prefix = workdir / "newman"
    install = subprocess.run(
        [
            "npm",
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(prefix),
            "newman",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    binary = prefix / "node_modules" / ".bin" / "newman"
    if install.returncode != 0 or not binary.exists():
        raise SystemExit(f"npm install newman failed: {install.stderr[-2000:]}")
    collection = workdir / "collection.json"
    collection.write_text(json.dumps(_collection(count)))
    report = workdir / "newman-report.json"
    command = [
        str(binary), "run", str(collection), "--env-var", f"baseUrl={url}",
        "--reporters", "json", "--reporter-json-export", str(report),
    ]  # fmt: skip
    started = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - started
    if not report.exists():
        raise SystemExit(f"newman failed: {finished.stderr[-2000:]}")
    run = json.loads(report.read_text())["run"]
    timings = run.get("timings", {})
    elapsed = (timings["completed"] - timings["started"]) / 1000 if "completed" in timings else wall
    assertions = run["stats"]["assertions"]
    passed = (assertions["total"] - assertions["failed"]) // 3
    return elapsed, passed


def peak_memory_child(url: str, count: int, concurrency: int, redis_url: str, key: str) -> None:
    """This function will run `count` cases in this fresh process and print its peak RSS in MB."""
    settle_startup_objects()
    hot = RedisHotResults(redis_url, namespace="bench-runner")
    try:
        run_engine(url, count, concurrency, hot)
    finally:
        hot.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{peak_kb / 1024:.1f}")


def _ratio(numerator: float, denominator: float) -> float:
    """This function will divide, an empty denominator giving infinity."""
    return numerator / denominator if denominator else float("inf")


def main() -> None:
    """This function will run the three measurements and print the results and targets."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--skip-newman", action="store_true")
    parser.add_argument("--memory-cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("URL", "COUNT", "KEY"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    redis_url = os.environ.get("TESTAMENT_REDIS_URL") or "redis://127.0.0.1:6379/15"
    if arguments.child:
        url, count, key = arguments.child
        peak_memory_child(url, int(count), arguments.concurrency, redis_url, key)
        return
    count, concurrency = arguments.cases, arguments.concurrency
    settle_startup_objects()
    workdir = Path(tempfile.mkdtemp(prefix="testament-bench-"))
    prefix = f"testament-bench-{uuid.uuid4().hex[:10]}"
    client = redis.Redis.from_url(redis_url)
    try:
        with nginx(workdir) as url:
            print(
                f"target: nginx at {url}, {count} cases, concurrency {concurrency}, redis {redis_url}"
            )
            hot = RedisHotResults(redis_url, namespace="bench-runner")
            run_engine(url, 100, concurrency, hot)
            run_bare(url, 100, concurrency)
            # Interleaved rounds, median kept: a shared machine's noise hits all three alike.
            rounds: dict[str, list[float]] = {"engine": [], "engine_alone": [], "bare": []}
            for _ in range(arguments.rounds):
                rounds["engine"].append(run_engine(url, count, concurrency, hot)[0])
                rounds["engine_alone"].append(run_engine(url, count, concurrency, None)[0])
                rounds["bare"].append(run_bare(url, count, concurrency)[0])
            hot.close()
            engine_rate = count / statistics.median(rounds["engine"])
            alone_rate = count / statistics.median(rounds["engine_alone"])
            bare_rate = count / statistics.median(rounds["bare"])
            print(f"engine, results to Redis (testrun:* keys): {engine_rate:9.1f} cases/s")
            print(f"engine, results kept nowhere:              {alone_rate:9.1f} cases/s")
            print(f"bare aiohttp loop (no storage):            {bare_rate:9.1f} cases/s")
            newman_rate = 0.0
            if not arguments.skip_newman:
                newman_s, newman_passed = run_newman(url, count, workdir)
                newman_rate = count / newman_s
                print(
                    f"newman (sequential):                    {newman_rate:9.1f} cases/s"
                    f"  ({newman_passed} of {count} passed all three tests)"
                )
            child = subprocess.run(
                [sys.executable, __file__, "--concurrency", str(concurrency),
                 "--child", url, str(arguments.memory_cases), f"{prefix}:memory"],
                capture_output=True, text=True, timeout=1800,
            )  # fmt: skip
            if child.returncode != 0:
                raise SystemExit(f"the memory run failed: {child.stderr[-2000:]}")
            peak_mb = float(child.stdout.strip().splitlines()[-1])
            vs_bare = _ratio(engine_rate, bare_rate)
            print(f"ratio engine/bare_aiohttp={vs_bare:.2f}")
            print(f"ratio engine_alone/bare_aiohttp={_ratio(alone_rate, bare_rate):.2f}")
            if newman_rate:
                vs_newman = _ratio(engine_rate, newman_rate)
                print(f"ratio engine/newman={vs_newman:.1f}")
                print(
                    f"TARGET engine_vs_newman measured={vs_newman:.1f} goal=20 met={'yes' if vs_newman >= 20 else 'no'}"
                )
            else:
                print("TARGET engine_vs_newman measured=skipped goal=20 met=no")
            print(
                f"TARGET engine_vs_bare_aiohttp measured={vs_bare:.2f} goal=0.5 met={'yes' if vs_bare >= 0.5 else 'no'}"
            )
            print(f"peak_memory_{arguments.memory_cases}_cases_mb={peak_mb:.1f}")
    finally:
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
        client.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
