"""The exit status `testament run` gives a CI pipeline for a finished run."""

import pytest

from interfaces.cli.run import exit_status


@pytest.mark.parametrize(
    ("status", "failed", "skipped", "expected"),
    [
        ("Completed", 0, 0, 0),
        ("Completed", 1, 0, 1),
        ("Completed", 0, 1, 1),  # skipped is not passed
        ("Cancelled", 0, 0, 1),
        ("Failed", 0, 0, 1),
    ],
)
def test_passes_a_pipeline_only_when_every_case_passed(
    status: str, failed: int, skipped: int, expected: int
) -> None:
    run = {"status": status, "passed": 3, "failed": failed, "skipped": skipped}
    assert exit_status(run) == expected
