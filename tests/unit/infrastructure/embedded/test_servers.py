"""The embedded PostgreSQL's holders: a process killed with SIGKILL does not keep it alive."""

import json
import os
import subprocess
import sys
from pathlib import Path

from infrastructure.embedded.servers import _forget_dead_holders


def a_dead_pid() -> int:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


class TestForgetDeadHolders:
    def test_drops_holders_that_no_longer_run_and_keeps_the_living(self, tmp_path: Path) -> None:
        holders = tmp_path / ".handle_pids.json"
        alive = os.getppid()
        holders.write_text(json.dumps([a_dead_pid(), alive]))

        _forget_dead_holders(tmp_path)

        # Left alone, the dead pid kept the server running after the last living holder
        # stopped: the wheel stops it only when the list holds nothing but the one stopping.
        assert json.loads(holders.read_text()) == [alive]

    def test_leaves_a_data_dir_with_no_holders_alone(self, tmp_path: Path) -> None:
        _forget_dead_holders(tmp_path)
        assert not (tmp_path / ".handle_pids.json").exists()
