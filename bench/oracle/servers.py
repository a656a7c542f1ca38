"""The processes the oracle drives: Testament (servers mode) and Prism (mock behind proxy).

Testament runs as an operator runs it on real servers: `migrate`, then `serve`, `projector`
and `worker` as separate processes on a throwaway database. Prism runs twice per spec:
`prism mock` (static examples, validating requests) and `prism proxy` in front of it, which
validates each request and each of the mock's responses against the document and reports
what it found in the `sl-violations` header. Everything listens on 127.0.0.1 only.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
SECRET = "oracle-secret-key-long-enough-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass
class Testament:
    """`serve`, `projector` and `worker` on one database; `base_url` is the API."""

    base_url: str
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, *args: str) -> None:
        with (self.logs / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "interfaces.cli.main", *args],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def output(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            _stop(process)


@contextmanager
def testament(
    database_url: str, redis_url: str, workdir: Path, secret: str = SECRET
) -> Iterator[Testament]:
    """This function will migrate the database and run the three processes until the end
    (on a test session's database, give the session's secret: its identity log needs it)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESTAMENT_")}
    env.update(
        TESTAMENT_DATABASE_URL=database_url,
        TESTAMENT_REDIS_URL=redis_url,
        TESTAMENT_QUEUE_NAMESPACE=f"testament-oracle-{uuid.uuid4().hex[:10]}",
        TESTAMENT_SECRET_KEY=secret,
        TESTAMENT_DATA_DIR=str(workdir / "data"),
        TESTAMENT_HOST="127.0.0.1",
        TESTAMENT_PORT=str(port),
        # Prism and the seeded apps listen on loopback.
        TESTAMENT_ALLOW_PRIVATE_TARGETS="true",
        # The harness opens its own account, as a user of an open install would.
        TESTAMENT_REGISTRATION="open",
        TESTAMENT_ACCESS_LOG="false",
        TESTAMENT_ACCESS_TOKEN_MINUTES="240",
        PYTHONUNBUFFERED="1",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    deployment = Testament(base_url=f"http://127.0.0.1:{port}", env=env, logs=workdir)
    migrated = subprocess.run(
        [sys.executable, "-m", "interfaces.cli.main", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=180,
    )
    if migrated.returncode != 0:
        raise RuntimeError("testament migrate failed:\n" + migrated.stderr.decode()[-3000:])
    try:
        deployment.start("projector", "projector")
        deployment.start("worker", "worker", "--threads", "2")
        deployment.start("serve", "serve")
        deadline = time.monotonic() + 90
        while True:
            with suppress(httpx.HTTPError):
                if httpx.get(f"{deployment.base_url}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline or deployment.processes["serve"].poll() is not None:
                raise RuntimeError("testament serve did not start:\n" + deployment.output("serve"))
            time.sleep(0.2)
        yield deployment
    finally:
        deployment.stop()


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"prism exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            )
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(
        f"prism did not listen on {port} within {timeout:g}s:\n{log.read_text()[-3000:]}"
    )


@dataclass
class Prism:
    """A `prism mock` and a `prism proxy` in front of it; send requests to `proxy_url`."""

    mock_url: str
    proxy_url: str
    processes: list[subprocess.Popen[bytes]]


@contextmanager
def prism(binary: Path, document: Path, workdir: Path, timeout: float = 60) -> Iterator[Prism]:
    """This function will serve one document with Prism until the block ends."""
    workdir.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        mock_port, proxy_port = free_port(), free_port()
        mock_log, proxy_log = workdir / "prism-mock.log", workdir / "prism-proxy.log"
        with mock_log.open("wb") as log:
            # Static examples (no --dynamic): the same request gets the same answer.
            processes.append(
                subprocess.Popen(
                    [str(binary), "mock", "-h", "127.0.0.1", "-p", str(mock_port), str(document)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        with proxy_log.open("wb") as log:
            # --errors off: the proxy forwards every request and reports what it found in
            # sl-violations, so the mock's own answer (422, 401, an example) reaches Testament.
            processes.append(
                subprocess.Popen(
                    [
                        str(binary),
                        "proxy",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(proxy_port),
                        str(document),
                        f"http://127.0.0.1:{mock_port}",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        _wait_listening(mock_port, processes[0], mock_log, timeout)
        _wait_listening(proxy_port, processes[1], proxy_log, timeout)
        yield Prism(f"http://127.0.0.1:{mock_port}", f"http://127.0.0.1:{proxy_port}", processes)
    finally:
        for process in processes:
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
