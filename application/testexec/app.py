"""The testexec context: execution environments and test runs."""

from typing import Any

from application.testexec.schedules import ScheduleCommands
from domain.environments.model import ExecutionEnvironment
from domain.runs.model import RunSlots, TestRun


class TestexecApplication(ScheduleCommands):
    """Environments, runs, their outcomes and schedules; execution itself is a port (the
    engine)."""

    __test__ = False
    name = "testexec"
    snapshotting_intervals = {TestRun: 50, ExecutionEnvironment: 50, RunSlots: 50}

    def __init__(self, env: dict[str, str] | None = None, **ports: Any) -> None:
        super().__init__(env)
        for port in (
            "box",
            "projects",
            "suites",
            "retention",
            "results",
            "engine",
            "clock",
            "expired",
            "limits",
            "schedules",
        ):
            setattr(self, f"_{port}", ports.pop(port, None))
        if ports:
            raise TypeError(f"unknown ports: {sorted(ports)}")
