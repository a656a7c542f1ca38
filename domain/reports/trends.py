"""Trends of a suite over its last runs: pass rate, duration, and flaky cases.

A case is flaky when its verdict changes between runs with no change to the case: two runs
of the same version of it (and the same data-set row) that passed once and failed once.
A skipped case has no verdict.
"""

from dataclasses import dataclass, field
from typing import Any

VERDICTS = ("Passed", "Failed", "Error")


@dataclass(frozen=True, kw_only=True)
class RunOutcome:
    """One run of the suite as trends see it."""

    run_id: str
    run_number: int
    status: str
    completed_at: str
    passed: int
    failed: int
    skipped: int
    duration_ms: int
    # (case id, row) -> (case name, case version, status)
    verdicts: dict[tuple[str, str], tuple[str, int, str]] = field(default_factory=dict)

    @property
    def pass_rate(self) -> float:
        executed = self.passed + self.failed
        return round(100 * self.passed / executed, 2) if executed else 0.0


def suite_trends(outcomes: list[RunOutcome]) -> dict[str, Any]:
    """This function will give the trends of runs given newest first."""
    seen: dict[tuple[str, str, int], dict[str, Any]] = {}
    for outcome in outcomes:
        for (case_id, row), (name, version, status) in outcome.verdicts.items():
            if status not in VERDICTS:
                continue
            entry = seen.setdefault(
                (case_id, row, version),
                {
                    "case_id": case_id,
                    "case_name": name,
                    "row": row or None,
                    "case_version": version,
                    "verdicts": [],
                },
            )
            entry["verdicts"].append({"run_number": outcome.run_number, "status": status})
    flaky = [
        entry
        for entry in seen.values()
        if len({v["status"] == "Passed" for v in entry["verdicts"]}) > 1
    ]
    rates = [o.pass_rate for o in outcomes]
    return {
        "runs": [
            {
                "run_id": o.run_id,
                "run_number": o.run_number,
                "status": o.status,
                "completed_at": o.completed_at,
                "pass_rate": o.pass_rate,
                "duration_ms": o.duration_ms,
                "passed": o.passed,
                "failed": o.failed,
                "skipped": o.skipped,
            }
            for o in outcomes
        ],
        "average_pass_rate": round(sum(rates) / len(rates), 2) if rates else 0.0,
        "average_duration_ms": (
            sum(o.duration_ms for o in outcomes) // len(outcomes) if outcomes else 0
        ),
        "flaky_cases": sorted(flaky, key=lambda e: (e["case_name"], e["row"] or "")),
    }
