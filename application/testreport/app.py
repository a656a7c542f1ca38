"""The testreport context: coverage of runs, and the reports made of them (FE-10)."""

from typing import Any

from application.testreport.reports import ReportCommands
from domain.coverage.model import RunCoverage
from domain.reports.model import TestReport


class TestreportApplication(ReportCommands):
    """Coverage metrics and reports; the runs they describe come through ports."""

    __test__ = False
    name = "testreport"
    snapshotting_intervals = {RunCoverage: 50, TestReport: 50}

    def __init__(self, env: dict[str, str] | None = None, **ports: Any) -> None:
        super().__init__(env)
        for port in (
            "facts",
            "clock",
            "files",
            "renderer",
            "policy",
            "retention",
            "trends",
            "codec",
        ):
            setattr(self, f"_{port}", ports.pop(port, None))
        if ports:
            raise TypeError(f"unknown ports: {sorted(ports)}")
