"""Benchmark of Testament's write path and projection catch-up (not a test).

    .venv/bin/python bench/commands.py [--n 2000] [--events 100000]

Uses TESTAMENT_DATABASE_URL / TESTAMENT_REDIS_URL when both are set, embedded servers
otherwise; always works in a fresh throwaway database, dropped at the end. Measures:

  a. in-process `ApidocApplication.create_project`, 1 and 4 threads;
  b. the same command as `POST /projects` against a real `testament serve` process
     (servers mode, on the same database), 1 and 4 keep-alive connections;
     a and b run interleaved, in rounds, so that the machine's load weighs on both alike;
  c. `ProjectionRunner.catch_up()` of the projects projection over a log of at least
     `--events` events, against the raw rate of reading and decoding that log.

It ends with one `TARGET ...` line per target; see bench/README.md.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402

from application.apidoc.commands import CreateProject  # noqa: E402
from domain.projects.model import Project  # noqa: E402
from domain.shared.meta import Meta  # noqa: E402
from infrastructure.projections.catalog import read_model  # noqa: E402
from infrastructure.projections.runner import ProjectionRunner  # noqa: E402
from infrastructure.settings import Settings  # noqa: E402
from interfaces.bootstrap import Runtime, Servers, migrate  # noqa: E402

SECRET = "bench-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct-horse-battery"
CONCURRENCY = (1, 4)
HTTP_GOAL = 0.5
CATCHUP_GOAL = 0.2


@dataclass(frozen=True)
class Run:
    """The outcome of N commands at one concurrency."""

    label: str
    threads: int
    commands: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.commands / self.seconds

    def percentile(self, q: int) -> float:
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[q - 1] * 1000.0


def timed(label: str, n: int, threads: int, command: Callable[[int, int], None]) -> Run:
    """This function will run n commands split over threads; command(thread, i) does one."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads + 1)

    def work(t: int) -> None:
        mine = range(t, n, threads)
        barrier.wait()
        try:
            for i in mine:
                started = time.perf_counter()
                command(t, i)
                latencies[t].append(time.perf_counter() - started)
        except BaseException as error:  # reported after the run
            errors.append(error)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    if errors:
        raise errors[0]
    return Run(label, threads, n, seconds, [x for per in latencies for x in per])


def _with_database(url: str, dbname: str) -> str:
    base, _, query = url.partition("?")
    head, _, _ = base.rpartition("/")
    return f"{head}/{dbname}" + (f"?{query}" if query else "")


@contextmanager
def throwaway_servers(workdir: Path) -> Iterator[Servers]:
    """This function will give a fresh database (on the configured or embedded servers)."""
    database_url = os.environ.get("TESTAMENT_DATABASE_URL")
    redis_url = os.environ.get("TESTAMENT_REDIS_URL")
    embedded = None
    if not database_url or not redis_url:
        from infrastructure.embedded.servers import start_embedded

        embedded = start_embedded(workdir / "embedded")
        database_url, redis_url = embedded.database_url, embedded.redis_url
    dbname = f"testament_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield Servers(_with_database(database_url, dbname), redis_url, None)
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        if embedded is not None:
            embedded.stop()


def _meta(owner: uuid.UUID) -> Meta:
    return Meta(
        user_id=str(owner), ip="127.0.0.1", user_agent="bench", correlation_id=None, reason=None
    )


Command = Callable[[int, int], None]


