"""Reports of a large run: a Detailed report of a 10,000-case run in each format (CSV, JSON,
HTML, PDF), time and peak memory, against a baseline measured in the same run: serialising the
same results with json.dumps, the least any format must do.

Each format is made in a forked child process, so its peak memory (ru_maxrss, minus what the
child held when it started) is its own. The run is synthetic (bench/reports.py builds it: cases
across 40 endpoints, every tenth failing with its checks and an explanation, some data-driven)
and goes through the real application: captured, then reported by TestreportApplication with
the real renderers, on the in-memory event store.

  .venv/bin/python bench/reports.py                    # 10,000 cases (and 1,000 for memory)
  .venv/bin/python bench/reports.py --samples docs/samples   # write the docs' sample reports

Prints, last:
  TARGET detailed_report_10000_html_s measured=<s> goal=5 met=<yes|no>
  TARGET detailed_report_10000_pdf_s measured=<s> goal=30 met=<yes|no>
"""

import argparse
import atexit
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID, uuid4, uuid5

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from application.testreport.app import TestreportApplication
from application.testreport.commands import RequestReport
from application.testreport.ports import FinishedRun, RunState
from domain.reports.model import ReportFormat, ReportType
from domain.shared.meta import Meta
from infrastructure.reports.capture_codec import OrjsonCaptureCodec
from infrastructure.reports.renderer import DocumentRenderer

GOALS = {"HTML": 5.0, "PDF": 30.0}
ENDPOINTS = 40
NAMESPACE = UUID("6f1c3c44-9b51-4a4e-9a47-4d3f0d6a0c11")


