"""Testament in servers mode as separate processes (`serve`, `projector`, `worker`), for the
end-to-end tests and the benchmarks that drive it as an operator would."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Deployment:
    """The processes of one deployment and how to reach them."""

    base_url: str
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def cli(self, *args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
        """This function will run one `testament` command against the deployment's servers."""
        return subprocess.run(
            [sys.executable, "-m", "interfaces.cli.main", *args],
            env={**self.env, **env},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, name: str, *args: str, **env: str) -> None:
        """This function will start a long-running `testament` process under a name."""
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "interfaces.cli.main", *args],
            env={**self.env, **env},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def output(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def wait_healthy(
        self, base_url: str | None = None, name: str = "serve", timeout: float = 60
    ) -> None:
        """This function will wait up to `timeout` s for /health, or raise with the server's log."""
        url = base_url or self.base_url
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} did not start:\n" + self.output(name))
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def deployment_env(
    *, database_url: str, redis_url: str, secret_key: str, data_dir: Path, port: int, **extra: str
) -> dict[str, str]:
    """This function will give the environment of a servers-mode deployment on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESTAMENT_")}
    env.update(
        TESTAMENT_DATABASE_URL=database_url,
        TESTAMENT_REDIS_URL=redis_url,
        TESTAMENT_SECRET_KEY=secret_key,
        TESTAMENT_DATA_DIR=str(data_dir),
        TESTAMENT_HOST="127.0.0.1",
        TESTAMENT_PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env