def in_process_command(runtime: Runtime) -> Command:
    """This function will give command(thread, i): one create_project, called directly."""
    owner = uuid.uuid4()
    meta = _meta(owner)

    def create(_: int, i: int) -> None:
        runtime.apidoc.create_project(
            CreateProject(owner_id=owner, name=f"bench {i}", description="", base_url="", meta=meta)
        )

    return create


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(servers: Servers, workdir: Path, web_workers: int = 1) -> Iterator[str]:
    """This function will run `testament migrate`, then `testament serve` on the database."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESTAMENT_")}
    env.update(
        TESTAMENT_WEB_WORKERS=str(web_workers),
        TESTAMENT_DATABASE_URL=servers.database_url,
        TESTAMENT_REDIS_URL=servers.redis_url,
        TESTAMENT_SECRET_KEY=SECRET,
        TESTAMENT_DATA_DIR=str(workdir / "serve"),
        TESTAMENT_REGISTRATION="open",  # the bench opens its own accounts
        TESTAMENT_HOST="127.0.0.1",
        TESTAMENT_PORT=str(port),
    )
    cli = [sys.executable, "-m", "interfaces.cli.main"]
    subprocess.run([*cli, "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    log_path = workdir / "serve.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [*cli, "serve"], cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("testament serve did not start:\n" + log_path.read_text())
            with suppress(httpx.TransportError):
                if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        yield base_url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class LoadRun:
    """A run of wrk, the C load generator: the server's rate without a Python client's cost."""

    label: str
    threads: int
    per_second: float
    p50_ms: float
    p99_ms: float


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    """This function will read one of wrk's latencies ("850.00us", "12.3ms", "1.2s") in ms."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if found is None:
        raise ValueError(f"not a wrk latency: {text!r}")
    return float(found.group(1)) * _UNITS_MS[found.group(2)]


