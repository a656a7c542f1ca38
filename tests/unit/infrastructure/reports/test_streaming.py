"""CSV and JSON reports written item by item: the same bytes as the whole-document writers,
from a head that does not hold the results, reading the results as a stream."""

import io
import tracemalloc
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from domain.reports.document import document_head, report_document
from infrastructure.reports.capture_codec import OrjsonCaptureCodec
from infrastructure.reports.renderer import DocumentRenderer
from tests.unit.application.testreport_fakes import a_result

RENDERER = DocumentRenderer()
ENDPOINT = {
    "key": "GET /a",
    "method": "GET",
    "path": "/a",
    "tags": ["a"],
    "tested": True,
    **{
        name: ["x"]
        for name in (
            "statuses_documented",
            "statuses_observed",
            "statuses_undocumented",
            "parameters_documented",
            "parameters_exercised",
            "body_fields_documented",
            "body_fields_sent",
        )
    },
}
COVERAGE = {"coverage_percent": 50.0, "endpoints": [ENDPOINT]}


def results(count: int) -> list[dict[str, Any]]:
    out = []
    for number in range(count):
        result = a_result(f"case {number}", ("Passed", "Failed", "Error", "Skipped")[number % 4])
        result["validations"] = [
            {"check": "status", "passed": number % 4 == 0, "expected": [200], "actual": 500}
        ]
        result["duration_ms"] = (number * 37) % 50  # many ties: run order must break them
        result["tags"] = [] if number % 3 else ["smoke", f"t{number % 5}"]
        out.append(result)
    return out


def streamed(kind: str, fmt: str, run: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    head = document_head(
        kind, run=run, results=iter(rows), coverage=COVERAGE, trends=None, generated_at="t"
    )
    return b"".join(RENDERER.render_stream(head, lambda: iter(rows), fmt))


@pytest.mark.parametrize("kind", ["Summary", "Detailed", "Coverage"])
@pytest.mark.parametrize("fmt", ["CSV", "JSON"])
@pytest.mark.parametrize("count", [0, 1, 37, 1200])
def test_streamed_bytes_are_the_whole_documents(kind: str, fmt: str, count: int) -> None:
    rows = results(count)
    run = {"run_id": "r", "run_number": 3, "status": "Completed", "passed": 5, "failed": 2}
    whole = report_document(
        kind, run=run, results=rows, coverage=COVERAGE, trends=None, generated_at="t"
    )
    assert RENDERER.streams(fmt)
    assert streamed(kind, fmt, run, rows) == RENDERER.render(whole, fmt)
    if fmt == "JSON":
        assert orjson.loads(streamed(kind, fmt, run, rows)) == whole


def test_html_and_pdf_are_not_streamed() -> None:
    assert not RENDERER.streams("HTML") and not RENDERER.streams("PDF")


def test_the_capture_is_read_back_from_a_stream() -> None:
    codec = OrjsonCaptureCodec()
    rows = results(5)
    content = codec.encode({"run_id": "r"}, rows)
    assert codec.run_from(io.BytesIO(content)) == {"run_id": "r"}
    assert list(codec.results_from(io.BytesIO(content))) == rows


def test_streaming_memory_does_not_grow_with_the_results() -> None:
    def peak(count: int) -> int:
        def generated() -> Iterator[dict[str, Any]]:
            for number in range(count):
                yield a_result(f"case {number}", "Failed" if number % 10 == 7 else "Passed")

        run = {"run_id": "r", "status": "Completed", "passed": count, "failed": 0}
        tracemalloc.start()
        head = document_head(
            "Detailed", run=run, results=generated(), coverage=None, trends=None, generated_at="t"
        )
        for _ in RENDERER.render_stream(head, generated, "JSON"):
            pass
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    small, large = peak(500), peak(10_000)
    assert large < small * 2, (small, large)  # twenty times the cases, not twice the memory
