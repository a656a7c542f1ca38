"""Stopping Testament: bounded in time, and the embedded servers stop with it."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

STUCK_SHUTDOWN = textwrap.dedent(
    """
    import sys, threading, types
    from interfaces.processes import stop_everything

    marker = sys.argv[1]

    class Embedded:
        def stop(self):
            open(marker, "w").write("stopped")

    class StuckWorker:  # a message blocked in a call that never returns
        def stop(self, timeout):
            threading.Event().wait()

    runtime = types.SimpleNamespace(
        servers=types.SimpleNamespace(embedded=Embedded()), close=lambda: None
    )
    stop_everything(threading.Event(), StuckWorker(), runtime, grace_seconds=1.0)
    print("returned")  # never: the watchdog ends the process
    """
)


class TestStopEverything:
    def test_a_stuck_worker_cannot_hold_the_process_or_its_embedded_servers(
        self, tmp_path: Path
    ) -> None:
        marker = tmp_path / "embedded-stopped"
        started = time.monotonic()
        ended = subprocess.run(
            [sys.executable, "-c", STUCK_SHUTDOWN, str(marker)],
            capture_output=True,
            timeout=60,
            cwd=Path(__file__).parents[3],
        )
        assert ended.returncode == 1, ended.stderr.decode()[-2000:]
        assert marker.read_text() == "stopped"
        assert b"returned" not in ended.stdout
        assert time.monotonic() - started < 30


class TestProjecting:
    def test_gives_every_projection_thread_and_the_tickers_a_connection(self) -> None:
        from infrastructure.projections.catalog import READ_MODELS
        from infrastructure.settings import Settings
        from interfaces.processes import projecting

        # Every read model's runner per log, and the Free-plan process manager.
        threads = sum(len(model.projection.follows) for model in READ_MODELS) + 1
        assert projecting(Settings(pool_size=2)).pool_size == threads + 4
        assert projecting(Settings(pool_size=500)).pool_size == 500