def bench_http_wrk(base_url: str, seconds: int) -> list[LoadRun]:
    """This function will POST /projects with wrk at each concurrency (if wrk is installed:
    `apt-get install -y wrk`), as a logged-in user."""
    if shutil.which("wrk") is None:
        return []
    email = f"bench-wrk-{uuid.uuid4().hex[:8]}@example.com"
    httpx.post(
        f"{base_url}/auth/register", json={"email": email, "password": PASSWORD}
    ).raise_for_status()
    token = httpx.post(
        f"{base_url}/auth/login", json={"email": email, "password": PASSWORD}
    ).json()["access_token"]
    runs = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\nwrk.body = \'{"name": "bench wrk"}\'\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        )
    try:
        for connections in CONCURRENCY:
            out = subprocess.run(
                ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--latency",
                 "-s", script.name, f"{base_url}/projects"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            if "Non-2xx" in out:
                raise RuntimeError(f"wrk saw errors:\n{out}")
            rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
            p50 = _ms(re.search(r"^\s*50%\s+(\S+)$", out, re.M).group(1))  # type: ignore[union-attr]
            p99 = _ms(re.search(r"^\s*99%\s+(\S+)$", out, re.M).group(1))  # type: ignore[union-attr]
            runs.append(LoadRun("HTTP POST /projects (wrk)", connections, rate, p50, p99))
    finally:
        os.unlink(script.name)
    return runs


@contextmanager
def http_commands(base_url: str) -> Iterator[dict[int, Command]]:
    """This function will register and log in a user, then give, per concurrency, a
    command(thread, i) that sends one POST /projects on that thread's keep-alive client."""
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    httpx.post(
        f"{base_url}/auth/register", json={"email": email, "password": PASSWORD}
    ).raise_for_status()
    login = httpx.post(f"{base_url}/auth/login", json={"email": email, "password": PASSWORD})
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    clients = {
        threads: [
            httpx.Client(base_url=base_url, headers=headers, timeout=30) for _ in range(threads)
        ]
        for threads in CONCURRENCY
    }

    def command(own: list[httpx.Client]) -> Command:
        def create(t: int, i: int) -> None:
            response = own[t].post("/projects", json={"name": f"bench {i}"})
            if response.status_code != 201:
                raise RuntimeError(
                    f"POST /projects answered {response.status_code}: {response.text}"
                )

        return create

    try:
        yield {threads: command(own) for threads, own in clients.items()}
    finally:
        for own in clients.values():
            for client in own:
                client.close()


def bench_commands(
    in_process: Command, http: dict[int, Command], n: int, rounds: int = 4
) -> tuple[list[Run], list[Run]]:
    """This function will measure both ways at each concurrency, interleaved in rounds of
    n / rounds commands, so that a change in the machine's load hits both alike."""
    timed("warm-up", min(200, n), max(CONCURRENCY), in_process)
    for threads in CONCURRENCY:
        timed("warm-up", min(100, n), threads, http[threads])
    parts: dict[tuple[str, int], list[Run]] = {}
    per_round = max(1, n // rounds)
    for _ in range(rounds):
        for threads in CONCURRENCY:
            for label, command in (
                ("in-process create_project", in_process),
                ("HTTP POST /projects", http[threads]),
            ):
                parts.setdefault((label, threads), []).append(
                    timed(label, per_round, threads, command)
                )
    merged = {
        key: Run(
            key[0],
            key[1],
            sum(r.commands for r in runs),
            sum(r.seconds for r in runs),
            [x for r in runs for x in r.latencies],
        )
        for key, runs in parts.items()
    }
    return (
        [merged[("in-process create_project", t)] for t in CONCURRENCY],
        [merged[("HTTP POST /projects", t)] for t in CONCURRENCY],
    )


def build_log(runtime: Runtime, events: int, per_save: int = 100) -> tuple[int, float]:
    """This function will append new projects, per_save per transaction, until the apidoc log
    holds at least `events` events. Returns the events written and the seconds it took."""
    app = runtime.apidoc
    owner = uuid.uuid4()
    meta = _meta(owner)
    head = app.recorder.max_notification_id() or 0
    written = 0
    started = time.perf_counter()
    while head + written < events:
        batch = [
            Project.start(
                owner_id=owner, name=f"log {written + k}", description="", base_url="", meta=meta
            )
            for k in range(per_save)
        ]
        app.save(*batch)
        written += per_save
    return written, time.perf_counter() - started


def raw_read(runtime: Runtime, start: int, stop: int, batch_size: int) -> int:
    """This function will read the apidoc log from start to stop in pages, decoding every
    event, and return how many there were."""
    app = runtime.apidoc
    total = 0
    while True:
        notifications = app.recorder.select_notifications(start=start, limit=batch_size, stop=stop)
        if not notifications:
            return total
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        total += len(notifications)
        start = notifications[-1].id + 1


@dataclass(frozen=True)
class CatchUp:
    """Events and seconds of the raw reads and of the projection, over the same log."""

    raw_events: int
    raw_seconds: float
    applied: int
    catch_up_seconds: float
    segments: int

    @property
    def ratio(self) -> float:
        return (self.applied / self.catch_up_seconds) / (self.raw_events / self.raw_seconds)


def catch_up_vs_raw(runtime: Runtime, batch_size: int, segments: int = 10) -> CatchUp:
    """This function will replay the projects projection from zero into its live table with
    `ProjectionRunner.catch_up`, and read the same log raw. Both go a segment at a time,
    interleaved, so that a change in the machine's load weighs on both alike."""
    model = read_model("projects")
    with runtime.pool.connection() as conn:
        conn.execute("TRUNCATE apidoc.projects")
        conn.execute("DELETE FROM projections.tracking WHERE projection_name = %s", (model.name,))
    view = model.view(model.schema)
    runner = ProjectionRunner(
        pool=runtime.pool,
        application=runtime.apidoc,
        projection=model.projection(view),
        view=view,
        batch_size=batch_size,
    )
    head = runtime.apidoc.recorder.max_notification_id() or 0
    raw_read(runtime, 1, head, batch_size)  # both then start from a warm cache
    raw_events = applied = 0
    raw_seconds = catch_up_seconds = 0.0
    start = 1
    for segment in range(1, segments + 1):
        stop = head * segment // segments
        started = time.perf_counter()
        raw_events += raw_read(runtime, start, stop, batch_size)
        raw_seconds += time.perf_counter() - started
        started = time.perf_counter()
        applied += runner.catch_up(until=stop)
        catch_up_seconds += time.perf_counter() - started
        start = stop + 1
    with runtime.pool.connection() as conn:
        rows = conn.execute("SELECT count(*) AS n FROM apidoc.projects").fetchone()
    if rows is None or rows["n"] == 0 or runner.position() != head:
        raise RuntimeError("the projection did not reach the head of the log")
    return CatchUp(raw_events, raw_seconds, applied, catch_up_seconds, segments)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000, help="commands per measurement (2000)")
    parser.add_argument(
        "--web-workers", type=int, default=2, help="API processes of the server (2)"
    )
    parser.add_argument(
        "--wrk-seconds", type=int, default=10, help="seconds per wrk measurement (10)"
    )
    parser.add_argument(
        "--events", type=int, default=100_000, help="log size for catch-up (100000)"
    )
    args = parser.parse_args(argv)

    configured = os.environ.get("TESTAMENT_DATABASE_URL") and os.environ.get("TESTAMENT_REDIS_URL")
    mode = "the configured servers" if configured else "embedded servers"
    print(
        f"Testament bench: n={args.n}, events>={args.events}, on {mode}, {os.cpu_count()} CPUs,"
        f" load average {os.getloadavg()[0]:.2f}"
    )
    with (
        tempfile.TemporaryDirectory(prefix="testament-bench-") as tmp,
        throwaway_servers(Path(tmp)) as servers,
    ):
        workdir = Path(tmp)
        settings = Settings(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            secret_key=SECRET,
            data_dir=workdir / "data",
        )
        runtime = migrate(settings, servers)
        try:
            print("a, b. in-process and HTTP commands, interleaved ...", flush=True)
            with (
                serve(servers, workdir, args.web_workers) as base_url,
                http_commands(base_url) as http_command,
            ):
                in_process, http = bench_commands(in_process_command(runtime), http_command, args.n)
                loaded = bench_http_wrk(base_url, args.wrk_seconds)
            print("c. projection catch-up ...", flush=True)
            written, write_seconds = build_log(runtime, args.events)
            batch = settings.projection_batch_size
            catch_up = catch_up_vs_raw(runtime, batch)
        finally:
            runtime.close()

    print()
    print(
        f"{'measurement':<34}{'threads':>8}{'commands':>10}{'cmd/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
    )
    for run in in_process + http:
        print(
            f"{run.label:<34}{run.threads:>8}{run.commands:>10}{run.per_second:>10.0f}"
            f"{run.percentile(50):>9.2f}{run.percentile(99):>9.2f}"
        )
    for load in loaded:
        print(
            f"{load.label:<34}{load.threads:>8}{'-':>10}{load.per_second:>10.0f}"
            f"{load.p50_ms:>9.2f}{load.p99_ms:>9.2f}"
        )
    if not loaded:
        print(
            "  (wrk is not installed: `apt-get install -y wrk`; HTTP is measured with httpx only)"
        )
    by_threads = {run.threads: run for run in in_process}
    for run in [*http, *loaded]:
        ratio = run.per_second / by_threads[run.threads].per_second
        print(f"  {run.label} / in-process at {run.threads} thread(s): {ratio:.2f}")
    print()
    print(
        f"{'projection catch-up (batch ' + str(batch) + ')':<40}"
        f"{'events':>10}{'seconds':>10}{'events/s':>12}"
    )
    for label, (events, seconds) in (
        ("  writing the log (100 per save)", (written, write_seconds)),
        ("  raw read + decode", (catch_up.raw_events, catch_up.raw_seconds)),
        ("  ProjectionRunner.catch_up (projects)", (catch_up.applied, catch_up.catch_up_seconds)),
    ):
        print(f"{label:<40}{events:>10}{seconds:>10.2f}{events / seconds:>12.0f}")
    print(
        f"  catch-up / raw read: {catch_up.ratio:.3f}"
        f" (interleaved in {catch_up.segments} segments of the log)"
    )
    print()
    # The server's throughput: wrk's when it ran (a Python client costs as much CPU as the
    # server on this machine), httpx's otherwise; compared at the same concurrency.
    best_http: Any = max(
        [*http, *loaded], key=lambda run: run.per_second / by_threads[run.threads].per_second
    )
    http_ratio = best_http.per_second / by_threads[best_http.threads].per_second
    print(
        f"TARGET http_vs_inprocess measured={http_ratio:.2f} goal={HTTP_GOAL} "
        f"met={'yes' if http_ratio >= HTTP_GOAL else 'no'}"
    )
    print(
        f"TARGET projection_catchup_vs_raw_read measured={catch_up.ratio:.3f} goal={CATCHUP_GOAL} "
        f"met={'yes' if catch_up.ratio >= CATCHUP_GOAL else 'no'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