def endpoints() -> list[dict[str, Any]]:
    """This function will give a specification of resources, each with four operations."""
    out = []
    for index in range(ENDPOINTS // 4):
        resource_path, tag = f"/v1/resource{index}", f"area{index % 4}"
        item = {"name": "id", "location": "path"}
        body = {"schema": {"type": "object", "properties": {"name": {}, "size": {}, "note": {}}}}
        for method, path, parameters, request_body, statuses in (
            ("GET", resource_path, [{"name": "limit", "location": "query"}], None, ["200"]),
            ("POST", resource_path, [], body, ["201", "422"]),
            ("GET", resource_path + "/{id}", [item], None, ["200", "404"]),
            ("DELETE", resource_path + "/{id}", [item], None, ["204", "404"]),
        ):
            out.append(
                {
                    "method": method,
                    "path": path,
                    "tags": [tag],
                    "parameters": parameters,
                    "request_body": request_body,
                    "responses": [{"status_code": s} for s in statuses],
                }
            )
    return out


def a_result(number: int, spec: list[dict[str, Any]]) -> dict[str, Any]:
    """This function will give the captured result of the case numbered `number`."""
    # Three in four endpoints are exercised; the last of each resource (DELETE) never is.
    endpoint = spec[(number % (ENDPOINTS // 4)) * 4 + number % 3]
    failed = number % 10 == 7
    path = str(endpoint["path"]).replace("{id}", str(number))
    body = (
        json.dumps({"name": f"thing {number}", "size": number % 17})
        if endpoint["method"] == "POST"
        else ""
    )
    expected = int(endpoint["responses"][0]["status_code"])
    status = 500 if failed else expected
    checks = [
        {
            "check": "status",
            "passed": not failed,
            "expected": [expected],
            "actual": status,
            "message": "",
        },
        {"check": "$.name", "passed": True, "expected": "exists", "actual": "thing", "message": ""},
    ]
    return {
        "case_id": str(uuid5(NAMESPACE, f"case {number // 4 if number % 8 == 0 else number}")),
        "case_name": f"{endpoint['method']} {endpoint['path']}: case {number}",
        "case_version": 1,
        "endpoint_key": f"{endpoint['method']} {endpoint['path']}",
        "test_type": ("HappyPath", "Validation", "Boundary", "Security")[number % 4],
        "tags": list(endpoint["tags"]) + (["smoke"] if number % 5 == 0 else []),
        "row": f"rows#{number % 4}" if number % 8 == 0 else None,
        "status": "Failed" if failed else "Passed",
        "started_at": "2026-12-03T12:00:00.000+00:00",
        "completed_at": "2026-12-03T12:00:00.050+00:00",
        "duration_ms": 20 + (number * 37) % 900,
        "request": {
            "method": endpoint["method"],
            "url": f"https://api.example.com{path}?limit=10",
            "headers": {"Accept": "application/json", "Authorization": "Bearer ***"},
            "body": body,
        },
        "response": {
            "status": status,
            "headers": {"Content-Type": "application/json", "X-Request-Id": f"req-{number}"},
            "body": json.dumps({"id": number, "name": f"thing {number}", "items": list(range(12))}),
            "truncated": False,
            "time_ms": 15 + number % 300,
        },
        "validations": checks,
        "failure_reason": f"status: expected [{expected}], got 500" if failed else "",
        "llm_explanation": (
            "The server answered 500 to a valid request: the error is on the server side."
            if failed
            else ""
        ),
    }


class Facts:
    def __init__(self, runs: dict[UUID, FinishedRun]) -> None:
        self.runs = runs

    def finished_run(self, run_id: UUID) -> FinishedRun | None:
        return self.runs.get(run_id)

    def run_state(self, run_id: UUID, user_id: UUID) -> RunState:
        return RunState(suite_id=self.runs[run_id].suite_id, finished=True, details_available=True)


class Files:
    """Files on disk, in a temporary directory, as the storage context keeps them (streamed
    formats are written as they come, so a report's peak memory is the renderer's own)."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="testament-bench-reports-"))
        atexit.register(shutil.rmtree, self.directory, True)

    def store(self, owner_id: UUID, file_name: str, content_type: str, content: bytes) -> UUID:
        file_id = uuid4()
        (self.directory / str(file_id)).write_bytes(content)
        return file_id

    def read(self, file_id: UUID) -> bytes:
        return (self.directory / str(file_id)).read_bytes()

    def store_chunks(
        self, owner_id: UUID, file_name: str, content_type: str, chunks: Iterable[bytes]
    ) -> tuple[UUID, int]:
        file_id, size = uuid4(), 0
        with (self.directory / str(file_id)).open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                size += len(chunk)
        return file_id, size

    def open(self, file_id: UUID) -> BinaryIO:
        return (self.directory / str(file_id)).open("rb")


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 12, 3, 12, 30, tzinfo=UTC)


class AllFormats:
    def allowed_formats(self, owner_id: UUID) -> list[str]:
        return [f.value for f in ReportFormat]


def a_run(cases: int, number: int = 1, suite_id: UUID | None = None) -> FinishedRun:
    spec = endpoints()
    results = [a_result(n, spec) for n in range(cases)]
    failed = sum(1 for r in results if r["status"] == "Failed")
    run_id = uuid5(NAMESPACE, f"run {number} of {cases}")  # the same samples every time
    started = datetime(2026, 12, 3, 12, 0, tzinfo=UTC) + timedelta(hours=number)
    return FinishedRun(
        run_id=run_id,
        project_id=UUID(int=1),
        suite_id=suite_id or uuid4(),
        owner_id=UUID(int=2),
        run_number=number,
        spec_id=UUID(int=3),
        spec_version=4,
        endpoints=spec,
        summary={
            "run_id": str(run_id),
            "run_number": number,
            "project_id": str(UUID(int=1)),
            "project_name": "Shop API",
            "suite_id": "",
            "suite_name": "Regression",
            "environment_id": "",
            "environment_name": "staging",
            "status": "Completed",
            "started_at": started.isoformat(),
            "completed_at": (started + timedelta(seconds=95)).isoformat(),
            "duration_ms": 95_000,
            "total_tests": cases,
            "passed": cases - failed,
            "failed": failed,
            "skipped": 0,
            "failure_reason": "",
            "triggered_by": str(UUID(int=2)),
        },
        results=results,
    )


def an_app(runs: dict[UUID, FinishedRun], files: Files) -> TestreportApplication:
    return TestreportApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        facts=Facts(runs),
        clock=Clock(),
        files=files,
        renderer=DocumentRenderer(),
        policy=AllFormats(),
        codec=OrjsonCaptureCodec(),
    )


def ask(app: TestreportApplication, run: FinishedRun, kind: str, fmt: str) -> UUID:
    owner = run.owner_id
    meta = Meta(user_id=str(owner), ip=None, user_agent=None, correlation_id=None, reason=None)
    return app.request_report(
        RequestReport(
            run_id=run.run_id, requester_id=owner, report_type=kind, format=fmt, meta=meta
        )
    ).aggregate_id


def _rss_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def measure(app: TestreportApplication, run: FinishedRun, fmt: str) -> tuple[float, float, int]:
    """This function will make a Detailed report in a forked child: seconds, peak MB, bytes."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: make it, report, leave
        os.close(read)
        report_id = ask(app, run, "Detailed", fmt)
        before = _rss_kb()
        started = time.perf_counter()
        app.generate_report(report_id)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        size = app.report(report_id, run.owner_id).size
        os.write(write, json.dumps([seconds, peak / 1024, size]).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        seconds, peak_mb, size = json.loads(pipe.read())
    os.waitpid(child, 0)
    return seconds, peak_mb, size


def samples(directory: Path) -> None:
    """This function will write each type in each format of a small run, with trends."""
    suite = uuid5(NAMESPACE, "suite")
    files = Files()
    runs = {}
    for number in (1, 2, 3):
        run = a_run(24, number, suite)
        runs[run.run_id] = run
    app = an_app(runs, files)
    for run in runs.values():
        app.capture_finished_run(run.run_id)

    class Trends:
        def for_report(self, suite_id: UUID, owner_id: UUID) -> dict[str, Any]:
            from application.testreport.listing import CapturedRun, ReportQueries

            class Reader:
                def run_reports(self, *_: Any, **__: Any) -> list[Any]:
                    return []

                def suite_captures(self, *_: Any, **__: Any) -> list[CapturedRun]:
                    found = []
                    for r in sorted(runs.values(), key=lambda r: -r.run_number):
                        capture = app.run_capture(r.run_id)
                        assert capture is not None
                        found.append(
                            CapturedRun(
                                run_id=r.run_id,
                                run_number=r.run_number,
                                file_id=capture.file_id,
                                summary=capture.summary,
                            )
                        )
                    return found

            class Anyone:
                def require_run(self, *_: Any) -> None: ...
                def require_suite(self, *_: Any) -> None: ...
                def require_project(self, *_: Any) -> None: ...

            found = ReportQueries(Reader(), files, Anyone(), OrjsonCaptureCodec()).for_report(
                suite_id, owner_id
            )
            assert found is not None
            return found

    app._trends = Trends()
    latest = max(runs.values(), key=lambda r: r.run_number)
    directory.mkdir(parents=True, exist_ok=True)
    extensions = {"CSV": "csv", "JSON": "json", "HTML": "html", "PDF": "pdf"}
    for kind in ReportType:
        for fmt in ReportFormat:
            report_id = ask(app, latest, kind.value, fmt.value)
            app.generate_report(report_id)
            _, content = app.report_content(report_id, latest.owner_id)
            path = directory / f"{kind.value.lower()}.{extensions[fmt.value]}"
            path.write_bytes(content)
            print(f"wrote {path} ({len(content)} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--samples", type=Path, help="write sample reports here and stop")
    args = parser.parse_args()
    if args.samples:
        samples(args.samples)
        return
    print(f"load average at start: {os.getloadavg()}")
    measured: dict[int, dict[str, tuple[float, float, int]]] = {}
    for cases in sorted({1_000, args.cases}):
        run = a_run(cases)
        files = Files()
        app = an_app({run.run_id: run}, files)
        started = time.perf_counter()
        app.capture_finished_run(run.run_id)
        capture = time.perf_counter() - started
        started = time.perf_counter()
        json.dumps(run.results)
        baseline = time.perf_counter() - started
        print(
            f"\n{cases} cases: capture (file + coverage) {capture:.2f} s;"
            f" baseline json.dumps of the results {baseline:.3f} s"
        )
        measured[cases] = {}
        for fmt in ("CSV", "JSON", "HTML", "PDF"):
            seconds, peak_mb, size = measure(app, run, fmt)
            measured[cases][fmt] = (seconds, peak_mb, size)
            print(
                f"  Detailed {fmt:<4} {seconds:7.2f} s  peak +{peak_mb:7.1f} MB"
                f"  {size / 1e6:7.2f} MB file  {seconds / baseline:7.1f}x baseline"
            )
    small, large = min(measured), max(measured)
    if small != large:
        print(f"\npeak memory, {large} cases against {small} (1.0 = flat in the number of cases):")
        for fmt in ("CSV", "JSON", "HTML", "PDF"):
            ratio = measured[large][fmt][1] / max(measured[small][fmt][1], 0.1)
            print(f"  {fmt:<4} {ratio:5.1f}x")
    print()
    for fmt, goal in GOALS.items():
        seconds = measured[large][fmt][0]
        met = "yes" if seconds <= goal else "no"
        print(
            f"TARGET detailed_report_{large}_{fmt.lower()}_s measured={seconds:.2f}"
            f" goal={goal:g} met={met}"
        )


if __name__ == "__main__":
    main()
