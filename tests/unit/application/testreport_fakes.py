"""In-memory ports of the testreport application, and a finished run to report on."""

import io
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, BinaryIO
from uuid import UUID, uuid4

from application.testreport.ports import FinishedRun, RunState
from domain.shared.errors import NotFoundError
from projections.testreport.view import TestreportView

ENDPOINTS = [
    {"method": "GET", "path": "/pets", "tags": ["pets"], "responses": [{"status_code": "200"}]},
    {"method": "GET", "path": "/stores", "tags": ["stores"], "responses": []},
]


def a_result(name: str, status: str = "Passed", **fields: Any) -> dict[str, Any]:
    """This function will give one captured case result."""
    return {
        "case_id": fields.pop("case_id", str(uuid4())),
        "case_name": name,
        "case_version": fields.pop("case_version", 1),
        "endpoint_key": "GET /pets",
        "test_type": "HappyPath",
        "tags": ["pets"],
        "row": None,
        "status": status,
        "duration_ms": 5,
        "request": {"method": "GET", "url": "/pets", "headers": {}, "body": ""},
        "response": {"status": 200, "headers": {}, "body": "[]", "truncated": False, "time_ms": 4},
        "validations": [],
        "failure_reason": "",
        "llm_explanation": "",
        **fields,
    }


GET_PETS = a_result("list pets")


class FixedClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


class Facts:
    def __init__(self) -> None:
        self.finished: dict[UUID, FinishedRun] = {}
        self.expired: set[UUID] = set()
        self.running: set[UUID] = set()

    def finished_run(self, run_id: UUID) -> FinishedRun | None:
        return None if run_id in self.expired else self.finished.get(run_id)

    def run_state(self, run_id: UUID, user_id: UUID) -> RunState:
        run = self.finished.get(run_id)
        if run is None or run.owner_id != user_id:
            raise NotFoundError("test run not found")
        return RunState(
            suite_id=run.suite_id,
            finished=run_id not in self.running,
            details_available=run_id not in self.expired,
        )

    def a_finished_run(
        self, *results: dict[str, Any], suite_id: UUID | None = None, number: int = 1
    ) -> FinishedRun:
        run_id = uuid4()
        passed = sum(1 for r in results if r["status"] == "Passed")
        run = FinishedRun(
            run_id=run_id,
            project_id=uuid4(),
            suite_id=suite_id or uuid4(),
            owner_id=uuid4(),
            run_number=number,
            spec_id=uuid4(),
            spec_version=3,
            endpoints=ENDPOINTS,
            summary={
                "run_id": str(run_id),
                "run_number": number,
                "suite_name": "Pets",
                "project_name": "Shop",
                "environment_name": "local",
                "status": "Completed",
                "passed": passed,
                "failed": sum(1 for r in results if r["status"] in ("Failed", "Error")),
                "skipped": sum(1 for r in results if r["status"] == "Skipped"),
                "total_tests": len(results),
                "duration_ms": 50,
                "started_at": "2026-12-03T11:59:00+00:00",
                "completed_at": "2026-12-03T12:00:00+00:00",
                "failure_reason": "",
            },
            results=list(results),
        )
        self.finished[run.run_id] = run
        return run


class MemoryFiles:
    def __init__(self) -> None:
        self.files: dict[UUID, tuple[str, str, bytes]] = {}

    def store(self, owner_id: UUID, file_name: str, content_type: str, content: bytes) -> UUID:
        file_id = uuid4()
        self.files[file_id] = (file_name, content_type, content)
        return file_id

    def read(self, file_id: UUID) -> bytes:
        return self.files[file_id][2]

    def store_chunks(
        self, owner_id: UUID, file_name: str, content_type: str, chunks: Iterable[bytes]
    ) -> tuple[UUID, int]:
        content = b"".join(chunks)
        return self.store(owner_id, file_name, content_type, content), len(content)

    def open(self, file_id: UUID) -> BinaryIO:
        return io.BytesIO(self.files[file_id][2])


class MemoryView(TestreportView):
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {
            "coverage_metrics": [],
            "run_captures": [],
            "test_reports": [],
        }

    def insert_coverage(self, row: dict[str, Any]) -> None:
        self.rows["coverage_metrics"].append(row)

    def insert_capture(self, row: dict[str, Any]) -> None:
        self.rows["run_captures"].append(row)

    def insert_report(self, row: dict[str, Any]) -> None:
        self.rows["test_reports"].append(row)

    def update_report(self, report_id: UUID, *, at: Any, version: int, **fields: Any) -> None:
        for row in self.rows["test_reports"]:
            if row["id"] == report_id:
                row.update(fields, updated_date_time=at, row_version=version)
